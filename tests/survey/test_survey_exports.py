"""A SurveyMonkey-style export (question row, then option row) ingested by configuration."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from oversight.config import load_authority
from oversight.ingest.extracts import Authority, Study, ingest
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/survey/fixtures/surveymonkey_two_header.csv"
STATEMENTS = "Please say how far you agree with each statement. - "


def test_two_row_header_export_loads(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "la").mkdir(parents=True)
    shutil.copy(FIXTURE, raw / "la/survey.csv")
    config = {
        "la_code": "E06000099",
        "la_name": "Fixture",
        "supervision_policy_days": 28,
        "datasets": {
            "survey": {
                "path": "la/survey.csv",
                "format": "csv",
                "encoding": "utf-8",
                "header_rows": 2,
                "columns": {"respondent_id": "Respondent ID", "role": "What is your current role?"},
                "values": {
                    "role": {
                        "Social worker": "social_worker",
                        "Team manager": "team_manager",
                        "Senior practitioner": "senior_practitioner",
                    }
                },
                "defaults": {"wave": "baseline"},
                "items": {
                    STATEMENTS + "My workload is manageable": "wb_workload",
                    STATEMENTS + "I feel supported by my manager": "wb_support",
                    STATEMENTS
                    + "Supervision keeps the child's lived experience in focus": "sup_child",
                },
                "free_text_item": "Any other comments?",
                "scale": {
                    "points": 5,
                    "labels": {
                        "Strongly disagree": 1,
                        "Disagree": 2,
                        "Neither agree nor disagree": 3,
                        "Agree": 4,
                        "Strongly agree": 5,
                    },
                },
            }
        },
    }
    path = tmp_path / "la.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    la = Authority("la", load_authority(path), path)
    study = Study.from_config(
        {"period_start": "2024-04-01", "period_end": "2025-03-31", "extract_date": "2025-04-30"},
        ["wb_workload", "wb_support", "sup_child"],
    )
    result = ingest(la, "survey", raw, study, b"k")
    led = result.ledger
    assert led["rows_in"] == led["rows_loaded"] + led["rows_rejected"]
    data = result.data
    first = data[data.source_row == 3].set_index("item_id")  # rows 1-2 are the header
    assert first.loc["wb_workload", "response"] == 4
    assert first.loc["wb_support", "response"] == 5
    assert first.loc["sup_child", "response"] == 3
    assert first.loc["free_text", "free_text"] == "More reflective time please"
