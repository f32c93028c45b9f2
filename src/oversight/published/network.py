"""The network's own questions, answered from the published DfE indicators.

The QA leads' minutes make claims such as "74% of section 47 enquiries do not reach an initial
conference". ``config/network.yaml`` holds each claim as a number on a measure with a
tolerance; :func:`match_minutes` finds the LAs and years of the KPI table (one row per LA,
indicator and DfE reporting year, ``results/tables/kpis.csv``) whose value lies within it, so
the report names the LAs the minutes discuss from the data rather than from memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.config import load_checked

NETWORK_CONFIG = Path("config/network.yaml")
# Columns of the KPI table that give the comparators on every LA row.
COMPARATORS: tuple[str, ...] = ("england", "region", "neighbours")


@dataclass(frozen=True)
class Minute:
    """One statement of the minutes, as a value on a measure with a tolerance."""

    id: str
    says: str
    measure: str
    value: float
    tolerance: float


def load_network(path: str | Path = NETWORK_CONFIG) -> dict[str, Any]:
    """``config/network.yaml``, validated against its schema."""
    return load_checked(path, "network.schema.yaml")


def minutes(config: dict[str, Any]) -> list[Minute]:
    """The minutes' statements of a loaded network config, in file order."""
    return [Minute(**m) for m in config["minutes"]]


def numeric(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPI table with ``period`` as text and the value columns as numbers (``c`` and
    blanks become missing), whatever types it was read with."""
    out = kpis.copy()
    out["period"] = out["period"].astype(str)
    for col in ("value", *COMPARATORS):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def latest_period(kpis: pd.DataFrame, measure: str) -> str | None:
    """The latest DfE reporting year with any LA value of ``measure`` (None if none)."""
    rows = numeric(kpis)
    rows = rows[(rows["indicator"] == measure) & rows["value"].notna()]
    return None if rows.empty else str(rows["period"].max())


def match_minutes(kpis: pd.DataFrame, minute: Minute) -> pd.DataFrame:
    """Every LA and year whose value of the minute's measure lies within its tolerance.

    Columns ``la_code, la_name, period, value, distance, latest`` (``latest``: the row is in
    the measure's latest year), sorted latest year first, then by distance from the stated
    value, then by name. A value exactly at the tolerance's edge matches; a suppressed or
    missing value never does.
    """
    rows = numeric(kpis)
    rows = rows[(rows["indicator"] == minute.measure) & rows["value"].notna()].copy()
    rows["distance"] = (rows["value"] - minute.value).abs()
    # Rounded to 12 places so that 0.275 - 0.26 counts as 0.015, not 0.0150000001.
    hit = rows[rows["distance"].round(12) <= minute.tolerance].copy()
    latest = latest_period(kpis, minute.measure)
    hit["latest"] = hit["period"] == latest
    hit = hit.sort_values(
        ["latest", "distance", "la_name", "period"], ascending=[False, True, True, True]
    )
    cols = ["la_code", "la_name", "period", "value", "distance", "latest"]
    return hit[cols].reset_index(drop=True)


def nearest(kpis: pd.DataFrame, minute: Minute, period: str) -> pd.Series | None:
    """The LA row of ``period`` closest to the minute's value (None when there is none)."""
    rows = numeric(kpis)
    rows = rows[
        (rows["indicator"] == minute.measure) & (rows["period"] == period) & rows["value"].notna()
    ]
    if rows.empty:
        return None
    order = (rows["value"] - minute.value).abs().sort_values(kind="stable")
    return rows.loc[order.index[0]]


MINUTES_COLUMNS = [
    "minute",
    "says",
    "measure",
    "value",
    "complement",
    "tolerance",
    "la_code",
    "la_name",
    "period",
    "la_value",
    "latest",
]


def minutes_table(kpis: pd.DataFrame, statements: list[Minute]) -> pd.DataFrame:
    """The minutes against the data, one row per matching LA and year (TAB-NET-MINUTES).

    Each statement's number is in ``value`` and, for statements put the other way round
    ("74% do not reach"), in ``complement`` (1 - value); a statement no LA matches has one
    row with the LA columns empty, so the table itself says that none does.
    """
    rows = []
    for m in statements:
        head = [m.id, m.says, m.measure, m.value, round(1 - m.value, 12), m.tolerance]
        hits = match_minutes(kpis, m)
        if hits.empty:
            rows.append([*head, None, None, None, None, None])
        for h in hits.itertuples(index=False):
            rows.append([*head, h.la_code, h.la_name, h.period, h.value, bool(h.latest)])
    return pd.DataFrame(rows, columns=MINUTES_COLUMNS)
