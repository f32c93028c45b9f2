"""A small synthetic results table (six LAs and the region) with known funnel positions.

Built in code in the layout of ``results/tables/oversight_metrics.csv``: every headline
metric for the year, the monthly child-level trend and the regional audit grade shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.compare.comparison import COLUMNS
from oversight.figures.run.figures import headline_metrics
from oversight.stats import funnel_limits, wilson_ci

REGION_CODE = "E12000008"  # the South East's GSS code, as in config/config.yaml
PERIOD = "2024-25"
MONTHS = [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in range(1, 4)]

# code: (name, denominator, numerator, funnel flag against the pooled regional value)
LAS = {
    "E06000901": ("Eastmoor", 200, 76, "low_998"),
    "E06000902": ("Hartfield", 400, 380, "high_998"),
    "E06000903": ("Westbury", 300, 198, "low_95"),
    "E06000904": ("Northam", 250, 200, "high_95"),
    "E06000905": ("Southgate", 150, 108, "within"),
    "E06000906": ("Kingsley", 100, 71, "within"),
}
NAMES = {code: name for code, (name, *_rest) in LAS.items()}
REGION_NUMERATOR = sum(n for _, _, n, _ in LAS.values())  # 1033
REGION_DENOMINATOR = sum(d for _, d, _, _ in LAS.values())  # 1400
REGION_VALUE = REGION_NUMERATOR / REGION_DENOMINATOR  # 0.737857... -> "73.8%"

# Regional audit grades by domain: numerators of grades 1..4 out of 100 audits.
GRADES = {
    "management_oversight": (10, 30, 50, 10),
    "assessment": (5, 25, 55, 15),
    "voice_of_child": (20, 40, 30, 10),
}


def _row(code, period, metric, breakdown, n, d, flag="") -> dict:
    lo95, hi95 = wilson_ci(n, d, 0.95)
    lo998, hi998 = wilson_ci(n, d, 0.998)
    return {
        "la_code": code,
        "period": period,
        "metric": metric,
        "breakdown": breakdown,
        "numerator": float(n),
        "denominator": float(d),
        "value": round(n / d, 6),
        "lower95": round(lo95, 6),
        "upper95": round(hi95, 6),
        "lower998": round(lo998, 6),
        "upper998": round(hi998, 6),
        "funnel_flag": flag,
    }


def make_table() -> pd.DataFrame:
    rows = []
    for metric in headline_metrics():
        for code, (_, d, n, flag) in LAS.items():
            rows.append(_row(code, PERIOD, metric, "all", n, d, flag))
        rows.append(_row(REGION_CODE, PERIOD, metric, "all", REGION_NUMERATOR, REGION_DENOMINATOR))
    # Monthly trend: each LA a constant offset from its year value plus a seasonal swing.
    for i, month in enumerate(MONTHS):
        swing = 0.05 * np.sin(i / 2)
        num_total = den_total = 0
        for code, (_, d, n, _) in LAS.items():
            m = round(d * min(0.99, max(0.01, n / d + swing)))
            rows.append(_row(code, month, "child_oversight_28d", "all", m, d))
            num_total, den_total = num_total + m, den_total + d
        rows.append(_row(REGION_CODE, month, "child_oversight_28d", "all", num_total, den_total))
    for domain, counts in GRADES.items():
        for grade, n in enumerate(counts, start=1):
            rows.append(
                _row(
                    REGION_CODE,
                    PERIOD,
                    "audit_grade_share",
                    f"domain={domain};grade={grade}",
                    n,
                    sum(counts),
                )
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    # Noise that the figures must ignore: another period and another breakdown.
    other = table[table["period"] == PERIOD].assign(period="2024-25 Q1", value=0.5)
    extra = table[(table["period"] == PERIOD) & (table["breakdown"] == "all")]
    return pd.concat(
        [table, other, extra.assign(breakdown="role=manager", value=0.1)], ignore_index=True
    )


def check_flags(table: pd.DataFrame) -> None:
    """The fixture's flags agree with the limits around the regional value."""
    for code, (_, d, n, flag) in LAS.items():
        lo95, hi95 = funnel_limits(REGION_VALUE, d, 0.95)
        lo998, hi998 = funnel_limits(REGION_VALUE, d, 0.998)
        v = n / d
        expected = (
            "low_998"
            if v < lo998
            else "low_95"
            if v < lo95
            else "high_998"
            if v > hi998
            else "high_95"
            if v > hi95
            else "within"
        )
        assert expected == flag, (code, expected, flag)


@pytest.fixture(scope="session")
def table() -> pd.DataFrame:
    t = make_table()
    check_flags(t)
    return t


@pytest.fixture(scope="session")
def names() -> dict[str, str]:
    return dict(NAMES)
