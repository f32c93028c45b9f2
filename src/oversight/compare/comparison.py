"""The regional comparison: intervals, the region itself, funnel positions, agreement.

Input is every LA's counts from :mod:`oversight.compare.metrics`; output is the long table
``results/tables/oversight_metrics.csv``. For a proportion: ``lower95/upper95`` and
``lower998/upper998`` are the Wilson score intervals of the LA's own value. Each period,
metric and breakdown is one funnel: its centre line is the comparator chosen in
``config/config.yaml`` (``comparison.comparator``: the region's pooled value or the median
of the LAs' values, ``funnel_comparator`` / ``funnel_centre``). Spiegelhalter's phi and tau2
are measured around that centre (``funnel_phi`` / ``funnel_tau2``); when the LAs are
over-dispersed (``n phi > n - 1``, :func:`oversight.stats.overdispersion.overdispersed`)
``funnel_flag`` places the LA against the adjusted 95% and 99.8% limits, otherwise against
PHEindicatormethods' limits (``funnel_limits`` says which), and ``funnel_flag_unadjusted``
always against the unadjusted ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from oversight.compare.metrics import definitions
from oversight.stats import cohen_kappa, funnel_limits, krippendorff_alpha, wilson_ci
from oversight.stats.funnel import control_limits
from oversight.stats.overdispersion import overdispersed, overdispersion

# The funnel's centre line: the region's pooled value, or the median of the LAs' values.
COMPARATORS = ("region", "la_median")
# Fewer LAs than this give no over-dispersion estimate (the unadjusted limits are used).
MIN_DISPERSION_LAS = 3
# Per-funnel columns (the same on every row of a period, metric and breakdown) and the
# Funnel attribute each holds.
FUNNEL_ATTRIBUTES = {
    "funnel_limits": "limits",
    "funnel_comparator": "comparator",
    "funnel_centre": "centre",
    "funnel_phi": "phi",
    "funnel_tau2": "tau2",
}
FUNNEL_NUMBERS = ("funnel_centre", "funnel_phi", "funnel_tau2")
FUNNEL_COLUMNS = ["funnel_flag", "funnel_flag_unadjusted", *FUNNEL_ATTRIBUTES]

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
    *FUNNEL_COLUMNS,
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


def place(
    value: np.ndarray, lo95: np.ndarray, hi95: np.ndarray, lo998: np.ndarray, hi998: np.ndarray
) -> np.ndarray:
    """Each value's place against its limits: ``low_998``, ``low_95``, ``within``,
    ``high_95`` or ``high_998``."""
    return np.select(
        [value < lo998, value < lo95, value > hi998, value > hi95],
        ["low_998", "low_95", "high_998", "high_95"],
        default="within",
    )


def funnel_flags(value: np.ndarray, baseline: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Each unit's place against the unadjusted (PHEindicatormethods) 95% and 99.8% limits
    around its own baseline (one per row, e.g. England's value for a DfE indicator)."""
    lo95, hi95 = funnel_limits_vec(baseline, denominator, 0.95)
    lo998, hi998 = funnel_limits_vec(baseline, denominator, 0.998)
    return place(value, lo95, hi95, lo998, hi998)


@dataclass(frozen=True)
class Funnel:
    """One funnel (a period, metric and breakdown): its centre line, the comparator it came
    from, Spiegelhalter's phi and tau2 around that centre, and whether the data are
    over-dispersed (then the adjusted limits are the ones used)."""

    centre: float
    comparator: str
    phi: float
    tau2: float
    adjusted: bool

    @property
    def limits(self) -> str:
        return "adjusted" if self.adjusted else "unadjusted"


def centre_line(
    numerator: np.ndarray, denominator: np.ndarray, comparator: str, region_value: float
) -> float:
    """The funnel's centre line: the region's pooled value (``region``) or the median of
    the LAs' own values (``la_median``)."""
    if comparator == "region":
        return float(region_value)
    if comparator == "la_median":
        return float(np.median(numerator / denominator))
    raise ValueError(f"comparator must be one of {COMPARATORS}, got {comparator!r}")


def funnel_for(
    numerator: np.ndarray, denominator: np.ndarray, comparator: str, region_value: float
) -> Funnel:
    """The funnel of the LAs with these counts (denominators > 0): its centre and
    Spiegelhalter's over-dispersion estimates around it (proportions on the arcsine scale,
    z-scores Winsorised at 10% each tail, as FunnelPlotR). Fewer than ``MIN_DISPERSION_LAS``
    LAs give no estimate and the unadjusted limits."""
    centre = centre_line(numerator, denominator, comparator, region_value)
    if len(numerator) < MIN_DISPERSION_LAS or not np.isfinite(centre):
        return Funnel(centre, comparator, np.nan, 0.0, False)
    od = overdispersion(numerator, denominator, data_type="PR", target=centre)
    phi, n_used = float(od["phi"]), int(od["n_used"])
    adjusted = overdispersed(phi, n_used)
    return Funnel(centre, comparator, phi, float(od["tau2"]) if adjusted else 0.0, adjusted)


def _funnel_rows(las: pd.DataFrame, funnel: Funnel) -> dict[str, np.ndarray]:
    """Flags of these LA rows against the limits used and against the unadjusted ones."""
    d, v = las["denominator"].to_numpy(float), las["value"].to_numpy(float)
    flags = {}
    for name, tau2 in (
        ("funnel_flag", funnel.tau2 if funnel.adjusted else None),
        ("funnel_flag_unadjusted", None),
    ):
        lo95, hi95 = control_limits(funnel.centre, d, 0.95, tau2)
        lo998, hi998 = control_limits(funnel.centre, d, 0.998, tau2)
        flags[name] = place(
            v, np.asarray(lo95), np.asarray(hi95), np.asarray(lo998), np.asarray(hi998)
        )
    return flags


def proportions(table: pd.DataFrame, region_code: str, comparator: str = "region") -> pd.DataFrame:
    """Values, Wilson intervals and funnel flags for the proportion rows.

    Each period, metric and breakdown is one funnel around the ``comparator``'s centre line
    (:func:`centre_line`). ``funnel_flag`` uses the over-dispersion-adjusted limits when the
    LAs are over-dispersed (:func:`oversight.stats.overdispersion.overdispersed`) and the
    unadjusted limits otherwise; ``funnel_flag_unadjusted`` always uses the unadjusted ones;
    ``funnel_limits`` says which were used. The funnel's columns (comparator, centre, phi,
    tau2) are on every row of its group, the region's included."""
    out = table.copy()
    n, d = out["numerator"].to_numpy(float), out["denominator"].to_numpy(float)
    ok = d > 0
    out["value"] = np.where(ok, n / np.where(ok, d, 1), np.nan)
    for conf, lo, hi in ((0.95, "lower95", "upper95"), (0.998, "lower998", "upper998")):
        low, high = wilson_ci(n[ok], d[ok], conf)
        out[lo], out[hi] = np.nan, np.nan
        out.loc[ok, lo], out.loc[ok, hi] = low, high
    for col in FUNNEL_COLUMNS:
        out[col] = np.nan if col in FUNNEL_NUMBERS else ""
    keys = ["period", "metric", "breakdown"]
    is_region = out["la_code"] == region_code
    base = out[is_region].set_index(keys)["value"]
    funnels: dict[tuple, Funnel] = {}
    # Each flag column's values, gathered over the funnels and set once (a setting per
    # funnel copies the whole column each time).
    flagged: dict[str, list[pd.Series]] = {}
    for key, group in out[~is_region & ok].groupby(keys, sort=True, dropna=False):
        region_value = base.get(key, np.nan)
        if comparator == "region" and not np.isfinite(region_value):
            continue
        funnel = funnel_for(
            group["numerator"].to_numpy(float),
            group["denominator"].to_numpy(float),
            comparator,
            region_value,
        )
        for col, flags in _funnel_rows(group, funnel).items():
            flagged.setdefault(col, []).append(pd.Series(flags, index=group.index))
        funnels[key] = funnel
    for col, parts in flagged.items():
        flags = pd.concat(parts)
        out.loc[flags.index, col] = flags
    where = pd.Series(list(zip(*(out[k] for k in keys), strict=True)), index=out.index)
    for col, attr in FUNNEL_ATTRIBUTES.items():
        values = where.map(lambda k, a=attr: getattr(funnels[k], a) if k in funnels else None)
        out[col] = values.where(values.notna(), np.nan if col in FUNNEL_NUMBERS else "")
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
            **_no_funnel(),
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


def _no_funnel() -> dict[str, object]:
    """The funnel columns of a row that is in no funnel."""
    return {c: (np.nan if c in FUNNEL_NUMBERS else "") for c in FUNNEL_COLUMNS}


def _pairs_matrix(table: np.ndarray) -> np.ndarray:
    """Two raters x units, rebuilt from a 4x4 agreement table."""
    a, b = [], []
    for i in range(4):
        for j in range(4):
            a += [GRADES[i]] * int(table[i, j])
            b += [GRADES[j]] * int(table[i, j])
    return np.array([a, b], dtype=float)


def compare(counts: pd.DataFrame, region_code: str, comparator: str = "region") -> pd.DataFrame:
    """The full long table: every LA and the region, every period, metric and breakdown;
    proportions placed in funnels around the ``comparator`` (:data:`COMPARATORS`)."""
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {COMPARATORS}, got {comparator!r}")
    allrows = pd.concat([counts, region_rows(counts, region_code)], ignore_index=True)
    kinds = allrows["metric"].map(kind)
    prop = proportions(allrows[kinds == "proportion"], region_code, comparator)
    other = allrows[kinds.isin(["ratio", "count"])].copy()
    ratio = other["metric"].map(kind) == "ratio"
    other["value"] = np.where(ratio, other["numerator"] / other["denominator"], np.nan)
    other.loc[~ratio, "value"] = other.loc[~ratio, "numerator"]
    for col in ("lower95", "upper95", "lower998", "upper998"):
        other[col] = np.nan
    for col, empty in _no_funnel().items():
        other[col] = empty
    out = pd.concat([prop, other, agreement(allrows, region_code)], ignore_index=True)
    out = (
        out[COLUMNS]
        .sort_values(["metric", "period", "breakdown", "la_code"], kind="stable")
        .reset_index(drop=True)
    )
    for col in ("value", "lower95", "upper95", "lower998", "upper998", "funnel_centre"):
        out[col] = out[col].astype(float).round(6)
    # phi and tau2 to 6 significant figures: enough to redraw the limits exactly.
    for col in ("funnel_phi", "funnel_tau2"):
        out[col] = [float(f"{v:.6g}") for v in out[col].astype(float)]
    return out


HETEROGENEITY_COLUMNS = [
    "period",
    "metric",
    "las",
    "chi2",
    "df",
    "p_value",
    "comparator",
    "phi",
    "tau2",
    "overdispersed",
    "funnel_limits",
    "outside_998",
    "outside_998_adjusted",
]


def heterogeneity(table: pd.DataFrame, region_code: str, period: str) -> pd.DataFrame:
    """Between-LA heterogeneity of each proportion metric (breakdown 'all') in ``period``:
    chi-squared test of homogeneity, Spiegelhalter's phi and tau-squared around the funnel's
    centre line (FunnelPlotR's proportion method), the comparator and which limits the flags
    use, and how many LAs lie outside the 99.8% limits before (``outside_998``) and after
    (``outside_998_adjusted``) the over-dispersion adjustment. When the LAs are not
    over-dispersed tau2 is 0 and the two counts are of the same, unadjusted, limits."""
    rows = []
    sel = table[
        (table["period"] == period)
        & (table["breakdown"] == "all")
        & (table["la_code"] != region_code)
        & (table["funnel_flag"].fillna("") != "")
    ]
    for metric, part in sel.groupby("metric", sort=True):
        part = part[part["denominator"] > 0]
        n, d = part["numerator"].to_numpy(float), part["denominator"].to_numpy(float)
        if len(part) < MIN_DISPERSION_LAS or n.sum() == 0 or n.sum() == d.sum():
            continue
        chi2, p, dof, _ = chi2_contingency(np.vstack([n, d - n]), correction=False)
        first = part.iloc[0]
        adjusted = first["funnel_limits"] == "adjusted"
        before = part["funnel_flag_unadjusted"].str.endswith("998").sum()
        after = part["funnel_flag"].str.endswith("998").sum() if adjusted else before
        rows.append(
            {
                "period": period,
                "metric": metric,
                "las": len(part),
                "chi2": round(float(chi2), 6),
                "df": int(dof),
                "p_value": float(p),
                "comparator": first["funnel_comparator"],
                "phi": round(float(first["funnel_phi"]), 6),
                "tau2": float(first["funnel_tau2"]),
                "overdispersed": bool(adjusted),
                "funnel_limits": first["funnel_limits"],
                "outside_998": int(before),
                "outside_998_adjusted": int(after),
            }
        )
    return pd.DataFrame(rows, columns=HETEROGENEITY_COLUMNS)  # the header even with no rows


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
