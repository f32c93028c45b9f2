"""The report rules' functions run directly: the published tables of two LAs of a demo run
(tests/fixtures/report: Kent, Medway and the region; the metrics table's whole-LA rows only)
give the findings and the report (rule report), each LA's annex page and PDF section (rule
annex) and the PDF (rule report_pdf)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from oversight.config import load_yaml
from oversight.report import annex_part as anx
from oversight.report import render, run_annex, run_report, run_report_pdf
from oversight.report.run.report_pdf import annex_part
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/fixtures/report"
KENT, MEDWAY, REGION = "E10000016", "E06000035", "E12000008"
NAMES = {KENT: "Kent", MEDWAY: "Medway", REGION: "South East"}


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40"/></svg>'
FIGURE = "FIG-SURVEY-diverging"


def _figures(tmp: Path) -> Path:
    """A figure manifest with one figure and its SVG, as rule survey_analysis writes them."""
    manifest = tmp / "results" / "figures" / "survey.json"
    manifest.parent.mkdir(parents=True)
    (manifest.parent / f"{FIGURE}.svg").write_bytes(SVG)
    entry = {"id": FIGURE, "caption": "Survey answers", "alt": "Bars", "svg": f"{FIGURE}.svg"}
    manifest.write_text(json.dumps([entry]), encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The three report rules run in turn, as Snakemake runs them: report, one annex job per
    LA, then report_pdf."""
    tmp = tmp_path_factory.mktemp("report")
    manifest = _figures(tmp)
    # DfE's neighbours file (old codes) and the study's reference of old and new codes.
    neighbours = tmp / "sn.csv"
    neighbours.write_text("old_la_code,SN_1,SN_2\n886,887,999\n887,886,\n", encoding="utf-8")
    reference = tmp / "reference.csv"
    reference.write_text(f"la_code_old,la_code_new\n886,{KENT}\n887,{MEDWAY}\n", encoding="utf-8")
    config = load_yaml(ROOT / "config/config.yaml")
    out = tmp / "results" / "report"
    printed = tmp / "interim" / "report" / "print"
    templates = sorted((ROOT / "report_templates/report").glob("*.j2"))
    common = {
        "impact": ROOT / "config/impact.yaml",
        "templates": templates,
        "study": config["study"],
        "year": "2024-25",
        "region_code": REGION,
        "names": NAMES,
        "slug_codes": {"kent": KENT, "medway": MEDWAY},
        "demo": True,
    }
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
        quality=config["quality"],
        html=out / "index.html",
        findings=out / "findings.json",
        printed=printed / "index.html",
        **common,
    )
    for code, slug in ((KENT, "kent"), (MEDWAY, "medway")):
        run_annex(
            code=code,
            tables=sorted(FIXTURE.glob("*.csv")),
            published=ROOT / "config/published.yaml",
            survey=ROOT / "config/survey.yaml",
            neighbours=neighbours,
            reference=reference,
            quality_pages=[tmp / f"results/quality/{slug}/index.html"],
            kpi_period="2025",
            neighbour_count=2,
            page=out / "la" / f"{code}.html",
            section=printed / f"{code}.html",
            **common,
        )
    run_report_pdf(
        printed=printed / "index.html",
        # Given in code order: the PDF orders the LAs by name itself.
        sections=[printed / f"{MEDWAY}.html", printed / f"{KENT}.html"],
        templates=templates,
        study=config["study"],
        names=NAMES,
        demo=True,
        pdf=out / "report.pdf",
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


def test_the_report_embeds_its_figures_and_the_print_page_links_them(report):
    page = (report / "index.html").read_text(encoding="utf-8")
    assert f'src="{render.svg_data_uri(SVG)}"' in page
    printed = report.parent.parent / "interim" / "report" / "print"
    text = (printed / "index.html").read_text(encoding="utf-8")
    # One copy of each image: the print page links the figure rule's SVG file.
    assert f'src="../../../results/figures/{FIGURE}.svg"' in text
    assert "data:image" not in text
    assert (printed / f"../../../results/figures/{FIGURE}.svg").resolve().read_bytes() == SVG


def test_each_annex_job_writes_the_la_page_and_its_pdf_section_with_the_same_charts(report):
    printed = report.parent.parent / "interim" / "report" / "print"
    for code in (KENT, MEDWAY):
        page = (report / "la" / f"{code}.html").read_text(encoding="utf-8")
        section = (printed / f"{code}.html").read_text(encoding="utf-8")
        assert section.startswith(f'<section class="annex-la" id="annex-{code}"')
        assert section.endswith("</section>\n") and section.count('class="annex-la"') == 1
        # Each chart is drawn once: the page and the section embed the same SVGs.
        charts = re.findall(r'src="(data:image/svg[^"]+)"', page)
        assert len(charts) >= 3 and re.findall(r'src="(data:image/svg[^"]+)"', section) == charts
        # In the PDF, links point inside the document.
        assert "../index.html" not in section and 'href="../../quality' not in section


def test_the_pdf_joins_the_opening_and_the_sections_in_name_order(report):
    printed = report.parent.parent / "interim" / "report" / "print"
    env = render.environment(ROOT / "report_templates")
    sections = {MEDWAY: printed / f"{MEDWAY}.html", KENT: printed / f"{KENT}.html"}
    study = load_yaml(ROOT / "config/config.yaml")["study"]
    part = annex_part(env, study, sections, NAMES, True)
    opening = anx.render_annex_opening(
        env, study, [{"la_code": KENT, "name": "Kent"}, {"la_code": MEDWAY, "name": "Medway"}], True
    )
    kent, medway = (sections[c].read_text(encoding="utf-8") for c in (KENT, MEDWAY))
    assert part == opening + kent + medway
    assert opening.index(">Kent</a>") < opening.index(">Medway</a>")
    pdf = (report / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
