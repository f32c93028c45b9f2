"""Identifiers: one person is one ID whatever the file did to it; placeholders, look-alike
letters and IDs that do not fit the LA's pattern are rejected, never loaded as people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from oversight.config import load_authority
from oversight.errors import ConfigError
from oversight.ingest.extracts import Authority
from oversight.ingest.identifiers import (
    IdRule,
    canonical,
    foreign_letters,
    is_placeholder,
    placeholders,
    shape,
)
from oversight.ingest.pseudonymise import pseudonymise
from tests.helpers import (
    CASELOAD_COLUMNS,
    KEY,
    LA_CODE,
    SUP_HEADER,
    SUP_PATH,
    authority_config,
    caseload_spec,
    csv_text,
    key_line,
    rules_by_row,
    sup_row,
    supervision_spec,
)

WIDTH7 = IdRule("worker", None, 7)


def _authority(sandbox, datasets: dict[str, Any], identifiers: dict[str, Any]) -> Authority:
    config = authority_config(datasets) | {"identifiers": identifiers}
    path = sandbox.root / "config" / "testshire.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return Authority("testshire", load_authority(path), path)


def _worker(value: str) -> str:
    return pseudonymise(pd.Series([value], dtype="string"), KEY, LA_CODE, "worker").iloc[0]


# ------------------------------------------------------------------ canonical form


@pytest.mark.parametrize(
    "variant",
    [
        "E456388",
        "'E456388",  # Excel's text prefix
        " \u2019E456388 ",  # a curly apostrophe from a word processor, spaces
        "E45\u00ad6388",  # soft hyphen
        "E456\u2063388",  # invisible separator
        "\u200bE456388\ufeff",  # zero-width space, BOM
        "E\u2060456388\u200e",  # word joiner, direction mark
        "\uff25\uff14\uff15\uff16\uff13\uff18\uff18",  # full-width letter and digits
        "e456388",  # case
    ],
)
def test_variants_of_one_id_are_one_canonical_id_and_one_pseudonym(variant):
    assert canonical(variant).casefold() == "e456388"
    assert canonical(canonical(variant)) == canonical(variant)  # stable
    assert _worker(variant) == _worker("E456388")


@pytest.mark.parametrize(
    "value",
    ["NULL", "null", " N/A ", "#N/A", "n/a", "NA", "0", "000000", "-", "--", "?", "unknown",
     "Unknown", "none", "TBC", "'NULL", "#REF!", "nan", "x", "N / A", "\u200bNULL"],
)  # fmt: skip
def test_placeholders(value):
    assert is_placeholder(canonical(value))


@pytest.mark.parametrize("value", ["E456388", "0123", "N1", "Nancy", "X1", "NA1", "10", "W-7"])
def test_real_ids_are_not_placeholders(value):
    assert not is_placeholder(canonical(value))


def test_placeholder_list_is_data_with_spreadsheet_errors_kept():
    listed = placeholders()
    assert {"null", "#n/a", "n/a", "unknown", "none", "tbc", "#ref!"} <= listed
    assert not any(v.startswith("# ") for v in listed)  # comments are not values


@pytest.mark.parametrize(
    ("value", "foreign"),
    [
        ("\u0415456388", ["\u0415"]),  # Cyrillic capital IE in place of E
        ("W1\u039f01", ["\u039f"]),  # Greek capital omicron in place of O
        ("\u0430bc123", ["\u0430"]),  # Cyrillic small a
        ("E456388", []),
        ("Zo\u00eb", []),  # Latin with a diaeresis
        ("\u0141ukasz", []),  # Latin L with stroke
        ("\u0418\u0432\u0430\u043d", []),  # a name wholly in Cyrillic is one script
    ],
)
def test_mixed_scripts(value, foreign):
    assert foreign_letters(canonical(value)) == foreign


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123", "0000123"),
        ("123.0", "0000123"),  # Excel stored the ID as a number
        ("0012345", "0012345"),
        ("12345678", "12345678"),  # longer than the width: left for the pattern to judge
        ("E123", "E123"),  # not all digits
        ("0", "0"),  # a placeholder is never padded into an ID
        ("\uff11\uff12\uff13", "0000123"),  # full-width digits
    ],
)
def test_lost_leading_zeros_are_restored_to_the_declared_width(value, expected):
    assert canonical(value, WIDTH7) == expected


def test_spreadsheet_float_is_an_integer_even_without_a_width():
    assert canonical("53.0") == "53" and canonical("53.5") == "53.5"


def test_shape_describes_without_quoting():
    assert shape("E456388") == "7 characters, letters and digits"
    assert shape("AB-12 3") == "7 characters, letters, digits, spaces and other signs"
    assert shape("7") == "1 character, digits"


# ------------------------------------------------------------------ through ingest


def test_one_worker_in_many_spellings_is_one_pseudonym(sandbox):
    spellings = ["E456388", "'E456388", "E45\u00ad6388", "E456\u2063388", "\uff25456388"]
    rows = [sup_row(worker_id=w, session_date=f"0{i + 1}/05/2024") for i, w in enumerate(spellings)]
    _, result = sandbox.supervision(csv_text(SUP_HEADER, *rows))
    assert result.ledger["rows_loaded"] == 5 and result.rejects.empty
    assert set(result.data["worker_id"]) == {_worker("E456388")}


def test_placeholder_ids_are_rejected_not_one_person(sandbox):
    rows = [
        sup_row(worker_id="NULL"),
        sup_row(worker_id="#N/A", session_date="02/05/2024"),
        sup_row(worker_id="0", session_date="03/05/2024"),
        sup_row(worker_id="-", session_date="04/05/2024"),
        sup_row(worker_id="unknown", session_date="05/05/2024"),
        sup_row(worker_id="W2"),
    ]
    _, result = sandbox.supervision(csv_text(SUP_HEADER, *rows))
    assert rules_by_row(result) == {r: {"placeholder_id"} for r in range(2, 7)}
    assert result.ledger["rows_loaded"] == 1
    first = result.rejects.iloc[0]
    assert first["column"] == "Worker ID"
    assert first["value_shown"] == "(masked identifier, 4 characters)"
    assert first["message"] == (
        "'Worker ID' is 'NULL', a placeholder, not a worker identifier; enter the real "
        "identifier, or leave the row out of the extract if the record has none"
    )


def test_rows_sharing_a_placeholder_child_are_not_duplicates_of_each_other(sandbox):
    """400 caseload rows with child 'NULL' once became one child and 641 'duplicates'."""
    columns = {f: h for f, h in CASELOAD_COLUMNS.items() if f != "episode_end"}
    spec = caseload_spec(columns=columns)
    la = sandbox.authority({"caseload": spec})
    sandbox.write(
        spec["path"],
        csv_text(
            ["Child ID", "Status", "Team", "Start"],
            ["NULL", "CP", "Safeguarding", "01/02/2024"],
            ["NULL", "CP", "Front door", "01/02/2024"],
            ["null", "CIN", "Safeguarding", "01/02/2024"],
            ["C1", "CP", "Safeguarding", "01/02/2024"],
        ),
    )
    result = sandbox.ingest(la, "caseload")
    assert rules_by_row(result) == {
        2: {"placeholder_id"},
        3: {"placeholder_id"},
        4: {"placeholder_id"},
    }
    assert result.ledger["rows_loaded"] == 1


def test_cyrillic_look_alike_is_rejected_without_quoting_the_id(sandbox):
    lookalike = "\u0415456388"
    _, result = sandbox.supervision(
        csv_text(SUP_HEADER, sup_row(worker_id="E456388"), sup_row(worker_id=lookalike))
    )
    assert rules_by_row(result) == {3: {"mixed_script_id"}}
    message = result.rejects.iloc[0]["message"]
    assert message == (
        "'Worker ID' holds an identifier of 7 characters, letters and digits that mixes Latin "
        "letters or digits with letters of another script (U+0415 CYRILLIC CAPITAL LETTER IE); "
        "they look alike but make a different worker: retype the identifier in Latin letters"
    )
    assert "456388" not in result.rejects.to_csv()


def test_zeros_restored_in_one_file_match_the_other_file(sandbox):
    """Excel dropped the zeros in the caseload file only: the worker must still link."""
    caseload = {
        "path": "testshire/caseload.csv",
        "format": "csv",
        "columns": {
            "child_id": "Child",
            "worker_id": "Worker",
            "legal_status": "Status",
            "team_type": "Team",
            "episode_start": "Start",
        },
        "values": {"team_type": {"Safeguarding": "cin_cp"}},
    }
    la = _authority(
        sandbox,
        {"supervision": supervision_spec(), "caseload": caseload},
        {"worker": {"width": 7}, "child": {"width": 6}},
    )
    sandbox.write(
        SUP_PATH, csv_text(SUP_HEADER, sup_row(worker_id="0012345"), sup_row(worker_id="0000777"))
    )
    sandbox.write(
        caseload["path"],
        csv_text(
            ["Child", "Worker", "Status", "Team", "Start"],
            ["4567", "12345", "CP", "Safeguarding", "2024-02-01"],
            ["4568", "12345.0", "CP", "Safeguarding", "2024-02-01"],
            ["004569", "777", "CP", "Safeguarding", "2024-02-01"],
        ),
    )
    sup = sandbox.ingest(la, "supervision")
    cases = sandbox.ingest(la, "caseload")
    assert set(cases.data["worker_id"]) == set(sup.data["worker_id"])
    assert cases.data["worker_id"].tolist()[:2] == [_worker("0012345")] * 2
    assert cases.notes == [
        "testshire/caseload.csv: 2 child identifiers in 'Child' were numbers as a spreadsheet "
        "stores them (leading zeros lost or a trailing '.0'): read as 6-digit identifiers",
        "testshire/caseload.csv: 3 worker identifiers in 'Worker' were numbers as a spreadsheet "
        "stores them (leading zeros lost or a trailing '.0'): read as 7-digit identifiers",
    ]


def test_id_that_does_not_fit_the_declared_pattern(sandbox):
    la = _authority(
        sandbox,
        {"supervision": supervision_spec()},
        {"worker": {"pattern": "E[0-9]{6}", "description": "E and six digits"}},
    )
    sandbox.write(
        SUP_PATH,
        csv_text(
            SUP_HEADER,
            sup_row(worker_id="e456388"),  # case is ignored
            sup_row(worker_id="E45638"),
            sup_row(worker_id="NULL"),  # a placeholder fails its own rule only
        ),
    )
    result = sandbox.ingest(la, "supervision")
    assert rules_by_row(result) == {3: {"id_pattern"}, 4: {"placeholder_id"}}
    line = key_line(la.config_path, "identifiers.worker")
    assert result.rejects.iloc[0]["message"] == (
        "'Worker ID' holds an identifier of 6 characters, letters and digits, which does not "
        "fit this LA's worker identifiers (E and six digits); correct it, or if the pattern is "
        f"wrong change it in {la.config_path} line {line} (identifiers.worker)"
    )


def test_width_then_pattern(sandbox):
    """Zeros are restored before the pattern is checked (six digits, stored as a number)."""
    la = _authority(
        sandbox,
        {"supervision": supervision_spec()},
        {"worker": {"pattern": "[0-9]{6}", "width": 6}},
    )
    sandbox.write(
        SUP_PATH, csv_text(SUP_HEADER, sup_row(worker_id="4321"), sup_row(worker_id="1234567"))
    )
    result = sandbox.ingest(la, "supervision")
    assert rules_by_row(result) == {3: {"id_pattern"}}
    assert result.data["worker_id"].tolist() == [_worker("004321")]


def test_invalid_pattern_is_a_config_error_naming_the_line(tmp_path: Path):
    config = authority_config({"supervision": supervision_spec()})
    config["identifiers"] = {"worker": {"pattern": "E[0-9{6}"}}
    path = tmp_path / "la.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    with pytest.raises(ConfigError) as err:
        load_authority(path)
    line = key_line(path, "identifiers.worker.pattern")
    assert str(err.value).startswith(
        f"{path} line {line} (identifiers.worker.pattern): not a valid regular expression"
    )


def test_unknown_identifier_kind_is_refused_by_the_schema(tmp_path: Path):
    config = authority_config({"supervision": supervision_spec()})
    config["identifiers"] = {"staff": {"width": 7}}
    path = tmp_path / "la.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    with pytest.raises(ConfigError, match="identifiers"):
        load_authority(path)
