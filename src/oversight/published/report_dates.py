"""The dates of an Ofsted inspection report: the inspection's first and last day from its
"Inspection dates:" line (one range, a range broken over two lines, or several parts) and the
"Report published:" date checked against the file name's. Pure functions."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from oversight.published.report_layout import (
    DATE_DAY_RE,
    DATE_PARTS_RE,
    DATE_RANGE_RE,
    INSPECTION_DATES_RE,
    MONTHS,
    REPORT_PUBLISHED_RE,
    excerpt,
)


def parse_day(day: str, month: str, year: str, what: str) -> dt.date:
    """The date of ``day`` ``month`` (a name or its abbreviation) ``year``; ``what`` (the
    file name or the text read) is quoted in the error as text of the report."""
    number = MONTHS.get(month.lower())
    if number is None:
        raise ValueError(f"unknown month {excerpt(month)} in {excerpt(what)}")
    return dt.date(int(year), number, int(day))


def parse_date_range(text: str) -> tuple[str, str]:
    """Parse "28 October to 8 November 2024", "14 to 25 January 2019",
    "29 April 2019 to 10 May 2019" or "26 February 2018–22 March 2018" into ISO dates."""
    m = DATE_RANGE_RE.fullmatch(" ".join(text.split()))
    if not m:
        raise ValueError(f"not a date range: {excerpt(text)}")
    end = parse_day(m["d2"], m["m2"], m["y2"], text)
    start_month = m["m1"] or m["m2"]
    start_year = int(m["y1"]) if m["y1"] else end.year
    start = parse_day(m["d1"], start_month, str(start_year), text)
    if start > end and m["m1"] and not m["y1"]:  # "28 December to 8 January 2020"
        start = start.replace(year=start.year - 1)
    if start > end:
        raise ValueError(f"date range ends before it starts: {excerpt(text)}")
    return start.isoformat(), end.isoformat()


def _part_dates(part: str, month: str | None, year: str | None, text: str) -> list[dt.date]:
    """The first and last day of one part of a date list (a range or a single day), its month
    and year taken from a later part when it leaves them out."""
    for whole in (part, f"{part} {year}", f"{part} {month} {year}"):
        if DATE_RANGE_RE.fullmatch(whole):
            return [dt.date.fromisoformat(d) for d in parse_date_range(whole)]
    m = DATE_DAY_RE.fullmatch(part)
    if not m or not (m["m"] or month) or not (m["y"] or year):
        raise ValueError(f"not a date range: {excerpt(text)}")
    day = parse_day(m["d"], m["m"] or month or "", m["y"] or year or "", text)
    return [day, day]


def parse_inspection_dates(text: str) -> tuple[str, str]:
    """Parse the dates of an inspection into its first and last day (ISO): one range (see
    :func:`parse_date_range`) or several parts, "9 to 13 May and 23 to 27 May 2022",
    "31 January and 1 February 2024", "20 and 21 February 2024"; a part without its month
    or year takes them from the part after it."""
    text = " ".join(text.split()).rstrip(".")
    if DATE_RANGE_RE.fullmatch(text):
        return parse_date_range(text)
    parts = [p for p in DATE_PARTS_RE.split(text) if p]
    if len(parts) < 2:
        raise ValueError(f"not a date range: {excerpt(text)}")
    spans: list[list[dt.date]] = []
    month = year = None
    for part in reversed(parts):
        span = _part_dates(part, month, year, text)
        month, year = span[0].strftime("%B"), str(span[0].year)
        spans.insert(0, span)
    if any(a[1] >= b[0] for a, b in itertools.pairwise(spans)):
        raise ValueError(
            f"parts of the inspection dates overlap or are out of order: {excerpt(text)}"
        )
    return spans[0][0].isoformat(), spans[-1][1].isoformat()


def _first_match(pattern: re.Pattern[str], lines: list[str]) -> re.Match[str] | None:
    """The first of ``lines`` that ``pattern`` matches, as its match."""
    return next((m for m in map(pattern.match, lines) if m), None)


def inspection_dates(head: list[str], source: str) -> tuple[str, str]:
    """The first and last day of the inspection (ISO dates), from the "Inspection dates:" line
    of the report's ``head``; dates broken over two lines ("Inspection dates: 28 October to" /
    "8 November 2024") are joined."""
    at = next((i for i, line in enumerate(head) if INSPECTION_DATES_RE.match(line)), None)
    if at is None:
        raise ValueError(f"{source}: no 'Inspection dates:' line in the report head")
    first = INSPECTION_DATES_RE.match(head[at])["range"]  # type: ignore[index]
    following = next((line for line in head[at + 1 : at + 3] if line), "")
    tries = [first, f"{first} {following}".strip()] if following else [first]
    for attempt in tries:
        try:
            return parse_inspection_dates(attempt)
        except ValueError:
            continue
    raise ValueError(
        f"{source}: inspection dates not understood: {excerpt(first or following)} (expected e.g. "
        "'28 October to 8 November 2024' or '9 to 13 May and 23 to 27 May 2022')"
    )


def check_published(head: list[str], source: str, published: str) -> None:
    """A "Report published:" line in the ``head``, if there is one, must give the date of the
    file name (``published``, ISO)."""
    stated = _first_match(REPORT_PUBLISHED_RE, head)
    if stated is None:
        return
    day, month, year = stated["date"].split()
    if parse_day(day, month, year, source).isoformat() != published:
        raise ValueError(
            f"{source}: 'Report published: {stated['date']}' disagrees with the file name"
        )
