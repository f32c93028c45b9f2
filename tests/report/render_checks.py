"""Render checks for the report, made with real tools rather than by reading the markup.

* :func:`figures_rendered` opens a self-contained HTML report in headless Chromium and says,
  for every ``<figure id="FIG-...">``, whether its image actually decoded and drew.
* :func:`pdf_pages` rasterises a PDF with poppler's ``pdftoppm`` and gives each page's ink
  coverage, so blank pages show up as (near) zero.

Tests that use them call :func:`require_chromium` / :func:`require_poppler` first: these skip
when the tool is missing on a developer's machine, but fail when the environment variable
``CI`` is set, because the CI script (``.ci/run``) installs both tools.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_TIMEOUT = 120  # seconds
POPPLER_TIMEOUT = 300  # seconds
INK_THRESHOLD = 250  # a pixel darker than this (0-255 grey) counts as ink

RESULT_ID = "render-result"
# Runs after every image has loaded (or failed); writes one JSON record per <figure>.
PROBE_SCRIPT = f"""
<pre id="{RESULT_ID}"></pre>
<script>
window.addEventListener("load", function () {{
  var figures = Array.prototype.map.call(document.querySelectorAll("figure"), function (fig) {{
    return {{
      id: fig.id,
      images: Array.prototype.map.call(fig.querySelectorAll("img"), function (img) {{
        return {{
          rendered: img.complete && img.naturalWidth > 0,
          width: img.naturalWidth,
          height: img.naturalHeight,
          alt: img.getAttribute("alt") || ""
        }};
      }})
    }};
  }});
  document.getElementById("{RESULT_ID}").textContent = JSON.stringify(figures);
}});
</script>
"""


def chromium_path() -> str | None:
    """The Chromium (or Chrome) executable on PATH, or None when there is none."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def have_poppler() -> bool:
    """Whether poppler's ``pdfinfo`` and ``pdftoppm`` are both on PATH."""
    return all(shutil.which(tool) for tool in ("pdfinfo", "pdftoppm"))


def _missing_tool(what: str) -> None:
    """Skip the calling test on a developer's machine; fail it in CI, where tools are installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed, but CI is set: .ci/run should have installed it")
    pytest.skip(f"{what} is not installed (set CI=1 to make this a failure)")


def require_chromium() -> str:
    """The Chromium executable; skips (locally) or fails (in CI) the test when there is none."""
    path = chromium_path()
    if path is None:
        _missing_tool("chromium")
    assert path is not None
    return path


def require_poppler() -> None:
    """Skips (locally) or fails (in CI) the test when poppler-utils is not installed."""
    if not have_poppler():
        _missing_tool("poppler-utils (pdfinfo, pdftoppm)")


def _run(cmd: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    """Run a command; any failure or timeout becomes an AssertionError showing its stderr."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        raise AssertionError(
            f"{Path(cmd[0]).name} timed out after {timeout} s:\n{stderr[-4000:]}"
        ) from exc
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc


def figures_rendered(html: Path, tmp: Path) -> dict[str, dict]:
    """Open ``html`` in headless Chromium and report how each ``<figure>`` rendered.

    The page is copied into ``tmp`` with a probe script added before ``</body>``; Chromium
    loads it from disk with all network traffic sent to a dead proxy, so anything that is
    not embedded in the page (a remote image, say) fails to load, as it would offline.

    Returns ``{figure_id: {"rendered", "width", "height", "alt", "images"}}``: ``rendered`` is
    True when the figure holds at least one ``<img>`` and every one of them finished loading
    with a non-zero natural width; ``width``, ``height`` (natural size in CSS pixels) and
    ``alt`` are those of the first image (0, 0, "" when there is none); ``images`` counts them.

    Raises AssertionError when Chromium fails, the probe did not run, or a figure has no id
    or a duplicate one.
    """
    chromium = require_chromium()
    tmp.mkdir(parents=True, exist_ok=True)
    text = html.read_text(encoding="utf-8")
    close = text.lower().rfind("</body>")
    text = text + PROBE_SCRIPT if close < 0 else text[:close] + PROBE_SCRIPT + text[close:]
    page = tmp / html.name
    page.write_text(text, encoding="utf-8")

    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # Nothing listens on port 9: any network request fails at once, so the check
        # never needs (or waits for) the network and catches non-embedded resources.
        "--proxy-server=127.0.0.1:9",
        f"--user-data-dir={tmp / 'profile'}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    proc = _run(cmd, CHROMIUM_TIMEOUT)
    match = re.search(rf'<pre id="{RESULT_ID}">(.*?)</pre>', proc.stdout, re.DOTALL)
    if match is None or not match.group(1).strip():
        raise AssertionError(
            "the render probe did not report (page did not load?); chromium stderr:\n"
            + proc.stderr[-4000:]
        )
    records = json.loads(html_lib.unescape(match.group(1)))

    result: dict[str, dict] = {}
    for record in records:
        fig_id = record["id"]
        if not fig_id:
            raise AssertionError(f"a <figure> has no id (images: {record['images']})")
        if fig_id in result:
            raise AssertionError(f"duplicate <figure> id {fig_id!r}")
        images = record["images"]
        first = images[0] if images else {"width": 0, "height": 0, "alt": ""}
        result[fig_id] = {
            "rendered": bool(images) and all(img["rendered"] for img in images),
            "width": int(first["width"]),
            "height": int(first["height"]),
            "alt": str(first["alt"]),
            "images": len(images),
        }
    return result


def read_pgm(path: Path) -> np.ndarray:
    """A binary (P5) PGM image as a 2-D array scaled to 0-255 (0 black, 255 white).

    The header is read token by token, so comments (``# ...``) and any whitespace layout
    are accepted; 16-bit images (maxval > 255, big-endian) are handled too.
    """
    data = path.read_bytes()
    tokens: list[bytes] = []
    pos = 0
    while len(tokens) < 4:
        while pos < len(data) and data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            end = data.find(b"\n", pos)
            pos = len(data) if end < 0 else end + 1
            continue
        start = pos
        while pos < len(data) and not data[pos : pos + 1].isspace() and data[pos] != ord("#"):
            pos += 1
        if start == pos:
            raise AssertionError(f"{path.name}: truncated PGM header")
        tokens.append(data[start:pos])
    magic, width, height, maxval = tokens[0], int(tokens[1]), int(tokens[2]), int(tokens[3])
    if magic != b"P5":
        raise AssertionError(f"{path.name}: not a binary PGM (magic {magic!r})")
    if not 0 < maxval < 65536:
        raise AssertionError(f"{path.name}: bad PGM maxval {maxval}")
    pos += 1  # exactly one whitespace byte separates the header from the pixels
    dtype = np.dtype(np.uint8) if maxval < 256 else np.dtype(">u2")
    count = width * height
    if len(data) - pos < count * dtype.itemsize:
        raise AssertionError(f"{path.name}: PGM pixel data is truncated")
    pixels = np.frombuffer(data, dtype=dtype, count=count, offset=pos).reshape(height, width)
    return pixels.astype(np.float64) * (255.0 / maxval)


def pdf_page_count(pdf: Path) -> int:
    """The number of pages ``pdfinfo`` reports for ``pdf``."""
    require_poppler()
    out = _run(["pdfinfo", str(pdf)], POPPLER_TIMEOUT).stdout
    match = re.search(r"^Pages:\s+(\d+)\s*$", out, re.MULTILINE)
    if match is None:
        raise AssertionError(f"pdfinfo gave no page count for {pdf}:\n{out}")
    return int(match.group(1))


def pdf_pages(pdf: Path, tmp: Path, dpi: int = 40) -> list[float]:
    """Ink coverage of every page of ``pdf``: the fraction of pixels darker than 250/255.

    Each page is rendered in grey at ``dpi`` with ``pdftoppm``; a blank page gives 0.0.
    Raises AssertionError when poppler fails or renders a different number of pages from
    the count ``pdfinfo`` reports.
    """
    pages = pdf_page_count(pdf)
    tmp.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f"{pdf.stem}-pages-", dir=tmp))  # no stale pages
    _run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(out / "page")], POPPLER_TIMEOUT)
    # pdftoppm names pages page-1.pgm or page-01.pgm ... depending on the page count.
    numbered = []
    for path in out.glob("page-*.pgm"):
        match = re.fullmatch(r"page-(\d+)\.pgm", path.name)
        if match:
            numbered.append((int(match.group(1)), path))
    numbered.sort()
    assert len(numbered) == pages, (
        f"pdftoppm rendered {len(numbered)} page(s) of {pdf.name}; pdfinfo says {pages}"
    )
    return [float(np.mean(read_pgm(path) < INK_THRESHOLD)) for _, path in numbered]
