"""The report rules run on the published tables of two LAs of a demo run
(tests/fixtures/report: Kent, Medway and the region; the metrics table's whole-LA rows only),
as the report tests share them: one figure, the arguments every report rule takes, and the
report and annex rules called with the fixture's tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oversight.config import load_yaml
from oversight.report import run_annex, run_report
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/fixtures/report"
KENT, MEDWAY, REGION = "E10000016", "E06000035", "E12000008"
NAMES = {KENT: "Kent", MEDWAY: "Medway", REGION: "South East"}
SLUGS = {KENT: "kent", MEDWAY: "medway"}
CONFIG = load_yaml(ROOT / "config/config.yaml")
STUDY = CONFIG["study"]
TEMPLATES = sorted((ROOT / "report_templates/report").glob("*.j2"))
FIGURE = "FIG-SURVEY-diverging"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40"/></svg>'


def figure_manifest(tmp: Path, alt: str = "Bars") -> Path:
    """A figure manifest with one figure and its SVG, as rule survey_analysis writes them."""
    manifest = tmp / "results" / "figures" / "survey.json"
    manifest.parent.mkdir(parents=True)
    (manifest.parent / f"{FIGURE}.svg").write_bytes(SVG)
    entry = {"id": FIGURE, "caption": "Survey answers", "alt": alt, "svg": f"{FIGURE}.svg"}
    manifest.write_text(json.dumps([entry]), encoding="utf-8")
    return manifest


def common_args() -> dict[str, Any]:
    """What the report, annex and PDF rules are all given: the study, its year and places."""
    return {
        "impact": ROOT / "config/impact.yaml",
        "templates": TEMPLATES,
        "study": STUDY,
        "year": "2024-25",
        "region_code": REGION,
        "names": NAMES,
        "slug_codes": {slug: code for code, slug in SLUGS.items()},
        "demo": True,
    }


def render_report(manifest: Path, html: Path, findings: Path, printed: Path) -> None:
    """Rule report on the fixture's tables and the figure of ``manifest``."""
    run_report(
        tables=sorted(FIXTURE.glob("*.csv")),
        manifests=[manifest],
        manifest_rules=["survey_analysis"],
        catalogue=ROOT / "config/tables.yaml",
        recommendations=ROOT / "config/recommendations.yaml",
        text=ROOT / "config/report.yaml",
        glossary=ROOT / "config/glossary.yaml",
        la_codes=[KENT, MEDWAY],
        survey_min_n=10,
        quality=CONFIG["quality"],
        html=html,
        findings=findings,
        printed=printed,
        **common_args(),
    )


def render_annex(tmp: Path, code: str, page: Path, section: Path) -> None:
    """Rule annex for the LA ``code``: DfE's neighbours file (old codes) and the study's
    reference of old and new codes are written into ``tmp`` (Kent's neighbours: Medway, in
    the study, and one LA that is not)."""
    neighbours = tmp / "sn.csv"
    neighbours.write_text("old_la_code,SN_1,SN_2\n886,887,999\n887,886,\n", encoding="utf-8")
    reference = tmp / "reference.csv"
    reference.write_text(f"la_code_old,la_code_new\n886,{KENT}\n887,{MEDWAY}\n", encoding="utf-8")
    run_annex(
        code=code,
        tables=sorted(FIXTURE.glob("*.csv")),
        published=ROOT / "config/published.yaml",
        survey=ROOT / "config/survey.yaml",
        neighbours=neighbours,
        reference=reference,
        quality_pages=[tmp / f"results/quality/{SLUGS[code]}/index.html"],
        kpi_period="2025",
        neighbour_count=2,
        page=page,
        section=section,
        **common_args(),
    )
