"""The regional comparison on a small region whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.compare.comparison import change, compare, heterogeneity
from oversight.compare.model import oversight_model
from oversight.stats import funnel_limits, wilson_ci

REGION = "E12000008"


def _counts() -> pd.DataFrame:
    # Five LAs near 70% and one far below: the outlier must be flagged, the others not.
    n = [700, 690, 710, 705, 295, 695]
    d = [1000] * 6
    rows = []
    for i, (num, den) in enumerate(zip(n, d, strict=True)):
        code = f"E0600000{i}"
        rows.append((code, "2024-25", "staff_supervision_28d", "all", num, den))
        rows.append((code, "2024-25 Q1", "staff_supervision_28d", "all", num - 50, den))
        rows.append((code, "2024-25 Q4", "staff_supervision_28d", "all", num + 50, den))
        rows.append((code, "2024-25", "sessions_held_vs_due", "all", 120, 100.0))
        for a in (1, 2, 3, 4):
            for m in (1, 2, 3, 4):
                count = 10 if a == m else (2 if abs(a - m) == 1 else 0)
                rows.append(
                    (
                        code,
                        "2024-25",
                        "moderation_pairs",
                        f"auditor={a};moderator={m}",
                        count,
                        np.nan,
                    )
                )
    return pd.DataFrame(
        rows, columns=["la_code", "period", "metric", "breakdown", "numerator", "denominator"]
    )


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return compare(_counts(), REGION)


def test_region_is_the_sum_of_the_las(table) -> None:
    row = table[
        (table.la_code == REGION)
        & (table.metric == "staff_supervision_28d")
        & (table.period == "2024-25")
    ].iloc[0]
    assert (row.numerator, row.denominator) == (3795, 6000)
    assert row.value == pytest.approx(3795 / 6000, abs=1e-6)
    assert row.funnel_flag == ""


def test_intervals_are_wilson_at_95_and_998(table) -> None:
    row = table[
        (table.la_code == "E06000004")
        & (table.metric == "staff_supervision_28d")
        & (table.period == "2024-25")
    ].iloc[0]
    lo, hi = wilson_ci(295, 1000, 0.95)
    lo3, hi3 = wilson_ci(295, 1000, 0.998)
    assert (row.lower95, row.upper95) == pytest.approx((lo, hi), abs=1e-6)
    assert (row.lower998, row.upper998) == pytest.approx((lo3, hi3), abs=1e-6)


def test_funnel_flags_against_the_regional_baseline(table) -> None:
    year = table[
        (table.metric == "staff_supervision_28d")
        & (table.period == "2024-25")
        & (table.la_code != REGION)
    ].set_index("la_code")
    assert year.loc["E06000004", "funnel_flag"] == "low_998"
    # The unadjusted flags are kept beside the adjusted ones the LAs' over-dispersion calls for.
    assert (year["funnel_limits"] == "adjusted").all()
    lo998, hi998 = funnel_limits(3795 / 6000, 1000, 0.998)
    for code, row in year.iterrows():
        inside = lo998 <= row.value <= hi998
        assert inside == (not row.funnel_flag_unadjusted.endswith("998")), code


def test_ratio_and_agreement_rows(table) -> None:
    ratio = table[(table.metric == "sessions_held_vs_due") & (table.la_code == REGION)].iloc[0]
    assert ratio.value == pytest.approx(1.2) and np.isnan(ratio.lower95)
    kappa = table[(table.metric == "moderation_kappa") & (table.la_code == "E06000000")].iloc[0]
    assert kappa.denominator == 52 and 0.7 < kappa.value < 0.9
    assert kappa.lower95 < kappa.value < kappa.upper95
    alpha = table[(table.metric == "moderation_alpha") & (table.la_code == REGION)].iloc[0]
    assert 0.8 < alpha.value < 1


def test_heterogeneity_finds_the_outlier(table) -> None:
    het = heterogeneity(table, REGION, "2024-25").set_index("metric")
    row = het.loc["staff_supervision_28d"]
    assert row.las == 6 and row.df == 5
    assert row.p_value < 1e-10 and row.phi > 10
    # The outlier drags the pooled baseline down so far that every LA lies outside the plain
    # 99.8% limits; after Spiegelhalter's over-dispersion adjustment only the outlier does.
    assert row.outside_998 == 6
    assert row.outside_998_adjusted == 1


def test_change_between_quarters(table) -> None:
    out = change(table, "2024-25 Q1", "2024-25 Q4", REGION)
    row = out[(out.la_code == "E06000000") & (out.metric == "staff_supervision_28d")].iloc[0]
    assert row.difference == pytest.approx(0.1, abs=1e-9)
    assert row.lower95 < 0.1 < row.upper95 and row.p_value < 1e-4


def test_model_recovers_a_planted_odds_ratio() -> None:
    """Children on child protection plans planted at twice the odds of oversight."""
    rng = np.random.default_rng(11)
    n = 20000
    status = rng.choice(["CIN", "CP", "CLA"], size=n)
    team = np.where(status == "CP", "cin_cp", rng.choice(["assessment", "cla", "cin_cp"], n))
    la = rng.choice([f"E060000{i:02d}" for i in range(19)], size=n)
    caseload = rng.integers(5, 25, size=n).astype(float)
    logit = -0.3 + np.log(2.0) * (status == "CP")
    within = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    units = pd.DataFrame(
        {
            "la_code": la,
            "within_window": within,
            "legal_status": status,
            "team_type": team,
            "worker_caseload": caseload,
        }
    )
    out = oversight_model(units).set_index("term")
    cp = out.loc["legal_status: CP (vs CIN)"]
    assert cp.lower95 < 2.0 < cp.upper95 and cp.lower95 > 1.0
    assert out["las"].iloc[0] == 19 and out["children"].iloc[0] == n
    # Nothing else was planted: every other interval contains 1.
    others = out.drop(index="legal_status: CP (vs CIN)")
    assert ((others.lower95 < 1) & (others.upper95 > 1)).all()
