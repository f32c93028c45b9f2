"""The report says how to cite the software that built it, with its version: in the HTML report
and in the page the PDF is set from (rule report, run on tests/fixtures/report)."""

from __future__ import annotations

from pathlib import Path

from markupsafe import escape

import oversight
from tests.report.report_fixture import figure_manifest, render_report


def test_the_about_section_cites_the_software_and_its_version(tmp_path: Path) -> None:
    render_report(
        figure_manifest(tmp_path),
        tmp_path / "index.html",
        tmp_path / "findings.json",
        tmp_path / "print" / "index.html",
    )
    cited = oversight.citation()
    assert f"Version {oversight.__version__}." in cited
    line = f"<dt>How to cite the software</dt><dd>{escape(cited)}</dd>"
    for page in (tmp_path / "index.html", tmp_path / "print" / "index.html"):
        text = page.read_text(encoding="utf-8")
        about = text[text.index('<section id="about"') :]
        assert line in about[: about.index("</section>")], page
