"""Row-level validation through a full ingest: every bad cell is a reject, never a file error."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from oversight.ingest.messages import shown_value
from tests.helpers import (
    KEY,
    LA_CODE,
    SUP_HEADER,
    SUP_PATH,
    csv_text,
    key_line,
    one_reject,
    rules_by_row,
    sup_row,
)


def test_clean_rows_are_harmonised_with_lineage(sandbox):
    text = csv_text(
        SUP_HEADER,
        sup_row(),
        sup_row(
            worker_id=" w1001 ",
            worker_role="Team Manager",
            agency="Yes",
            session_date="2024-06-03",
            session_type="case supervision",
            duration_min="",
            status="cancelled",
        ),
    )
    _, result = sandbox.supervision(text)
    data = result.data
    expected_ledger = {
        "la_code": LA_CODE,
        "dataset": "supervision",
        "rows_in": 2,
        "rows_loaded": 2,
        "rows_rejected": 0,
        "blank_rows_skipped": 0,
    }
    assert {k: result.ledger[k] for k in expected_ledger} == expected_ledger
    assert data["la_code"].tolist() == [LA_CODE, LA_CODE]
    assert data["source_file"].tolist() == [SUP_PATH, SUP_PATH]
    assert data["source_row"].tolist() == [2, 3]
    expected = (
        "W-" + hmac.new(KEY, f"{LA_CODE}|worker|w1001".encode(), hashlib.sha256).hexdigest()[:16]
    )
    assert data["worker_id"].tolist() == [expected, expected]  # case and spaces ignored
    assert data["worker_role"].tolist() == ["social_worker", "team_manager"]
    assert data["agency"].tolist() == [False, True]
    assert data["session_date"].tolist() == [pd.Timestamp("2024-05-01"), pd.Timestamp("2024-06-03")]
    assert data["session_type"].tolist() == ["personal", "case"]
    assert data["duration_min"].iloc[0] == 60 and pd.isna(data["duration_min"].iloc[1])
    assert data["status"].tolist() == ["held", "cancelled"]
    assert result.rejects.empty
    assert "W1001" not in data.to_csv()


def test_non_date_is_a_row_reject_with_formats(sandbox):
    text = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2", session_date="yesterday"))
    la, result = sandbox.supervision(text)
    assert result.ledger["rows_loaded"] == 1
    rej = one_reject(result, 3)
    line = key_line(la.config_path, "datasets.supervision.date_formats")
    assert rej["source_file"] == SUP_PATH
    assert (rej["rule"], rej["column"], rej["field"]) == (
        "date_format",
        "Supervision Date",
        "session_date",
    )
    # Not a date, so not in the column's domain: described by its length and shape.
    assert rej["value_shown"] == "(text of 9 characters: aaaaaaaaa)"
    assert rej["message"] == (
        "the value (text of 9 characters: aaaaaaaaa) is not a date in an accepted format "
        "(yyyy-mm-dd, dd/mm/yyyy, Excel serial "
        "number); correct it, or if the column uses another format add it to "
        f"{la.config_path} line {line} (datasets.supervision.date_formats)"
    )


def test_impossible_date_is_date_format(sandbox):
    text = csv_text(SUP_HEADER, sup_row(session_date="31/02/2024"))
    _, result = sandbox.supervision(text)
    assert rules_by_row(result) == {2: {"date_format"}}
    assert one_reject(result, 2)["value_shown"] == "(text of 10 characters: 99/99/9999)"


def test_excel_serial_text_is_accepted(sandbox):
    _, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row(session_date="45412")))
    assert result.data["session_date"].tolist() == [pd.Timestamp("2024-04-30")]


def test_excel_serial_needs_declaring(sandbox):
    _, result = sandbox.supervision(
        csv_text(SUP_HEADER, sup_row(session_date="45412")), date_formats=["%d/%m/%Y"]
    )
    assert rules_by_row(result) == {2: {"date_format"}}
    assert "(yyyy-mm-dd, dd/mm/yyyy)" in one_reject(result, 2)["message"]


def test_future_date_is_its_own_rule(sandbox):
    text = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2", session_date="15/05/2025"))
    _, result = sandbox.supervision(text)
    assert rules_by_row(result) == {3: {"future_date"}}  # not also date_outside_period
    rej = one_reject(result, 3)
    assert rej["column"] == "Supervision Date"
    assert rej["message"] == (
        "'15/05/2025' is after the extract date 2025-04-30; "
        "a recorded date cannot be in the future: correct it"
    )


@pytest.mark.parametrize("date", ["31/03/2024", "10/04/2025"])
def test_date_outside_study_period(sandbox, date):
    _, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row(session_date=date)))
    assert rules_by_row(result) == {2: {"date_outside_period"}}
    assert one_reject(result, 2)["message"] == (
        f"'{date}' is outside 2024-04-01 to 2025-03-31 (the study period); "
        "correct the date or leave the row out of the extract"
    )


@pytest.mark.parametrize("date", ["01/04/2024", "31/03/2025"])
def test_study_period_bounds_are_inclusive(sandbox, date):
    _, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row(session_date=date)))
    assert result.ledger["rows_loaded"] == 1


@pytest.mark.parametrize("blank", ["", "   ", "\u00a0"])
def test_blank_identifier_is_required_reject(sandbox, blank):
    text = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id=blank))
    _, result = sandbox.supervision(text)
    assert rules_by_row(result) == {3: {"required"}}
    rej = one_reject(result, 3)
    assert rej["column"] == "Worker ID"
    assert rej["field"] == "worker_id"
    assert rej["value_shown"] == "(blank)"
    assert rej["message"] == (
        "'Worker ID' is blank but every row needs a worker_id; fill it in or remove the row"
    )


def test_identifiers_never_appear_raw_in_rejects(sandbox):
    raw_id = "KX-55501234"
    text = csv_text(
        SUP_HEADER,
        sup_row(worker_id=raw_id, session_date="not known"),
        sup_row(worker_id=raw_id, session_date="not known"),
        sup_row(worker_id=raw_id, duration_min="9999"),
    )
    _, result = sandbox.supervision(text)
    assert rules_by_row(result) == {
        2: {"date_format"},
        3: {"date_format", "duplicate_row"},
        4: {"value_range"},
    }
    dumped = result.rejects.to_csv()
    assert raw_id not in dumped
    assert raw_id.lower() not in dumped.lower()


def test_shown_value_masks_identifiers_and_text():
    assert (
        shown_value("KX-55501234", {"type": "identifier"}) == "(masked identifier, 11 characters)"
    )
    assert shown_value("My manager Alice ...", {"type": "text"}) == "(masked text, 20 characters)"
    assert shown_value(pd.NA, {"type": "identifier"}) == "(blank)"
    assert shown_value(None, {"type": "code"}) == "(blank)"
    assert shown_value(float("nan"), {"type": "date"}) == "(blank)"
    # Without a domain every other value is described: its length and a mask of its start.
    assert shown_value("x" * 80, {"type": "code"}) == (
        "(text of 80 characters: aaaaaaaaaaaaaaaaaaaa...)"
    )
    assert shown_value("x" * 80, {"type": "code"}, {"x" * 80}) == "x" * 57 + "..."
    assert shown_value("held\x07", {"type": "code"}, {"held\x07"}) == "held\\x07"


def test_duplicate_row_rejects_later_copies_only(sandbox):
    text = csv_text(
        SUP_HEADER,
        sup_row(),
        sup_row(worker_id="W2"),
        sup_row(),
        sup_row(worker_id="W1001 "),
        sup_row(duration_min="61"),
    )
    _, result = sandbox.supervision(text)
    assert rules_by_row(result) == {4: {"duplicate_row"}, 5: {"duplicate_row"}}
    for row in (4, 5):
        rej = one_reject(result, row)
        assert rej["column"] == "(whole row)"
        assert rej["message"] == (
            f"this row repeats {SUP_PATH} row 2 (same 'Worker ID', 'Supervision Date', "
            "'Supervision Type', 'Status', 'Duration (mins)'); remove the duplicate"
        )
    assert result.data["source_row"].tolist() == [2, 3, 6]
    assert result.ledger["rows_loaded"] == 3 and result.ledger["rows_rejected"] == 2


def test_duplicate_of_rows_with_blanks_names_first_row(sandbox):
    row = sup_row(duration_min="", worker_id="")
    _, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row(), row, row))
    assert rules_by_row(result) == {3: {"required"}, 4: {"required", "duplicate_row"}}
    dup = result.rejects[result.rejects["rule"] == "duplicate_row"].iloc[0]
    # Without an identifier a row repeats another only if every column does.
    assert dup["message"] == (
        f"this row repeats {SUP_PATH} row 3 in every column; remove the duplicate"
    )


@pytest.mark.parametrize(
    ("value", "rule", "message"),
    [
        ("45.5", "number_format", "'45.5' is not a whole number; enter digits only"),
        (
            "an hour",
            "number_format",
            "the value (text of 7 characters: aa aaaa) is not a whole number; enter digits only",
        ),
        (
            "481",
            "value_range",
            "'481' is outside the possible range 0 to 480 for duration_min; correct it",
        ),
        (
            "-5",
            "value_range",
            "'-5' is outside the possible range 0 to 480 for duration_min; correct it",
        ),
    ],
)
def test_number_rules(sandbox, value, rule, message):
    _, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row(duration_min=value)))
    rej = one_reject(result, 2)
    assert (rej["rule"], rej["column"], rej["message"]) == (rule, "Duration (mins)", message)


def test_bool_and_code_rejects_name_options(sandbox):
    la, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row(agency="Sometimes")))
    rej = one_reject(result, 2)
    # no values: agency: block yet, so the reference points at the values: line to extend
    line = key_line(la.config_path, "datasets.supervision.values")
    assert rej["rule"] == "allowed_codes"
    assert rej["value_shown"] == "(text of 9 characters: Aaaaaaaaa)"
    assert rej["message"] == (
        "the value (text of 9 characters: Aaaaaaaaa) is not a known agency (one of yes, no); "
        "correct it, or if it means one "
        f"of these add it under {la.config_path} line {line} (datasets.supervision.values.agency)"
    )


def test_every_failing_cell_is_reported_and_row_counted_once(sandbox):
    bad = sup_row(worker_id="", session_date="soon", duration_min="lots", status="maybe")
    _, result = sandbox.supervision(csv_text(SUP_HEADER, bad, sup_row()))
    assert rules_by_row(result) == {
        2: {"required", "date_format", "number_format", "allowed_codes"}
    }
    assert len(result.rejects) == 4
    assert result.ledger["rows_rejected"] == 1 and result.ledger["rows_loaded"] == 1


def test_file_where_every_row_is_rejected_still_balances(sandbox):
    _, result = sandbox.supervision(
        csv_text(SUP_HEADER, sup_row(worker_id=""), sup_row(worker_id="W2", session_date="?"))
    )
    assert result.ledger["rows_loaded"] == 0 and result.ledger["rows_rejected"] == 2
    assert result.data.empty
    assert list(result.data.columns[:3]) == ["la_code", "source_file", "source_row"]


def test_caseload_date_order(sandbox):
    spec = {
        "path": "testshire/caseload.csv",
        "format": "csv",
        "date_formats": ["%d/%m/%Y"],
        "columns": {
            "child_id": "Child ID",
            "worker_id": "Worker",
            "legal_status": "Status",
            "team_type": "Team",
            "episode_start": "Start",
            "episode_end": "End",
        },
        "values": {"team_type": {"Safeguarding": "cin_cp"}},
    }
    la = sandbox.authority({"caseload": spec})
    sandbox.write(
        spec["path"],
        csv_text(
            ["Child ID", "Worker", "Status", "Team", "Start", "End"],
            ["C1", "W1", "CP", "Safeguarding", "01/02/2020", "03/04/2024"],
            ["C2", "", "CIN", "Safeguarding", "05/06/2024", "01/06/2024"],
            ["C3", "W1", "CLA", "Safeguarding", "31/12/1989", ""],
        ),
    )
    result = sandbox.ingest(la, "caseload")
    assert rules_by_row(result) == {3: {"date_order"}, 4: {"date_outside_period"}}
    order = one_reject(result, 3)
    assert order["field"] == "episode_end"
    assert order["message"] == (
        "'End' '01/06/2024' is before 'Start' '05/06/2024'; correct one of the two dates"
    )
    assert "1990-01-01 to 2025-04-30" in one_reject(result, 4)["message"]
    assert result.data["child_id"].str.match(r"^C-[0-9a-f]{16}$").all()
    assert result.data["worker_id"].str.match(r"^W-[0-9a-f]{16}$").all()


def test_every_rule_has_advice_for_the_data_lead() -> None:
    """The quality page and `oversight check` say what to change for every rule a reject
    can carry (check names in validate.py, repeat rules in repeats.py, the split-row rule of
    ingest)."""
    import inspect
    import re

    from oversight.ingest import repeats, validate
    from oversight.quality.pages import RULE_ADVICE

    source = inspect.getsource(validate) + inspect.getsource(repeats)
    names = set(re.findall(r'name=f?"(\w+)', source)) | {"field_count"}
    names |= set(re.findall(r'_whole_row\(\s*[\w.]+,\s*"(\w+)"', source))  # repeat rules
    assert {"control_character", "number_format", "date_order", "empty_response"} <= names
    assert {"placeholder_id", "mixed_script_id", "id_pattern"} <= names
    assert {"duplicate_row", "conflicting_answers"} <= names
    assert names <= set(RULE_ADVICE), names - set(RULE_ADVICE)
