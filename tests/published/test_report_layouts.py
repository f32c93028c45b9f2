"""Report layouts the shipped South East reports do not all use, written from those reports'
own shapes: the improvement heading as ``What needs to improve:`` (2018) or with a footnote
mark (``What needs to improve?1``, 2025), judgement headings ``... is: Good`` / ``... are:
inadequate``, inspection dates broken over two lines or given in parts, a section whose heading
appears twice, and reports that cannot be parsed, which are set aside.

Each fixture is a shipped report's text (``data/raw/published/ofsted/``) with only the layout
feature changed; the expected grades, dates and improvement points were read by hand from that
report (its "Judgement Grade" table, "Inspection dates:" line and "What needs to improve" list).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from oversight.published import report_dates as dates
from oversight.published import report_parser as parser
from oversight.published.inspections import split_items
from oversight.published.report_set_aside import parse_reports

OFSTED = Path(__file__).resolve().parents[2] / "data" / "raw" / "published" / "ofsted"
SUFFIX = "__childrens_services_inspection_-_"
PORTSMOUTH_2018 = f"80539_portsmouth{SUFFIX}15_october_2018.txt"
MK_2024 = f"80524_milton_keynes{SUFFIX}17_december_2024.txt"
WEST_SUSSEX_2019 = f"80578_west_sussex{SUFFIX}08_may_2019.txt"
GD, OS, IN = "Good", "Outstanding", "Inadequate"
JUDGEMENTS = ("overall", "leaders", "help_protection", "children_in_care", "care_leavers")

# Read by hand from each report's "What needs to improve" list.
PORTSMOUTH_ITEMS = (
    3,
    "The length of time that children are subject to pre-proceedings.",
    "The effectiveness of child protection conference chairs in responding to escalating "
    "risks or identifying when progress is not being made for children.",
)
MK_ITEMS = (
    3,
    "Consistency in the quality of assessments for children in need of help and protection "
    "and in contingency planning across teams.",
    "The strategic needs analysis of children at risk of extra-familial harm.",
)
WEST_SUSSEX_ITEMS = (
    12,
    "The infrastructure and services to support good-quality social work practice, reducing "
    "the number of transfer points for children. Clarity regarding the expectations of the "
    "workforce, including practice guidance and procedures and the quality of staff induction "
    "and training.",
    "The active engagement of all relevant partners to tackle weaknesses in services and "
    "improve outcomes for children.",
)


def shipped(name: str) -> str:
    return parser.read_report(OFSTED / name)


def changed(text: str, old: str, new: str, count: int = 1) -> str:
    """``text`` with ``old`` (a regex, multiline) replaced; the fixture fails if it is absent."""
    out, n = re.subn(old, new, text, count=count, flags=re.MULTILINE)
    assert n == count, f"{old!r} not found {count} time(s) in the shipped report"
    return out


def section(report: dict, name: str) -> dict:
    found = [s for s in report["sections"] if s["section"] == name]
    assert len(found) == 1, [s["section"] for s in report["sections"]]
    return found[0]


def assert_items(report: dict, expected: tuple[int, str, str]) -> None:
    count, first, last = expected
    items = split_items(section(report, "what_needs_to_improve")["text"])
    assert (len(items), items[0], items[-1]) == (count, first, last)
    assert not any("What needs to improve" in s["text"] for s in report["sections"])


def test_improvement_heading_with_a_colon_2018():
    text = changed(
        shipped(PORTSMOUTH_2018), r"^What needs to improve\s*$", "What needs to improve:"
    )
    report = parser.parse_report(text, PORTSMOUTH_2018)
    assert [report["grades"][k] for k in JUDGEMENTS] == [GD] * 5
    assert report["combined_cla_care_leavers"] is True
    assert (report["inspection_start"], report["inspection_end"]) == ("2018-09-03", "2018-09-14")
    assert_items(report, PORTSMOUTH_ITEMS)
    assert "pre-proceedings" not in section(report, "summary")["text"]


@pytest.mark.parametrize("mark", ["1", "¹", " 2", "*"])
def test_improvement_heading_with_a_footnote_mark_2025(mark):
    text = changed(
        shipped(MK_2024), r"^What needs to improve\?\s*$", f"What needs to improve?{mark}"
    )
    report = parser.parse_report(text, MK_2024)
    assert [report["grades"][k] for k in JUDGEMENTS] == [GD, GD, GD, GD, OS]
    assert (report["inspection_start"], report["inspection_end"]) == ("2024-10-28", "2024-11-08")
    assert_items(report, MK_ITEMS)
    assert "Placement sufficiency" not in section(report, "summary")["text"]


def west_sussex_is_are() -> str:
    """West Sussex 2019 with its judgement headings written "... is: Inadequate" and
    "... are: inadequate" (and one line of its grade table "... is: Inadequate")."""
    text = shipped(WEST_SUSSEX_2019)
    text = changed(text, r"^protection is inadequate\s*$", "protection is: Inadequate")
    text = changed(
        text,
        r"^(The experiences and progress of children in care and care) leavers is\s*$"
        r"\n^inadequate\s*$",
        r"\1 leavers are: inadequate",
    )
    text = changed(
        text,
        r"^(The impact of leaders on social work practice with children and families) is\s*$",
        r"\1 is:",
    )
    return changed(text, r"^and families Inadequate\s*$", "and families is: Inadequate")


def test_judgement_headings_written_is_colon_and_are_colon():
    report = parser.parse_report(west_sussex_is_are(), WEST_SUSSEX_2019)
    assert [report["grades"][k] for k in JUDGEMENTS] == [IN] * 5
    graded = {s["section"]: s["grade"] for s in report["sections"] if s["grade"]}
    assert graded == {
        "help_protection": IN,
        "children_in_care_and_care_leavers": IN,
        "leaders": IN,
    }
    assert section(report, "help_protection")["text"].startswith(
        "1. There are long-standing, widespread and serious weaknesses"
    )
    assert section(report, "children_in_care_and_care_leavers")["text"].startswith(
        "18. Services for children in care have declined since the single inspection in 2016."
    )
    assert section(report, "leaders")["text"].startswith("33. Leaders and managers have not")
    assert_items(report, WEST_SUSSEX_ITEMS)


@pytest.mark.parametrize(
    "line",
    [
        "Inspection dates: 28 October to\n8 November 2024",
        "Inspection dates:\n28 October to 8 November 2024",
        "Inspection dates: 28 October to 1 November and 4 to 8 November 2024",
        "Inspection dates: 28 October to 1 November 2024, 4 November to 8 November 2024",
        "Dates of inspection: 28 October to 8 November 2024",
    ],
)
def test_inspection_dates_in_two_parts(line):
    text = changed(shipped(MK_2024), r"^Inspection dates: 28 October to 8 November 2024\s*$", line)
    report = parser.parse_report(text, MK_2024)
    assert (report["inspection_start"], report["inspection_end"]) == ("2024-10-28", "2024-11-08")
    assert_items(report, MK_ITEMS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 to 13 May and 23 to 27 May 2022", ("2022-05-09", "2022-05-27")),
        ("9 to 13 and 23 to 27 May 2022", ("2022-05-09", "2022-05-27")),
        ("20 and 21 February 2024", ("2024-02-20", "2024-02-21")),
        ("31 January and 1 February 2024", ("2024-01-31", "2024-02-01")),
        ("28 October to 8 November 2024.", ("2024-10-28", "2024-11-08")),
    ],
)
def test_parse_inspection_dates(text, expected):
    assert dates.parse_inspection_dates(text) == expected


@pytest.mark.parametrize(
    "text", ["23 to 27 May and 9 to 13 May 2022", "9 May", "May 2022 and", "9 to 13 May"]
)
def test_parse_inspection_dates_rejects(text):
    with pytest.raises(ValueError, match=r"inspection dates|not a date range"):
        dates.parse_inspection_dates(text)


def test_improvement_heading_repeated_after_a_page_break():
    """West Sussex 2019's list runs over a page break (7 items, page 3, 5 items); here the
    heading is repeated after the break, as "(continued)"."""
    text = changed(
        shipped(WEST_SUSSEX_2019),
        r"^(◼ The quality and regularity of supervision, management oversight)",
        r"What needs to improve (continued)\n\1",
    )
    report = parser.parse_report(text, WEST_SUSSEX_2019)
    assert_items(report, WEST_SUSSEX_ITEMS)


def test_judgement_heading_repeated_reads_on_from_its_first_part():
    heading = (
        "The experiences and progress of children who need help and\nprotection is inadequate\n"
    )
    text = changed(shipped(WEST_SUSSEX_2019), r"^(5\. )", heading + r"\1")
    report = parser.parse_report(text, WEST_SUSSEX_2019)
    help_protection = section(report, "help_protection")
    assert help_protection["grade"] == IN
    assert help_protection["text"].startswith("1. There are long-standing")
    assert "\n5. " in help_protection["text"]
    assert [s["section"] for s in report["sections"]].count("help_protection") == 1


def test_judgement_heading_repeated_with_another_grade_is_refused():
    heading = "The experiences and progress of children who need help and\nprotection is good\n"
    text = changed(shipped(WEST_SUSSEX_2019), r"^(5\. )", heading + r"\1")
    with pytest.raises(ValueError, match=rf"{re.escape(WEST_SUSSEX_2019)}.*help_protection.*twice"):
        parser.parse_report(text, WEST_SUSSEX_2019)


def test_unparseable_reports_are_set_aside_and_the_rest_read(tmp_path, caplog):
    broken_dates = f"80524_milton_keynes{SUFFIX}17_december_2024.txt"
    no_grades = f"80539_portsmouth{SUFFIX}15_october_2018.txt"
    (tmp_path / broken_dates).write_text(
        changed(shipped(MK_2024), r"^Inspection dates: .*$", "Inspection dates: autumn 2024"),
        encoding="utf-8",
    )
    (tmp_path / no_grades).write_text(
        changed(shipped(PORTSMOUTH_2018), r"^Overall effectiveness Good\s*$", ""),
        encoding="utf-8",
    )
    (tmp_path / WEST_SUSSEX_2019).write_text(shipped(WEST_SUSSEX_2019), encoding="utf-8")
    paths = sorted(tmp_path.glob("*.txt"))
    with caplog.at_level(logging.WARNING, logger="inspections"):
        parsed, set_aside = parse_reports(paths)
    assert [r["source_file"] for r in parsed] == [WEST_SUSSEX_2019]
    assert set_aside["source_file"].tolist() == [broken_dates, no_grades]
    problems = dict(zip(set_aside["source_file"], set_aside["problem"], strict=True))
    # The published list leaves out the report's own words; the log keeps them.
    assert problems[broken_dates].startswith("inspection dates not understood: “…” (expected")
    assert "Overall effectiveness" in problems[no_grades]
    assert f"{broken_dates}: set aside" in caplog.text
    assert "inspection dates not understood: “autumn 2024”" in caplog.text
    assert "2 of 3 inspection report(s) set aside" in caplog.text


def test_the_footnote_a_heading_marks_is_left_out_of_the_sections():
    """The footnote "What needs to improve?1" points to stands at the foot of its page (here
    page 2 of Milton Keynes 2024, whose last paragraph is the third of help and protection); a
    constructed two-line note takes its place there."""
    text = changed(shipped(MK_2024), r"^What needs to improve\?\s*$", "What needs to improve?1")
    text = changed(
        text,
        r"^(before decisions are made and multi-agency plans for future work are agreed\.\s*)$",
        r"\1\n\n1 The areas for improvement are those the inspection found the local\n"
        "authority should address first.",
    )
    report = parser.parse_report(text, MK_2024)
    assert_items(report, MK_ITEMS)
    help_protection = section(report, "help_protection")["text"]
    assert "areas for improvement are those" not in help_protection
    assert "authority should address first" not in help_protection
    assert "plans for future work are agreed.\n4. Assessments using the Milton Keynes" in (
        help_protection
    )


def test_a_misnamed_report_is_set_aside_and_named_only_in_the_log(tmp_path, caplog):
    misnamed = tmp_path / "milton_keynes_2024.txt"
    misnamed.write_text(shipped(MK_2024), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="inspections"):
        parsed, set_aside = parse_reports([misnamed, OFSTED / MK_2024])
    assert [r["inspection_start"] for r in parsed] == ["2024-10-28"]
    assert set_aside["source_file"].tolist() == [
        "(a file not named as an Ofsted report; its name is in the inspections log)"
    ]
    assert set_aside["problem"].iloc[0].startswith("file name does not look like")
    assert "milton_keynes_2024.txt: set aside, not parsed: file name does not look" in caplog.text


def test_a_file_put_in_the_folder_by_mistake_leaves_none_of_its_words_in_the_list(tmp_path):
    """The set-aside list is published: a case note saved in the reports folder, named as a
    report or not, must not put its name or its lines into it."""
    note = (
        "Inspection of Milton Keynes children's services\n\n"
        "Inspection dates: Jane Doe seen at home, 12 Acacia Avenue\n\n"
        "Overall effectiveness Jane Doe disclosed\n"
    )
    named = tmp_path / f"80524_milton_keynes{SUFFIX}17_december_2024.txt"
    unnamed = tmp_path / "jane_doe_case_note.txt"
    for path in (named, unnamed):
        path.write_text(note, encoding="utf-8")
    no_grades = tmp_path / f"80539_portsmouth{SUFFIX}15_october_2018.txt"
    no_grades.write_text(
        changed(shipped(PORTSMOUTH_2018), r"^Overall effectiveness Good\s*$", "Overall Jane Doe"),
        encoding="utf-8",
    )
    _, set_aside = parse_reports([named, unnamed, no_grades])
    assert len(set_aside) == 3
    published = set_aside.to_csv(index=False)
    for words in ("Jane", "Doe", "Acacia", "jane_doe"):
        assert words not in published
    assert "“…”" in published


def test_a_report_whose_improvement_heading_is_not_found_is_refused():
    """Before, an improvement heading the parser did not know left the list in the summary and
    the report counted as having no improvements; now the report is refused (and set aside)."""
    text = changed(shipped(MK_2024), r"^What needs to improve\?\s*$", "Areas to strengthen")
    with pytest.raises(ValueError, match=rf"{re.escape(MK_2024)}: no 'What needs to improve'"):
        parser.parse_report(text, MK_2024)


FOCUSED_VISIT = """Focused visit to Milton Keynes children's services

Inspection dates: 20 and 21 February 2024
Lead inspector: An Inspector, His Majesty's Inspector

This letter summarises the findings of the focused visit to Milton Keynes children's
services under the inspection of local authority children's services (ILACS) framework.

Areas for improvement
The management oversight of children in need plans.
"""


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Focused visit to Milton Keynes children's services", "a focused visit"),
        ("Monitoring visit to Milton Keynes children's services", "a monitoring visit"),
        ("Joint targeted area inspection of Milton Keynes", "a joint targeted area inspection"),
    ],
)
def test_a_visit_is_set_aside_as_a_visit_not_as_missing_grades(tmp_path, title, kind):
    name = "80524_milton_keynes__focused_visit_-_19_march_2024.txt"
    visit = tmp_path / name
    visit.write_text(FOCUSED_VISIT.replace(FOCUSED_VISIT.splitlines()[0], title), "utf-8")
    parsed, set_aside = parse_reports([visit, OFSTED / MK_2024])
    assert len(parsed) == 1
    assert set_aside["problem"].tolist() == [
        f"{kind}, not a graded inspection (visits have no judgements; only full and short "
        "ILACS inspections and SIF reports are read)"
    ]


def test_a_summary_that_mentions_a_focused_visit_is_still_read():
    """Only a title line names a visit: an inspection's summary may begin a line with one."""
    text = changed(
        shipped(MK_2024),
        r"^What needs to improve\?\s*$",
        "Focused visit to the front door in 2023 found the same.\n\nWhat needs to improve?",
    )
    assert_items(parser.parse_report(text, MK_2024), MK_ITEMS)
