"""Publishing analysis tables: the catalogue's disclosure methods on small tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oversight.config import load_checked
from oversight.disclosure.publish import data_received, publish, whole_numbers
from oversight.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_checked(ROOT / "config/tables.yaml", "tables.schema.yaml")["tables"]


def test_change_rows_are_hidden_where_their_metric_cell_is() -> None:
    metrics = pd.DataFrame(
        {
            "la_code": ["A", "A", "B", "B"],
            "period": ["Q1", "Q4", "Q1", "Q4"],
            "metric": ["m", "m", "m", "m"],
            "breakdown": ["all"] * 4,
            "status": ["c", "", "", ""],
        }
    )
    change = pd.DataFrame(
        {
            "la_code": ["A", "B"],
            "metric": ["m", "m"],
            "from": ["Q1", "Q1"],
            "to": ["Q4", "Q4"],
            "value_from": [0.5, 0.6],
            "value_to": [0.7, 0.8],
            "difference": [0.2, 0.2],
            "lower95": [0.1, 0.1],
            "upper95": [0.3, 0.3],
            "p_value": [0.01, 0.01],
        }
    )
    out = publish("oversight_change", change, CATALOGUE["oversight_change"], "R", metrics=metrics)
    assert out.loc[0, ["value_from", "value_to", "difference", "p_value"]].tolist() == ["c"] * 4
    assert out.loc[1, "value_from"] == 0.6


def test_survey_responses_hide_small_counts_and_their_rate() -> None:
    t = pd.DataFrame(
        {
            "la_code": ["A", "B", "C"],
            "respondents": [4, 50, 31],
            "eligible": [40, 120, 90],
            "response_rate": [0.1, 50 / 120, 31 / 90],
        }
    )
    out = publish("survey_responses", t, CATALOGUE["survey_responses"], "R")
    # A's 4 is primary; the total of respondents is published (survey alpha), so C's 31,
    # the smallest other, is hidden as its complement.
    assert out["respondents"].tolist() == ["c", 50, "c"]
    assert out["response_rate"].tolist()[0] == "c" and out["eligible"].tolist() == [40, 120, 90]


def test_kpis_publish_the_counts_dfe_publishes() -> None:
    """DfE publishes the counts (and FTE) behind each rate, under its own disclosure
    control: the table keeps them as they are."""
    t = pd.DataFrame({"la_code": ["A"], "numerator": [2.0], "denominator": [70.0], "value": [0.03]})
    out = publish("kpis", t, CATALOGUE["kpis"], "R")
    assert list(out.columns) == ["la_code", "numerator", "denominator", "value"]
    assert out.iloc[0].tolist() == ["A", 2.0, 70.0, 0.03]


def test_a_catalogue_naming_a_missing_column_is_a_clear_error() -> None:
    t = pd.DataFrame({"la_code": ["A"], "respondents": [9]})
    with pytest.raises(ConfigError, match=r"'survey_responses' names column\(s\) \['eligible'"):
        publish("survey_responses", t, CATALOGUE["survey_responses"], "R")


def test_data_received_sums_and_rounds_large_totals() -> None:
    ledger = pd.DataFrame(
        {
            "la_code": ["A", "B", "A", "B"],
            "dataset": ["audits", "audits", "survey", "survey"],
            "rows_in": [721, 1003, 40, 30],
            "rows_loaded": [707, 1000, 34, 30],
            "rows_rejected": [14, 3, 6, 0],
            "blank_rows_skipped": [0, 0, 0, 0],
            "file_problem": ["", "", "", "bad sheet"],
        }
    )
    out = data_received(ledger).set_index("dataset")
    assert out.loc["audits", "rows_received"] == 1720  # 1724 rounded to the nearest 10
    assert out.loc["audits", "rows_rejected"] == 17
    assert out.loc["survey", "rows_received"] == 70  # up to 1,000: exact
    assert out.loc["survey", "las_with_file_problems"] == 1
    assert out.loc["survey", "share_loaded"] == round(64 / 70, 4)


def test_counts_are_written_as_whole_numbers_and_fractions_kept(tmp_path: Path) -> None:
    # A count column holding a hidden cell is read as floats; published, 460.0 must read 460.
    # DfE's FTE numerators are fractional and stay so; rates and symbols are untouched.
    from oversight import artefacts

    shown = pd.DataFrame(
        {
            "numerator": [460.0, "c", 12.5],
            "denominator": [723.0, "c", 40.0],
            "respondents": [7.0, 3.0, float("nan")],
            "value": [0.636238, "c", 1.0],
        }
    )
    spec = {"disclosure": {"method": "counts", "counts": ["respondents"]}}
    out = tmp_path / "t.csv"
    artefacts.write_csv(whole_numbers(shown, spec), out)
    assert out.read_text().splitlines() == [
        "numerator,denominator,respondents,value",
        "460,723,7,0.636238",
        "c,c,3,c",
        "12.5,40,,1.0",
    ]
