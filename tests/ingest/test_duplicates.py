"""Repeated records: compared on what the cells stand for, within and across files; resent
files refused; a survey respondent with two answer sets counted for neither."""

from __future__ import annotations

import pytest

from oversight.errors import ExtractError
from oversight.ingest import common_schema as cs
from oversight.ingest.extracts import ingest
from tests.helpers import (
    KEY,
    STUDY,
    SUP_HEADER,
    SUP_PATH,
    csv_text,
    key_line,
    one_reject,
    rules_by_row,
    sup_row,
    supervision_spec,
)
from tests.survey.test_survey import HEADER as SURVEY_HEADER
from tests.survey.test_survey import SPEC as SURVEY_SPEC

SAME = "(same 'Worker ID', 'Supervision Date', 'Supervision Type', 'Status', 'Duration (mins)')"
GLOB = "testshire/supervision_*.csv"


def test_every_dataset_declares_a_key_of_its_own_fields():
    for dataset in ("supervision", "caseload", "oversight", "audits", "survey", "transcripts"):
        key = cs.key(dataset)
        assert key and set(key) <= set(cs.fields(dataset)), dataset
    assert cs.key("oversight") == ["child_id", "entry_date", "entry_type"]
    assert cs.key("survey") == ["respondent_id", "wave"]


def test_near_duplicates_are_compared_on_parsed_values(sandbox):
    """The same session resent with an ISO date, 'Y' for 'Yes', '60.0' for '60'."""
    text = csv_text(
        SUP_HEADER,
        sup_row(agency="Yes"),
        sup_row(worker_id="W2"),
        sup_row(worker_id="w1001", agency="Y", session_date="2024-05-01", duration_min="60.0"),
        sup_row(agency="yes", session_type=" PERSONAL SUPERVISION", status="Held"),
    )
    _, result = sandbox.supervision(text)
    assert rules_by_row(result) == {4: {"duplicate_row"}, 5: {"duplicate_row"}}
    for row in (4, 5):
        assert one_reject(result, row)["message"] == (
            f"this row repeats {SUP_PATH} row 2 {SAME}; remove the duplicate"
        )
    assert result.data["source_row"].tolist() == [2, 3]


def test_a_repeat_that_changed_an_attribute_says_what_differs(sandbox):
    text = csv_text(SUP_HEADER, sup_row(), sup_row(worker_role="Team Manager", nqsw="Yes"))
    _, result = sandbox.supervision(text)
    assert one_reject(result, 3)["message"] == (
        f"this row repeats {SUP_PATH} row 2 {SAME} but differs in 'Worker Role', 'NQSW'; keep "
        "the right one in the extract and remove the other"
    )
    assert result.ledger["rows_loaded"] == 1


def test_different_sessions_of_one_worker_on_one_day_are_not_repeats(sandbox):
    text = csv_text(
        SUP_HEADER,
        sup_row(),
        sup_row(session_type="Case supervision"),
        sup_row(duration_min="30"),
        sup_row(status="cancelled"),
    )
    _, result = sandbox.supervision(text)
    assert result.rejects.empty and result.ledger["rows_loaded"] == 4


def test_the_good_copy_loads_when_the_first_copy_is_broken(sandbox):
    """A first copy with a bad cell is rejected; the later good copy is the record."""
    text = csv_text(SUP_HEADER, sup_row(agency="Sometimes"), sup_row(), sup_row())
    _, result = sandbox.supervision(text)
    assert rules_by_row(result) == {2: {"allowed_codes", "duplicate_row"}, 4: {"duplicate_row"}}
    assert result.data["source_row"].tolist() == [3]
    dup = result.rejects[
        (result.rejects["source_row"] == 2) & (result.rejects["rule"] == "duplicate_row")
    ]
    assert dup.iloc[0]["message"].startswith(
        f"this row repeats {SUP_PATH} row 3 {SAME} but differs"
    )


def test_repeats_across_files_cite_the_first_file(sandbox):
    la = sandbox.authority({"supervision": supervision_spec(path=GLOB)})
    sandbox.write(
        "testshire/supervision_q1.csv", csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2"))
    )
    sandbox.write(
        "testshire/supervision_q2.csv",
        csv_text(SUP_HEADER, sup_row(worker_id="W3"), sup_row(session_date="2024-05-01")),
    )
    result = sandbox.ingest(la, "supervision")
    rej = result.rejects.iloc[0]
    assert (rej["source_file"], int(rej["source_row"]), rej["rule"]) == (
        "testshire/supervision_q2.csv",
        3,
        "duplicate_row",
    )
    assert rej["message"] == (
        f"this row repeats testshire/supervision_q1.csv row 2 {SAME}; remove the duplicate"
    )
    assert result.ledger["rows_in"] == 4 and result.ledger["rows_loaded"] == 3


def _resend(sandbox, first: str, second: str) -> tuple[object, ExtractError]:
    la = sandbox.authority({"supervision": supervision_spec(path=GLOB)})
    sandbox.write("testshire/supervision_a.csv", first)
    sandbox.write("testshire/supervision_b.csv", second)
    with pytest.raises(ExtractError) as err:
        ingest(la, "supervision", sandbox.raw, STUDY, key=KEY)
    return la, err.value


def test_a_byte_identical_copy_is_refused_as_a_resend(sandbox):
    text = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2"))
    la, err = _resend(sandbox, text, text)
    assert err.file == "testshire/supervision_b.csv"
    assert err.problem == (
        "this file is a resend of testshire/supervision_a.csv (the same bytes); reading both "
        "would count every record twice"
    )
    line = key_line(la.config_path, "datasets.supervision.path")
    assert err.fix == (
        f"remove one of the two files from the LA's folder, or narrow path: in {la.config_path} "
        f"line {line} (datasets.supervision.path) so that it matches each extract once"
    )


def test_the_same_rows_in_another_form_are_a_resend(sandbox):
    first = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2", agency="Yes"))
    second = csv_text(
        SUP_HEADER,
        sup_row(worker_id="w2", agency="y", session_date="2024-05-01"),
        sup_row(duration_min="60.0"),
    )
    _, err = _resend(sandbox, first, second)
    assert "resend of testshire/supervision_a.csv (the same 2 rows, read as values)" in err.problem


def test_an_overlapping_file_is_not_a_resend(sandbox):
    la = sandbox.authority({"supervision": supervision_spec(path=GLOB)})
    sandbox.write("testshire/supervision_a.csv", csv_text(SUP_HEADER, sup_row()))
    sandbox.write(
        "testshire/supervision_b.csv", csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2"))
    )
    result = sandbox.ingest(la, "supervision")
    assert rules_by_row(result) == {2: {"duplicate_row"}}
    assert result.ledger["rows_loaded"] == 2


def _survey(sandbox, *rows):
    la = sandbox.authority({"survey": SURVEY_SPEC})
    sandbox.write(SURVEY_SPEC["path"], csv_text(SURVEY_HEADER, *rows))
    return sandbox.ingest(la, "survey")


def test_one_respondent_with_different_answer_sets_counts_for_none(sandbox):
    result = _survey(
        sandbox,
        ["R1", "social_worker", "Agree", "Agree", ""],
        ["R2", "social_worker", "Agree", "Neutral", ""],
        ["R1", "social_worker", "Disagree", "Agree", ""],
        [" r1", "social_worker", "Neutral", "Agree", "fine"],
    )
    assert rules_by_row(result) == {
        2: {"conflicting_answers"},
        4: {"conflicting_answers"},
        5: {"conflicting_answers"},
    }
    assert result.ledger["rows_loaded"] == 1
    assert one_reject(result, 2)["message"] == (
        f"this respondent ID is also on {SURVEY_SPEC['path']} row 4, {SURVEY_SPEC['path']} row 5 "
        "with different answers; one person gives one response per wave and which is theirs "
        "cannot be told, so none is counted: keep the right response in the export and remove "
        "the others, or correct the respondent ID"
    )


def test_an_identical_repeat_of_a_response_is_a_duplicate(sandbox):
    result = _survey(
        sandbox,
        ["R1", "social_worker", "Agree", "Agree", "ok"],
        ["R1", "Social_Worker", "agree", "AGREE ", "ok"],
    )
    assert rules_by_row(result) == {3: {"duplicate_row"}}
    assert one_reject(result, 3)["message"] == (
        f"this response repeats {SURVEY_SPEC['path']} row 2 (same 'Respondent ID'); remove the "
        "duplicate"
    )


def test_a_broken_repeat_of_a_response_does_not_cancel_the_good_one(sandbox):
    result = _survey(
        sandbox,
        ["R1", "social_worker", "Agree", "Agree", ""],
        ["R1", "social_worker", "Agree", "Dunno", ""],
    )
    assert rules_by_row(result) == {3: {"allowed_codes", "duplicate_row"}}
    assert result.ledger["rows_loaded"] == 1


def test_one_respondent_in_two_waves_is_two_responses(sandbox):
    spec = {**SURVEY_SPEC, "columns": {**SURVEY_SPEC["columns"], "wave": "Wave"}, "defaults": {}}
    la = sandbox.authority({"survey": spec})
    sandbox.write(
        spec["path"],
        csv_text(
            [*SURVEY_HEADER, "Wave"],
            ["R1", "social_worker", "Agree", "Agree", "", "baseline"],
            ["R1", "social_worker", "Disagree", "Neutral", "", "follow_up"],
        ),
    )
    result = sandbox.ingest(la, "survey")
    assert result.rejects.empty and result.ledger["rows_loaded"] == 2
