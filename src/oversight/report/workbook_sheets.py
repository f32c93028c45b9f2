"""The workbook's first three sheets: the cover, the contents and the notes.

The cover is text in column A (a title, then headed sections); the contents and the notes
each hold one Excel table below their title and a line saying so. Every sheet name in the
contents links to the sheet's cell A1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from oversight.report.workbook_cells import (
    HEADING_STYLE,
    TITLE_STYLE,
    WRAP,
    excel_table,
    fit_widths,
    put,
)

COVER_SHEET, CONTENTS_SHEET, NOTES_SHEET = "Cover", "Contents", "Notes"
META_SHEETS = (COVER_SHEET, CONTENTS_SHEET, NOTES_SHEET)
CONTENTS_TABLE, NOTES_TABLE = "Contents_table", "Notes_table"
META_TABLES = (CONTENTS_TABLE, NOTES_TABLE)
COVER_WIDTH = 100
NOTES_HEADER = ("Note or symbol", "Explanation", "Tables")
CONTENTS_HEADER = ("Sheet", "Title", "Rows")


@dataclass(frozen=True)
class WorkbookText:
    """The workbook's own words: ``title`` (the cover's A1 and the file's title property),
    ``cover`` sections (a heading and its lines), and ``notes`` rows (a note's marker or a
    symbol's shorthand, its explanation, and the table IDs that refer to it); ``keywords``
    for the file's properties."""

    title: str
    cover: tuple[tuple[str, tuple[str, ...]], ...]
    notes: tuple[tuple[str, str, str], ...]
    keywords: tuple[str, ...] = ()


def write_cover(ws: Worksheet, text: WorkbookText) -> None:
    """The cover: the title in A1, then each section's heading and lines, one to a row."""
    ws.title = COVER_SHEET
    ws.sheet_view.tabSelected = True  # the workbook opens here, at A1
    put(ws, 1, 1, text.title).style = TITLE_STYLE
    row = 2
    for heading, lines in text.cover:
        put(ws, row, 1, heading).style = HEADING_STYLE
        for offset, line in enumerate(lines, start=1):
            put(ws, row + offset, 1, line).alignment = WRAP
        row += len(lines) + 1
    ws.column_dimensions["A"].width = COVER_WIDTH


def write_contents(ws: Worksheet, tables: Sequence[tuple[str, str, int]], notes: int) -> None:
    """The contents: one row for the notes sheet, then one per table (sheet name linked to
    its A1, title, rows)."""
    put(ws, 1, 1, "Contents").style = TITLE_STYLE
    put(ws, 2, 1, "This worksheet contains one table. Select a sheet name to go to the sheet.")
    rows = [(NOTES_SHEET, "Notes and symbols used in this workbook", notes), *tables]
    for row, (sheet, title, count) in enumerate(rows, start=4):
        link = put(ws, row, 1, sheet)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!A1")
        link.style = "Hyperlink"
        put(ws, row, 2, title).alignment = WRAP
        put(ws, row, 3, count).number_format = "#,##0"
    excel_table(ws, CONTENTS_TABLE, 3, CONTENTS_HEADER, len(rows))
    fit_widths(ws, 3)


def write_notes(ws: Worksheet, notes: Sequence[tuple[str, str, str]]) -> None:
    """The notes: every note the tables refer to and every symbol they use, with the tables
    that do."""
    put(ws, 1, 1, "Notes").style = TITLE_STYLE
    put(
        ws,
        2,
        1,
        "This worksheet contains one table: the notes the tables refer to, such as [note 1], "
        "and the symbols in square brackets they show instead of a number.",
    )
    for row, values in enumerate(notes, start=4):
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)
            cell.alignment = WRAP
    excel_table(ws, NOTES_TABLE, 3, NOTES_HEADER, len(notes))
    fit_widths(ws, 3)
