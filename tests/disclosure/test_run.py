"""Rules ``publish_metrics`` and ``publish_tables`` as functions
(oversight.disclosure.run_publish_metrics, run_publish_tables), without Snakemake, on small
tables with the study's catalogue (config/tables.yaml)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.disclosure import run_publish_metrics, run_publish_tables

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "config/tables.yaml"
REGION = "R"
BAND = {"low": 1, "high": 5, "min_width": 5}
METRIC_COLUMNS = ["la_code", "period", "metric", "breakdown", "numerator", "denominator", "value"]
# Two LAs and the region, one metric by role: A's 3 social workers are a small count.
METRIC_ROWS = [
    ("A", "2024-25", "m", "all", 43, 60, 43 / 60),
    ("A", "2024-25", "m", "role=sw", 3, 10, 0.3),
    ("A", "2024-25", "m", "role=tm", 40, 50, 0.8),
    ("B", "2024-25", "m", "all", 60, 100, 0.6),
    ("B", "2024-25", "m", "role=sw", 30, 51, 30 / 51),
    ("B", "2024-25", "m", "role=tm", 30, 49, 30 / 49),
    ("R", "2024-25", "m", "all", 103, 160, 103 / 160),
    ("R", "2024-25", "m", "role=sw", 33, 61, 33 / 61),
    ("R", "2024-25", "m", "role=tm", 70, 99, 70 / 99),
]


def published_metrics(tmp_path: Path, rows: list[tuple] = METRIC_ROWS) -> pd.DataFrame:
    """Run publish_metrics on ``rows``; the published table read back as text."""
    source = tmp_path / "oversight_metrics.csv"
    pd.DataFrame(rows, columns=METRIC_COLUMNS).to_csv(source, index=False)
    out = tmp_path / "published" / "oversight_metrics.csv"
    run_publish_metrics(
        metrics=source, catalogue=CATALOGUE, out=out, region_code=REGION, demo=True, **BAND
    )
    return pd.read_csv(out, dtype=str, keep_default_na=False)


def test_run_publish_metrics_hides_small_counts_and_their_partners(tmp_path: Path) -> None:
    table = published_metrics(tmp_path).set_index(["la_code", "breakdown"])
    assert len(table) == len(METRIC_ROWS)
    hidden = {key for key, n in table["numerator"].items() if n == "c"}
    # A's 3, then its other role (43 - 40 gives 3 away), then B's roles: the LAs' roles add
    # up to the region's, which stays shown.
    assert hidden == {("A", "role=sw"), ("A", "role=tm"), ("B", "role=sw"), ("B", "role=tm")}
    assert table.loc[("A", "role=sw"), ["denominator", "value"]].tolist() == ["c", "c"]
    assert table.loc[("B", "role=sw"), "denominator"] == "51"
    assert table.loc[("R", "all"), ["numerator", "denominator"]].tolist() == ["103", "160"]
    # a demo run marks every row of a table built from LA extracts
    assert set(table["data_status"]) == {"synthetic demonstration data"}


def ledger_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_code": ["A", "A", "B", "B"],
            "dataset": ["supervision", "survey", "supervision", "survey"],
            "rows_in": [1203, 40, 800, 52],
            "rows_loaded": [1200, 40, 790, 52],
            "rows_rejected": [3, 0, 10, 0],
            "blank_rows_skipped": [0, 0, 2, 0],
            "file_problem": ["", "", "", "a second header row"],
            "status": ["ok", "ok", "unreliable: most rows rejected", "ok"],
        }
    )


def test_run_publish_tables_writes_each_table_audited(tmp_path: Path) -> None:
    published_metrics(tmp_path)
    ledger = tmp_path / "ledger.csv"
    ledger_rows().to_csv(ledger, index=False)
    waves = tmp_path / "survey_waves.csv"
    pd.DataFrame(
        {
            "construct": ["own_bias", "workload"],
            "n_baseline": [3, 40],
            "n_follow_up": [20, 30],
            "mean_baseline": [3.5, 2.9],
            "mean_follow_up": [3.1, 3.0],
            "difference": [-0.4, 0.1],
            "ci_lower": [-1.2, -0.3],
            "ci_upper": [0.4, 0.5],
            "p_value": [0.31, 0.62],
            "method": ["welch", "welch"],
        }
    ).to_csv(waves, index=False)
    names = ["survey_waves", "data_received", "data_exclusions"]
    out = tmp_path / "published"
    run_publish_tables(
        tables=[waves],
        metrics=out / "oversight_metrics.csv",
        ledger=ledger,
        catalogue=CATALOGUE,
        out=[out / f"{n}.csv" for n in names],
        names=names,
        region_code=REGION,
        demo=False,
        **BAND,
    )

    shown = pd.read_csv(out / "survey_waves.csv", dtype=str, keep_default_na=False)
    own_bias = shown.set_index("construct").loc["own_bias"]
    # 3 respondents at baseline: the count and everything computed from it are hidden.
    assert own_bias["n_baseline"] == "c" and own_bias["mean_baseline"] == "c"
    assert own_bias["n_follow_up"] == "20"
    assert shown.set_index("construct").loc["workload", "n_baseline"] == "40"
    assert "data_status" not in shown  # not a demo run

    received = pd.read_csv(out / "data_received.csv").set_index("dataset")
    # totals above 1,000 are rounded to the nearest 10 (1203 + 800 = 2003 -> 2000)
    assert received.loc["supervision", "rows_received"] == 2000
    assert received.loc["survey", ["las", "rows_loaded"]].tolist() == [2, 92]
    assert received.loc["supervision", "las_unreliable"] == 1
    assert received.loc["survey", "las_with_file_problems"] == 1

    excluded = pd.read_csv(out / "data_exclusions.csv")
    assert excluded[["la_code", "dataset"]].values.tolist() == [["B", "supervision"]]
    assert excluded.loc[0, "reason"] == "most rows rejected"


def test_run_publish_metrics_hides_a_region_that_is_one_la(tmp_path: Path) -> None:
    """One LA only: the region's count is the LA's small count, so it is hidden too."""
    rows = [
        ("A", "2024-25", "m", "all", 3, 10, 0.3),
        ("R", "2024-25", "m", "all", 3, 10, 0.3),
    ]
    table = published_metrics(tmp_path, rows).set_index("la_code")
    assert table["numerator"].tolist() == ["c", "c"]
    assert table["denominator"].tolist() == ["10", "10"]
    assert table["status"].tolist() == ["c", "c"]
