"""Pure parsers for survey-tool exports: bytes or text in, a wide DataFrame out.

Both return one row per respondent and one column per question, every value a string (or
missing for a blank cell), so the common ingest (``oversight.ingest.harmonise``) or
:func:`match_item_columns` can take over.

* **Microsoft Forms** (``.xlsx``): one header row holding the full question text, one
  column per question; the first columns are ``ID``, ``Start time``, ``Completion time``,
  ``Email``, ``Name`` (and in newer exports ``Last modified time``). Multiple-choice answers
  with several options ticked are one cell, ``;``-separated, and stay so.
* **SurveyMonkey and SmartSurvey** (``.csv``): two header rows, see
  :func:`flatten_two_row_header`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import BinaryIO

import pandas as pd
from openpyxl import load_workbook

from oversight.survey.instrument import Instrument

GENERIC_OPTIONS = frozenset(
    {"", "response", "open-ended response", "open ended response", "answer"}
)


def _clean(cell: object) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def flatten_two_row_header(rows: Sequence[Sequence[object]], separator: str = " - ") -> list[str]:
    """One column name per column from a two-row (question row, option row) header.

    SurveyMonkey and SmartSurvey CSV exports put the question text in row 1 **only above
    the first column of each question**; a question answered in several columns (a matrix
    with one column per statement, a "tick all that apply" with one column per option, an
    "Other (please specify)" box) leaves the cells to the right blank. Row 2 names what
    each column holds: the option or statement, or ``Response`` / ``Open-Ended Response``
    for a single-column question; it is blank under respondent metadata.

    Rules:

    1. The question row is filled forward across blanks, so every column knows its question.
    2. A question spanning one column is named by its question text alone (row 2 is
       dropped).
    3. A question spanning several columns names each column ``question + separator +
       option``, except a column whose option is blank or generic (``Response``,
       ``Open-Ended Response``, ``Answer``), which keeps the bare question: that is the
       main answer of a single-choice question followed by an "Other (please specify)" box.
    4. Whitespace is collapsed; a name that would repeat gets `` (2)``, `` (3)``, ...
       appended, so names are unique.

    Args:
        rows: The first two raw rows of the export (extra rows are ignored); cells may be
            None. A short second row is padded with blanks.
        separator: Put between question and option for multi-column questions.

    Returns:
        Column names, one per column of the wider of the two rows.
    """
    if len(rows) < 2:
        raise ValueError("a two-row header needs two rows")
    width = max(len(rows[0]), len(rows[1]))
    questions = [_clean(c) for c in rows[0]] + [""] * (width - len(rows[0]))
    options = [_clean(c) for c in rows[1]] + [""] * (width - len(rows[1]))

    filled: list[str] = []
    starts: list[int] = []
    current, start = "", 0
    for col, q in enumerate(questions):
        if q:
            current, start = q, col
        filled.append(current)
        starts.append(start)
    span = pd.Series(starts).value_counts().to_dict()

    names: list[str] = []
    used: dict[str, int] = {}
    for col in range(width):
        q, o = filled[col], options[col]
        if not q:
            name = o or f"column_{col + 1}"
        elif span[starts[col]] == 1 or o.casefold() in GENERIC_OPTIONS:
            name = q
        else:
            name = f"{q}{separator}{o}"
        used[name] = used.get(name, 0) + 1
        names.append(name if used[name] == 1 else f"{name} ({used[name]})")
    return names


def _frame(header: list[str], body: Sequence[Sequence[object]]) -> pd.DataFrame:
    width = len(header)
    data = []
    for row in body:
        cells = [_clean(c) if not hasattr(c, "isoformat") else c.isoformat() for c in row]
        if not any(cells):
            continue  # blank line at the end of an export
        cells = (cells + [""] * width)[:width]
        data.append(cells)
    frame = pd.DataFrame(data, columns=header, dtype="string")
    return frame.replace("", pd.NA)


def read_two_header_csv(
    source: str | bytes, delimiter: str = ",", separator: str = " - "
) -> pd.DataFrame:
    """Parse a SurveyMonkey / SmartSurvey two-header-row CSV export (text or bytes).

    Bytes are decoded as UTF-8 (a byte-order mark is dropped), falling back to cp1252,
    which older SmartSurvey exports use. Columns are named by
    :func:`flatten_two_row_header`; blank cells become missing; blank lines are skipped.
    """
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            source = source.decode("cp1252")
    source = source.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(source, newline=""), delimiter=delimiter))
    if len(rows) < 2:
        raise ValueError("expected a question row and an option row")
    header = flatten_two_row_header(rows[:2], separator)
    return _frame(header, rows[2:])


def read_ms_forms_xlsx(source: bytes | BinaryIO, sheet: str | None = None) -> pd.DataFrame:
    """Parse a Microsoft Forms response workbook (bytes or a binary file object).

    Reads the first sheet (or ``sheet``): row 1 is the header (full question text), each
    later row a respondent. Repeated headers get `` (2)``, ... appended. Dates become ISO
    strings; everything else a whitespace-collapsed string.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    wb = load_workbook(stream, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows:
        raise ValueError("the workbook is empty")
    header: list[str] = []
    used: dict[str, int] = {}
    for col, cell in enumerate(rows[0]):
        name = _clean(cell) or f"column_{col + 1}"
        used[name] = used.get(name, 0) + 1
        header.append(name if used[name] == 1 else f"{name} ({used[name]})")
    return _frame(header, rows[1:])


def match_item_columns(
    columns: Sequence[str], instrument: Instrument, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Column name -> item id where the column is the item's text (case, spacing and a
    trailing "?" or "." ignored) or the item id itself; ``extra`` adds LA-specific headers."""

    def norm(text: str) -> str:
        return " ".join(text.split()).casefold().rstrip("?.").strip()

    lookup = {}
    for it in (*instrument.items, *instrument.demographics):
        lookup[norm(it.text)] = it.id
        lookup[norm(it.id)] = it.id
    for header, item_id in (extra or {}).items():
        lookup[norm(header)] = item_id
    return {c: lookup[norm(c)] for c in columns if norm(c) in lookup}
