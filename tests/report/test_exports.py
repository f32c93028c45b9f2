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

from oversight.report.exports import (
    TABLE_HEADER_ROW,
    SheetTable,
    WorkbookText,
    describe,
    workbook_bytes,
    write_workbook,
)
from oversight.report.workbook_cells import table_name
from oversight.report.workbook_spec import Column

TITLE = "Children's services oversight: tables"
NOTES = (("[note 1]", "Key performance indicators", "TAB-01"), ("[c]", "Confidential", "TAB-01"))
TEXT = WorkbookText(TITLE, (("About", ("Every table.", "Cite as: X.")),), NOTES)


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
    columns = (
        Column("la_name", "LA name", None),
        Column("value", "Value", "0.0%"),
        Column("count", "Count", "#,##0"),
        Column("cases", "Cases", "#,##0"),
    )
    return [
        SheetTable("TAB-01", "Rates by LA", first, "Source: DfE, 2024", columns, ("[note 1]",)),
        SheetTable("TAB-02", "Comments", second, "Source: staff survey"),
    ]


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return _load(workbook_bytes(_tables(), TEXT))


def test_sheets_in_order_with_titles(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["Cover", "Contents", "Notes", "TAB-01", "TAB-02"]
    assert book.active.title == "Cover"
    assert book["Cover"]["A1"].value == TITLE
    assert book["TAB-01"]["A1"].value == "TAB-01: Rates by LA"
    assert book["TAB-02"]["A1"].value == "TAB-02: Comments"
    assert book.properties.title == TITLE and book.properties.language == "en-GB"


def test_cover_contents_and_notes(book: openpyxl.Workbook) -> None:
    cover = [r[0] for r in book["Cover"].iter_rows(values_only=True)]
    assert cover == [TITLE, "About", "Every table.", "Cite as: X."]
    assert book["Cover"]["A2"].font.bold and book["Cover"]["A2"].style == "Headline 2"
    assert book["Cover"]["A1"].style == book["TAB-01"]["A1"].style == "Headline 1"
    contents = [tuple(r) for r in book["Contents"].iter_rows(min_row=3, values_only=True)]
    assert contents == [
        ("Sheet", "Title", "Rows"),
        ("Notes", "Notes and symbols used in this workbook", 2),
        ("TAB-01", "TAB-01: Rates by LA", 3),
        ("TAB-02", "TAB-02: Comments", 4),
    ]
    assert book["Contents"]["A5"].hyperlink.location == "'TAB-01'!A1"
    assert book["Contents"].tables["Contents_table"].ref == "A3:C6"
    notes = [tuple(r) for r in book["Notes"].iter_rows(min_row=3, values_only=True)]
    assert notes == [("Note or symbol", "Explanation", "Tables"), *NOTES]
    assert book["Notes"].tables["Notes_table"].ref == "A3:C5"


def test_table_layout(book: openpyxl.Workbook) -> None:
    ws = book["TAB-01"]
    assert ws["A2"].value == (
        "This worksheet contains one table of 3 rows. It refers to [note 1], on the Notes "
        "sheet, which also explains any symbol in square brackets."
    )
    assert ws["A3"].value == "Source: DfE, 2024"
    assert [c.value for c in ws[TABLE_HEADER_ROW]] == ["LA name", "Value", "Count", "Cases"]
    assert all(c.font.bold for c in ws[TABLE_HEADER_ROW])
    assert ws.freeze_panes == "A5"
    assert [c.value for c in ws[5]] == ["Barset", 12.5, 10, 7]
    assert ws.max_row == 7  # nothing below the table
    assert not ws.merged_cells.ranges
    assert ws.column_dimensions["A"].width == 11  # "Loamshire" + 2
    table = ws.tables["TAB_01"]
    assert table.ref == "A4:D7" and table.autoFilter is None
    assert [c.name for c in table.tableColumns] == ["LA name", "Value", "Count", "Cases"]


def test_cell_types_and_number_formats(book: openpyxl.Workbook) -> None:
    ws = book["TAB-01"]
    assert ws["B5"].value == 12.5 and ws["B5"].data_type == "n"
    assert ws["B5"].number_format == "0.0%"
    assert ws["C7"].value == 30 and isinstance(ws["C7"].value, int)
    assert ws["C7"].number_format == "#,##0"
    assert ws["B6"].value is None  # NaN
    assert ws["D6"].value == "c" and ws["D6"].data_type == "s"
    assert ws["D7"].value == 41 and ws["D7"].number_format == "#,##0"
    # Without columns given, the headers are the names and the formats inferred.
    plain = _load(workbook_bytes([SheetTable("T", "t", pd.DataFrame({"a": [1.5, 2]}), "s")], TEXT))
    assert [c.number_format for c in plain["T"]["A"][4:]] == ["#,##0.000", "#,##0.000"]


def test_formula_like_text_stays_text(book: openpyxl.Workbook) -> None:
    ws = book["TAB-02"]
    values = [ws.cell(row=r, column=1) for r in range(5, 9)]
    assert [c.value for c in values] == ["'=1+2", "'@SUM(A1)", "'-cmd", "-3.5"]
    assert all(c.data_type == "s" for c in values)
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(_tables(), TEXT))) as archive:
        sheet = archive.read("xl/worksheets/sheet5.xml")
    assert b"<f>" not in sheet


def test_formula_like_title_and_header_are_text() -> None:
    frame = pd.DataFrame({"=HYPERLINK(1)": [1]})
    text = WorkbookText("=x", (("+h", ("-line",)),), ())
    book = _load(workbook_bytes([SheetTable("T", "+title", frame, "-src")], text))
    cells = [book["T"]["A1"], book["T"]["A3"], book["T"]["A4"], book["Cover"]["A1"]]
    assert [c.value for c in cells] == ["T: +title", "'-src", "'=HYPERLINK(1)", "'=x"]
    assert {c.data_type for c in cells} == {"s"}
    assert [c.value for c in book["Cover"]["A"][1:]] == ["'+h", "'-line"]


def test_empty_table_keeps_one_empty_row_in_its_excel_table() -> None:
    frame = pd.DataFrame({"a": [], "b": []})
    ws = _load(workbook_bytes([SheetTable("T", "t", frame, "s")], TEXT))["T"]
    assert ws.tables["T"].ref == "A4:B5"
    assert ws["A2"].value.startswith("This worksheet contains one table; it has no rows")
    assert ws.max_row == 4


def test_description_names_every_note() -> None:
    frame = pd.DataFrame({"a": [1]})
    table = SheetTable("T", "t", frame, "s", (), ("[note 1]", "[note 3]", "[note 4]"))
    assert "It refers to [note 1], [note 3] and [note 4], on the Notes sheet" in describe(table)


def test_bytes_identical_in_process_and_subprocess() -> None:
    first = workbook_bytes(_tables(), TEXT)
    assert workbook_bytes(_tables(), TEXT) == first
    code = (
        "import sys, tests.report.test_exports as t\n"
        "from oversight.report.exports import workbook_bytes\n"
        "sys.stdout.buffer.write(workbook_bytes(t._tables(), t.TEXT))\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, check=True)
    assert proc.stdout == first


def test_fixed_metadata() -> None:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(_tables(), TEXT))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml")
    assert core.count(b"2000-01-01T00:00:00Z") == 2
    assert b"lastModifiedBy" not in core


def test_write_workbook(tmp_path: Path) -> None:
    path = tmp_path / "out" / "tables.xlsx"
    write_workbook(_tables(), TEXT, path)
    assert path.read_bytes() == workbook_bytes(_tables(), TEXT)
    assert [p.name for p in path.parent.iterdir()] == ["tables.xlsx"]


@pytest.mark.parametrize("text", ["TAB1", "R1C1", "1TAB", "R", "XFD9"])
def test_table_names_excel_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="table name"):
        table_name(text)
    assert table_name("TAB-KPIS") == "TAB_KPIS"


@pytest.mark.parametrize(
    "ids, bad",
    [
        (["TAB-01", "TAB-01"], "TAB-01"),
        (["TAB-01", "tab-01"], "tab-01"),
        (["notes"], "notes"),
        (["Cover"], "Cover"),
        (["TAB-A_B", "TAB_A-B"], "TAB_A-B"),
        (["Notes-table"], "Notes-table"),
        (["contents"], "contents"),
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
        workbook_bytes(tables, TEXT)
    assert f"'{bad}'" in str(error.value)
