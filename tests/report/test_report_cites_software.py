"""The report says how to cite the software that built it, with its version: in the HTML report
and in the page the PDF is set from (rule report, run on tests/fixtures/report)."""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import escape

import oversight
from oversight.config import load_yaml
from oversight.report import run_report
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/fixtures/report"
KENT, MEDWAY, REGION = "E10000016", "E06000035", "E12000008"


def test_the_about_section_cites_the_software_and_its_version(tmp_path: Path) -> None:
    manifest = tmp_path / "figures" / "survey.json"
    manifest.parent.mkdir()
    manifest.write_text(json.dumps([]), encoding="utf-8")
    config = load_yaml(ROOT / "config/config.yaml")
    run_report(
        tables=sorted(FIXTURE.glob("*.csv")),
        manifests=[manifest],
        manifest_rules=["survey_analysis"],
        catalogue=ROOT / "config/tables.yaml",
        recommendations=ROOT / "config/recommendations.yaml",
        text=ROOT / "config/report.yaml",
        glossary=ROOT / "config/glossary.yaml",
        impact=ROOT / "config/impact.yaml",
        templates=sorted((ROOT / "report_templates/report").glob("*.j2")),
        study=config["study"],
        year="2024-25",
        region_code=REGION,
        names={KENT: "Kent", MEDWAY: "Medway", REGION: "South East"},
        la_codes=[KENT, MEDWAY],
        slug_codes={"kent": KENT, "medway": MEDWAY},
        survey_min_n=10,
        demo=True,
        quality=config["quality"],
        html=tmp_path / "index.html",
        findings=tmp_path / "findings.json",
        printed=tmp_path / "print" / "index.html",
    )
    cited = oversight.citation()
    assert f"Version {oversight.__version__}." in cited
    line = f"<dt>How to cite the software</dt><dd>{escape(cited)}</dd>"
    for page in (tmp_path / "index.html", tmp_path / "print" / "index.html"):
        text = page.read_text(encoding="utf-8")
        about = text[text.index('<section id="about"') :]
        assert line in about[: about.index("</section>")], page
