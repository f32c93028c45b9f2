"""The report workbook: layout, cell types, formula safety, validation and stable bytes."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from oversight.report.exports import SheetTable, workbook_bytes, write_workbook

TITLE = "Children's services oversight: tables"
NOTES = [("KPI", "Key performance indicator"), ("LA", "Local authority")]


def _tables() -> list[SheetTable]:
    first = pd.DataFrame(
        {
            "la_name": ["Barset", "Wessex", "Loamshire"],
            "value": [12.5, np.nan, 3.0],
            "count": [10, 20, 30],
            "cases": [7, "c", 41],
        }
    )
    second = pd.DataFrame({"comment": ["=1+2", "@SUM(A1)", "-cmd", "-3.5"]})
    return [
        SheetTable("TAB-01", "Table 1: Rates by LA", first, "Source: DfE, 2024"),
        SheetTable("TAB-02", "Table 2: Comments", second, "Source: staff survey"),
    ]


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return _load(workbook_bytes(_tables(), NOTES, TITLE))


def test_sheets_in_order_with_titles(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["Notes", "TAB-01", "TAB-02"]
    assert book["Notes"]["A1"].value == TITLE
    assert book["TAB-01"]["A1"].value == "Table 1: Rates by LA"
    assert book["TAB-02"]["A1"].value == "Table 2: Comments"


def test_notes_sheet_lists_contents_and_notes(book: openpyxl.Workbook) -> None:
    rows = [tuple(r) for r in book["Notes"].iter_rows(values_only=True)]
    assert rows == [
        (TITLE, None),
        ("Contents", None),
        ("Sheet", "Table"),
        ("TAB-01", "Table 1: Rates by LA"),
        ("TAB-02", "Table 2: Comments"),
        ("Notes", None),
        ("Term", "Explanation"),
        ("KPI", "Key performance indicator"),
        ("LA", "Local authority"),
        ("c", rows[-1][1]),
    ]
    assert rows[-1][1].startswith("Suppressed to protect confidentiality")
    assert book["Notes"]["A4"].hyperlink.location == "'TAB-01'!A1"


def test_table_layout(book: openpyxl.Workbook) -> None:
    ws = book["TAB-01"]
    assert [c.value for c in ws[2]] == ["la_name", "value", "count", "cases"]
    assert all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert [c.value for c in ws[3]] == ["Barset", 12.5, 10, 7]
    assert ws.max_row == 7  # title, header, 3 rows, blank, source
    assert all(c.value is None for c in ws[6])
    assert ws["A7"].value == "Source: DfE, 2024"
    assert not ws.merged_cells.ranges
    assert ws.column_dimensions["A"].width == 11  # "Loamshire" + 2


def test_cell_types(book: openpyxl.Workbook) -> None:
    ws = book["TAB-01"]
    assert ws["B3"].value == 12.5 and ws["B3"].data_type == "n"
    assert ws["C5"].value == 30 and isinstance(ws["C5"].value, int)
    assert ws["B4"].value is None  # NaN
    assert ws["D4"].value == "c" and ws["D4"].data_type == "s"
    assert ws["D5"].value == 41


def test_formula_like_text_stays_text(book: openpyxl.Workbook) -> None:
    ws = book["TAB-02"]
    values = [ws.cell(row=r, column=1) for r in range(3, 7)]
    assert [c.value for c in values] == ["'=1+2", "'@SUM(A1)", "'-cmd", "-3.5"]
    assert all(c.data_type == "s" for c in values)
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(_tables(), NOTES, TITLE))) as archive:
        sheet = archive.read("xl/worksheets/sheet3.xml")
    assert b"<f>" not in sheet


def test_formula_like_title_and_header_are_text() -> None:
    frame = pd.DataFrame({"=HYPERLINK(1)": [1]})
    ws = _load(workbook_bytes([SheetTable("T", "+title", frame, "-src")], [], "=x"))["T"]
    cells = [ws["A1"], ws["A2"], ws["A5"]]
    assert [c.value for c in cells] == ["'+title", "'=HYPERLINK(1)", "'-src"]
    assert {c.data_type for c in cells} == {"s"}


def test_bytes_identical_in_process_and_subprocess() -> None:
    first = workbook_bytes(_tables(), NOTES, TITLE)
    assert workbook_bytes(_tables(), NOTES, TITLE) == first
    code = (
        "import sys, tests.report.test_exports as t\n"
        "from oversight.report.exports import workbook_bytes\n"
        "sys.stdout.buffer.write(workbook_bytes(t._tables(), t.NOTES, t.TITLE))\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, check=True)
    assert proc.stdout == first


def test_fixed_metadata() -> None:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(_tables(), NOTES, TITLE))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml")
    assert core.count(b"2000-01-01T00:00:00Z") == 2
    assert b"lastModifiedBy" not in core


def test_write_workbook(tmp_path: Path) -> None:
    path = tmp_path / "out" / "tables.xlsx"
    write_workbook(_tables(), NOTES, TITLE, path)
    assert path.read_bytes() == workbook_bytes(_tables(), NOTES, TITLE)
    assert [p.name for p in path.parent.iterdir()] == ["tables.xlsx"]


def test_no_suppression_note_without_symbol_or_when_given() -> None:
    plain = [SheetTable("T", "t", pd.DataFrame({"a": [1]}), "s")]
    rows = list(_load(workbook_bytes(plain, NOTES, TITLE))["Notes"].iter_rows(values_only=True))
    assert rows[-1] == ("LA", "Local authority")
    own = [*NOTES, ("c", "Hidden.")]
    rows = list(_load(workbook_bytes(_tables(), own, TITLE))["Notes"].iter_rows(values_only=True))
    assert [r[0] for r in rows].count("c") == 1 and rows[-1] == ("c", "Hidden.")


@pytest.mark.parametrize(
    "ids, bad",
    [
        (["TAB-01", "TAB-01"], "TAB-01"),
        (["TAB-01", "tab-01"], "tab-01"),
        (["notes"], "notes"),
        (["TAB/03"], "TAB/03"),
        (["TAB:04"], "TAB:04"),
        (["TAB[5]"], "TAB[5]"),
        (["TAB?6"], "TAB?6"),
        (["TAB*7"], "TAB*7"),
        (["TAB\\8"], "TAB\\8"),
        (["T" * 32], "T" * 32),
        ([""], ""),
    ],
)
def test_invalid_sheet_names(ids: list[str], bad: str) -> None:
    tables = [SheetTable(i, "t", pd.DataFrame({"a": [1]}), "s") for i in ids]
    with pytest.raises(ValueError, match="sheet name") as error:
        workbook_bytes(tables, [], TITLE)
    assert f"'{bad}'" in str(error.value)
