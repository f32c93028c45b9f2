"""The report's tables as one Excel workbook laid out the way users of official statistics expect.

The layout follows the Government Statistical Service's guidance on releasing statistics in
spreadsheets: a cover sheet (what the workbook holds, its source, the software and how to cite
it), a contents sheet linking every sheet, a notes sheet explaining every note the tables refer
to and every symbol they use, then one table per sheet. A table's sheet has its title in A1, a
line saying it holds one table and which notes apply, its source, then one marked-up Excel
table named after the table ID: readable headers, numbers stored as numbers with a number
format, symbols as bracketed text (``[c]``), no merged cells, no blank rows or columns inside,
nothing below it, the header row frozen.

The same inputs give the same bytes: openpyxl stamps the save time into ``docProps/core.xml``
and the zip member headers, and :func:`oversight.artefacts.xlsx_bytes` fixes both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from oversight.artefacts import atomic_path, xlsx_bytes
from oversight.report.workbook_cells import (
    MAX_HEADER_WIDTH,
    MAX_WIDTH,
    TITLE_STYLE,
    WRAP,
    display_length,
    excel_table,
    put,
    set_widths,
    table_name,
)
from oversight.report.workbook_sheets import (
    CONTENTS_SHEET,
    COVER_SHEET,
    META_SHEETS,
    META_TABLES,
    NOTES_SHEET,
    WorkbookText,
    write_contents,
    write_cover,
    write_notes,
)
from oversight.report.workbook_spec import Column, is_number

__all__ = [
    "CONTENTS_SHEET",
    "COVER_SHEET",
    "META_SHEETS",
    "NOTES_SHEET",
    "TABLE_HEADER_ROW",
    "SheetTable",
    "WorkbookText",
    "workbook_bytes",
    "write_workbook",
]

MAX_SHEET_NAME = 31
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# A table's sheet: title, what the sheet holds, source, then the table's header row.
TABLE_HEADER_ROW = 4
LANGUAGE = "en-GB"


@dataclass(frozen=True)
class SheetTable:
    """One published table: ``id`` names its sheet and its Excel table, ``title`` goes in A1
    after the ID, ``source`` above the table; ``columns`` give each column's header and number
    format (by default its name, and whole numbers ``#,##0``, other numbers ``0.000``);
    ``notes`` are the markers of the notes it refers to (``[note 1]``).

    The frame's columns are written as the header and its rows as data; the index is not
    written (reset it first if it carries data).
    """

    id: str
    title: str
    frame: pd.DataFrame
    source: str
    columns: tuple[Column, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def shown_columns(self) -> tuple[Column, ...]:
        """:attr:`columns`, or a plain header and format for each column of the frame."""
        return self.columns or tuple(_plain(str(c), self.frame[c]) for c in self.frame.columns)


def _plain(name: str, values: pd.Series) -> Column:
    numbers = [v for v in values if is_number(v)]
    if not numbers:
        return Column(name, name, None)
    whole = all(float(v).is_integer() for v in numbers)
    return Column(name, name, "#,##0" if whole else "#,##0.000")


def workbook_bytes(tables: list[SheetTable], text: WorkbookText) -> bytes:
    """The workbook as xlsx bytes: cover, contents and notes sheets, then one sheet per table.

    Raises:
        ValueError: Naming the table id, when a sheet or table name is invalid or repeated.
    """
    _check_sheet_names(tables)
    book = Workbook()
    book.properties.title = text.title
    book.properties.language = LANGUAGE
    book.properties.subject = "Published tables"
    book.properties.keywords = "; ".join(text.keywords) or None
    write_cover(book.active, text)
    contents = [(t.id, f"{t.id}: {t.title}", len(t.frame)) for t in tables]
    write_contents(book.create_sheet(CONTENTS_SHEET), contents, len(text.notes))
    write_notes(book.create_sheet(NOTES_SHEET), text.notes)
    for table in tables:
        _write_table(book.create_sheet(table.id), table)
    book.active = 0
    return xlsx_bytes(book)


def write_workbook(tables: list[SheetTable], text: WorkbookText, path: str | Path) -> None:
    """Write :func:`workbook_bytes` to ``path`` atomically."""
    data = workbook_bytes(tables, text)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _check_sheet_names(tables: list[SheetTable]) -> None:
    # Excel compares sheet names case-insensitively; the first three are the meta sheets'.
    seen = {name.casefold() for name in META_SHEETS}
    names = {name.casefold() for name in META_TABLES}
    for table in tables:
        name = table.id
        if not name or len(name) > MAX_SHEET_NAME:
            raise ValueError(f"sheet name '{name}' must have 1 to {MAX_SHEET_NAME} characters")
        if INVALID_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"sheet name '{name}' has a character Excel does not allow")
        if name.casefold() in seen:
            raise ValueError(
                f"sheet name '{name}' is used twice (or clashes with {', '.join(META_SHEETS)})"
            )
        seen.add(name.casefold())
        excel = table_name(name).casefold()
        if excel in names:
            raise ValueError(f"sheet name '{name}' gives a table name another table has")
        names.add(excel)


def describe(table: SheetTable) -> str:
    """The sheet's second line: one table, how many rows, and the notes it refers to."""
    rows = len(table.frame)
    text = "This worksheet contains one table"
    text += "; it has no rows in this run." if rows == 0 else f" of {rows:,} rows."
    if table.notes:
        markers = ", ".join(table.notes[:-1])
        markers = f"{markers} and {table.notes[-1]}" if markers else table.notes[0]
        text += f" It refers to {markers}, on the {NOTES_SHEET} sheet,"
        text += " which also explains any symbol in square brackets."
    else:
        text += f" The {NOTES_SHEET} sheet explains any symbol in square brackets."
    return text


def _write_table(ws: Worksheet, table: SheetTable) -> None:
    """Title, description and source in column A, then the Excel table; nothing below it."""
    put(ws, 1, 1, f"{table.id}: {table.title}").style = TITLE_STYLE
    put(ws, 2, 1, describe(table))
    put(ws, 3, 1, table.source)
    columns = table.shown_columns()
    labels = [c.label for c in columns]
    widths = _write_rows(ws, table.frame, columns)
    excel_table(ws, table_name(table.id), TABLE_HEADER_ROW, labels, len(table.frame))
    ws.freeze_panes = f"A{TABLE_HEADER_ROW + 1}"
    # The title and the lines above the table run across empty cells: widths come from the
    # table alone.
    for col, label in enumerate(labels):
        widths[col] = max(widths.get(col, 0), min(len(label), MAX_HEADER_WIDTH))
    set_widths(ws, widths)


def _write_rows(ws: Worksheet, frame: pd.DataFrame, columns: Sequence[Column]) -> dict[int, int]:
    """The frame's rows below the header, numbers with their column's (or row's) format, long
    text wrapped; the longest entry of each column (0-based) as Excel shows it."""
    widths: dict[int, int] = {}
    # Each number-formatted style, made once and copied: setting a format cell by cell looks
    # the style up again every time.
    styles: dict[str, Any] = {}
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        for col, value in enumerate(values):
            cell = put(ws, TABLE_HEADER_ROW + 1 + i, col + 1, value)
            if cell.value is None:
                continue
            column = columns[col]
            fmt = (column.by_row[i] if column.by_row else None) or column.number_format
            if cell.data_type == "n" and fmt:
                if fmt in styles:
                    cell._style = copy(styles[fmt])
                else:
                    cell.number_format = fmt
                    styles[fmt] = copy(cell._style)
            elif cell.data_type == "s" and len(cell.value) > MAX_WIDTH:
                cell.alignment = WRAP
            widths[col] = max(widths.get(col, 0), display_length(cell.value))
    return widths


def sheet_values(ws: Worksheet) -> list[Sequence[object]]:
    """A table sheet's header and data rows as values (for checks and readers)."""
    return [list(r) for r in ws.iter_rows(min_row=TABLE_HEADER_ROW, values_only=True)]
