"""Rows of the long results table (``results/tables/oversight_metrics.csv`` read into a
DataFrame) that the comparison figures draw: one metric's LA rows, the region's value and
each LA's funnel flag."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from oversight.figures.style import FLAGS, la_name
from oversight.stats import funnel_limits

# The region's rows carry its GSS code; every English region's code starts E12 (the study's
# own region is set once, in config/config.yaml, and the tables carry it).
REGION_PREFIX = "E12"


def is_region(codes: pd.Series) -> pd.Series:
    """Which rows of a table are the region's (GSS region codes), not an LA's."""
    return codes.astype(str).str.startswith(REGION_PREFIX)


def flag_strings(series: pd.Series) -> pd.Series:
    """Funnel flags as plain strings, missing values as ''."""
    return series.astype(object).where(series.notna(), "").astype(str)


def select_rows(
    table: pd.DataFrame, metric: str, period: str | None, breakdown: str | None = "all"
) -> pd.DataFrame:
    """The rows of one metric, in ``period`` and ``breakdown`` unless they are None."""
    sel = table["metric"] == metric
    if period is not None:
        sel &= table["period"] == period
    if breakdown is not None:
        sel &= table["breakdown"] == breakdown
    return table[sel]


def la_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """LA rows with a usable (published, not suppressed) value and denominator."""
    return rows[
        ~is_region(rows["la_code"]) & (rows["denominator"] > 0) & rows["value"].notna()
    ].copy()


def split_region(rows: pd.DataFrame, metric: str, period: str) -> tuple[pd.DataFrame, float]:
    """LA rows with a usable value, and the regional value (pooled if the row is missing)."""
    las = la_rows(rows)
    if las.empty:
        raise ValueError(f"no LA rows for metric {metric!r} in period {period!r}")
    region = rows.loc[is_region(rows["la_code"]), "value"].dropna()
    if len(region):
        baseline = float(region.iloc[0])
    else:
        baseline = float(las["numerator"].sum() / las["denominator"].sum())
    return las, baseline


def with_flags(las: pd.DataFrame, baseline: float) -> pd.DataFrame:
    """Fill any missing funnel flag from the limits (the table's own flags win)."""
    out = las.copy()
    flags = (
        flag_strings(out["funnel_flag"]) if "funnel_flag" in out else pd.Series("", index=out.index)
    )
    missing = ~flags.isin(FLAGS)
    if missing.any():
        dens = out.loc[missing, "denominator"].to_numpy(float)
        vals = out.loc[missing, "value"].to_numpy(float)
        lo95, hi95 = funnel_limits(baseline, dens, 0.95)
        lo998, hi998 = funnel_limits(baseline, dens, 0.998)
        flags[missing] = np.select(
            [vals < lo998, vals < lo95, vals > hi998, vals > hi95],
            ["low_998", "low_95", "high_998", "high_95"],
            default="within",
        )
    out["funnel_flag"] = flags
    return out


def named_rows(las: pd.DataFrame, names: Mapping[str, str] | None) -> pd.DataFrame:
    """The rows with each LA's ``name`` added."""
    out = las.copy()
    out["name"] = [la_name(c, names) for c in out["la_code"]]
    return out
