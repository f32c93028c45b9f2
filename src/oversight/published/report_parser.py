"""Parsing the text of one Ofsted inspection report (its layouts:
:mod:`oversight.published.report_layout`).

:func:`parse_report` reads a report's identifiers and dates from its file name and head, its
five judgement grades from the head block (the ILACS table or the SIF list), and its sections
from the body, with page furniture and the closing boilerplate removed. Anything the parser does
not recognise raises ``ValueError`` naming the file and what was missing; nothing is guessed
(the inspections rule sets such a report aside: :mod:`oversight.published.report_set_aside`).

All functions are pure except :func:`read_report`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.published.report_dates import (
    check_published,
    inspection_dates,
    parse_day,
)
from oversight.published.report_layout import (
    APOS,
    FILE_NAME_RE,
    GRADE,
    GRADED_HEADING_RES,
    GRADES,
    ILACS_HEAD_LABELS,
    JUDGEMENT_SECTIONS,
    JUDGEMENTS,
    MARKED_HEADING_RE,
    MAX_HEADING_LINES,
    PAGE_DATES_RE,
    PAGE_HEADER_RE,
    PAGE_NUMBER_RE,
    PLAIN_HEADINGS,
    SIF_HEAD_LABELS,
    SIF_SKIPPED_RE,
    SIF_START_RE,
    TRAILER_RE,
    VISIT_TITLE_LINES,
    VISIT_TITLE_RE,
    excerpt,
    words_regex,
)

# How far into a report its head (title, dates, judgement grades) may reach, in lines.
HEAD_LINES = 60


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
    raise ValueError(f"not an Ofsted grade: {excerpt(raw)}")


def parse_file_name(file_name: str) -> tuple[int, str]:
    """The Ofsted URN and the ISO publication date written in a report's file name."""
    name = Path(file_name).name
    m = FILE_NAME_RE.match(name)
    if not m:
        raise ValueError(
            f"{name}: file name does not look like "
            "'<urn>_<la>__childrens_services_inspection_-_<dd>_<month>_<yyyy>.txt'"
        )
    published = parse_day(m["day"], m["month"], m["year"], name)
    return int(m["urn"]), published.isoformat()


def _tokenise_grades(
    lines: list[str], labels: dict[str, str], last: str, file_name: str
) -> tuple[dict[str, str], int]:
    """Read ``label grade`` pairs from the joined ``lines`` until the ``last`` label.

    Returns the grades (normalised) and how many of ``lines`` the block used. Every character
    up to the last grade must belong to a label or a grade, so an unexpected judgement or a
    missing grade is an error, not a silent skip.
    """
    alternatives = "|".join(f"(?P<{key}>{words_regex(label)})" for key, label in labels.items())
    token = re.compile(rf"\s*(?:{alternatives})(?:\s+(?:is|are))?\s*:?\s*{GRADE}(?=\s|$)")
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
                f"{file_name}: judgement grades block not recognised at {excerpt(snippet)} "
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


def _add_section(
    found: list[dict[str, Any]], section: str, grade: str | None, text: str, file_name: str
) -> None:
    """Add a section to ``found``; a section whose heading appears again (repeated over a page
    break, "(continued)") reads on from its first part. Two grades for one section are an
    error."""
    earlier = next((s for s in found if s["section"] == section), None)
    if earlier is None:
        found.append({"section": section, "grade": grade, "text": text})
        return
    if grade is not None and earlier["grade"] is not None and grade != earlier["grade"]:
        raise ValueError(
            f"{file_name}: section {section!r} appears twice with different grades "
            f"({earlier['grade']!r} and {grade!r})"
        )
    earlier["grade"] = earlier["grade"] or grade
    earlier["text"] = f"{earlier['text']}\n{text}"


def _drop_footnotes(body: list[str]) -> list[str]:
    """Remove the footnotes that headings point to ("What needs to improve?1" and, at the foot
    of the page, "1 The ... "): a line starting with the heading's mark and a space, with the
    lines that follow it up to a blank line or the page furniture."""
    marks = {m["mark"] for m in map(MARKED_HEADING_RE.match, body) if m}
    if not marks:
        return body
    starts = re.compile(rf"^(?:{'|'.join(map(re.escape, marks))})\s+\S")
    out: list[str] = []
    in_note = False
    for line in body:
        if _is_furniture(line) or not line:
            in_note = False
        elif starts.match(line) and (not out or not out[-1] or _is_furniture(out[-1])):
            in_note = True
        if not in_note:
            out.append(line)
    return out


def _sections(body: list[str], file_name: str, framework: str) -> list[dict[str, Any]]:
    lines = _drop_furniture(_drop_footnotes(body))
    found: list[dict[str, Any]] = []
    current: dict[str, Any] | None = {"section": "summary", "grade": None, "lines": []}

    def close() -> None:
        if current is None:
            return
        text = _clean_text(current["lines"])
        if not text:
            return
        _add_section(found, current["section"], current["grade"], text, file_name)

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


def report_lines(text: str) -> list[str]:
    """The report's lines, each with its whitespace (non-breaking spaces too) collapsed."""
    return [" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines()]


@dataclass
class Head:
    """What the report's head block gives: the layout, the five grades, whether children in
    care and care leavers share one judgement, other grades (SIF adoption) and the line where
    the body starts."""

    framework: str
    grades: dict[str, str]
    combined: bool
    body_start: int
    additional: dict[str, str] = field(default_factory=dict)


def _ilacs_head(lines: list[str], table: int, source: str) -> Head:
    """The ILACS "Judgement Grade" table starting after line ``table``."""
    window = lines[table + 1 : table + 41]
    raw, used = _tokenise_grades(window, ILACS_HEAD_LABELS, "overall", source)
    combined = "children_in_care_and_care_leavers" in raw
    if combined and ("children_in_care" in raw or "care_leavers" in raw):
        raise ValueError(
            f"{source}: both a combined and a separate children in care/care leavers grade"
        )
    if combined:
        raw["children_in_care"] = raw["care_leavers"] = raw.pop("children_in_care_and_care_leavers")
    return Head("ILACS", raw, combined, table + 1 + used)


def _sif_head(lines: list[str], sif: int, source: str) -> Head:
    """The SIF numbered list of judgements starting at line ``sif``."""
    raw, used = _tokenise_grades(lines[sif : sif + 40], SIF_HEAD_LABELS, "leaders", source)
    additional = {"adoption": raw.pop("adoption")} if "adoption" in raw else {}
    return Head("SIF", raw, False, sif + used, additional)


def head_block(lines: list[str], source: str) -> Head:
    """The judgement grades block of the report's head, ILACS or SIF; each of the five
    :data:`JUDGEMENTS` must have its grade."""
    head = lines[:HEAD_LINES]
    table = next((i for i, x in enumerate(head) if x == "Judgement Grade"), None)
    sif = next((i for i, x in enumerate(head) if SIF_START_RE.match(x)), None)
    if table is not None:
        found = _ilacs_head(lines, table, source)
    elif sif is not None:
        found = _sif_head(lines, sif, source)
    else:
        raise ValueError(
            f"{source}: no judgement grades block found (expected a 'Judgement Grade' table "
            "or a 'Children's services in ... are ...' list)"
        )
    missing = [key for key in JUDGEMENTS if key not in found.grades]
    if missing:
        raise ValueError(f"{source}: judgement grade(s) not found: {', '.join(missing)}")
    found.grades = {key: found.grades[key] for key in JUDGEMENTS}
    return found


def check_sections(sections: list[dict[str, Any]], combined: bool, source: str) -> None:
    """The body must have the summary, the improvement list ("What needs to improve", SIF
    "Recommendations": every report has one, so a heading not recognised would otherwise fold
    the list into the summary unseen) and a section for each judgement of its layout (one
    combined children in care and care leavers section, or the two), and no other."""
    names = [s["section"] for s in sections]
    wanted = ["help_protection", "leaders"]
    wanted += ["children_in_care_and_care_leavers"] if combined else ["children_in_care"]
    wanted += [] if combined else ["care_leavers"]
    absent = [name for name in wanted if name not in names]
    if absent:
        raise ValueError(f"{source}: section heading(s) not found: {', '.join(absent)}")
    if "summary" not in names:
        raise ValueError(f"{source}: no summary text between the grades and the first section")
    if "what_needs_to_improve" not in names:
        raise ValueError(
            f"{source}: no 'What needs to improve' heading found (SIF: 'Recommendations'); "
            "its list would be read as part of the summary"
        )
    unexpected = [name for name in names if name in JUDGEMENT_SECTIONS and name not in wanted]
    if unexpected:
        raise ValueError(f"{source}: unexpected section(s) {unexpected} for this layout")


def refuse_visits(lines: list[str], source: str) -> None:
    """A focused or monitoring visit letter, or a joint targeted area inspection, is not an
    inspection report with judgements: refuse it by name, not as a report with grades missing."""
    for line in lines[:VISIT_TITLE_LINES]:
        if m := VISIT_TITLE_RE.match(line.strip()):
            kind = (m["kind"] or m["jtai"]).lower()
            raise ValueError(
                f"{source}: a {kind}, not a graded inspection (visits have no "
                "judgements; only full and short ILACS inspections and SIF reports are read)"
            )


def parse_report(text: str, file_name: str) -> dict[str, Any]:
    """Parse one report's text into its identifiers, dates, grades and sections.

    Returns a dict with ``urn``, ``la_name`` (as in the title), ``published``,
    ``inspection_start``, ``inspection_end`` (ISO dates), ``framework`` ("ILACS" or "SIF"),
    ``grades`` (the five :data:`JUDGEMENTS`), ``combined_cla_care_leavers``,
    ``additional_grades`` (SIF adoption performance), ``sections`` (list of
    ``{section, grade, text}`` in report order) and ``source_file``.
    """
    source = Path(file_name).name
    lines = report_lines(text)
    refuse_visits(lines, source)
    urn, published = parse_file_name(source)
    start, end = inspection_dates(lines[:HEAD_LINES], source)
    check_published(lines[:HEAD_LINES], source, published)
    head = head_block(lines, source)
    sections = _sections(lines[head.body_start :], source, head.framework)
    check_sections(sections, head.combined, source)
    return {
        "urn": urn,
        "la_name": _title_name(lines, source),
        "published": published,
        "inspection_start": start,
        "inspection_end": end,
        "framework": head.framework,
        "grades": head.grades,
        "combined_cla_care_leavers": head.combined,
        "additional_grades": head.additional,
        "sections": sections,
        "source_file": source,
    }
