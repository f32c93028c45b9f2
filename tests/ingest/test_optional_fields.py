"""Optional fields and the optional dataset of the common schema: ingest with and without them."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.errors import ExtractError
from oversight.ingest import common_schema as cs
from oversight.ingest.extracts import NOT_SENT, ingest_authority
from oversight.survey.instrument import InstrumentError, parse_instrument
from tests.helpers import KEY, LA_CODE, STUDY, SUP_HEADER, assert_balanced, csv_text, sup_row

STRATEGY = {
    "path": "testshire/strategy.csv",
    "format": "csv",
    "date_formats": ["%d/%m/%Y"],
    "columns": {
        "child_id": "Child ID",
        "discussion_date": "Strategy date",
        "police_attended": "Police",
        "health_attended": "Health",
    },
}


def test_the_schema_marks_the_new_fields_optional() -> None:
    sup, aud = cs.fields("supervision"), cs.fields("audits")
    assert sup["record_text"] == {"type": "text", "required": False}
    assert aud["learning_conversation"] == {"type": "bool", "required": False}
    assert cs.optional("strategy_discussions") and not cs.optional("supervision")
    assert cs.key("strategy_discussions") == ["child_id", "discussion_date"]
    assert cs.text_fields("supervision") == ["record_text"]
    assert cs.text_fields("transcripts") == ["text"]  # not the session name, not the timestamp


def test_supervision_without_record_text_loads_it_blank(sandbox) -> None:
    _, result = sandbox.supervision(csv_text(SUP_HEADER, sup_row()))
    assert result.data["record_text"].isna().all()
    assert list(result.data.columns) == cs.output_columns("supervision")


def test_record_text_is_redacted_at_ingest(sandbox) -> None:
    """The record text is personal data: names, emails and the LA's own identifiers never
    reach the harmonised rows, as for transcripts and survey comments."""
    text = (
        "Discussed Jordan's school attendance. I noticed I felt anxious and we talked about my "
        "own feelings. Email jordan.smith@example.org"
    )
    columns = {
        **dict(zip(cs.fields("supervision"), SUP_HEADER, strict=False)),
        "record_text": "Notes",
    }
    _, result = sandbox.supervision(
        csv_text([*SUP_HEADER, "Notes"], [*sup_row(), text]), columns=columns
    )
    got = result.data.loc[0, "record_text"]
    assert "Jordan" not in got and "example.org" not in got
    assert "I noticed I felt anxious and we talked about my own feelings." in got


def test_learning_conversation_is_a_bool_of_the_audit(sandbox) -> None:
    header = ["Audit", "Child", "Date", "Type", "Domain", "Grade", "Learning conversation"]
    rows = [
        ["A1", "C1", "01/06/2024", "routine", "planning", "Good", "Yes"],
        ["A2", "C2", "02/06/2024", "routine", "planning", "Good", "No"],
        ["A3", "C3", "03/06/2024", "routine", "planning", "Good", ""],
        ["A4", "C4", "04/06/2024", "routine", "planning", "Good", "perhaps"],
    ]
    spec = {
        "path": "testshire/audits.csv",
        "format": "csv",
        "date_formats": ["%d/%m/%Y"],
        "columns": {
            "audit_id": "Audit",
            "child_id": "Child",
            "audit_date": "Date",
            "audit_type": "Type",
            "domain": "Domain",
            "grade": "Grade",
            "learning_conversation": "Learning conversation",
        },
        "values": {"grade": {"Inadequate": 1, "Requires improvement": 2, "Good": 3}},
    }
    la = sandbox.authority({"audits": spec})
    sandbox.write(spec["path"], csv_text(header, *rows))
    result = sandbox.ingest(la, "audits")
    assert result.data["learning_conversation"].tolist() == [True, False, pd.NA]
    reject = result.rejects.iloc[0]
    assert len(result.rejects) == 1 and reject["source_row"] == 5  # row 1 is the header
    assert reject["column"] == "Learning conversation" and reject["rule"] == "allowed_codes"


def test_an_la_without_the_optional_dataset_gets_it_empty_and_balanced(sandbox) -> None:
    la = sandbox.authority({"supervision": {**_sup_spec()}})
    sandbox.write("testshire/supervision.csv", csv_text(SUP_HEADER, sup_row()))
    results = ingest_authority(la, ["supervision", "strategy_discussions"], sandbox.raw, STUDY, KEY)
    sent = results["strategy_discussions"]
    assert sent.problem is None and sent.notes == [NOT_SENT] and sent.data.empty
    assert list(sent.data.columns) == cs.output_columns("strategy_discussions")
    assert sent.ledger == {
        "la_code": LA_CODE,
        "dataset": "strategy_discussions",
        "rows_in": 0,
        "rows_loaded": 0,
        "rows_rejected": 0,
        "blank_rows_skipped": 0,
        "file_problem": "",
    }
    assert_balanced(sent)


def test_a_required_dataset_left_out_is_still_an_error(sandbox) -> None:
    la = sandbox.authority({"supervision": _sup_spec()})
    with pytest.raises(ExtractError, match="no extract configured for caseload"):
        ingest_authority(la, ["supervision", "caseload"], sandbox.raw, STUDY, KEY)


def test_strategy_discussions_load_with_a_partner_column_left_out(sandbox) -> None:
    """The LA sends police and health only: education is blank on every row; a repeat of a
    child and day is the same discussion; a bad date is rejected."""
    rows = [
        ["C1", "01/05/2024", "Yes", "No"],
        ["C2", "03/05/2024", "Yes", ""],
        ["C1", "01/05/2024", "Yes", "Yes"],  # same child and day: a repeat
        ["C3", "31/02/2024", "No", "No"],  # no such date
    ]
    la = sandbox.authority({"supervision": _sup_spec(), "strategy_discussions": STRATEGY})
    sandbox.write(STRATEGY["path"], csv_text(list(STRATEGY["columns"].values()), *rows))
    result = sandbox.ingest(la, "strategy_discussions")
    data = result.data
    assert data["police_attended"].tolist() == [True, True]
    assert data["health_attended"].tolist() == [False, pd.NA]
    assert data["education_attended"].isna().all()
    assert data["child_id"].str.match(r"^C-[0-9a-f]{16}$").all()
    assert sorted(result.rejects["rule"]) == ["date_format", "duplicate_row"]


def _sup_spec() -> dict:
    from tests.helpers import supervision_spec

    return supervision_spec(path="testshire/supervision.csv")


def test_compare_pairs_need_both_sides() -> None:
    base = {
        "constructs": {"c": "C"},
        "scales": {"agree5": ["a", "b", "c", "d", "e"]},
    }
    ok = {
        **base,
        "items": [
            {
                "id": "d1",
                "construct": "c",
                "text": "t",
                "compare": {"pair": "p", "side": "discussed"},
            },
            {
                "id": "r1",
                "construct": "c",
                "text": "t",
                "compare": {"pair": "p", "side": "recorded"},
            },
        ],
    }
    assert [i.compare for i in parse_instrument(ok).items] == [
        ("p", "discussed"),
        ("p", "recorded"),
    ]
    lonely = {**base, "items": ok["items"][:1]}
    with pytest.raises(InstrumentError, match="compare pair 'p'"):
        parse_instrument(lonely)
    wrong = {
        **base,
        "items": [
            {"id": "d1", "construct": "c", "text": "t", "compare": {"pair": "p", "side": "x"}}
        ],
    }
    with pytest.raises(InstrumentError, match="side: discussed or recorded"):
        parse_instrument(wrong)
