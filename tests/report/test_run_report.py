"""The report rules' functions run directly: the published tables of two LAs of a demo run
(tests/fixtures/report: Kent, Medway and the region; the metrics table's whole-LA rows only)
give the findings and the report (rule report), each LA's annex page and PDF section (rule
annex) and the PDF (rule report_pdf)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from oversight.report import annex_part as anx
from oversight.report import render, run_report_pdf
from oversight.report.run.report_pdf import annex_part
from tests.conftest import ROOT
from tests.report.report_fixture import (
    FIGURE,
    KENT,
    MEDWAY,
    NAMES,
    STUDY,
    SVG,
    TEMPLATES,
    figure_manifest,
    render_annex,
    render_report,
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The three report rules run in turn, as Snakemake runs them: report, one annex job per
    LA, then report_pdf."""
    tmp = tmp_path_factory.mktemp("report")
    out = tmp / "results" / "report"
    printed = tmp / "interim" / "report" / "print"
    render_report(
        figure_manifest(tmp), out / "index.html", out / "findings.json", printed / "index.html"
    )
    for code in (KENT, MEDWAY):
        render_annex(tmp, code, out / "la" / f"{code}.html", printed / f"{code}.html")
    run_report_pdf(
        printed=printed / "index.html",
        # Given in code order: the PDF orders the LAs by name itself.
        sections=[printed / f"{MEDWAY}.html", printed / f"{KENT}.html"],
        templates=TEMPLATES,
        study=STUDY,
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
    part = annex_part(env, STUDY, sections, NAMES, True)
    opening = anx.render_annex_opening(
        env, STUDY, [{"la_code": KENT, "name": "Kent"}, {"la_code": MEDWAY, "name": "Medway"}], True
    )
    kent, medway = (sections[c].read_text(encoding="utf-8") for c in (KENT, MEDWAY))
    assert part == opening + kent + medway
    assert opening.index(">Kent</a>") < opening.index(">Medway</a>")
    pdf = (report / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
