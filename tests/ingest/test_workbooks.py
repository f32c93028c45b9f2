"""Workbooks: hidden sheets are never read, hidden rows are rejected (or loaded on request),
hidden columns and merged cells in the data are noted, formulas give their saved values and a
formula without one is rejected; xlsx and ods alike."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from oversight.config import load_authority
from oversight.errors import ConfigError, ExtractError
from oversight.ingest import sheetfacts
from oversight.quality.pages import RULE_ADVICE
from tests.helpers import SUP_HEADER, Sandbox, authority_config, sup_row, supervision_spec

XLSX = "testshire/supervision.xlsx"
ODS = "testshire/supervision.ods"


def _xlsx(
    path: Path,
    rows: list[list[object]],
    sheet: str = "Supervision",
    hidden_rows: tuple[int, ...] = (),
    hidden_columns: tuple[str, ...] = (),
    merged: tuple[str, ...] = (),
    others: tuple[tuple[str, str], ...] = (),
) -> Path:
    """A workbook with ``rows`` on ``sheet``; ``others``: (name, state) sheets placed first."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for values in rows:
        ws.append(values)
    for number in hidden_rows:
        ws.row_dimensions[number].hidden = True
    for letter in hidden_columns:
        ws.column_dimensions[letter].hidden = True
    for cells in merged:
        ws.merge_cells(cells)
    for i, (name, state) in enumerate(others):
        extra = book.create_sheet(name, i)
        extra.append(SUP_HEADER)
        extra.append(sup_row(worker_id="OLD1"))
        extra.sheet_state = state
    book.active = len(others)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _rewrite(path: Path, member: str, edit) -> None:
    """Replace one part of a zip container with ``edit(bytes)``."""
    with zipfile.ZipFile(path) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    members[member] = edit(members[member])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def _ods(path: Path, rows: list[list[str]], sheets: tuple[str, ...] = ("Data",)) -> Path:
    """An ods with ``rows`` (header first) on every sheet in ``sheets``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name in sheets:
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=name, index=False)
    return path


def _ods_rows(path: Path, edit) -> None:
    """Edit the ``<table:table-row>`` start tags of content.xml: ``edit(n, tag) -> tag``."""
    counter = iter(range(1, 10**6))

    def rows(data: bytes) -> bytes:
        return re.sub(rb"<table:table-row\b[^>]*>", lambda m: edit(next(counter), m[0]), data)

    _rewrite(path, "content.xml", rows)


def _xlsx_spec(**overrides) -> dict:
    return supervision_spec(path=XLSX, format="xlsx", **{"sheet": "Supervision", **overrides})


def _rows(n: int) -> list[list[object]]:
    return [SUP_HEADER] + [sup_row(worker_id=f"W{i}") for i in range(1, n + 1)]


# --- hidden sheets ------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "said"), [("hidden", "hidden"), ("veryHidden", "very hidden")])
def test_a_configured_sheet_that_is_hidden_is_refused(
    sandbox: Sandbox, state: str, said: str
) -> None:
    path = sandbox.raw / XLSX
    _xlsx(path, _rows(2), sheet="Supervision 2025", others=(("Supervision", state),))
    _, err = sandbox.supervision_error(None, **_xlsx_spec())
    assert err.file == XLSX
    assert (
        err.problem == f"sheet 'Supervision' is {said} in this workbook; a hidden sheet is not read"
    )
    assert err.found == f"sheets 'Supervision' ({said}), 'Supervision 2025'"
    assert err.closest == "visible sheet 'Supervision 2025'"
    assert "set sheet: to its name in" in err.fix


def test_a_sheet_pattern_takes_the_visible_match_and_notes_hidden_sheets(sandbox: Sandbox) -> None:
    _xlsx(
        sandbox.raw / XLSX, _rows(2), sheet="Supervision 2025", others=(("Supervision", "hidden"),)
    )
    spec = _xlsx_spec(sheet_pattern="^Supervision")
    del spec["sheet"]
    la = sandbox.authority({"supervision": spec})
    result = sandbox.ingest(la, "supervision")
    assert result.ledger["rows_loaded"] == 2  # the visible sheet's rows (the hidden one has 1)
    assert f"{XLSX}: hidden sheets not read: 'Supervision'" in result.notes


def test_a_sheet_pattern_matching_only_hidden_sheets_is_refused(sandbox: Sandbox) -> None:
    _xlsx(sandbox.raw / XLSX, _rows(2), sheet="Data", others=(("Supervision old", "hidden"),))
    spec = _xlsx_spec(sheet_pattern="^Supervision")
    del spec["sheet"]
    _, err = sandbox.supervision_error(None, **spec)
    assert "matches only hidden sheets; a hidden sheet is not read" in err.problem


def test_without_a_sheet_name_the_first_visible_sheet_is_read(sandbox: Sandbox) -> None:
    _xlsx(sandbox.raw / XLSX, _rows(3), sheet="Data", others=(("Old", "hidden"),))
    spec = _xlsx_spec()
    del spec["sheet"]
    la = sandbox.authority({"supervision": spec})
    assert sandbox.ingest(la, "supervision").ledger["rows_loaded"] == 3


def test_a_workbook_whose_sheets_are_all_hidden_is_refused(sandbox: Sandbox) -> None:
    path = _xlsx(sandbox.raw / XLSX, _rows(1), sheet="Data", others=(("Old", "hidden"),))
    _rewrite(
        path,
        "xl/workbook.xml",
        lambda d: d.replace(
            b'name="Data" sheetId="2" state="visible"', b'name="Data" sheetId="2" state="hidden"'
        ),
    )
    spec = _xlsx_spec()
    del spec["sheet"]
    _, err = sandbox.supervision_error(None, **spec)
    assert err.problem == "every sheet of the workbook is hidden; a hidden sheet is not read"


def test_a_hidden_ods_sheet_is_refused(sandbox: Sandbox) -> None:
    path = _ods(sandbox.raw / ODS, _rows(2), sheets=("Supervision", "Current"))
    style = (
        b'<style:style xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        b'style:name="hid" style:family="table"><style:table-properties table:display="false"/>'
        b"</style:style>"
    )
    _rewrite(
        path,
        "content.xml",
        lambda d: d.replace(
            b"<office:automatic-styles/>",
            b"<office:automatic-styles>" + style + b"</office:automatic-styles>",
        ).replace(b'table:name="Supervision"', b'table:name="Supervision" table:style-name="hid"'),
    )
    _, err = sandbox.supervision_error(
        None, **supervision_spec(path=ODS, format="ods", sheet="Supervision")
    )
    assert "sheet 'Supervision' is hidden" in err.problem
    assert err.closest == "visible sheet 'Current'"


# --- hidden rows and columns ----------------------------------------------------------------------


def test_hidden_rows_are_rejected_by_default_with_a_note(sandbox: Sandbox) -> None:
    rows = [*_rows(5), [], sup_row(worker_id="W9")]
    _xlsx(sandbox.raw / XLSX, rows, hidden_rows=(3, 4, 6, 7))  # row 7 is blank
    la = sandbox.authority({"supervision": _xlsx_spec()})
    result = sandbox.ingest(la, "supervision")
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"], led["rows_rejected"]) == (6, 3, 3)
    assert led["blank_rows_skipped"] == 1
    assert sorted(result.rejects["source_row"]) == [3, 4, 6]
    assert set(result.rejects["rule"]) == {"hidden_row"}
    message = result.rejects["message"].iloc[0]
    assert message.startswith("this row is hidden in the workbook")
    assert "set hidden_rows: load in " in message and "(datasets.supervision)" in message
    assert f"{XLSX}: 3 hidden rows (rows 3-4, 6): rejected (rule hidden_row)" in result.notes
    assert list(result.data["source_row"]) == [2, 5, 8]


def test_hidden_rows_load_when_the_dataset_says_so(sandbox: Sandbox) -> None:
    _xlsx(sandbox.raw / XLSX, _rows(4), hidden_rows=(3,))
    la = sandbox.authority({"supervision": _xlsx_spec(hidden_rows="load")})
    result = sandbox.ingest(la, "supervision")
    assert result.ledger["rows_loaded"] == 4
    assert result.rejects.empty
    assert f"{XLSX}: 1 hidden rows (rows 3): loaded as hidden_rows: load asks" in result.notes


def test_hidden_rows_setting_is_checked_by_the_schema(tmp_path: Path) -> None:
    import yaml

    spec = supervision_spec(hidden_rows="sometimes")
    path = tmp_path / "testshire.yaml"
    path.write_text(yaml.safe_dump(authority_config({"supervision": spec})))
    with pytest.raises(ConfigError, match="hidden_rows"):
        load_authority(path)


def test_hidden_ods_rows_are_rejected(sandbox: Sandbox) -> None:
    path = _ods(sandbox.raw / ODS, _rows(4))
    _ods_rows(
        path,
        lambda n, tag: tag.replace(b">", b' table:visibility="collapse">') if n == 3 else tag,
    )
    la = sandbox.authority({"supervision": supervision_spec(path=ODS, format="ods", sheet="Data")})
    result = sandbox.ingest(la, "supervision")
    assert list(result.rejects["source_row"]) == [3]
    assert list(result.rejects["rule"]) == ["hidden_row"]
    assert result.ledger["rows_loaded"] == 3


def test_ods_hidden_columns_and_merged_cells_are_noted(sandbox: Sandbox) -> None:
    path = _ods(sandbox.raw / ODS, _rows(3))

    def edit(data: bytes) -> bytes:
        columns = (
            b'<table:table-column table:number-columns-repeated="3"/>'
            b'<table:table-column table:visibility="collapse"/>'
            b'<table:table-column table:number-columns-repeated="4"/>'
        )
        data = data.replace(
            b'<table:table table:name="Data">', b'<table:table table:name="Data">' + columns
        )
        rows = data.split(b"<table:table-row>")
        # Row 3's worker role spans rows 3-4 (row 4's cell is covered, so it reads as blank).
        rows[3] = rows[3].replace(
            b'<table:table-cell office:value-type="string" office:string-value="Social Worker">',
            b'<table:table-cell table:number-rows-spanned="2" office:value-type="string" '
            b'office:string-value="Social Worker">',
            1,
        )
        return b"<table:table-row>".join(rows)

    _rewrite(path, "content.xml", edit)
    la = sandbox.authority({"supervision": supervision_spec(path=ODS, format="ods", sheet="Data")})
    result = sandbox.ingest(la, "supervision")
    assert f"{ODS}: 1 hidden columns (D 'NQSW'): read like the others" in result.notes
    note = next(n for n in result.notes if "merged cells in the data area" in n)
    assert note.startswith(f"{ODS}: merged cells in the data area: rows 3-4 column 2 (")


def test_hidden_columns_are_noted_and_read(sandbox: Sandbox) -> None:
    _xlsx(sandbox.raw / XLSX, _rows(2), hidden_columns=("D", "I"))
    la = sandbox.authority({"supervision": _xlsx_spec()})
    result = sandbox.ingest(la, "supervision")
    assert result.ledger["rows_loaded"] == 2
    assert list(result.data["nqsw"]) == [False, False]  # column D is read like the others
    # Column I lies past the values: only columns within the sheet's data are counted.
    assert f"{XLSX}: 1 hidden columns (D 'NQSW'): read like the others" in result.notes


def test_merged_cells_in_the_data_are_noted(sandbox: Sandbox) -> None:
    rows = [["Supervision extract"], SUP_HEADER, *_rows(3)[1:]]
    _xlsx(sandbox.raw / XLSX, rows, merged=("A1:H1", "B4:B5"))
    la = sandbox.authority({"supervision": _xlsx_spec()})
    result = sandbox.ingest(la, "supervision")
    assert f"{XLSX}: merged cells: row 1 columns 1-8" in result.notes
    note = next(n for n in result.notes if "merged cells in the data area" in n)
    assert note.startswith(f"{XLSX}: merged cells in the data area: rows 4-5 column 2 (")
    # The merged cell's value is in its first cell: row 5's worker role reads as blank.
    assert list(result.rejects["source_row"]) == [5]


# --- formulas ------------------------------------------------------------------------------------


def test_a_formula_without_a_saved_value_is_rejected(sandbox: Sandbox) -> None:
    rows = _rows(3)
    rows[2][7] = '=IF(1,"held","held")'  # row 3, Status
    rows[3][6] = "=30*2"  # row 4, Duration
    _xlsx(sandbox.raw / XLSX, rows)
    la = sandbox.authority({"supervision": _xlsx_spec()})
    result = sandbox.ingest(la, "supervision")
    rejects = result.rejects.set_index("source_row")
    assert list(rejects.index) == [3, 4]
    assert set(rejects["rule"]) == {"formula_without_value"}
    assert (rejects.loc[3, "column"], rejects.loc[3, "field"]) == ("Status", "status")
    assert (rejects.loc[4, "column"], rejects.loc[4, "field"]) == (
        "Duration (mins)",
        "duration_min",
    )
    assert rejects.loc[3, "message"].startswith("'Status' holds a formula saved without its value")
    assert result.ledger["rows_loaded"] == 1


def _with_saved_values(path: Path, values: list[tuple[bytes, bytes]]) -> None:
    """Give the sheet's formula cells saved values, in order: (cell type, value)."""
    pending = iter(values)

    def saved(match: re.Match) -> bytes:
        kind, value = next(pending)
        return b'<c %s t="%s"><f>%s</f><v>%s</v>' % (match[1], kind, match[2], value)

    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda d: re.sub(rb"<c ([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?", saved, d),
    )


def test_a_formula_gives_the_value_saved_with_it(sandbox: Sandbox) -> None:
    rows = _rows(2)
    rows[1][7] = '=IF(1,"held","held")'
    rows[2][6] = "=30*2"
    path = _xlsx(sandbox.raw / XLSX, rows)
    _with_saved_values(path, [(b"str", b"cancelled"), (b"n", b"75")])
    la = sandbox.authority({"supervision": _xlsx_spec()})
    result = sandbox.ingest(la, "supervision")
    assert result.rejects.empty
    assert list(result.data["status"]) == ["cancelled", "held"]
    assert list(result.data["duration_min"]) == [60, 75]


def test_a_formula_with_an_empty_text_result_has_a_value(tmp_path: Path) -> None:
    rows = _rows(1)
    rows[1][7] = '=""'
    path = _xlsx(tmp_path / "book.xlsx", rows)
    _with_saved_values(path, [(b"str", b"")])
    facts = sheetfacts.read_facts(path, "xlsx", "Supervision", 2, 8)
    assert facts.formulas_without_value == set()


def test_a_row_of_formulas_only_in_an_unused_column_is_blank(sandbox: Sandbox) -> None:
    rows = _rows(2)
    rows[0] = [*SUP_HEADER, "Check"]
    rows[1] = [*rows[1], "=1"]
    rows.append([None] * 8 + ["=A3"])  # row 4: nothing but an uncalculated helper formula
    _xlsx(sandbox.raw / XLSX, rows)
    la = sandbox.authority({"supervision": _xlsx_spec()})
    result = sandbox.ingest(la, "supervision")
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"], led["blank_rows_skipped"]) == (2, 2, 1)
    assert (
        f"{XLSX}: 2 formula cells without a saved value in columns not used (not checked)"
        in result.notes
    )


def test_a_row_of_uncalculated_formulas_past_the_values_is_rejected(sandbox: Sandbox) -> None:
    rows = [*_rows(2), [f"=A{i}" for i in range(8)]]  # row 4 reads as empty
    _xlsx(sandbox.raw / XLSX, rows)
    la = sandbox.authority({"supervision": _xlsx_spec()})
    result = sandbox.ingest(la, "supervision")
    assert set(result.rejects["source_row"]) == {4}
    assert (result.rejects["rule"] == "formula_without_value").sum() == 8
    assert result.ledger["rows_in"] == 3


def test_an_ods_formula_without_a_value_is_rejected(sandbox: Sandbox) -> None:
    path = _ods(sandbox.raw / ODS, _rows(2))
    cell = rb'<table:table-cell table:formula="of:=1+1"/>'

    def edit(data: bytes) -> bytes:
        # Row 3's first cell (the worker ID) becomes a formula with no saved value.
        rows = data.split(b"<table:table-row>")
        rows[3] = re.sub(rb"<table:table-cell[^>]*>.*?</table:table-cell>", cell, rows[3], count=1)
        return b"<table:table-row>".join(rows)

    _rewrite(path, "content.xml", edit)
    la = sandbox.authority({"supervision": supervision_spec(path=ODS, format="ods", sheet="Data")})
    result = sandbox.ingest(la, "supervision")
    assert list(zip(result.rejects["source_row"], result.rejects["rule"], strict=True)) == [
        (3, "formula_without_value")
    ]


def test_a_sheet_xml_declaring_entities_is_refused_by_the_layout_check(sandbox: Sandbox) -> None:
    path = _xlsx(sandbox.raw / XLSX, _rows(2), hidden_rows=(2,))
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda d: b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">]>' + d,
    )
    _, err = sandbox.supervision_error(None, **_xlsx_spec())
    assert "the layout of sheet 'Supervision' (hidden rows, formulas) cannot be read" in err.problem
    assert "xl/worksheets/sheet1.xml declares a DTD (<!DOCTYPE>); refused" in err.problem


def test_a_large_plain_sheet_is_scanned_not_parsed(tmp_path: Path) -> None:
    """A sheet with nothing hidden, merged or uncalculated costs one byte scan."""
    path = _xlsx(tmp_path / "big.xlsx", _rows(20_000))
    start = time.perf_counter()
    facts = sheetfacts.read_facts(path, "xlsx", "Supervision", 20_001, 8)
    assert time.perf_counter() - start < 1
    assert facts == sheetfacts.SheetFacts()


def test_workbook_rules_have_advice_for_the_data_lead() -> None:
    assert {"hidden_row", "formula_without_value"} <= set(RULE_ADVICE)


def test_extract_error_for_hidden_sheet_names_the_file(sandbox: Sandbox) -> None:
    _xlsx(sandbox.raw / XLSX, _rows(1), sheet="New", others=(("Supervision", "hidden"),))
    _, err = sandbox.supervision_error(None, **_xlsx_spec())
    assert isinstance(err, ExtractError)
    assert str(err).startswith(f"{XLSX}: sheet 'Supervision' is hidden")
