"""Property tests: on many generated small-number tables (counts with margins, breakdowns,
quarters and a region), disclosure control hides every count from 1 to 5 and the attacker's
audit then finds nothing exposed."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.disclosure.publish import check_published, publish

REGION = "E12000008"
YEAR, QUARTERS = "2024-25", [f"2024-25 Q{i}" for i in range(1, 5)]
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL = [0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40]


def metrics_table(seed: int) -> pd.DataFrame:
    """Oversight entries (events: quarters add up to the year) for 2 to 4 LAs and the
    region, overall and by entry type, numerators and denominators of small counts."""
    rng = np.random.default_rng(seed)
    las = [f"E0600{30 + i:04d}" for i in range(rng.integers(2, 5))]
    types = [f"entry_type=t{i}" for i in range(rng.integers(2, 4))]
    rows = []
    for la in las:
        for q in QUARTERS:
            for t in types:
                den = int(rng.choice(SMALL))
                num = int(rng.integers(0, den + 1))
                rows.append((la, q, t, num, den))
    frame = pd.DataFrame(
        rows, columns=["la_code", "period", "breakdown", "numerator", "denominator"]
    )
    year = frame.groupby(["la_code", "breakdown"], as_index=False)[
        ["numerator", "denominator"]
    ].sum()
    frame = pd.concat([frame, year.assign(period=YEAR)], ignore_index=True)
    overall = frame.groupby(["la_code", "period"], as_index=False)[
        ["numerator", "denominator"]
    ].sum()
    frame = pd.concat([frame, overall.assign(breakdown="all")], ignore_index=True)
    region = frame.groupby(["period", "breakdown"], as_index=False)[
        ["numerator", "denominator"]
    ].sum()
    frame = pd.concat([frame, region.assign(la_code=REGION)], ignore_index=True)
    frame["metric"] = "oversight_rationale"
    frame["value"] = frame["numerator"] / frame["denominator"].replace(0, np.nan)
    frame["status"] = ""
    return frame[
        ["la_code", "period", "metric", "breakdown", "numerator", "denominator", "value", "status"]
    ]


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_metrics_tables_hide_small_counts_and_pass_the_audit(seed: int) -> None:
    frame = metrics_table(seed)
    spec = {"disclosure": {"method": "long_metrics"}}
    shown = publish("oversight_metrics", frame, spec, REGION)
    num, den = frame["numerator"], frame["denominator"]
    small = lambda x: x.between(1, 5)  # noqa: E731
    assert (shown.loc[small(num) | small(den - num) | small(den), "numerator"] == "c").all()
    assert (shown.loc[small(den), "denominator"] == "c").all()
    assert (shown.loc[shown["numerator"] == "c", "value"] == "c").all()
    check_published("oversight_metrics", shown, spec, REGION, frame)


def counts_table(seed: int) -> pd.DataFrame:
    """Units with each code by LA and source, the region's row the sum of its LAs'."""
    rng = np.random.default_rng(seed)
    rows = []
    for la in [f"E0600{30 + i:04d}" for i in range(rng.integers(2, 6))]:
        for source in ("a", "b"):
            for code in [f"k{i}" for i in range(rng.integers(1, 4))]:
                rows.append((source, la, code, int(rng.choice(SMALL))))
    frame = pd.DataFrame(rows, columns=["source", "la_code", "code", "n_units"])
    region = frame.groupby(["source", "code"], as_index=False)["n_units"].sum()
    return pd.concat([frame, region.assign(la_code=REGION)], ignore_index=True)


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_wide_tables_hide_small_counts_and_pass_the_audit(seed: int) -> None:
    frame = counts_table(seed)
    spec = {
        "disclosure": {"method": "counts", "counts": ["n_units"], "lines": [["source", "code"]]}
    }
    shown = publish("code_frequencies", frame, spec, REGION)
    assert (shown.loc[frame["n_units"].between(1, 5), "n_units"] == "c").all()
    check_published("code_frequencies", shown, spec, REGION, frame)
