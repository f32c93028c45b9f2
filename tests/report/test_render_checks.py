"""The render checks themselves, on small synthetic documents built here.

Each check is shown to pass on a good document and to fail on a bad one (a broken image,
a blank PDF page), so a passing check on the real report means something.
"""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from tests.report import render_checks
from tests.report.render_checks import (
    figures_rendered,
    pdf_pages,
    read_pgm,
    require_chromium,
    require_poppler,
)


def _plot_data_uri(fmt: str) -> str:
    """A small matplotlib line chart as a ``data:`` URI (``svg`` or ``png``)."""
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4])
    ax.set_title(f"A {fmt} figure")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=50)
    mime = {"svg": "image/svg+xml", "png": "image/png"}[fmt]
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


def _figure(fig_id: str, src: str, alt: str) -> str:
    return (
        f'<figure id="{fig_id}"><img src="{src}" alt="{alt}">'
        f"<figcaption>{alt}</figcaption></figure>"
    )


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory) -> Path:
    """A self-contained report with an SVG figure, a PNG figure and a broken image."""
    body = "\n".join(
        [
            "<h1>Synthetic report</h1>",
            _figure("FIG-svg", _plot_data_uri("svg"), "Trend <by> month & LA"),
            _figure("FIG-png", _plot_data_uri("png"), "Funnel plot"),
            _figure("FIG-broken", "data:image/png;base64,bm90IGFuIGltYWdl", "Broken"),
        ]
    )
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def test_figures_rendered_in_chromium(synthetic_report: Path, tmp_path: Path) -> None:
    require_chromium()
    figures = figures_rendered(synthetic_report, tmp_path)

    assert set(figures) == {"FIG-svg", "FIG-png", "FIG-broken"}
    for fig_id in ("FIG-svg", "FIG-png"):
        fig = figures[fig_id]
        assert fig["rendered"], fig
        assert fig["width"] > 0 and fig["height"] > 0, fig
        assert fig["images"] == 1
    # a 3 x 2 in matplotlib figure: SVG is 216 x 144 pt = 288 x 192 CSS px; PNG at 50 dpi
    assert (figures["FIG-svg"]["width"], figures["FIG-svg"]["height"]) == (288, 192)
    assert (figures["FIG-png"]["width"], figures["FIG-png"]["height"]) == (150, 100)
    assert figures["FIG-svg"]["alt"] == "Trend <by> month & LA"
    assert figures["FIG-broken"]["rendered"] is False
    assert figures["FIG-broken"]["width"] == 0


def test_figures_rendered_flags_remote_and_missing_images(tmp_path: Path) -> None:
    """Only embedded images count: a remote one fails (no network), an empty figure too."""
    require_chromium()
    page = tmp_path / "remote.html"
    page.write_text(
        "<html><body>"
        + _figure("FIG-remote", "https://example.org/figure.png", "Remote")
        + '<figure id="FIG-empty"><figcaption>No image</figcaption></figure>'
        + "</body></html>",
        encoding="utf-8",
    )
    figures = figures_rendered(page, tmp_path / "run")
    assert figures["FIG-remote"]["rendered"] is False
    assert figures["FIG-empty"] == {
        "rendered": False,
        "width": 0,
        "height": 0,
        "alt": "",
        "images": 0,
    }


def test_figures_rendered_rejects_figures_without_ids(tmp_path: Path) -> None:
    require_chromium()
    page = tmp_path / "noid.html"
    page.write_text(f'<html><body><figure><img src="{_plot_data_uri("png")}"></figure>')
    with pytest.raises(AssertionError, match="has no id"):
        figures_rendered(page, tmp_path / "run")


def _pdf(html: str, path: Path) -> Path:
    import weasyprint  # a project dependency; imported here as it loads Pango

    path.write_bytes(weasyprint.HTML(string=html).write_pdf())
    return path


PAGE_CSS = "<style>@page { size: A4; margin: 2cm } h1 { font-size: 40pt }</style>"


def test_pdf_pages_have_ink(tmp_path: Path) -> None:
    require_poppler()
    pages = "".join(
        f'<section style="page-break-after: always"><h1>Page {n}</h1>'
        f'<p style="border: 2pt solid black; height: 5cm">Box {n}</p></section>'
        for n in (1, 2, 3)
    )
    pdf = _pdf(PAGE_CSS + pages, tmp_path / "three.pdf")
    ink = pdf_pages(pdf, tmp_path)
    assert len(ink) == 3
    assert all(value > 0.001 for value in ink), ink
    # a second call in the same folder does not pick up the first call's page images
    assert pdf_pages(pdf, tmp_path) == ink


def test_pdf_pages_finds_blank_page(tmp_path: Path) -> None:
    require_poppler()
    html = (
        PAGE_CSS + "<h1>First page</h1>"
        '<div style="page-break-before: always"></div>'
        '<div style="page-break-before: always"><h1>Third page</h1></div>'
    )
    ink = pdf_pages(_pdf(html, tmp_path / "blank.pdf"), tmp_path)
    assert len(ink) == 3
    assert ink[0] > 0.001 and ink[2] > 0.001, ink
    assert ink[1] < 1e-4, ink


def test_read_pgm_header_comments_and_16_bit(tmp_path: Path) -> None:
    path = tmp_path / "x.pgm"
    pixels = np.array([[0, 65535], [32768, 65535], [65535, 0]], dtype=">u2")
    path.write_bytes(b"P5\n# a comment\n2 3\n# another\n65535\n" + pixels.tobytes())
    image = read_pgm(path)
    assert image.shape == (3, 2)
    assert image[0, 0] == 0 and image[0, 1] == 255
    assert float(np.mean(image < render_checks.INK_THRESHOLD)) == pytest.approx(0.5)

    path.write_bytes(b"P2\n1 1\n255\n0\n")
    with pytest.raises(AssertionError, match="not a binary PGM"):
        read_pgm(path)


@pytest.mark.parametrize("require", [require_chromium, require_poppler])
def test_missing_tools_skip_locally_and_fail_in_ci(require, monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require()
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require()
