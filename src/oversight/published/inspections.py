"""Ofsted inspections of local authority children's services: judgements and section texts.

The corpus is the text extracted from the published PDF reports (``data/raw/published/ofsted/``).
Two layouts occur:

* **ILACS** (inspections of local authority children's services, 2018 onwards). A title
  ("Inspection of Milton Keynes local authority children's services" or, in 2018-2020 reports,
  the council's name over "Inspection of children's social care services"), an
  "Inspection dates: ..." line, a "Judgement Grade" table ending with "Overall effectiveness",
  an unlabelled summary, "What needs to improve(?)" (a bulleted list) and one section per
  judgement, headed by the judgement and its grade ("...children in care: good",
  "...protection is good", "...care leavers requires improvement to be good."). Reports before
  2023 have one combined judgement for "children in care and care leavers".
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
from section texts. Anything the parser does not recognise raises ``ValueError`` naming the
file and what was missing; nothing is guessed.

All functions are pure except :func:`read_report`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

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
COLUMNS = [
    "la_code",
    "la_name",
    "urn",
    "published",
    "inspection_start",
    "inspection_end",
    *JUDGEMENTS,
    "section",
    "section_grade",
    "text",
    "source_file",
]

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
INSPECTION_DATES_RE = re.compile(r"^Inspection dates?:\s*(?P<range>.+)$")
REPORT_PUBLISHED_RE = re.compile(r"^Report published:\s*(?P<date>\d{1,2}\s+[A-Za-z]+\s+\d{4})$")

# Page furniture, matched against stripped lines of the body.
PAGE_HEADER_RE = re.compile(rf"^Inspection of .+ children{APOS}s services$")
PAGE_DATES_RE = re.compile(
    r"^\d{1,2}(?:\s+[A-Za-z]+)?(?:\s+\d{4})?\s*(?:to|–|-)\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}\.?"
    r"\s+\d{1,3}$"
)
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}$")
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
CONNECTOR = r"(?:\s*:|\s+is\s+that\s+it(?:\s+is)?|\s+is|\s+are)?"
PLAIN_HEADINGS = {
    "ILACS": {"what_needs_to_improve": re.compile(r"^What needs to improve\??$")},
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

BULLET_RE = re.compile("^[◼■▪•●\uf06e\uf0a7\uf0b7\uf0d8]\\s*")
NUMBERED_RE = re.compile(r"^\d{1,2}\.\s+")


def _words(phrase: str) -> str:
    """A regex for ``phrase`` (itself a regex) that lets any whitespace run stand for a space."""
    return r"\s+".join(phrase.split())


def _compile_graded_headings() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for section, phrases in GRADED_HEADINGS.items():
        for phrase in phrases:
            pattern = rf"^{_words(phrase)}{CONNECTOR}\s*{GRADE}\s*\.?$"
            out.append((section, re.compile(pattern)))
    return out


GRADED_HEADING_RES = _compile_graded_headings()


def read_report(path: str | Path) -> str:
    """Return the text of one report file (UTF-8)."""
    return Path(path).read_text(encoding="utf-8")


def normalise_grade(raw: str) -> str:
    """Map a grade as written ("requires improvement", "Good.", "Requires Improvement") to one
    of :data:`GRADES`."""
    key = " ".join(raw.split()).strip(" .:").lower()
    if key in ("requires improvement", "requires improvement to be good"):
        return "Requires improvement to be good"
    for grade in GRADES:
        if key == grade.lower():
            return grade
    raise ValueError(f"not an Ofsted grade: {raw!r}")


def _parse_day(day: str, month: str, year: str, what: str) -> dt.date:
    number = MONTHS.get(month.lower())
    if number is None:
        raise ValueError(f"{what}: unknown month {month!r}")
    return dt.date(int(year), number, int(day))


def parse_file_name(file_name: str) -> tuple[int, str]:
    """The Ofsted URN and the ISO publication date written in a report's file name."""
    name = Path(file_name).name
    m = FILE_NAME_RE.match(name)
    if not m:
        raise ValueError(
            f"{name}: file name does not look like "
            "'<urn>_<la>__childrens_services_inspection_-_<dd>_<month>_<yyyy>.txt'"
        )
    published = _parse_day(m["day"], m["month"], m["year"], name)
    return int(m["urn"]), published.isoformat()


def parse_date_range(text: str) -> tuple[str, str]:
    """Parse "28 October to 8 November 2024", "14 to 25 January 2019",
    "29 April 2019 to 10 May 2019" or "26 February 2018–22 March 2018" into ISO dates."""
    m = DATE_RANGE_RE.fullmatch(" ".join(text.split()))
    if not m:
        raise ValueError(f"not a date range: {text!r}")
    end = _parse_day(m["d2"], m["m2"], m["y2"], text)
    start_month = m["m1"] or m["m2"]
    start_year = int(m["y1"]) if m["y1"] else end.year
    start = _parse_day(m["d1"], start_month, str(start_year), text)
    if start > end and m["m1"] and not m["y1"]:  # "28 December to 8 January 2020"
        start = start.replace(year=start.year - 1)
    if start > end:
        raise ValueError(f"date range ends before it starts: {text!r}")
    return start.isoformat(), end.isoformat()


def _tokenise_grades(
    lines: list[str], labels: dict[str, str], last: str, file_name: str
) -> tuple[dict[str, str], int]:
    """Read ``label grade`` pairs from the joined ``lines`` until the ``last`` label.

    Returns the grades (normalised) and how many of ``lines`` the block used. Every character
    up to the last grade must belong to a label or a grade, so an unexpected judgement or a
    missing grade is an error, not a silent skip.
    """
    alternatives = "|".join(f"(?P<{key}>{_words(label)})" for key, label in labels.items())
    token = re.compile(rf"\s*(?:{alternatives})\s*:?\s*{GRADE}(?=\s|$)")
    joined, ends = "", []
    for line in lines:
        joined += line.strip() + " "
        ends.append(len(joined))
    grades: dict[str, str] = {}
    pos = 0
    while last not in grades:
        m = token.match(joined, pos)
        if not m:
            snippet = " ".join(joined[pos : pos + 90].split())
            found = ", ".join(grades) or "none"
            raise ValueError(
                f"{file_name}: judgement grades block not recognised at {snippet!r} "
                f"(judgements read so far: {found}; expected up to {labels[last]!r})"
            )
        key = next(k for k in labels if m.group(k) is not None)
        if key in grades:
            raise ValueError(f"{file_name}: judgement {labels[key]!r} appears twice")
        grades[key] = normalise_grade(m["grade"])
        pos = m.end()
    used = next(i for i, end in enumerate(ends) if end >= pos) + 1
    return grades, used


def _title_name(lines: list[str], file_name: str) -> str:
    """The LA's name as written in the report title (a leading "the" dropped)."""
    head = [line.strip() for line in lines[:25]]
    title_re = re.compile(r"^(?:Re-)?[Ii]nspection of\b")
    for i, line in enumerate(head):
        if not title_re.match(line):
            continue
        title = line
        j = i
        while not re.search(r"services$|care leavers$", title) and j + 1 < i + 4:
            j += 1
            title = f"{title} {head[j]}".strip()
        m = re.fullmatch(
            rf"Inspection of (?P<name>.+?)\s+(?:local authority\s+)?children{APOS}s\s+services",
            title,
        )
        generic = re.fullmatch(
            rf"Inspection of (?:local authority children{APOS}s|children{APOS}s social care)"
            r" services",
            title,
        )
        if m and not generic:
            name = m["name"]
        else:  # the council's name stands on the line(s) above the title
            above = []
            for prev in reversed(head[:i]):
                if not prev or PAGE_NUMBER_RE.match(prev):
                    if above:
                        break
                    continue
                above.insert(0, prev)
            if not above:
                break
            name = " ".join(above)
        return re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.IGNORECASE)
    raise ValueError(f"{file_name}: report title ('Inspection of ...') not found")


def _is_furniture(line: str) -> bool:
    return bool(
        PAGE_NUMBER_RE.match(line) or PAGE_DATES_RE.match(line) or PAGE_HEADER_RE.match(line)
    )


def _drop_furniture(body: list[str]) -> list[str]:
    """Remove running headers and page numbers with the blank lines around them, so a
    paragraph broken by a page end reads on."""
    out: list[str] = []
    skipping = False
    for line in body:
        if _is_furniture(line):
            while out and not out[-1]:
                out.pop()
            skipping = True
        elif skipping and not line:
            continue
        else:
            skipping = False
            out.append(line)
    return out


def _heading_at(lines: list[str], i: int, framework: str) -> tuple[str, str | None, int] | None:
    """A section heading starting at line ``i``: (section, grade or None, lines used); the
    section is "" for a SIF part whose text is left out."""
    line = lines[i]
    if framework == "SIF" and SIF_SKIPPED_RE.match(line):
        return "", None, 1
    for section, pattern in PLAIN_HEADINGS[framework].items():
        if pattern.match(line):
            return section, None, 1
    if not line or not line[0].isupper():
        return None
    joined = ""
    for k in range(MAX_HEADING_LINES):
        if i + k >= len(lines) or not lines[i + k]:
            break
        joined = f"{joined} {lines[i + k]}".strip()
        for section, pattern in GRADED_HEADING_RES:
            m = pattern.match(joined)
            if m:
                return section, normalise_grade(m["grade"]), k + 1
    return None


def _clean_text(lines: list[str]) -> str:
    """Join section lines, dropping leading/trailing blanks and collapsing blank runs."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _sections(body: list[str], file_name: str, framework: str) -> list[dict[str, Any]]:
    lines = _drop_furniture(body)
    found: list[dict[str, Any]] = []
    current: dict[str, Any] | None = {"section": "summary", "grade": None, "lines": []}

    def close() -> None:
        if current is None:
            return
        text = _clean_text(current["lines"])
        if not text:
            return
        if any(s["section"] == current["section"] for s in found):
            raise ValueError(f"{file_name}: section {current['section']!r} found twice")
        found.append({"section": current["section"], "grade": current["grade"], "text": text})

    i = 0
    while i < len(lines):
        if TRAILER_RE.match(lines[i]):
            break
        heading = _heading_at(lines, i, framework)
        if heading is None:
            if current is not None:
                current["lines"].append(lines[i])
            i += 1
            continue
        section, grade, used = heading
        close()
        current = {"section": section, "grade": grade, "lines": []} if section else None
        i += used
    close()
    return found


def parse_report(text: str, file_name: str) -> dict[str, Any]:
    """Parse one report's text into its identifiers, dates, grades and sections.

    Returns a dict with ``urn``, ``la_name`` (as in the title), ``published``,
    ``inspection_start``, ``inspection_end`` (ISO dates), ``framework`` ("ILACS" or "SIF"),
    ``grades`` (the five :data:`JUDGEMENTS`), ``combined_cla_care_leavers``,
    ``additional_grades`` (SIF adoption performance), ``sections`` (list of
    ``{section, grade, text}`` in report order) and ``source_file``.
    """
    source = Path(file_name).name
    urn, published = parse_file_name(source)
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines()]
    head_limit = min(len(lines), 60)

    dates = next(
        (INSPECTION_DATES_RE.match(x) for x in lines[:head_limit] if INSPECTION_DATES_RE.match(x)),
        None,
    )
    if dates is None:
        raise ValueError(f"{source}: no 'Inspection dates:' line in the report head")
    try:
        start, end = parse_date_range(dates["range"])
    except ValueError as exc:
        raise ValueError(f"{source}: inspection dates not understood: {exc}") from None

    stated = next(
        (REPORT_PUBLISHED_RE.match(x) for x in lines[:head_limit] if REPORT_PUBLISHED_RE.match(x)),
        None,
    )
    if stated is not None:
        day, month, year = stated["date"].split()
        if _parse_day(day, month, year, source).isoformat() != published:
            raise ValueError(
                f"{source}: 'Report published: {stated['date']}' disagrees with the file name"
            )

    table = next((i for i, x in enumerate(lines[:head_limit]) if x == "Judgement Grade"), None)
    sif = next((i for i, x in enumerate(lines[:head_limit]) if SIF_START_RE.match(x)), None)
    additional: dict[str, str] = {}
    if table is not None:
        framework = "ILACS"
        window = lines[table + 1 : table + 41]
        raw, used = _tokenise_grades(window, ILACS_HEAD_LABELS, "overall", source)
        body_start = table + 1 + used
        combined = "children_in_care_and_care_leavers" in raw
        if combined and ("children_in_care" in raw or "care_leavers" in raw):
            raise ValueError(
                f"{source}: both a combined and a separate children in care/care leavers grade"
            )
        if combined:
            raw["children_in_care"] = raw["care_leavers"] = raw.pop(
                "children_in_care_and_care_leavers"
            )
    elif sif is not None:
        framework = "SIF"
        window = lines[sif : sif + 40]
        raw, used = _tokenise_grades(window, SIF_HEAD_LABELS, "leaders", source)
        body_start = sif + used
        combined = False
        if "adoption" in raw:
            additional["adoption"] = raw.pop("adoption")
    else:
        raise ValueError(
            f"{source}: no judgement grades block found (expected a 'Judgement Grade' table "
            "or a 'Children's services in ... are ...' list)"
        )
    missing = [key for key in JUDGEMENTS if key not in raw]
    if missing:
        raise ValueError(f"{source}: judgement grade(s) not found: {', '.join(missing)}")
    grades = {key: raw[key] for key in JUDGEMENTS}

    sections = _sections(lines[body_start:], source, framework)
    names = [s["section"] for s in sections]
    wanted = ["help_protection", "leaders"]
    wanted += ["children_in_care_and_care_leavers"] if combined else ["children_in_care"]
    wanted += [] if combined else ["care_leavers"]
    absent = [name for name in wanted if name not in names]
    if absent:
        raise ValueError(f"{source}: section heading(s) not found: {', '.join(absent)}")
    if "summary" not in names:
        raise ValueError(f"{source}: no summary text between the grades and the first section")
    unexpected = [name for name in names if name in JUDGEMENT_SECTIONS and name not in wanted]
    if unexpected:
        raise ValueError(f"{source}: unexpected section(s) {unexpected} for this layout")

    return {
        "urn": urn,
        "la_name": _title_name(lines, source),
        "published": published,
        "inspection_start": start,
        "inspection_end": end,
        "framework": framework,
        "grades": grades,
        "combined_cla_care_leavers": combined,
        "additional_grades": additional,
        "sections": sections,
        "source_file": source,
    }


def normalise_la_name(name: str) -> str:
    """A matching key for LA names: case, spacing, punctuation, ``&``/``and``, "the",
    "Royal Borough of" and council/children's services suffixes do not matter."""
    key = name.lower().replace("&", " and ")
    key = re.sub(rf"children{APOS}s services", " ", key)
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    key = " ".join(key.split())
    key = re.sub(r"^(the )?(royal borough of |city of )?", "", key)
    key = re.sub(r"( (county|city|borough|district))? council$", "", key)
    return key


INSPECTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "la_code": pa.Column("string", pa.Check.str_matches(r"^E\d{8}$")),
        "la_name": pa.Column("string"),
        "urn": pa.Column("int64", pa.Check.gt(0)),
        "published": pa.Column("datetime64[s]"),
        "inspection_start": pa.Column("datetime64[s]"),
        "inspection_end": pa.Column("datetime64[s]"),
        **{key: pa.Column("string", pa.Check.isin(GRADES)) for key in JUDGEMENTS},
        "section": pa.Column("string", pa.Check.isin(SECTION_ORDER)),
        "section_grade": pa.Column("string", pa.Check.isin(GRADES), nullable=True),
        "text": pa.Column("string", pa.Check.str_length(min_value=1)),
        "source_file": pa.Column("string"),
    },
    checks=[
        pa.Check(
            lambda df: ~df.duplicated(["la_code", "published", "section"]),
            error="one row per report and section",
        ),
        pa.Check(
            lambda df: df["inspection_start"] <= df["inspection_end"],
            error="inspection starts before it ends",
        ),
        pa.Check(
            lambda df: df["inspection_end"] <= df["published"],
            error="report published after the inspection",
        ),
    ],
    strict=True,
    ordered=True,
)


def _la_code(report: dict[str, Any], by_urn: dict[int, tuple], by_name: dict[str, tuple]):
    hit = by_urn.get(int(report["urn"])) or by_name.get(normalise_la_name(report["la_name"]))
    if hit is None:
        raise ValueError(
            f"{report.get('source_file', '?')}: no LA in the lookup with URN {report['urn']} "
            f"or a name matching {report['la_name']!r}"
        )
    return hit


def inspections_frame(reports: list[dict[str, Any]], la_lookup: pd.DataFrame) -> pd.DataFrame:
    """The ``inspections`` dataset: one row per report section, validated.

    ``la_lookup`` needs ``la_name``, ``la_code_new`` and ``ofsted_urn`` (the seslip LA table).
    Reports are matched to an LA by URN, else by normalised name; ``la_name`` in the output is
    the lookup's name (the name as written in each report is in :func:`parse_report`'s result).
    """
    by_urn: dict[int, tuple] = {}
    by_name: dict[str, tuple] = {}
    for row in la_lookup.itertuples(index=False):
        entry = (str(row.la_code_new), str(row.la_name))
        if pd.notna(row.ofsted_urn):
            by_urn[int(row.ofsted_urn)] = entry
        by_name[normalise_la_name(str(row.la_name))] = entry
    rows = []
    for report in reports:
        code, name = _la_code(report, by_urn, by_name)
        for section in report["sections"]:
            rows.append(
                {
                    "la_code": code,
                    "la_name": name,
                    "urn": int(report["urn"]),
                    "published": report["published"],
                    "inspection_start": report["inspection_start"],
                    "inspection_end": report["inspection_end"],
                    **{key: report["grades"][key] for key in JUDGEMENTS},
                    "section": section["section"],
                    "section_grade": section["grade"],
                    "text": section["text"],
                    "source_file": report["source_file"],
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("published", "inspection_start", "inspection_end"):
        frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d").astype("datetime64[s]")
    frame["urn"] = frame["urn"].astype("int64")
    for col in COLUMNS:
        if col not in ("urn", "published", "inspection_start", "inspection_end"):
            frame[col] = frame[col].astype("string")
    order = {name: i for i, name in enumerate(SECTION_ORDER)}
    frame = (
        frame.assign(_order=frame["section"].map(order))
        .sort_values(["la_code", "published", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return INSPECTIONS_SCHEMA.validate(frame, lazy=True)


def latest_judgements(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per LA: its latest inspection (by publication date) and the five grades.

    ``combined_cla_care_leavers`` says whether that inspection gave one judgement for children
    in care and care leavers (both grade columns then hold it).
    """
    keys = ["la_code", "la_name", "urn", "published", "inspection_start", "inspection_end"]
    reports = frame.groupby(["la_code", "published"], sort=True)
    combined = reports["section"].agg(
        lambda s: bool((s == "children_in_care_and_care_leavers").any())
    )
    one = frame.drop_duplicates(["la_code", "published"])[[*keys, *JUDGEMENTS, "source_file"]]
    one = one.merge(
        combined.rename("combined_cla_care_leavers").reset_index(), on=["la_code", "published"]
    )
    latest = one.sort_values(["la_code", "published"]).groupby("la_code").tail(1)
    return latest.reset_index(drop=True)


def split_items(text: str) -> list[str]:
    """Split a "What needs to improve" (or SIF "Recommendations") text into its items.

    Items start at bullet lines (◼, , •, ...); failing bullets, at numbered lines ("1. ");
    failing both, at blank lines. Sub-bullets ("−") stay in their item. Wrapped lines are
    joined with a space, except a word broken after a hyphen ("multi-" + "agency").
    """
    lines = [line.strip() for line in text.splitlines()]
    if any(BULLET_RE.match(line) for line in lines):
        starts = BULLET_RE
    elif any(NUMBERED_RE.match(line) for line in lines):
        starts = NUMBERED_RE
    else:
        starts = None
    items: list[list[str]] = []
    for line in lines:
        if starts is None:
            if not line:
                items.append([])
                continue
            if not items:
                items.append([])
            items[-1].append(line)
        elif starts.match(line):
            items.append([starts.sub("", line, count=1)])
        elif line and items:
            items[-1].append(line)
        elif line:  # text before the first bullet: keep it as its own item, not lost
            items.append([line])
    out = []
    for parts in items:
        joined = ""
        for part in parts:
            if joined.endswith("-") and len(joined) > 1 and joined[-2].isalpha():
                joined += part
            else:
                joined = f"{joined} {part}".strip()
        if joined:
            out.append(" ".join(joined.split()))
    return out


def what_needs_to_improve(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per item of each report's "What needs to improve" section:
    ``la_code``, ``published``, ``item`` (1, 2, ...) and ``text``."""
    rows = []
    sections = frame[frame["section"] == "what_needs_to_improve"]
    for row in sections.itertuples(index=False):
        for number, item in enumerate(split_items(row.text), start=1):
            rows.append(
                {"la_code": row.la_code, "published": row.published, "item": number, "text": item}
            )
    out = pd.DataFrame(rows, columns=["la_code", "published", "item", "text"])
    out["la_code"] = out["la_code"].astype("string")
    out["published"] = out["published"].astype("datetime64[s]")
    out["item"] = out["item"].astype("int64")
    out["text"] = out["text"].astype("string")
    return out.sort_values(["la_code", "published", "item"]).reset_index(drop=True)
