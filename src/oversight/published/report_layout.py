"""The layout of Ofsted inspection reports of local authority children's services: grades,
judgements, sections, and the patterns of their headings, head blocks and page furniture.

The corpus is the text extracted from the published PDF reports (``data/raw/published/ofsted/``).
Two layouts occur:

* **ILACS** (inspections of local authority children's services, 2018 onwards). A title
  ("Inspection of Milton Keynes local authority children's services" or, in 2018-2020 reports,
  the council's name over "Inspection of children's social care services"), an
  "Inspection dates: ..." line, a "Judgement Grade" table ending with "Overall effectiveness",
  an unlabelled summary, "What needs to improve" (a bulleted list; the heading also written
  "What needs to improve?", "What needs to improve:" or with a footnote mark,
  "What needs to improve?1", whose note at the page foot is left out) and one section per
  judgement, headed by the judgement and its grade ("...children in care: good",
  "...protection is good", "...care leavers requires improvement to be good.",
  "... is: Good", "... are: inadequate"). Reports before 2023 have one combined judgement for
  "children in care and care leavers". The inspection dates may be one range, a range broken
  over two lines or several parts; a heading repeated after a page break continues its
  section.
* **SIF** re-inspections (the single inspection framework, two reports published in 2018:
  Buckinghamshire and Surrey). The grades come as a numbered list under "Children's services
  in X are <grade>"; the report has an "Executive summary", numbered "Recommendations", and
  sections for help and protection, children looked after and achieving permanence (which
  holds the adoption and care leavers sub-judgements) and leadership, management and
  governance. They map onto the ILACS names: executive summary -> ``summary``,
  recommendations -> ``what_needs_to_improve``, children looked after -> ``children_in_care``
  (the adoption text stays in it; its grade is kept in ``additional_grades``), the care
  leavers sub-judgement -> ``care_leavers``, leadership -> ``leaders``. The contents page,
  "The local authority" (context statistics), "Summary for children and young people" and
  "Information about this inspection" are not judgement sections and are left out.

Page furniture (the running header "Inspection of X local authority children's services" with
its "dates  page" line, and bare page numbers) and the closing Ofsted boilerplate are removed
from section texts (:mod:`oversight.published.report_parser`).
"""

from __future__ import annotations

import re

GRADES = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
JUDGEMENTS = ("overall", "leaders", "help_protection", "children_in_care", "care_leavers")
SECTION_ORDER = (
    "summary",
    "what_needs_to_improve",
    "help_protection",
    "children_in_care_and_care_leavers",
    "children_in_care",
    "care_leavers",
    "leaders",
)
JUDGEMENT_SECTIONS = SECTION_ORDER[2:]

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

APOS = "[’']"
GRADE = r"(?i:(?P<grade>outstanding|good|inadequate|requires\s+improvement(?:\s+to\s+be\s+good)?))"
FILE_NAME_RE = re.compile(
    r"^(?P<urn>\d+)_(?P<slug>.+?)__childrens_services_inspection_-_"
    r"(?P<day>\d{1,2})_(?P<month>[a-z]+)_(?P<year>\d{4})\.txt$"
)
DATE_RANGE_RE = re.compile(
    r"(?P<d1>\d{1,2})(?:\s+(?P<m1>[A-Za-z]+))?(?:\s+(?P<y1>\d{4}))?\s*(?:to|–|—|-)\s*"
    r"(?P<d2>\d{1,2})\s+(?P<m2>[A-Za-z]+)\s+(?P<y2>\d{4})\.?"
)
INSPECTION_DATES_RE = re.compile(
    r"^(?:Inspection dates?|Dates? of (?:the )?inspection)\s*:\s*(?P<range>.*)$", re.IGNORECASE
)
# Where an inspection's dates come in parts ("9 to 13 May and 23 to 27 May 2022").
DATE_PARTS_RE = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
# One day of a date list, its month and year possibly left to a later part ("20 and 21 May").
DATE_DAY_RE = re.compile(r"(?P<d>\d{1,2})(?:\s+(?P<m>[A-Za-z]+))?(?:\s+(?P<y>\d{4}))?\.?")
# A footnote mark left by the PDF text after a heading or grade: "What needs to improve?1".
FOOTNOTE_MARK = r"(?:\d{1,2}|[\u00b9\u00b2\u00b3\u2070-\u2079*\u2020\u2021]+)"
FOOTNOTE = rf"(?:\s*{FOOTNOTE_MARK})?"
# A heading line ending in a footnote mark; the footnote itself ("1 The framework ...") stands
# at the foot of the page and is not part of any section.
MARKED_HEADING_RE = re.compile(
    rf"^(?:What needs to improve\s*[?:]?|.*\b(?i:good|outstanding|inadequate))\s*"
    rf"(?P<mark>{FOOTNOTE_MARK})\s*\.?$"
)
REPORT_PUBLISHED_RE = re.compile(r"^Report published:\s*(?P<date>\d{1,2}\s+[A-Za-z]+\s+\d{4})$")

# Page furniture, matched against stripped lines of the body.
PAGE_HEADER_RE = re.compile(rf"^Inspection of .+ children{APOS}s services$")
PAGE_DATES_RE = re.compile(
    r"^\d{1,2}(?:\s+[A-Za-z]+)?(?:\s+\d{4})?\s*(?:to|–|-)\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}\.?"
    r"\s+\d{1,3}$"
)
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}$")
# Text quoted from a report in a parser message stands in curly quotes, so that the published
# set-aside list can leave it out (a file put in the folder by mistake may not be a published
# report) while the log keeps it for whoever fixes the file.
EXCERPT_RE = re.compile(r"“[^”]*”")


def excerpt(text: str) -> str:
    """``text`` of a report quoted in a parser message (see :data:`EXCERPT_RE`)."""
    return f"“{text}”"


# Ofsted visits under the ILACS framework (focused, monitoring) and joint targeted area
# inspections carry no judgements: the parser names them rather than reporting missing grades.
# Only a capitalised title line near the top counts: a summary may mention an earlier visit.
VISIT_TITLE_LINES = 15
VISIT_TITLE_RE = re.compile(
    r"^(?P<kind>Focused visit|Monitoring visit) to |^(?P<jtai>Joint targeted area inspection) of "
)
TRAILER_RE = re.compile(
    r"^(The Office for Standards in Education|Any complaints about the inspection)"
)

# Head: the judgement table (ILACS) or the numbered list of judgements (SIF).
ILACS_HEAD_LABELS = {
    "leaders": "The impact of leaders on social work practice with children and families",
    "help_protection": "The experiences and progress of children who need help and protection",
    "children_in_care_and_care_leavers": (
        "The experiences and progress of children in care and care leavers"
    ),
    "children_in_care": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
    "overall": "Overall effectiveness",
}
SIF_HEAD_LABELS = {
    "overall": rf"Children{APOS}s services in .+? are",
    "help_protection": r"1\. Children who need help and protection",
    "children_in_care": r"2\. Children looked after and achieving permanence",
    "adoption": r"2\.1 Adoption performance",
    "care_leavers": r"2\.2 Experiences and progress of care leavers",
    "leaders": r"3\. Leadership, management and governance",
}
SIF_START_RE = re.compile(rf"^Children{APOS}s services in .+ are ")

# Body headings: a judgement and its grade, on one to four lines.
GRADED_HEADINGS = {
    "help_protection": [
        "The experiences and progress of children who need help and protection",
    ],
    "children_in_care_and_care_leavers": [
        "The experiences and progress of children in care and care leavers",
    ],
    "children_in_care": [
        "The experiences and progress of children in care",
        "The experiences and progress of children looked after and achieving permanence",
    ],
    "care_leavers": [
        "The experiences and progress of care leavers",
        "The graded judgement about the experiences? and progress of care leavers",
    ],
    "leaders": [
        "The impact of leaders on social work practice with children and families",
        "Leadership, management and governance",
    ],
}
# Between a judgement and its grade: "...: good", "... is good", "... is: Good",
# "... are: inadequate", "... is that it is good".
CONNECTOR = r"(?:\s*:|\s+is\s+that\s+it(?:\s+is)?|\s+(?:is|are)(?:\s*:)?)?"
PLAIN_HEADINGS = {
    "ILACS": {
        "what_needs_to_improve": re.compile(
            rf"^What needs to improve\s*[?:]?{FOOTNOTE}(?:\s*\(continued\))?\s*$", re.IGNORECASE
        )
    },
    "SIF": {
        "what_needs_to_improve": re.compile(r"^Recommendations$"),
        "summary": re.compile(r"^Executive summary$"),
    },
}
# SIF parts that are not about a judgement (contents page, context statistics, the summary
# for children, the inspection team): their text is left out.
SIF_SKIPPED_RE = re.compile(
    r"^(?:Contents|The local authority|Information about this local authority area\d*|"
    r"Summary for children and young people|Information about this inspection)$"
)
MAX_HEADING_LINES = 4


def words_regex(phrase: str) -> str:
    """A regex for ``phrase`` (itself a regex) that lets any whitespace run stand for a space."""
    return r"\s+".join(phrase.split())


def _compile_graded_headings() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for section, phrases in GRADED_HEADINGS.items():
        for phrase in phrases:
            pattern = rf"^{words_regex(phrase)}{CONNECTOR}\s*{GRADE}{FOOTNOTE}\s*\.?$"
            out.append((section, re.compile(pattern)))
    return out


GRADED_HEADING_RES = _compile_graded_headings()
