"""End to end: in the demo run every LA's annex page renders in Chromium with its charts,
each chart and page says the LA figures are synthetic, and the report's PDF holds every LA's
annex after the appendix with no blank page."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from oversight.figures.style import notes
from tests.report.render_checks import (
    figures_rendered,
    pdf_pages,
    require_chromium,
    require_poppler,
)

pytestmark = pytest.mark.e2e
CHARTS = ("COMPARE", "TREND", "KPIS")  # every LA; adopters have IMPACT too


def _names(work: Path) -> dict[str, str]:
    """LA code -> name, from the run's authority configs."""
    config = yaml.safe_load((work / "config/config.yaml").read_text())
    out = {}
    for slug in config["authorities"]:
        auth = yaml.safe_load((work / f"config/authorities/{slug}.yaml").read_text())
        out[auth["la_code"]] = auth["la_name"]
    return out


def test_every_annex_page_renders_with_marked_charts(demo_run: Path, tmp_path: Path) -> None:
    require_chromium()
    names = _names(demo_run)
    pages = sorted((demo_run / "results/report/la").glob("*.html"))
    assert [p.stem for p in pages] == sorted(names)
    mark = notes()["demo_mark"]
    for page in pages:
        code = page.stem
        html = page.read_text(encoding="utf-8")
        assert 'class="demo-banner"' in html, code
        result = figures_rendered(page, tmp_path / code)
        assert {f"FIG-LA-{code}-{c}" for c in CHARTS} <= set(result), (code, sorted(result))
        for fid, r in result.items():
            assert r["rendered"] and r["width"] > 200 and r["height"] > 100, (fid, r)
            # The DfE chart holds only published figures: not marked synthetic.
            assert r["alt"].startswith(notes()["demo_alt"]) != fid.endswith("-KPIS"), fid
        svgs = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
        assert len(svgs) == len(result), code
        marked = [
            f'<g id="demo-mark"><title>{mark}</title>' in base64.b64decode(data).decode()
            for data in svgs
        ]
        assert marked.count(False) == 1 and marked.count(True) == len(svgs) - 1, code
        link = re.search(r'<a class="quality" href="([^"]+)"', html)
        assert link and (page.parent / link.group(1)).resolve().is_file(), code


def test_the_pdf_holds_every_annex_and_no_blank_page(demo_run: Path, tmp_path: Path) -> None:
    require_poppler()
    pdf = demo_run / "results/report/report.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    start = text.find("Annex: one page group per local authority")
    assert start > text.find("Appendix tables") > 0  # the annex part follows the appendix
    annex = text[start:]
    positions = []
    for code, name in sorted(_names(demo_run).items(), key=lambda kv: kv[1]):
        heading = f"Annex: {name} ({code})"
        assert heading in annex, heading
        positions.append(annex.index(heading))
    assert positions == sorted(positions)  # in name order
    assert annex.count("Synthetic demonstration data") >= len(positions)
    ink = pdf_pages(pdf, tmp_path)
    assert min(ink) > 0.002, [i for i, v in enumerate(ink, 1) if v <= 0.002]
