"""Header mapping (file-level errors) and exact-after-normalisation matching of labels."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.ingest import harmonise
from oversight.ingest.common_schema import fields
from oversight.ingest.normalise import clean_text, norm_label, norm_series
from tests.helpers import SUP_COLUMNS, SUP_HEADER, SUP_PATH, csv_text, key_line, one_reject, sup_row

# --- file-level header errors ------------------------------------------------------------------


def test_missing_required_column_names_field_headers_closest_and_config_line(sandbox):
    header = ["Worker Idd", *SUP_HEADER[1:]]
    la, err = sandbox.supervision_error(csv_text(header, sup_row()))
    line = key_line(la.config_path, "datasets.supervision.columns.worker_id")
    lines = la.config_path.read_text(encoding="utf-8").splitlines()
    assert lines[line - 1] == "      worker_id: Worker ID"  # the line of that very key
    assert err.file == SUP_PATH
    assert err.row == 1
    assert err.problem == "missing required column for 'worker_id'"
    assert err.expected == "a column headed 'Worker ID'"
    # Configured headers are quoted; the unknown one is described by length and position.
    assert err.found == (
        "headers 'Worker Role', 'Agency Worker', 'NQSW', 'Supervision Date', 'Supervision Type', "
        "'Duration (mins)', 'Status' and an unrecognised header of 10 characters (column 1)"
    )
    assert err.closest == (
        "column 1, an unrecognised header of 10 characters, 90% similar to 'Worker ID'"
    )
    assert err.fix == (
        f"add the export's header for 'worker_id' under {la.config_path} "
        f"line {line} (datasets.supervision.columns.worker_id)"
    )
    text = str(err)
    assert text.startswith(f"{SUP_PATH}, row 1: missing required column for 'worker_id'")
    assert "  closest:  column 1, an unrecognised header" in text
    assert "Worker Idd" not in text


def test_missing_required_column_lists_every_alias(sandbox):
    columns = {**SUP_COLUMNS, "status": ["Status", "Session status"]}
    header = [h for h in SUP_HEADER if h != "Status"]
    row = sup_row()[:7]
    _, err = sandbox.supervision_error(csv_text(header, row), columns=columns)
    assert err.problem == "missing required column for 'status'"
    assert err.expected == "a column headed 'Status' or 'Session status'"


def test_optional_column_may_be_missing_and_defaults_fill_required_ones(sandbox):
    header = [h for h in SUP_HEADER if h not in ("Duration (mins)", "NQSW")]
    row = [
        c
        for h, c in zip(SUP_HEADER, sup_row(), strict=True)
        if h not in ("Duration (mins)", "NQSW")
    ]
    columns = {k: v for k, v in SUP_COLUMNS.items() if k not in ("duration_min", "nqsw")}
    _, result = sandbox.supervision(csv_text(header, row), columns=columns, defaults={"nqsw": "no"})
    assert result.ledger["rows_loaded"] == 1
    assert not bool(result.data.loc[0, "nqsw"])
    assert pd.isna(result.data.loc[0, "duration_min"])


def test_duplicate_header_is_an_extract_error(sandbox):
    header = [*SUP_HEADER, " worker  ID "]  # normalises to the same as "Worker ID"
    la, err = sandbox.supervision_error(csv_text(header, [*sup_row(), "W1001"]))
    line = key_line(la.config_path, "datasets.supervision.columns.worker_id")
    assert err.row == 1
    assert err.problem == "duplicate header: 2 columns match 'worker_id'"
    assert err.expected == "one column for 'worker_id'"
    assert err.found == "column 1 'Worker ID', column 9 'worker  ID'"
    assert err.fix.endswith(
        f"{la.config_path} line {line} (datasets.supervision.columns.worker_id)"
    )


def test_header_matching_two_fields_is_an_extract_error(sandbox):
    columns = {
        **SUP_COLUMNS,
        "family_reflection_recorded": "Reflection",
        "practitioner_reflection_recorded": ["Worker reflection", "reflection"],
    }
    header = [*SUP_HEADER, "Reflection"]
    la, err = sandbox.supervision_error(csv_text(header, [*sup_row(), "Yes"]), columns=columns)
    line = key_line(la.config_path, "datasets.supervision.columns")
    assert err.row == 1
    assert err.column == "Reflection"
    assert err.problem == (
        "header 'Reflection' matches 2 fields: family_reflection_recorded, "
        "practitioner_reflection_recorded"
    )
    assert err.found == "column 9 'Reflection'"
    assert err.fix == (
        f"keep the header under one field only in {la.config_path} line {line} "
        "(datasets.supervision.columns)"
    )
    assert str(err).startswith(f"{SUP_PATH}, row 1, column 'Reflection': header 'Reflection'")


def test_headers_match_after_curly_quotes_invisible_characters_and_case(sandbox):
    columns = {**SUP_COLUMNS, "worker_id": "Worker's ID", "session_date": "Supervision – Date"}
    header = [
        "\u200bWORKER\u2019S\u00a0 ID",
        "worker role",
        "Agency\u200d Worker",
        "nqsw",
        "supervision - date",
        "SUPERVISION TYPE",
        "Duration (mins)\ufeff",
        "Status",
    ]
    _, result = sandbox.supervision(csv_text(header, sup_row()), columns=columns)
    assert result.ledger["rows_loaded"] == 1
    assert result.notes == []  # every column used


def test_unused_columns_are_noted(sandbox):
    _, result = sandbox.supervision(csv_text([*SUP_HEADER, "Team"], [*sup_row(), "North"]))
    # Not a configured header, so not quoted: a header row can hold a title or a name.
    assert result.notes == [
        f"{SUP_PATH}: columns not used: an unrecognised header of 4 characters (column 9)"
    ]


def test_map_headers_positions():
    spec = {"columns": {"worker_id": ["Staff No", "Worker ID"], "status": "Status"}}
    sup_fields = {k: v for k, v in fields("supervision").items() if k in ("worker_id", "status")}
    mapping = harmonise.map_headers(
        ["Notes", "STATUS", "staff no"], spec, sup_fields, "f.csv", lambda keys: "ref", 1
    )
    assert mapping == {"worker_id": 2, "status": 1}


# --- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Worker\u2019s\u00a0ID\u200b ", "worker's id"),
        ("  Child  –  ID ", "child - id"),
        ("\u201cQuoted\u201d", '"quoted"'),
        ("ＩＤ", "id"),  # full-width (NFKC)
        ("Straße", "strasse"),  # casefold, not lower
        ("\u2066Status\u2069", "status"),
    ],
)
def test_norm_label(raw, key):
    assert norm_label(raw) == key


def test_clean_text_keeps_case_and_norm_series_matches_norm_label():
    assert clean_text("  Worker\u2019s   ID\u200b") == "Worker's ID"
    raw = ["Worker\u2019s\u00a0ID\u200b ", "  Child  –  ID ", None, "ＩＤ"]
    out = norm_series(pd.Series(raw, dtype="string"))
    assert out.tolist()[:2] == [norm_label(raw[0]), norm_label(raw[1])]
    assert out.isna().tolist() == [False, False, True, False]
    assert out.iloc[3] == "id"


# --- value synonyms: exact after normalisation, never loose ------------------------------------


def test_value_synonyms_exact_after_normalisation_only():
    spec = {"values": {"session_type": {"Personal supervision": "personal"}}}
    lookup = harmonise.code_lookup("session_type", ["personal", "case", "group"], spec)
    values = pd.Series(
        [
            "Personal supervision ",
            "PERSONAL\u00a0  SUPERVISION",
            "personal",
            "Personal supervisions",
            "Personal sup.",
            "Personal-supervision",
            None,
        ],
        dtype="string",
    )
    out = harmonise.lookup_series(values, lookup)
    assert out.tolist()[:3] == ["personal", "personal", "personal"]
    assert out.iloc[3:].isna().all()


def test_bool_words_and_configured_bool_labels():
    lookup = harmonise.bool_lookup(
        "agency", {"values": {"agency": {"Locum": True, "Permanent": False}}}
    )
    values = pd.Series(
        ["Yes", " y ", "TRUE", "1", "No", "n", "false", "0", "locum", "Permanent", "maybe"],
        dtype="string",
    )
    out = harmonise.lookup_series(values, lookup)
    assert out.tolist()[:10] == [True, True, True, True, False, False, False, False, True, False]
    assert pd.isna(out.iloc[10])


def test_loose_value_is_a_row_reject_naming_value_codes_and_config_line(sandbox):
    text = csv_text(
        SUP_HEADER,
        sup_row(session_type="Personal supervision "),
        sup_row(worker_id="W2", session_type="Personal supervisions"),
    )
    la, result = sandbox.supervision(text)
    led = result.ledger
    assert (led["rows_in"], led["rows_loaded"], led["rows_rejected"]) == (2, 1, 1)
    assert result.data["session_type"].tolist() == ["personal"]
    rej = one_reject(result, 3)
    line = key_line(la.config_path, "datasets.supervision.values.session_type")
    assert rej["rule"] == "allowed_codes"
    assert rej["column"] == "Supervision Type"
    assert rej["field"] == "session_type"
    # Not a configured label, so described; the closest configured label is named.
    assert rej["value_shown"] == "(text of 21 characters: Aaaaaaaa aaaaaaaaaaa...)"
    assert rej["message"] == (
        "the value (text of 21 characters: Aaaaaaaa aaaaaaaaaaa...) is not a known session_type "
        "(one of personal, case, group); the closest label is 'Personal supervision'; "
        f"correct it, or if it means one of these add it under {la.config_path} line {line} "
        "(datasets.supervision.values.session_type)"
    )


def test_to_typed_converts_text_to_common_types():
    spec = {
        "values": {
            "session_type": {"Personal supervision": "personal"},
            "worker_role": {"Social Worker": "social_worker"},
        }
    }
    frame = pd.DataFrame(
        {
            "worker_role": ["Social Worker"],
            "agency": ["Y"],
            "nqsw": ["no"],
            "session_date": ["45412"],
            "session_type": ["personal SUPERVISION"],
            "duration_min": ["59.6"],
            "status": ["HELD"],
        },
        index=[7],
        dtype="string",
    )
    typed = harmonise.to_typed(frame, fields("supervision"), spec, ["excel_serial"])
    row = typed.loc[7]
    assert row["worker_role"] == "social_worker"
    assert bool(row["agency"]) is True and bool(row["nqsw"]) is False
    assert row["session_date"] == pd.Timestamp("2024-04-30")
    assert row["session_type"] == "personal"
    assert row["duration_min"] == 60
    assert row["status"] == "held"
