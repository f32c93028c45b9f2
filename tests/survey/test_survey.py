"""Survey extracts: wide rows loaded long, with the ledger counting respondents."""

from __future__ import annotations

from tests.helpers import csv_text, key_line, one_reject

HEADER = [
    "Respondent ID",
    "Role",
    "My workload is manageable",
    "I feel supported by my manager",
    "Any other comments?",
]
SPEC = {
    "path": "testshire/survey.csv",
    "format": "csv",
    "columns": {"respondent_id": "Respondent ID", "role": "Role"},
    "defaults": {"wave": "baseline"},
    "items": {
        "My workload is manageable": "wb_workload",
        "I feel supported by my manager": "wb_support",
    },
    "free_text_item": "Any other comments?",
    "scale": {"points": 3, "labels": {"Disagree": 1, "Neutral": 2, "Agree": 3}},
}


def _survey(sandbox, *rows):
    la = sandbox.authority({"survey": SPEC})
    sandbox.write(SPEC["path"], csv_text(HEADER, *rows))
    return la, sandbox.ingest(la, "survey")


def test_survey_loaded_long_with_redacted_comments(sandbox):
    la, result = _survey(
        sandbox,
        ["R1", "team_manager", "Agree", "disagree ", "Call Alice on 07700 900123"],
        ["R2", "social_worker", "Neutral", "Sort of", ""],
    )
    data = result.data
    assert result.ledger["rows_in"] == 2 and result.ledger["rows_loaded"] == 1
    assert data["source_row"].tolist() == [2, 2, 2]
    assert sorted(data["item_id"]) == ["free_text", "wb_support", "wb_workload"]
    answers = dict(zip(data["item_id"], data["response"], strict=True))
    assert answers["wb_workload"] == 3 and answers["wb_support"] == 1
    assert data["scale_points"].dropna().tolist() == [3, 3]
    comment = data.loc[data["item_id"] == "free_text", "free_text"].iloc[0]
    assert comment == "Call [name] on [phone]"
    assert data["wave"].unique().tolist() == ["baseline"]
    rej = one_reject(result, 3)
    assert rej["rule"] == "allowed_codes"
    assert rej["field"] == "wb_support"
    assert rej["column"] == "I feel supported by my manager"
    assert rej["value_shown"] == "(text of 7 characters: Aaaa aa)"
    assert rej["message"].startswith(
        "the value (text of 7 characters: Aaaa aa) is not an answer on this survey's scale "
        "(Disagree, Neutral, Agree); correct it"
    )
    line = key_line(la.config_path, "datasets.survey.scale.labels")
    assert rej["message"].endswith(f"{la.config_path} line {line} (datasets.survey.scale.labels)")


def test_respondent_with_no_answers_is_not_silently_dropped(sandbox):
    _, result = _survey(
        sandbox, ["R1", "team_manager", "Agree", "Agree", ""], ["R2", "social_worker", "", "", ""]
    )  # sandbox.ingest asserts the ledger balances
    assert result.ledger["rows_loaded"] == 1 and result.ledger["rows_rejected"] == 1
    reject = result.rejects.iloc[0]
    assert (reject["rule"], int(reject["source_row"])) == ("empty_response", 3)
