"""The report rule's function run directly: the published tables of two LAs of a demo run
(tests/fixtures/report: Kent, Medway and the region; the metrics table's whole-LA rows only)
give the findings, the report, each LA's annex page and the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oversight.config import load_yaml
from oversight.report import run_report
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/fixtures/report"
KENT, MEDWAY, REGION = "E10000016", "E06000035", "E12000008"
NAMES = {KENT: "Kent", MEDWAY: "Medway", REGION: "South East"}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    manifest = tmp / "figures" / "figures.json"
    manifest.parent.mkdir()
    manifest.write_text("[]", encoding="utf-8")
    # DfE's neighbours file (old codes) and the study's reference of old and new codes.
    neighbours = tmp / "sn.csv"
    neighbours.write_text("old_la_code,SN_1,SN_2\n886,887,999\n887,886,\n", encoding="utf-8")
    reference = tmp / "reference.csv"
    reference.write_text(f"la_code_old,la_code_new\n886,{KENT}\n887,{MEDWAY}\n", encoding="utf-8")
    config = load_yaml(ROOT / "config/config.yaml")
    out = tmp / "results" / "report"
    run_report(
        tables=sorted(FIXTURE.glob("*.csv")),
        manifests=[manifest],
        manifest_rules=["figures"],
        catalogue=ROOT / "config/tables.yaml",
        recommendations=ROOT / "config/recommendations.yaml",
        text=ROOT / "config/report.yaml",
        glossary=ROOT / "config/glossary.yaml",
        published=ROOT / "config/published.yaml",
        impact=ROOT / "config/impact.yaml",
        survey=ROOT / "config/survey.yaml",
        templates=sorted((ROOT / "report_templates/report").glob("*.j2")),
        neighbours=neighbours,
        reference=reference,
        quality_pages=[tmp / f"results/quality/{s}/index.html" for s in ("kent", "medway")],
        study=config["study"],
        year="2024-25",
        region_code=REGION,
        names=NAMES,
        la_codes=[KENT, MEDWAY],
        slug_codes={"kent": KENT, "medway": MEDWAY},
        kpi_period="2025",
        neighbour_count=2,
        survey_min_n=10,
        demo=True,
        quality=config["quality"],
        html=out / "index.html",
        pdf=out / "report.pdf",
        findings=out / "findings.json",
        annexes=[out / "la" / f"{KENT}.html", out / "la" / f"{MEDWAY}.html"],
    )
    return out


def test_findings_are_written_with_their_ids(report):
    findings = json.loads((report / "findings.json").read_text(encoding="utf-8"))
    ids = [f["id"] for f in findings]
    assert ids[:3] == ["F-DATA-01", "F-DATA-02", "F-SUP-01"]
    assert len(ids) == len(set(ids)) == 38
    assert "F-IMP-04" in ids


def test_the_report_names_the_adopters_and_prints_the_appendix(report):
    page = (report / "index.html").read_text(encoding="utf-8")
    # Both LAs adopted both parts in May 2025 (config/impact.yaml).
    assert "Kent (part 1 2025-05, part 2 2025-05)" in page
    assert "Medway (part 1 2025-05, part 2 2025-05)" in page
    assert "the other LAs are the comparison group" in page
    # The appendix prints the tables config/tables.yaml gives a view, with their labels.
    assert "Headline metrics by LA, 2024-25" in page
    assert "Share loaded" in page


def test_each_la_has_an_annex_page_linking_its_neighbour_and_quality_page(report):
    kent = (report / "la" / f"{KENT}.html").read_text(encoding="utf-8")
    assert "../../quality/kent/index.html" in kent
    # Kent's DfE neighbours: Medway (in the study) and one that is not.
    assert "Medway" in kent
    assert (report / "la" / f"{MEDWAY}.html").exists()
    assert (report / "report.pdf").read_bytes().startswith(b"%PDF")
