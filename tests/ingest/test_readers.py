"""Readers: file-level errors, encodings, spreadsheets and row numbering."""

from __future__ import annotations

import codecs
import datetime as dt

import pandas as pd
import pytest

from oversight.errors import ExtractError
from oversight.ingest import rawtable, readers, textfiles, workbooks
from oversight.ingest.normalise import norm_label
from tests.helpers import (
    SUP_HEADER,
    SUP_PATH,
    csv_text,
    key_line,
    one_reject,
    sup_row,
    supervision_spec,
    ugly_workbook,
)

# --- empty and header-only files -------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"\n\n", b",,,\r\n,,\r\n"])
def test_empty_file_is_an_extract_error(sandbox, data):
    _, err = sandbox.supervision_error(data)
    assert err.file == SUP_PATH
    assert err.problem == "the file is empty"
    assert err.found == "no rows"
    assert str(err).startswith(f"{SUP_PATH}: the file is empty")
    assert "re-export the extract" in err.fix


@pytest.mark.parametrize("tail", ["", "\n\n", ",,,,,,,\n"])
def test_header_only_file_is_an_extract_error(sandbox, tail):
    _, err = sandbox.supervision_error(csv_text(SUP_HEADER) + tail)
    assert err.problem == "the file has a header but no data rows"
    assert err.found == "header on row 1 and nothing below it"
    assert f"{SUP_PATH}: the file has a header but no data rows" in str(err)


def test_missing_file_names_path_and_config_line(sandbox):
    la, err = sandbox.supervision_error(None)
    assert err.problem == "file not found"
    assert err.file == SUP_PATH
    line = key_line(la.config_path, "datasets.supervision")
    assert err.fix.endswith(f"{la.config_path} line {line} (datasets.supervision)")


# --- encodings ---------------------------------------------------------------------------------


def test_undecodable_byte_names_byte_row_and_suggests_cp1252(sandbox):
    text = csv_text(
        SUP_HEADER, sup_row(), sup_row(worker_id="W2"), sup_row(worker_id="O\u2019Neil-3")
    )
    data = text.encode("cp1252")  # the curly apostrophe becomes byte 0x92 on line 4
    assert data.count(b"\x92") == 1
    la, err = sandbox.supervision_error(data)  # declared utf-8
    assert err.file == SUP_PATH
    assert err.row == 4
    assert err.found == "byte 0x92"
    assert "byte 0x92" in err.problem and "does not decode as utf-8" in err.problem
    assert err.closest == "cp1252 decodes the whole file"
    line = key_line(la.config_path, "datasets.supervision")
    assert err.fix == (
        f"the file decodes as cp1252: set encoding: cp1252 in "
        f"{la.config_path} line {line} (datasets.supervision)"
    )
    assert str(err).startswith(f"{SUP_PATH}, row 4: byte 0x92")


def test_decode_error_row_counts_crlf_lines():
    data = b"a,b\r\nc,d\r\ne,\x92f\r\n"
    with pytest.raises(ExtractError) as info:
        textfiles.decode(data, "utf-8", "x.csv")
    assert info.value.row == 3
    assert "byte offset 12" in info.value.problem  # 5 + 5 + len("e,")


def test_decode_without_any_fitting_encoding_asks_for_utf8():
    # 0x81 is undefined in cp1252 and invalid as UTF-8.
    with pytest.raises(ExtractError) as info:
        textfiles.decode(b"ok\n\x81\n", "utf-8", "x.csv")
    assert info.value.closest == ""
    assert info.value.fix == "re-export the file as UTF-8"
    assert info.value.row == 2


def test_unknown_encoding_is_named():
    with pytest.raises(ExtractError) as info:
        textfiles.decode(b"a", "utf-9", "x.csv", "cfg.yaml line 5 (datasets.supervision)")
    assert info.value.problem == "unknown encoding 'utf-9'"
    assert info.value.fix == "correct encoding: in cfg.yaml line 5 (datasets.supervision)"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + b"x", "utf-8-sig"),
        (codecs.BOM_UTF16_LE + b"x\x00", "utf-16"),
        (codecs.BOM_UTF16_BE + b"\x00x", "utf-16"),
        (b"Worker ID", None),
    ],
)
def test_detect_bom(data, expected):
    assert textfiles.detect_bom(data) == expected


def test_bom_wins_over_configured_encoding():
    data = codecs.BOM_UTF8 + "Zoë,Øystein".encode()
    assert textfiles.decode(data, "cp1252", "x.csv") == "Zoë,Øystein"
    assert textfiles.decode("Zoë".encode("utf-16"), "cp1252", "x.csv") == "Zoë"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_files_are_read_through_ingest(sandbox, encoding):
    text = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2", session_type="Case supervision"))
    # declared cp1252: the BOM must still win, and must not stick to the first header
    _, result = sandbox.supervision(text.encode(encoding), encoding="cp1252")
    assert result.ledger["rows_loaded"] == 2
    assert result.rejects.empty
    assert list(result.data["source_row"]) == [2, 3]
    assert list(result.data["session_type"]) == ["personal", "case"]


def test_cp1252_file_declared_cp1252_is_read(sandbox):
    text = csv_text(SUP_HEADER, sup_row(worker_id="O\u2019Neil-3"))
    _, result = sandbox.supervision(text.encode("cp1252"), encoding="cp1252")
    assert result.ledger["rows_loaded"] == 1


# --- csv structure -----------------------------------------------------------------------------


def test_overlong_rows_are_rejected_and_counted(sandbox):
    lines = [
        ",".join(SUP_HEADER),
        ",".join(sup_row()),
        ",".join(sup_row(worker_id="W2")) + ",stray, value",  # 10 cells, extra non-blank
        ",".join(sup_row(worker_id="W3")) + ",,",  # trailing empty cells are harmless
    ]
    _, result = sandbox.supervision("\n".join(lines) + "\n")
    assert result.ledger["rows_in"] == 3
    assert result.ledger["rows_loaded"] == 2
    assert result.ledger["rows_rejected"] == 1
    rej = one_reject(result, 3)
    assert rej["rule"] == "field_count"
    assert rej["column"] == "(whole row)"
    assert rej["value_shown"] == "10 cells"
    assert rej["message"].startswith("this row has 10 cells but the header has 8 columns")
    assert list(result.data["source_row"]) == [2, 4]


def test_blank_rows_are_skipped_counted_and_keep_row_numbers(sandbox):
    lines = [
        ",".join(SUP_HEADER),
        ",".join(sup_row()),
        "",
        ",,,,,,,",
        "  , ,",
        ",".join(sup_row(worker_id="W2")),
    ]
    _, result = sandbox.supervision("\n".join(lines) + "\n")
    assert result.ledger["blank_rows_skipped"] == 3
    assert result.ledger["rows_in"] == 2
    assert result.ledger["rows_loaded"] == 2
    assert list(result.data["source_row"]) == [2, 6]


def test_short_rows_are_padded_so_missing_cells_are_blank(sandbox):
    short = sup_row(worker_id="W2")[:7]  # no Status cell at all
    _, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row(), short))
    rej = one_reject(result, 3)
    assert (rej["rule"], rej["column"], rej["value_shown"]) == ("required", "Status", "(blank)")


def test_quoted_delimiters_and_newlines_stay_in_their_field():
    records = textfiles.read_delimited('a,b\n"x, y","line 1\nline 2"\n')
    assert records == [["a", "b"], ["x, y", "line 1\nline 2"]]
    assert textfiles.read_delimited("a;b\n1;2\n", ";") == [["a", "b"], ["1", "2"]]


def test_semicolon_delimited_extract(sandbox):
    text = ";".join(SUP_HEADER) + "\n" + ";".join(sup_row()) + "\n"
    _, result = sandbox.supervision(text, delimiter=";")
    assert result.ledger["rows_loaded"] == 1


def test_find_header_needs_two_known_cells_and_skips_titles():
    known = {norm_label(h) for h in SUP_HEADER}
    records = [["Supervision report", ""], ["Worker ID", "Notes"], SUP_HEADER, sup_row()]
    assert readers.find_header(records, known, norm_label) == 2
    assert readers.find_header([["Worker ID", "x"], ["a", "b"]], known, norm_label) is None


def test_to_table_keeps_file_row_numbers():
    records = [["Title"], [], ["h1", "h2", ""], ["a", "b"], ["", ""], ["c"]]
    table = rawtable.to_table(records, 2, "f.csv")
    assert table.header == ["h1", "h2"]
    assert table.header_row == 3
    assert list(table.rows.index) == [4, 6]
    assert table.rows.loc[6].tolist() == ["c", ""]
    assert table.blank_rows == 1
    assert table.rows_in == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "TRUE"),
        (False, "FALSE"),
        (45412.0, "45412"),
        (60, "60"),
        (45.5, "45.5"),
        (dt.datetime(2024, 5, 1), "2024-05-01"),
        (dt.datetime(2024, 5, 1, 9, 30), "2024-05-01 09:30:00"),
        (dt.date(2024, 5, 1), "2024-05-01"),
        (dt.time(9, 30), "09:30:00"),
        ("  text ", "  text "),
    ],
)
def test_cell_text_one_spelling_per_value(value, text):
    assert workbooks._cell_text(value) == text


# --- spreadsheets ------------------------------------------------------------------------------


def _xlsx_spec(**overrides):
    spec = {"path": "testshire/supervision.xlsx", "format": "xlsx", "sheet": "Supervision"}
    spec.update(overrides)
    return spec


def test_xlsx_merged_title_header_found_automatically(sandbox):
    ugly_workbook(sandbox.raw / "testshire/supervision.xlsx")
    la = sandbox.authority({"supervision": supervision_spec(**_xlsx_spec())})
    result = sandbox.ingest(la, "supervision")
    data = result.data
    # sheet row numbers: header on row 4, data on 5, 7, 8 (row 6 blank)
    assert list(data["source_row"]) == [5, 7, 8]
    assert result.ledger["blank_rows_skipped"] == 1
    assert list(data["session_date"]) == [
        pd.Timestamp("2024-04-30"),
        pd.Timestamp("2024-05-01"),
        pd.Timestamp("2024-04-30"),
    ]
    assert list(data["duration_min"]) == [60, 90, 45]
    assert list(data["status"]) == ["held", "held", "cancelled"]
    assert list(data["agency"]) == [False, True, False]
    note = next(n for n in result.notes if "merged cells" in n)
    assert note.startswith("testshire/supervision.xlsx: merged cells: ")
    assert "row 1 columns 1-8" in note and "row 2 columns 1-4" in note
    assert result.rejects.empty


def test_xlsx_declared_header_row_on_merged_title_is_refused(sandbox):
    ugly_workbook(sandbox.raw / "testshire/supervision.xlsx")
    la = sandbox.authority({"supervision": supervision_spec(**_xlsx_spec(header_row=1))})
    with pytest.raises(ExtractError) as info:
        sandbox.ingest(la, "supervision")
    err = info.value
    line = key_line(la.config_path, "datasets.supervision")
    assert err.file == "testshire/supervision.xlsx"
    assert err.row == 1
    assert err.problem == (
        "row 1, declared as the header row, is a title (merged cells: row 1 columns 1-8)"
    )
    # The title is described, never quoted: a title often names who ran the report.
    assert err.found == "one cell: text of 27 characters (column 1)"
    assert err.closest == "the headers appear to be on row 4"
    assert (
        err.fix == f"set header_row: 4 (or auto) in {la.config_path} line {line} "
        "(datasets.supervision)"
    )


def test_xlsx_declared_header_row_that_is_right_is_used(sandbox):
    ugly_workbook(sandbox.raw / "testshire/supervision.xlsx")
    la = sandbox.authority({"supervision": supervision_spec(**_xlsx_spec(header_row=4))})
    result = sandbox.ingest(la, "supervision")
    assert list(result.data["source_row"]) == [5, 7, 8]


def test_xlsx_wrong_sheet_name_lists_sheets_and_closest(sandbox):
    ugly_workbook(sandbox.raw / "testshire/supervision.xlsx")
    la = sandbox.authority({"supervision": supervision_spec(**_xlsx_spec(sheet="Supervison"))})
    with pytest.raises(ExtractError) as info:
        sandbox.ingest(la, "supervision")
    err = info.value
    line = key_line(la.config_path, "datasets.supervision")
    assert err.problem == "no sheet called 'Supervison'"
    assert err.found == "sheets 'Notes', 'Supervision'"
    assert err.closest == "'Supervision'"
    assert err.fix == (
        f"set sheet: to the right name in {la.config_path} line {line} (datasets.supervision)"
    )


def test_xlsx_sheet_pattern(sandbox):
    ugly_workbook(sandbox.raw / "testshire/supervision.xlsx")
    spec = _xlsx_spec(sheet_pattern="^Sup")
    del spec["sheet"]
    la = sandbox.authority({"supervision": supervision_spec(**spec)})
    assert sandbox.ingest(la, "supervision").ledger["rows_loaded"] == 3

    spec["sheet_pattern"] = "e"
    la = sandbox.authority({"supervision": supervision_spec(**spec)})
    with pytest.raises(ExtractError) as info:
        sandbox.ingest(la, "supervision")
    assert info.value.problem == "sheet_pattern 'e' matches 2 sheets"
    assert info.value.found == "sheets 'Notes', 'Supervision'"


def test_xlsx_first_sheet_is_notes_gives_no_header_error(sandbox):
    ugly_workbook(sandbox.raw / "testshire/supervision.xlsx")
    spec = _xlsx_spec()
    del spec["sheet"]
    la = sandbox.authority({"supervision": supervision_spec(**spec)})
    with pytest.raises(ExtractError) as info:
        sandbox.ingest(la, "supervision")
    err = info.value
    assert err.problem == "no header row found in the first 30 rows"
    assert err.found == "first row (row 1): an unrecognised cell of 18 characters (column 1)"
    line = key_line(la.config_path, "datasets.supervision")
    assert err.fix.endswith(f"{la.config_path} line {line} (datasets.supervision)")


def test_corrupt_workbook_is_an_extract_error(sandbox):
    sandbox.write("testshire/supervision.xlsx", b"this is not a zip file")
    la = sandbox.authority({"supervision": supervision_spec(**_xlsx_spec())})
    with pytest.raises(ExtractError) as info:
        sandbox.ingest(la, "supervision")
    assert info.value.problem.startswith("cannot be opened as a workbook")


def test_ods_with_notes_sheet(sandbox):
    path = sandbox.raw / "testshire/supervision.ods"
    path.parent.mkdir(parents=True)
    rows = [sup_row(), sup_row(worker_id="W2", session_date="02/05/2024")]
    rows[0][4] = 45412  # a number cell holding an Excel serial date
    rows[0][6], rows[1][6] = 60, 75
    frame = pd.DataFrame(rows, columns=SUP_HEADER, dtype=object)
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame({"Notes": ["About this extract"]}).to_excel(
            writer, sheet_name="Notes", index=False
        )
        frame.to_excel(writer, sheet_name="Data", index=False)
    spec = {"path": "testshire/supervision.ods", "format": "ods", "sheet": "Data"}
    la = sandbox.authority({"supervision": supervision_spec(**spec)})
    result = sandbox.ingest(la, "supervision")
    assert list(result.data["source_row"]) == [2, 3]
    assert list(result.data["session_date"]) == [
        pd.Timestamp("2024-04-30"),
        pd.Timestamp("2024-05-02"),
    ]
    assert list(result.data["duration_min"]) == [60, 75]


def test_a_column_without_a_header_is_kept_aside_not_a_split_row():
    """A blank header cell with values under it is an unnamed column (noted, not used);
    only a row longer than the header row itself is a split row."""
    records = [["a", "b", ""], ["1", "2", "x"], ["3", "4", ""], ["5", "6", "y", "z"]]
    table = rawtable.to_table(records, 0, "f.csv")
    assert table.header == ["a", "b", ""]
    assert list(table.rows.index) == [2, 3]
    assert table.overlong_rows == {4: 4}
    assert table.notes == ["column 3 has no header but holds values in 1 rows; it is not used"]


def test_trailing_blank_cells_of_a_padded_sheet_are_dropped():
    records = [["a", "b", "", ""], ["1", "2", "", ""], ["3", "", "", ""]]
    table = rawtable.to_table(records, 0, "f.xlsx")
    assert table.header == ["a", "b"] and list(table.rows.columns) == ["c0", "c1"]
    assert table.notes == []


def test_unclosed_quote_names_the_line_where_it_opens():
    text = 'a,b\n1,2\n"3,4\n5,6\n'
    with pytest.raises(ExtractError) as info:
        textfiles.read_delimited(text, ",", "f.csv")
    assert info.value.row == 3
    assert "lines 3 to 4 would be read as one cell" in info.value.problem


def test_a_quoted_line_break_is_not_an_unclosed_quote():
    records = textfiles.read_delimited('a,b\n1,"two\nlines"\n3,4\n', ",", "f.csv")
    assert records == [["a", "b"], ["1", "two\nlines"], ["3", "4"]]
