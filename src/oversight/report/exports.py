"""The report's tables as one Excel workbook laid out the way users of official statistics expect.

The layout follows the GSS/ONS guidance on accessible spreadsheets: a "Notes" cover sheet first
(title, contents, notes), then one table per sheet with its title in A1, a bold header row in
row 2 and data from row 3, no merged cells and no blank rows inside a table, panes frozen
below the header, and the table's source a blank row below it. Suppressed cells keep the text
``c`` and the notes explain it.

Text cells are made formula-safe and stored as strings, numbers stay numbers, and missing
values are empty cells. The same inputs give the same bytes: openpyxl stamps the save time
into ``docProps/core.xml`` and the zip member headers, so both are fixed after saving (the
technique of :mod:`oversight.demo.writers`, applied in memory here).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from oversight.artefacts import atomic_path, excel_safe_cell, xlsx_bytes
from oversight.disclosure.readback import SYMBOL
from oversight.report.marking import DEMO_NOTE, data_note, from_la_extracts

NOTES_SHEET = "Notes"
MAX_SHEET_NAME = 31
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SUPPRESSION_NOTE = (
    "Suppressed to protect confidentiality: a small count, or a cell hidden so that a small "
    "count cannot be worked out from the totals."
)
# Fixed metadata times: the zip format's earliest date, and a constant document time.
MIN_WIDTH, MAX_WIDTH = 8, 60
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)


@dataclass(frozen=True)
class SheetTable:
    """One published table: ``id`` names its sheet, ``title`` goes in A1, ``source`` below it.

    The frame's columns are written as the header and its rows as data; the index is not
    written (reset it first if it carries data).
    """

    id: str
    title: str
    frame: pd.DataFrame
    source: str


def number_or_text(series: pd.Series) -> pd.Series:
    """Numbers stay numbers in the workbook; a column with a `c` keeps it as text."""
    numbers = pd.to_numeric(series, errors="coerce")
    return series.where(numbers.isna(), numbers).astype(object)


def sheet_table(name: str, spec: Mapping[str, Any], frame: pd.DataFrame, demo: bool) -> SheetTable:
    """Published table ``name`` (its config/tables.yaml entry ``spec``) as a sheet: numbers as
    numbers, its source and how to trace it below. In a demo run the title of a table built
    from LA extracts says the data are synthetic: a sheet copied out of the workbook keeps it."""
    source = (
        f"Source: rule {spec['rule']}; results/tables/{name}.csv. "
        f"Trace with: oversight trace {spec['id']}"
    )
    title = spec["title"]
    if demo and from_la_extracts(spec):
        title = f"{title}. {DEMO_NOTE}"
    return SheetTable(spec["id"], title, frame.apply(number_or_text), source)


def workbook_notes(min_count: int, survey_min_n: int, demo: bool) -> list[tuple[str, str]]:
    """The notes sheet's entries: what ``c`` hides (counts below ``min_count``), rounding,
    provenance, and whether the data are real."""
    return [
        (
            "c",
            f"Suppressed: a count from 1 to {min_count - 1}, or a cell hidden so "
            "that such a count cannot "
            "be worked out from a total. Survey breakdowns are shown only where at least "
            f"{survey_min_n} answered.",
        ),
        ("Rounding", "Totals above 1,000 in TAB-DATA are rounded to the nearest 5."),
        (
            "Provenance",
            "results/provenance.json maps each table ID to the rule, parameters, "
            "code version, configuration hash and input files (SHA-256) that produced it.",
        ),
        ("Data", data_note(demo)),
    ]


def workbook_bytes(tables: list[SheetTable], notes: list[tuple[str, str]], title: str) -> bytes:
    """The workbook as xlsx bytes: a "Notes" sheet, then one sheet per table, in order.

    Raises ValueError, naming the table id, when a sheet name is invalid or repeated.
    """
    _check_sheet_names(tables)
    book = Workbook()
    _write_notes(book.active, tables, _with_suppression_note(tables, notes), title)
    for table in tables:
        _write_table(book.create_sheet(table.id), table)
    return xlsx_bytes(book)


def write_workbook(
    tables: list[SheetTable], notes: list[tuple[str, str]], title: str, path: str | Path
) -> None:
    """Write :func:`workbook_bytes` to ``path`` atomically."""
    data = workbook_bytes(tables, notes, title)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _check_sheet_names(tables: list[SheetTable]) -> None:
    # Excel compares sheet names case-insensitively, and "Notes" is taken by the cover sheet.
    seen = {NOTES_SHEET.casefold()}
    for table in tables:
        name = table.id
        if not name or len(name) > MAX_SHEET_NAME:
            raise ValueError(f"sheet name '{name}' must have 1 to {MAX_SHEET_NAME} characters")
        if INVALID_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"sheet name '{name}' has a character Excel does not allow")
        if name.casefold() in seen:
            raise ValueError(f"sheet name '{name}' is used twice (or clashes with {NOTES_SHEET})")
        seen.add(name.casefold())


def _with_suppression_note(
    tables: list[SheetTable], notes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """``notes``, plus an explanation of ``c`` when a table shows it and no note does."""
    if any(term == SYMBOL for term, _ in notes):
        return list(notes)
    shows_symbol = any((table.frame.astype(object) == SYMBOL).to_numpy().any() for table in tables)
    return [*notes, (SYMBOL, SUPPRESSION_NOTE)] if shows_symbol else list(notes)


def _write_notes(
    ws: Worksheet, tables: list[SheetTable], notes: list[tuple[str, str]], title: str
) -> None:
    """Cover sheet: title, contents with links to each sheet, then the notes; no blank rows."""
    ws.title = NOTES_SHEET
    _put(ws, 1, 1, title).font = TITLE_FONT
    _put(ws, 2, 1, "Contents").font = BOLD
    _header(ws, 3, ["Sheet", "Table"])
    row = 4
    for table in tables:
        link = _put(ws, row, 1, table.id)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{table.id}'!A1")
        link.style = "Hyperlink"
        _put(ws, row, 2, table.title)
        row += 1
    _put(ws, row, 1, "Notes").font = BOLD
    _header(ws, row + 1, ["Term", "Explanation"])
    for offset, (term, text) in enumerate(notes, start=row + 2):
        _put(ws, offset, 1, term)
        _put(ws, offset, 2, text)
    _fit_widths(ws, start_row=3)


def _write_table(ws: Worksheet, table: SheetTable) -> None:
    """Title in A1, bold header in row 2, data from row 3, a blank row, then the source."""
    _put(ws, 1, 1, table.title).font = TITLE_FONT
    _header(ws, 2, [str(column) for column in table.frame.columns])
    for row, values in enumerate(table.frame.itertuples(index=False, name=None), start=3):
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value)
    _put(ws, len(table.frame) + 4, 1, table.source)
    ws.freeze_panes = "A3"
    # The title and source run across empty cells; sizing on them would widen column A.
    _fit_widths(ws, start_row=2, end_row=len(table.frame) + 2)


def _header(ws: Worksheet, row: int, labels: Iterable[str]) -> None:
    for col, label in enumerate(labels, start=1):
        _put(ws, row, col, label).font = BOLD


def _put(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """Write one converted value; text is forced to a string cell, never a formula."""
    cell = ws.cell(row=row, column=col, value=_cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _cell_value(value: object) -> object:
    """A value openpyxl stores faithfully: number, bool, date, formula-safe text or None."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)  # .item() would give an int for nanosecond times
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN is missing; Excel cannot read an infinite number either
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        # Excel has no time zones; keep an aware time readable rather than shifting it.
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return excel_safe_cell(value.isoformat())
        return value
    # Control characters make openpyxl refuse the cell and are invisible anyway.
    return excel_safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _fit_widths(ws: Worksheet, start_row: int, end_row: int | None = None) -> None:
    """Column widths from the longest entry in the given rows, within sensible bounds."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=start_row, max_row=end_row):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _display_length(cell.value))
    for col, length in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, length + 2)
        )


def _display_length(value: object) -> int:
    if isinstance(value, dt.datetime | dt.date):
        return 10
    return len(str(value))
