"""Structural rows: a header repeated mid-file, totals rows and blank separators each have
their own rule (or count) and a plain message, and every physical record counts once in
rows_in, including records holding a lone carriage return."""

from __future__ import annotations

import pytest

from oversight.ingest import rawtable, textfiles
from oversight.ingest.normalise import norm_label
from oversight.quality.pages import RULE_ADVICE
from tests.helpers import SUP_HEADER, SUP_PATH, Sandbox, csv_text, one_reject, sup_row


def _lines(*rows: list[str], eol: str = "\n") -> str:
    return "".join(",".join(r) + eol for r in rows)


# --- repeated headers -------------------------------------------------------------------------


def test_a_header_repeated_mid_file_is_one_rejected_row(sandbox: Sandbox) -> None:
    text = _lines(
        SUP_HEADER,
        sup_row(),
        sup_row(worker_id="W2"),
        SUP_HEADER,
        sup_row(worker_id="W3"),
    )
    _, result = sandbox.supervision(text)
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"], led["rows_rejected"]) == (4, 3, 1)
    rej = one_reject(result, 4)
    assert (rej["rule"], rej["column"], rej["value_shown"]) == (
        "repeated_header",
        "(whole row)",
        "(header row)",
    )
    assert rej["message"].startswith("this row repeats the header row (row 1)")
    assert list(result.data["source_row"]) == [2, 3, 5]


def test_a_repeated_header_with_other_case_spacing_and_blanks_is_still_one(
    sandbox: Sandbox,
) -> None:
    copy = [h.upper() for h in SUP_HEADER]
    copy[1] = "  worker   role "
    copy[3] = ""  # a column left blank in the copy
    _, result = sandbox.supervision(_lines(SUP_HEADER, sup_row(), copy, sup_row(worker_id="W2")))
    assert list(result.rejects["rule"]) == ["repeated_header"]


def test_a_row_sharing_one_cell_with_the_header_is_data(sandbox: Sandbox) -> None:
    row = sup_row(worker_id="W2", status="Status")  # one header word as a value
    _, result = sandbox.supervision(_lines(SUP_HEADER, sup_row(), row))
    assert set(result.rejects["rule"]) == {"allowed_codes"}


def test_a_repeated_two_row_header_is_caught_on_either_row() -> None:
    questions = ["Respondent ID", "How far do you agree?", ""]
    options = ["", "My workload is manageable", "I feel supported"]
    records = [questions, options, ["R1", "Agree", "Agree"], questions, options, ["R2", "", "x"]]
    checks = rawtable.RowChecks()
    table = rawtable.to_table(records, 0, "s.csv", header_rows=2, checks=checks)
    assert {r: p.rule for r, p in table.structural.items()} == {
        4: "repeated_header",
        5: "repeated_header",
    }
    assert list(table.rows.index) == [3, 6]
    assert table.rows_in == 4


# --- totals rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "label", "column"),
    [
        (["Total", "", "", "", "", "", "540", ""], "Total", "Worker ID"),
        (["TOTAL:", "", "", "", "", "", "540", ""], "Total", "Worker ID"),
        (["Totals for Team A", "", "", "", "", "", "540", ""], "Total", "Worker ID"),
        (["", "Grand Total", "", "", "", "", "540", ""], "Grand total", "Worker Role"),
        (["", "", "", "", "", "Sub-total", "90", ""], "Sub-total", "Supervision Type"),
        (["Subtotal", "", "", "", "", "", "", ""], "Subtotal", "Worker ID"),
        (["sub total", "", "", "", "", "", "", ""], "Sub total", "Worker ID"),
    ],
)
def test_totals_rows_are_rejected_with_their_label(
    sandbox: Sandbox, cells: list[str], label: str, column: str
) -> None:
    _, result = sandbox.supervision(_lines(SUP_HEADER, sup_row(), cells, sup_row(worker_id="W2")))
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"]) == (3, 2)
    rej = one_reject(result, 3)
    assert (rej["rule"], rej["value_shown"]) == ("totals_row", repr(label))
    assert rej["message"] == (
        f"this is a totals row ({label!r} in {column!r}), not a record: the study counts the "
        "records itself. Leave totals and sub-totals out of the extract"
    )


@pytest.mark.parametrize("worker", ["TOTAL1", "Totally", "W-Total", "Subtotals2"])
def test_a_value_that_only_looks_like_a_total_is_data(sandbox: Sandbox, worker: str) -> None:
    _, result = sandbox.supervision(_lines(SUP_HEADER, sup_row(worker_id=worker)))
    assert result.ledger["rows_loaded"] == 1


def test_blank_separators_are_counted_apart_from_rows_in(sandbox: Sandbox) -> None:
    text = _lines(
        SUP_HEADER,
        sup_row(),
        [""] * 8,
        ["Total", "", "", "", "", "", "60", ""],
        [],
        SUP_HEADER,
        sup_row(worker_id="W2"),
    )
    _, result = sandbox.supervision(text)
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"], led["rows_rejected"]) == (4, 2, 2)
    assert led["blank_rows_skipped"] == 2
    assert sorted(result.rejects["rule"]) == ["repeated_header", "totals_row"]


def test_structural_rows_are_kept_by_readers_that_do_not_ask() -> None:
    """Published tables and `oversight suggest` read every row, as before."""
    records = [SUP_HEADER, sup_row(), ["Total", "", "", "", "", "", "60", ""], SUP_HEADER]
    table = rawtable.to_table(records, 0, "f.csv")
    assert list(table.rows.index) == [2, 3, 4]
    assert table.structural == {}


def test_every_structural_rule_has_advice() -> None:
    assert {"repeated_header", "totals_row"} <= set(RULE_ADVICE)


def test_the_totals_labels_come_from_the_data_file() -> None:
    assert rawtable.totals_label(["", "Grand-Total", "5"]) == ("Grand-total", 1)
    assert rawtable.totals_label(["W1", "Total"]) is None  # only the first non-blank cell
    assert rawtable.repeats_header(SUP_HEADER[:2], [SUP_HEADER], norm_label) is False


# --- carriage returns ---------------------------------------------------------------------------


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_a_lone_cr_inside_a_quoted_cell_counts_its_record_once(sandbox: Sandbox, eol: str) -> None:
    rows = [SUP_HEADER, sup_row(), sup_row(worker_id="W2"), sup_row(worker_id="W3")]
    text = _lines(*rows, eol=eol).replace("W2,", '"W\r2",', 1)
    _, result = sandbox.supervision(text)
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"], led["rows_rejected"]) == (3, 2, 1)
    rej = one_reject(result, 3)
    assert (rej["rule"], rej["column"]) == ("control_character", "Worker ID")


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_a_lone_cr_in_an_unquoted_cell_no_longer_splits_the_record(
    sandbox: Sandbox, eol: str
) -> None:
    """The issue's case: 'He\\rld' was cut into 'He' (judged as a short row) and 'ld'."""
    rows = [
        SUP_HEADER,
        sup_row(),
        sup_row(worker_id="W2", status="He\rld"),
        sup_row(worker_id="W3"),
    ]
    _, result = sandbox.supervision(_lines(*rows, eol=eol))
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"], led["rows_rejected"]) == (3, 2, 1)
    assert set(result.rejects["source_row"]) == {3}
    assert not result.rejects["message"].str.contains("'He'").any()
    assert "required" not in set(result.rejects["rule"])


def test_a_file_with_lone_cr_line_endings_is_read_line_by_line(sandbox: Sandbox) -> None:
    text = _lines(SUP_HEADER, sup_row(), sup_row(worker_id="W2"), eol="\r")
    _, result = sandbox.supervision(text)
    assert (result.ledger["rows_in"], result.ledger["rows_loaded"]) == (2, 2)


def test_read_delimited_keeps_lone_crs_in_their_cells() -> None:
    assert textfiles.read_delimited('a,b\r\n"x\ry",z\r\nq\rr,s\r\n') == [
        ["a", "b"],
        ["x\ry", "z"],
        ["q\rr", "s"],
    ]
    # In a CR-ended file a quoted LF is still a line break inside its cell.
    assert textfiles.read_delimited('a,b\r"x\ny",z\r') == [["a", "b"], ["x\ny", "z"]]
    # The stand-in character is one the text does not contain.
    text = "a,b\n\ue000,c\rd\n"
    assert textfiles.read_delimited(text) == [["a", "b"], ["\ue000", "c\rd"]]


def test_an_unclosed_quote_is_still_found_after_lone_crs(sandbox: Sandbox) -> None:
    text = csv_text(SUP_HEADER, sup_row()) + '"W2,x\ry\n' + ",".join(sup_row()) + "\n"
    _, err = sandbox.supervision_error(text)
    assert err.file == SUP_PATH
    assert "is never closed" in err.problem
    assert err.row == 3
