"""The impact panel, per-LA interrupted time series and the staggered DiD on a small region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.impact.analysis import adoption_table, did_tables, its_table, month_number, panel

PLAN = {
    "its": {
        "family": "quasibinomial",
        "hac_lags": 3,
        "seasonal": 0,
        "min_points": 3,
        "robust": "if_autocorrelated",
    },
    "did": {"control_group": "never_treated", "event_window": [-6, 4], "alpha": 0.05},
}
MONTHS = [str(p) for p in pd.period_range("2024-04", "2025-12", freq="M")]


def _series(seed: int = 3) -> pd.DataFrame:
    """Six LAs, 21 months: A, B adopt in 2025-05, C, D in 2025-08, E and F never.
    Part 1 reflection moves from 0.40 by an odds ratio of 2.2 on adoption."""
    rng = np.random.default_rng(seed)
    adopt = {"A": "2025-05", "B": "2025-05", "C": "2025-08", "D": "2025-08", "E": None, "F": None}
    rows = []
    for la, month in adopt.items():
        for m in MONTHS:
            p = 0.40
            if month and m >= month:
                odds = p / (1 - p) * 2.2
                p = odds / (1 + odds)
            n = 400
            rows.append(
                {
                    "la_code": la,
                    "period": m,
                    "metric": "part1_family_reflection",
                    "breakdown": "all",
                    "numerator": float(rng.binomial(n, p)),
                    "denominator": float(n),
                }
            )
    return pd.DataFrame(rows), adopt


def _panel() -> pd.DataFrame:
    series, adopt = _series()
    adoption = {la.lower(): {"part1": m, "part2": None} for la, m in adopt.items()}
    codes = {la.lower(): la for la in adopt}
    return panel(
        series, adoption_table(adoption, codes), {"part1_family_reflection": "part1"}, "2024-04"
    )


def test_month_numbers_and_groups() -> None:
    assert month_number(pd.Series(["2024-04", "2025-05", "2025-12"]), "2024-04").tolist() == [
        1,
        14,
        21,
    ]
    data = _panel()
    groups = data.groupby("la_code")["group"].first().to_dict()
    assert groups == {"A": 14, "B": 14, "C": 17, "D": 17, "E": 0, "F": 0}
    assert len(data) == 6 * 21
    first = data.iloc[0]
    assert first["value"] == pytest.approx(first["numerator"] / 400)


def test_its_per_la_with_placebo_months_for_the_comparison_las() -> None:
    its = its_table(_panel(), PLAN).set_index("la_code")
    assert its.loc["A", "interruption"] == 14 and its.loc["C", "interruption"] == 17
    # comparison LAs are interrupted at the adopters' median adoption month (14 and 17 -> 15)
    assert its.loc["E", "interruption"] == 15 and bool(its.loc["E", "placebo"])
    for la in "ABCD":
        assert its.loc[la, "level_lower"] < 2.2 < its.loc[la, "level_upper"], la
    for la in "EF":
        assert its.loc[la, "level_lower"] < 1 < its.loc[la, "level_upper"], la


def test_did_recovers_the_planted_difference_and_drops_las_with_empty_months() -> None:
    data = _panel()
    out = did_tables(data, PLAN)["overall"].set_index("metric").loc["part1_family_reflection"]
    truth = 2.2 * 0.4 / 0.6 / (1 + 2.2 * 0.4 / 0.6) - 0.4  # 0.1946
    assert out["lower"] < truth < out["upper"]
    assert out["las_treated"] == 4 and out["las_comparison"] == 2 and out["excluded"] == ""
    gap = data.copy()
    gap.loc[(gap["la_code"] == "F") & (gap["t"] == 5), ["numerator", "denominator", "value"]] = [
        0.0,
        0.0,
        np.nan,
    ]
    out = did_tables(gap, PLAN)["overall"].iloc[0]
    assert out["excluded"] == "F" and out["las_comparison"] == 1
