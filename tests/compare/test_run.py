"""The comparison stage's rules, each called as one function without Snakemake
(``oversight.compare.run``) on small LAs written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oversight.compare import run_comparison, run_metrics_la, run_oversight_model
from tests.helpers import SUP_FIELDS

LA = "E10000016"
REGION = "E12000008"
OUTCOMES = ["audit_mo_good", "child_oversight_28d"]


def _supervision() -> pd.DataFrame:
    """W1 last held personal supervision 20 days before the census, W2 41 days, W3 28 days;
    W4 only a case supervision (eligible, never personally supervised)."""
    frame = pd.DataFrame(
        [
            ("W1", "social_worker", False, True, "2024-06-10", "personal", 95, "held", None, True),
            ("W2", "team_manager", True, False, "2024-05-20", "personal", 90, "held", None, False),
            ("W3", "social_worker", False, False, "2024-06-02", "personal", 45, "held", None, None),
            ("W4", "social_worker", False, False, "2024-06-28", "case", 30, "held", True, None),
        ],
        columns=SUP_FIELDS,
    )
    frame["session_date"] = pd.to_datetime(frame["session_date"])
    frame["duration_min"] = frame["duration_min"].astype("Int64")
    for col in ("agency", "nqsw", "family_reflection_recorded", "practitioner_reflection_recorded"):
        frame[col] = frame[col].astype("boolean")
    return frame


def _frames() -> dict[str, pd.DataFrame]:
    """One LA over one quarter: C1 seen 25 days before the census, C2 60 days; C3 open under
    28 days and C4 closed before the census are not counted; two audits, one graded good."""
    caseload = pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C3", "C4"],
            "worker_id": ["W1"] * 4,
            "legal_status": ["CIN", "CP", "CIN", "CLA"],
            "team_type": ["assessment", "cin_cp", "assessment", "cla"],
            "episode_start": pd.to_datetime(
                ["2024-01-01", "2023-09-01", "2024-06-15", "2024-01-01"]
            ),
            "episode_end": pd.to_datetime([None, None, None, "2024-06-20"]),
        }
    )
    oversight = pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C2"],
            "entry_date": pd.to_datetime(["2024-06-05", "2024-05-01", "2024-06-29"]),
            "entry_type": ["management_oversight", "case_supervision", "decision"],
            "rationale_recorded": pd.array([True, False, True], dtype="boolean"),
        }
    )
    audits = pd.DataFrame(
        {
            "audit_id": ["A1", "A2"],
            "child_id": ["C1", "C2"],
            "audit_date": pd.to_datetime(["2024-05-01", "2024-06-03"]),
            "audit_type": ["routine"] * 2,
            "domain": ["management_oversight"] * 2,
            "grade": pd.array([3, 2], dtype="Int64"),
            "moderated_grade": pd.array([None, None], dtype="Int64"),
        }
    )
    return {
        "supervision": _supervision(),
        "caseload": caseload,
        "oversight": oversight,
        "audits": audits,
    }


def _ledger(path: Path, unreliable: dict[str, str]) -> Path:
    """A regional ledger: every LA's supervision and caseload ``ok`` except ``unreliable``
    (LA code -> dataset)."""
    lines = [
        {
            "la_code": code,
            "dataset": d,
            "status": "unreliable: too many rejects" if unreliable.get(code) == d else "ok",
        }
        for code in sorted({LA, *unreliable})
        for d in ("supervision", "caseload")
    ]
    pd.DataFrame(lines).to_csv(path, index=False)
    return path


def _value(table: pd.DataFrame, metric: str, period: str, breakdown: str = "all") -> tuple:
    row = table[
        (table.metric == metric) & (table.period == period) & (table.breakdown == breakdown)
    ]
    assert len(row) == 1, (metric, period, breakdown)
    return row.numerator.iloc[0], row.denominator.iloc[0]


def test_run_metrics_la_writes_the_counts_the_impact_series_and_the_model_units(
    tmp_path: Path,
) -> None:
    frames = _frames()
    data = []
    for name, frame in frames.items():
        data.append(tmp_path / f"{name}.parquet")
        frame.to_parquet(data[-1])
    run_metrics_la(
        data=data,
        datasets=list(frames),
        la_code=LA,
        policy_days=56,
        period_start="2024-04-01",
        period_end="2024-06-30",
        data_end="2024-06-30",
        windows=[28, 42],
        model_window=28,
        impact_outcomes=OUTCOMES,
        out_counts=tmp_path / "metrics.csv",
        out_units=tmp_path / "units.parquet",
        out_impact=tmp_path / "impact.csv",
    )
    counts = pd.read_csv(tmp_path / "metrics.csv", dtype={"la_code": str, "breakdown": str})
    assert counts.columns[0] == "la_code" and set(counts["la_code"]) == {LA}
    assert set(counts["period"]) >= {"2024-25", "2024-25 Q1", "2024-04", "2024-06"}
    assert _value(counts, "staff_supervision_28d", "2024-25") == (2, 4)  # W1, W3
    assert _value(counts, "child_oversight_28d", "2024-25 Q1") == (1, 2)  # C1
    assert _value(counts, "audit_mo_good", "2024-25") == (1, 2)
    impact = pd.read_csv(tmp_path / "impact.csv", dtype={"la_code": str})
    assert set(impact["metric"]) == set(OUTCOMES)
    audits = impact[impact.metric == "audit_mo_good"]
    assert audits[["period", "numerator", "denominator"]].values.tolist() == [
        ["2024-04", 0.0, 0.0],
        ["2024-05", 1.0, 1.0],
        ["2024-06", 0.0, 1.0],
    ]
    units = pd.read_parquet(tmp_path / "units.parquet")
    assert units.to_dict("list") == {
        "la_code": [LA, LA],
        "within_window": [0, 1],  # C2 (the earlier episode), then C1
        "legal_status": ["CP", "CIN"],
        "team_type": ["cin_cp", "assessment"],
        "worker_caseload": [3.0, 3.0],  # C1, C2 and C3 open at the census
    }


def _la_counts(code: str, numerator: int) -> pd.DataFrame:
    rows = [
        (code, "2024-25", "staff_supervision_28d", "all", numerator, 1000),
        (code, "2024-25 Q1", "staff_supervision_28d", "all", numerator - 50, 1000),
        (code, "2024-25 Q4", "staff_supervision_28d", "all", numerator + 50, 1000),
        (code, "2024-25", "child_oversight_28d", "all", 600, 1000),
    ]
    return pd.DataFrame(
        rows, columns=["la_code", "period", "metric", "breakdown", "numerator", "denominator"]
    )


def test_run_comparison_leaves_out_the_metrics_of_an_unreliable_dataset(tmp_path: Path) -> None:
    codes = [LA, *(f"E0600000{i}" for i in range(5))]
    counts = []
    for i, code in enumerate(codes):
        counts.append(tmp_path / f"{code}.csv")
        _la_counts(code, 700 + 10 * i).to_csv(counts[-1], index=False)
    # E06000004's supervision is unreliable: its staff metrics are in no regional total.
    run_comparison(
        counts=counts,
        ledger=_ledger(tmp_path / "ledger.csv", {"E06000004": "supervision"}),
        region_code=REGION,
        year="2024-25",
        change_from="2024-25 Q1",
        change_to="2024-25 Q4",
        comparator="la_median",
        out_metrics=tmp_path / "metrics.csv",
        out_heterogeneity=tmp_path / "heterogeneity.csv",
        out_change=tmp_path / "change.csv",
    )
    table = pd.read_csv(tmp_path / "metrics.csv", dtype={"la_code": str, "breakdown": str})
    staff = table[(table.metric == "staff_supervision_28d") & (table.period == "2024-25")]
    assert sorted(staff["la_code"]) == sorted([REGION, *codes[:5]])
    region = staff.set_index("la_code").loc[REGION]
    assert (region.numerator, region.denominator) == (700 + 710 + 720 + 730 + 740, 5000)
    child = table[(table.metric == "child_oversight_28d") & (table.la_code == REGION)]
    assert (child.numerator.iloc[0], child.denominator.iloc[0]) == (3600, 6000)
    heterogeneity = pd.read_csv(tmp_path / "heterogeneity.csv")
    assert set(heterogeneity["metric"]) == {"staff_supervision_28d", "child_oversight_28d"}
    change = pd.read_csv(tmp_path / "change.csv", dtype={"la_code": str})
    mine = change[(change.la_code == LA) & (change.metric == "staff_supervision_28d")]
    assert len(mine) == 1
    assert (mine.iloc[0]["value_from"], mine.iloc[0]["value_to"]) == (0.65, 0.75)
    assert mine.iloc[0]["difference"] == pytest.approx(0.1)


def _units(code: str, n: int, seed: int) -> pd.DataFrame:
    """Children on child protection plans planted at twice the odds of oversight."""
    rng = np.random.default_rng(seed)
    status = rng.choice(["CIN", "CP", "CLA"], size=n)
    logit = -0.3 + np.log(2.0) * (status == "CP")
    return pd.DataFrame(
        {
            "la_code": code,
            "within_window": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int),
            "legal_status": status,
            "team_type": rng.choice(["assessment", "cla", "cin_cp"], n),
            "worker_caseload": rng.integers(5, 25, size=n).astype(float),
        }
    )


def test_run_oversight_model_fits_the_region_without_unreliable_las(tmp_path: Path) -> None:
    codes = [LA, "E06000001", "E06000002"]
    units = []
    for i, code in enumerate(codes):
        units.append(tmp_path / f"{code}.parquet")
        _units(code, 4000, i).to_parquet(units[-1])
    run_oversight_model(
        units=units,
        ledger=_ledger(tmp_path / "ledger.csv", {"E06000002": "caseload"}),
        out=tmp_path / "model.csv",
    )
    model = pd.read_csv(tmp_path / "model.csv").set_index("term")
    assert model["las"].unique().tolist() == [2]
    assert model["children"].unique().tolist() == [8000]
    cp = model.loc["legal_status: CP (vs CIN)"]
    assert cp.lower95 < 2.0 < cp.upper95
