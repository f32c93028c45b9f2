"""The regional comparison: intervals, the region itself, funnel positions, agreement.

Input is every LA's counts from :mod:`oversight.metrics`; output is the long table
``results/tables/oversight_metrics.csv``. For a proportion: ``lower95/upper95`` and
``lower998/upper998`` are the Wilson score intervals of the LA's own value, and
``funnel_flag`` places the LA against the control limits around the regional value for the
same period, metric and breakdown (PHEindicatormethods' method, 95% and 99.8%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from oversight.metrics import definitions
from oversight.stats import (
    cohen_kappa,
    funnel_limits,
    krippendorff_alpha,
    overdispersion,
    wilson_ci,
)

COLUMNS = [
    "la_code",
    "period",
    "metric",
    "breakdown",
    "numerator",
    "denominator",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "funnel_flag",
]
GRADES = (1, 2, 3, 4)


def kind(metric: str) -> str:
    return definitions()[metric]["kind"]


def region_rows(counts: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """The region as one more unit: numerators and denominators summed over the LAs."""
    keys = ["period", "metric", "breakdown"]
    summed = (
        counts.groupby(keys, sort=True, dropna=False)[["numerator", "denominator"]]
        .sum(min_count=1)
        .reset_index()
    )
    summed.insert(0, "la_code", region_code)
    return summed


def funnel_flags(value: np.ndarray, baseline: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Each unit's place against the 95% and 99.8% limits around its baseline:
    ``low_998``, ``low_95``, ``within``, ``high_95`` or ``high_998``."""
    lo95, hi95 = funnel_limits_vec(baseline, denominator, 0.95)
    lo998, hi998 = funnel_limits_vec(baseline, denominator, 0.998)
    return np.select(
        [value < lo998, value < lo95, value > hi998, value > hi95],
        ["low_998", "low_95", "high_998", "high_95"],
        default="within",
    )


def proportions(table: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """Values, Wilson intervals and funnel flags for the proportion rows."""
    out = table.copy()
    n, d = out["numerator"].to_numpy(float), out["denominator"].to_numpy(float)
    ok = d > 0
    out["value"] = np.where(ok, n / np.where(ok, d, 1), np.nan)
    for conf, lo, hi in ((0.95, "lower95", "upper95"), (0.998, "lower998", "upper998")):
        low, high = wilson_ci(n[ok], d[ok], conf)
        out[lo], out[hi] = np.nan, np.nan
        out.loc[ok, lo], out.loc[ok, hi] = low, high
    out["funnel_flag"] = ""
    keys = ["period", "metric", "breakdown"]
    base = out[out["la_code"] == region_code].set_index(keys)["value"]
    las = out[(out["la_code"] != region_code) & ok]
    baseline = base.reindex(pd.MultiIndex.from_frame(las[keys])).to_numpy()
    usable = ~np.isnan(baseline)
    idx = las.index[usable]
    dens, vals, bl = (
        las.loc[idx, "denominator"].to_numpy(float),
        las.loc[idx, "value"],
        baseline[usable],
    )
    out.loc[idx, "funnel_flag"] = funnel_flags(vals.to_numpy(), bl, dens)
    return out


def funnel_limits_vec(baseline: np.ndarray, denominator: np.ndarray, confidence: float):
    """:func:`funnel_limits` for many baselines at once (one per row)."""
    lower, upper = np.empty_like(denominator), np.empty_like(denominator)
    for b in np.unique(baseline):
        sel = baseline == b
        lo, hi = funnel_limits(float(b), denominator[sel], confidence)
        lower[sel], upper[sel] = lo, hi
    return lower, upper


def agreement(counts: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """Weighted kappa and Krippendorff's alpha from each unit's auditor x moderator table."""
    pairs = counts[counts["metric"] == "moderation_pairs"]
    rows = []
    for (la, period), part in pairs.groupby(["la_code", "period"], sort=True):
        table = np.zeros((4, 4))
        for b, n in zip(part["breakdown"], part["numerator"], strict=True):
            i, j = (int(x.split("=")[1]) for x in b.split(";"))
            table[i - 1, j - 1] = n
        total = table.sum()
        row = {
            "la_code": la,
            "period": period,
            "breakdown": "all",
            "numerator": np.nan,
            "denominator": total,
            "lower998": np.nan,
            "upper998": np.nan,
            "funnel_flag": "",
        }
        if total < 2 or (table.sum(0) > 0).sum() < 2:
            rows += [
                {**row, "metric": m, "value": np.nan, "lower95": np.nan, "upper95": np.nan}
                for m in ("moderation_kappa", "moderation_alpha")
            ]
            continue
        k = cohen_kappa(table, weights="linear")
        rows.append(
            {
                **row,
                "metric": "moderation_kappa",
                "value": k.kappa,
                "lower95": k.lower,
                "upper95": k.upper,
            }
        )
        rows.append(
            {
                **row,
                "metric": "moderation_alpha",
                "value": krippendorff_alpha(_pairs_matrix(table), level="ordinal"),
                "lower95": np.nan,
                "upper95": np.nan,
            }
        )
    return pd.DataFrame(rows)


def _pairs_matrix(table: np.ndarray) -> np.ndarray:
    """Two raters x units, rebuilt from a 4x4 agreement table."""
    a, b = [], []
    for i in range(4):
        for j in range(4):
            a += [GRADES[i]] * int(table[i, j])
            b += [GRADES[j]] * int(table[i, j])
    return np.array([a, b], dtype=float)


def compare(counts: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """The full long table: every LA and the region, every period, metric and breakdown."""
    allrows = pd.concat([counts, region_rows(counts, region_code)], ignore_index=True)
    kinds = allrows["metric"].map(kind)
    prop = proportions(allrows[kinds == "proportion"], region_code)
    other = allrows[kinds.isin(["ratio", "count"])].copy()
    ratio = other["metric"].map(kind) == "ratio"
    other["value"] = np.where(ratio, other["numerator"] / other["denominator"], np.nan)
    other.loc[~ratio, "value"] = other.loc[~ratio, "numerator"]
    for col in ("lower95", "upper95", "lower998", "upper998"):
        other[col] = np.nan
    other["funnel_flag"] = ""
    out = pd.concat([prop, other, agreement(allrows, region_code)], ignore_index=True)
    out = (
        out[COLUMNS]
        .sort_values(["metric", "period", "breakdown", "la_code"], kind="stable")
        .reset_index(drop=True)
    )
    for col in ("value", "lower95", "upper95", "lower998", "upper998"):
        out[col] = out[col].astype(float).round(6)
    return out


def heterogeneity(table: pd.DataFrame, region_code: str, period: str) -> pd.DataFrame:
    """Between-LA heterogeneity of each proportion metric (breakdown 'all') in ``period``:
    chi-squared test of homogeneity, Spiegelhalter's phi and tau-squared (FunnelPlotR's
    proportion method), and how many LAs lie outside the 99.8% limits before and after the
    over-dispersion adjustment."""
    rows = []
    sel = table[
        (table["period"] == period)
        & (table["breakdown"] == "all")
        & (table["la_code"] != region_code)
        & (table["funnel_flag"] != "")
    ]
    for metric, part in sel.groupby("metric", sort=True):
        part = part[part["denominator"] > 0]
        n, d = part["numerator"].to_numpy(float), part["denominator"].to_numpy(float)
        if len(part) < 3 or n.sum() == 0 or n.sum() == d.sum():
            continue
        chi2, p, dof, _ = chi2_contingency(np.vstack([n, d - n]), correction=False)
        od = overdispersion(n, d, data_type="PR")
        outside = part["funnel_flag"].str.endswith("998").sum()
        adj = (np.asarray(od["z_adjusted"]) ** 2 > 3.090232306167813**2).sum()
        rows.append(
            {
                "period": period,
                "metric": metric,
                "las": len(part),
                "chi2": round(float(chi2), 6),
                "df": int(dof),
                "p_value": float(p),
                "phi": round(float(od["phi"]), 6),
                "tau2": float(od["tau2"]),
                "outside_998": int(outside),
                "outside_998_adjusted": int(adj),
            }
        )
    return pd.DataFrame(rows)


def change(table: pd.DataFrame, first: str, last: str, region_code: str) -> pd.DataFrame:
    """Change in each headline proportion between two periods, per LA and for the region:
    difference with Newcombe's hybrid score interval and the score test's p-value."""
    heads = [m for m, d in definitions().items() if d.get("headline")]
    sel = table[table["metric"].isin(heads) & (table["breakdown"] == "all")]
    a = sel[sel["period"] == first].set_index(["la_code", "metric"])
    b = sel[sel["period"] == last].set_index(["la_code", "metric"])
    rows = []
    for key in a.index.intersection(b.index):
        n1, d1 = a.loc[key, ["numerator", "denominator"]]
        n2, d2 = b.loc[key, ["numerator", "denominator"]]
        if min(d1, d2) <= 0:
            continue
        lo, hi = confint_proportions_2indep(n2, d2, n1, d1, method="newcomb")
        p = test_proportions_2indep(n2, d2, n1, d1, method="score").pvalue
        rows.append(
            {
                "la_code": key[0],
                "metric": key[1],
                "from": first,
                "to": last,
                "value_from": round(n1 / d1, 6),
                "value_to": round(n2 / d2, 6),
                "difference": round(n2 / d2 - n1 / d1, 6),
                "lower95": round(lo, 6),
                "upper95": round(hi, 6),
                "p_value": float(p),
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values(["metric", "la_code"], kind="stable").reset_index(drop=True)
