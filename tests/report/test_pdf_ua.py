"""The report's PDF and the questionnaire's are PDF/UA-1: tagged (a structure tree of headings,
paragraphs, tables with header cells and figures with their alt text), with the document's
language, a title viewers show, and the same bytes on every render. The report is made by the
report rules' own functions from the published tables of two LAs (tests/fixtures/report), the
questionnaire by its rule's function from config/survey.yaml: no pipeline run."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import BooleanObject

from oversight.report import render, run_report_pdf
from oversight.report.pdf import html_to_pdf
from oversight.report.pdf_access import InaccessiblePageError
from oversight.report.run.report_pdf import annex_part
from oversight.survey import load_instrument, run_questionnaire
from tests.conftest import ROOT
from tests.report.pdf_structure import (
    heading_steps_ok,
    image_alts,
    outside_tree,
    read,
    rows,
)
from tests.report.report_fixture import (
    KENT,
    NAMES,
    STUDY,
    TEMPLATES,
    figure_manifest,
    render_annex,
    render_report,
)

ALT = "Bar chart: the share of staff who agree with each statement, by construct."


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict[str, Path]:
    """The report (rule report), Kent's annex section (rule annex: its charts carry their own
    alt text) and the PDF (rule report_pdf)."""
    tmp = tmp_path_factory.mktemp("report_ua")
    printed = tmp / "interim/report/print"
    out = tmp / "results/report"
    render_report(
        figure_manifest(tmp, ALT), out / "index.html", out / "findings.json", printed / "index.html"
    )
    section = printed / f"{KENT}.html"
    render_annex(tmp, KENT, out / "la" / f"{KENT}.html", section)
    run_report_pdf(
        printed=printed / "index.html",
        sections=[section],
        templates=TEMPLATES,
        study=STUDY,
        names=NAMES,
        demo=True,
        pdf=tmp / "report.pdf",
    )
    return {"printed": printed / "index.html", "section": section, "pdf": tmp / "report.pdf"}


@pytest.fixture(scope="module")
def questionnaire(tmp_path_factory) -> dict[str, Path]:
    """The questionnaire (rule questionnaire), rendered twice."""
    tmp = tmp_path_factory.mktemp("questionnaire_ua")
    out = {}
    for name in ("first", "second"):
        out[name] = tmp / f"{name}.pdf"
        run_questionnaire(
            instrument=ROOT / "config/survey.yaml",
            title="Staff survey",
            html=tmp / "questionnaire.html",
            pdf=out[name],
            xlsx=tmp / "import.xlsx",
        )
    out["html"] = tmp / "questionnaire.html"
    return out


def _true(value: object) -> bool:
    """A PDF boolean that is true (not merely a truthy object such as the name /false)."""
    return isinstance(value, BooleanObject) and value.value is True


def _document_entries(pdf: Path, title: str) -> None:
    """What PDF/UA asks of the document as a whole, as the PDF has it."""
    tagged = read(pdf)
    assert "/StructTreeRoot" in tagged.catalog
    assert tagged.elements[0]["/S"] == "/Document"
    assert _true(tagged.catalog["/MarkInfo"]["/Marked"])
    assert tagged.catalog["/Lang"] == "en-GB"  # from <html lang>
    assert tagged.info["/Title"] == title  # from <title>
    assert _true(tagged.catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    # XMP: PDF/UA part 1 and the title; no date and no document ID, which would vary
    assert 'pdfuaid:part="1"' in tagged.xmp
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in tagged.xmp
    for varying in ("Date", "DocumentID", "InstanceID"):
        assert varying not in tagged.xmp
    assert not {"/CreationDate", "/ModDate"} & set(tagged.info)
    assert "/ID" not in tagged.trailer


def test_the_report_pdf_is_tagged_with_language_and_title(report) -> None:
    _document_entries(report["pdf"], STUDY["title"])


def test_every_figure_carries_the_alt_text_of_its_image(report) -> None:
    """Each <img> of the report and of the annex section is a Figure element with its alt
    text, in reading order: the report's figure, then Kent's charts."""
    pages = [report["printed"], report["section"]]
    alts = [a for page in pages for a in image_alts(page.read_text(encoding="utf-8"))]
    figures = read(report["pdf"]).kinds("Figure")
    assert alts[0] == ALT and len(alts) >= 4  # the report's figure and Kent's charts
    assert all(alt.strip() for alt in alts)
    assert [str(f["/Alt"]) for f in figures] == alts


def test_headings_are_tagged_in_order_without_skipping_a_level(report) -> None:
    tagged = read(report["pdf"])
    levels = tagged.headings
    assert heading_steps_ok(levels)
    assert levels.count(1) == 1  # the report's title; every section is an H2 below it
    html = report["printed"].read_text(encoding="utf-8")
    assert levels.count(2) >= len(re.findall(r"<h2[ >]", html))


def test_tables_have_header_cells_with_scope_and_linked_data_cells(report) -> None:
    """Every table has TH cells; each has an ID and the /Scope of its <th scope>; each data
    cell names its headers, and those exist."""
    tagged = read(report["pdf"])
    tables = tagged.kinds("Table")
    assert len(tables) >= 5
    headers = tagged.kinds("TH")
    ids = {str(th["/ID"]) for th in headers}
    for table in tables:
        table_id = str(table.indirect_reference.idnum)
        assert any(i.startswith(f"{table_id}-") for i in ids), table_id
        assert rows(table), table_id  # no caption left alone at a page's foot
    assert {th["/A"]["/Scope"] for th in headers} == {"/Column", "/Row"}
    cells = tagged.kinds("TD")
    assert cells and all(c["/A"]["/Headers"] for c in cells)
    assert {str(h) for c in cells for h in c["/A"]["/Headers"]} <= ids


def test_page_numbers_are_pagination_artifacts_and_no_content_is_left_out_of_the_tree(
    report,
) -> None:
    """The margins' "Page n of N" is marked as a pagination artifact on every page, not tagged
    with structure elements outside the tree (WeasyPrint's own tagging)."""
    pdf = pypdf.PdfReader(report["pdf"])
    assert outside_tree(pdf.trailer["/Root"]) == 0
    for number, page in enumerate(pdf.pages, start=1):
        content = page.get_contents().get_data()
        assert len(re.findall(rb"/Artifact\s*<</Type /Pagination>>\s*BDC", content)) == 1
        assert f"Page {number} of {len(pdf.pages)}" in page.extract_text(), number


def test_paragraphs_lists_and_captions_are_tagged(report) -> None:
    kinds = {e["/S"] for e in read(report["pdf"]).elements}
    assert {"/P", "/L", "/LI", "/Caption", "/Link", "/Sect"} <= kinds


def test_a_part_of_the_report_is_the_same_bytes_on_a_second_render(report) -> None:
    """The annex part (Kent's section: figures, tables, headings, links) set as a PDF twice.
    The whole report's PDF is compared byte for byte between two pipeline runs end to end."""
    env = render.environment(ROOT / "report_templates")
    part = annex_part(env, STUDY, {KENT: report["section"]}, NAMES, True)
    page = f'<html lang="en-GB"><head><title>Annex</title></head><body>{part}</body></html>'
    first = html_to_pdf(page)
    assert len(read(first).kinds("Figure")) >= 3
    assert first == html_to_pdf(page)


def test_the_questionnaire_pdf_is_tagged_with_a_heading_per_section_and_question(
    questionnaire,
) -> None:
    _document_entries(questionnaire["first"], "Staff survey")
    instrument = load_instrument(ROOT / "config/survey.yaml")
    levels = read(questionnaire["first"]).headings
    assert heading_steps_ok(levels)
    sections = {i.construct for i in (*instrument.items, *instrument.demographics)}
    # H1 the title; an H2 per section and one for the free text; an H3 per question
    assert levels.count(1) == 1
    assert levels.count(2) == len(sections) + 1
    assert levels.count(3) == len(instrument.items) + len(instrument.demographics)


def test_the_questionnaire_pdf_is_the_same_bytes_on_a_second_render(questionnaire) -> None:
    assert questionnaire["first"].read_bytes() == questionnaire["second"].read_bytes()


PAGE = '<html lang="en-GB"><head><title>T</title></head><body><h1>T</h1>{}</body></html>'


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<html><head><title>T</title></head><body>x</body></html>", "no lang attribute"),
        ('<html lang="en-GB"><body>x</body></html>', "no <title> with text"),
        ('<html lang="en-GB"><head><title> </title></head><body>x</body></html>', "no <title>"),
        (PAGE.format('<figure id="FIG-1"><img src="a.svg"></figure>'), 'inside id="FIG-1"'),
        (PAGE.format('<img src="a.svg" alt=" ">'), 'src="a.svg" has no alt text'),
        (PAGE.format('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), '<svg> src=""'),
    ],
)
def test_a_page_a_screen_reader_could_not_follow_is_refused(html, problem) -> None:
    """Without a language, a title or an image's text alternative WeasyPrint would only log
    and write a PDF that fails PDF/UA: the render is refused, naming the page and the fix."""
    with pytest.raises(InaccessiblePageError, match=r"report\.html: cannot be made") as err:
        html_to_pdf(html, source="report.html")
    assert problem in str(err.value)


def test_a_long_image_source_is_shortened_in_the_message() -> None:
    src = "data:image/svg+xml;base64," + "A" * 500
    with pytest.raises(InaccessiblePageError) as err:
        html_to_pdf(PAGE.format(f'<img src="{src}">'), source="page.html")
    assert f'src="{src[:60]}…" has no alt text' in str(err.value)
    assert len(str(err.value)) < 400
