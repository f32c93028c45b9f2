"""Cells, Excel tables and column widths of the workbook's sheets.

Text cells are made formula-safe and stored as strings, numbers stay numbers with a number
format, and missing values are empty cells. Each block of data is one marked-up Excel table
(a header row and its rows), so that a screen reader announces the headers and a user can
sort and refer to it by name.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from oversight.artefacts import excel_safe_cell

MIN_WIDTH, MAX_WIDTH, MAX_HEADER_WIDTH = 8, 60, 30
# Excel's own heading cell styles (Heading 1 and 2): titles marked up as headings, as the
# guidance asks, not only set in a bigger font.
TITLE_STYLE, HEADING_STYLE = "Headline 1", "Headline 2"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TABLE_STYLE = "TableStyleLight9"
# What Excel refuses as a table name: a cell reference (A1 or R1C1) or a name not starting
# with a letter or underscore.
CELL_REFERENCE = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]|[Rr]\d*[Cc]\d*)$")


def table_name(text: str) -> str:
    """An Excel table name from ``text`` (a table ID): letters, digits and underscores.

    Raises:
        ValueError: Excel would refuse the name.
    """
    name = re.sub(r"\W", "_", text, flags=re.ASCII)
    if not name or not (name[0].isalpha() or name[0] == "_") or CELL_REFERENCE.match(name):
        raise ValueError(f"'{text}' gives the table name '{name}', which Excel does not allow")
    return name[:255]


def put(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """Write one converted value; text is forced to a string cell, never a formula."""
    cell = ws.cell(row=row, column=col, value=cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def cell_value(value: object) -> object:
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


def lines(ws: Worksheet, row: int, texts: Sequence[str]) -> int:
    """Texts one to a row in column A from ``row``; the next free row."""
    for offset, text in enumerate(texts):
        put(ws, row + offset, 1, text)
    return row + len(texts)


def excel_table(
    ws: Worksheet, name: str, header_row: int, labels: Sequence[str], rows: int
) -> Table:
    """A marked-up Excel table over the header at ``header_row`` and ``rows`` rows below it
    (an empty table keeps one empty row: Excel needs one), without filter buttons."""
    for col, label in enumerate(labels, start=1):
        cell = put(ws, header_row, col, label)
        cell.font = BOLD
        cell.alignment = WRAP
    last = f"{get_column_letter(len(labels))}{header_row + max(rows, 1)}"
    table = Table(displayName=name, ref=f"A{header_row}:{last}")
    # Naming the columns here (as their header cells say) keeps openpyxl from adding a filter.
    headers = [ws.cell(row=header_row, column=c).value for c in range(1, len(labels) + 1)]
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, start=1)]
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    return table


def fit_widths(ws: Worksheet, header_row: int, end_row: int | None = None) -> None:
    """Column widths from the longest entry from the header row down, within sensible bounds;
    a header longer than its values wraps rather than widening its column."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row, max_row=end_row):
        for cell in row:
            if cell.value is None:
                continue
            length = display_length(cell.value)
            if cell.row == header_row:
                length = min(length, MAX_HEADER_WIDTH)
            widths[cell.column - 1] = max(widths.get(cell.column - 1, 0), length)
    set_widths(ws, widths)


def set_widths(ws: Worksheet, widths: dict[int, int]) -> None:
    """Each column's width (0-based) from its longest entry, within sensible bounds."""
    for col, length in sorted(widths.items()):
        ws.column_dimensions[get_column_letter(col + 1)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, length + 2)
        )


def display_length(value: object) -> int:
    """About how many characters Excel shows for a value."""
    if isinstance(value, dt.datetime | dt.date):
        return 10
    if isinstance(value, float):
        return min(len(f"{value:,.3f}"), 14)
    if isinstance(value, int) and not isinstance(value, bool):
        return len(f"{value:,}")
    return len(str(value))
