"""Impact of the part 1 and part 2 templates: the monthly panel, per-LA interrupted time
series, and difference-in-differences across LAs that adopt at different times.

Inputs are each LA's monthly counts (:func:`oversight.compare.metrics.impact_series`) and
the adoption months and analysis plan of ``config/impact.yaml``. For an outcome, an LA is
*treated* from the month it adopted the template that outcome belongs to (part 1 for child-level
oversight, part 1 reflection and audits; part 2 for part 2 reflection). LAs that never adopt it are
the comparison group. Pure functions: frames in, frames out.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from oversight.stats.did import DiDResult, staggered_did
from oversight.stats.its import ITSResult, interrupted_time_series


def month_number(labels: pd.Series, first: str) -> pd.Series:
    """Months since ``first`` ("YYYY-MM"), counting ``first`` as 1."""
    start = pd.Period(first, freq="M")
    return labels.map(lambda m: (pd.Period(m, freq="M") - start).n + 1).astype(int)


def adoption_table(
    adoption: Mapping[str, Mapping[str, str | None]], codes: Mapping[str, str]
) -> pd.DataFrame:
    """One row per LA and template: ``la_code, template, adopted`` (None: not adopted)."""
    rows = [
        {"la_code": codes[slug], "template": t, "adopted": months.get(t)}
        for slug, months in sorted(adoption.items())
        if slug in codes
        for t in ("part1", "part2")
    ]
    return pd.DataFrame(rows, columns=["la_code", "template", "adopted"])


def panel(
    series: pd.DataFrame, adopted: pd.DataFrame, outcomes: Mapping[str, str], first: str
) -> pd.DataFrame:
    """The LA-month panel of every outcome: counts, the proportion, the month number ``t``
    and ``group`` (the month number of adoption of the outcome's template; 0 = never)."""
    rows = series[series["metric"].isin(list(outcomes))].copy()
    rows["template"] = rows["metric"].map(dict(outcomes))
    rows = rows.merge(adopted, on=["la_code", "template"], how="left")
    rows["t"] = month_number(rows["period"].astype(str), first)
    has = rows["adopted"].notna()
    rows["group"] = 0
    rows.loc[has, "group"] = month_number(rows.loc[has, "adopted"].astype(str), first)
    den = rows["denominator"].astype(float)
    rows["value"] = np.where(den > 0, rows["numerator"].astype(float) / den.where(den > 0), np.nan)
    cols = [
        "la_code",
        "metric",
        "template",
        "period",
        "t",
        "group",
        "numerator",
        "denominator",
        "value",
    ]
    return rows[cols].sort_values(["metric", "la_code", "t"]).reset_index(drop=True)


def _placebo_month(panel_rows: pd.DataFrame) -> int | None:
    """For a comparison LA: the median adoption month of the adopters (an interruption where
    none happened, so a 'significant' change there is a false alarm)."""
    groups = panel_rows.loc[panel_rows["group"] > 0, "group"]
    return int(np.median(groups.unique())) if len(groups) else None


def _its_fit(rows: pd.DataFrame, at: int, spec: Mapping[str, Any]) -> ITSResult:
    """Segmented regression with the plan's standard errors: model-based, or Newey-West
    where the plan says so (always, or when Ljung-Box finds autocorrelation); in the latter
    case the wider of the two intervals is kept, as HAC is anti-conservative on short series."""

    def fit(hac: int | None) -> ITSResult:
        return interrupted_time_series(
            rows,
            time="t",
            events="numerator",
            trials="denominator",
            interruption=at,
            family=spec["family"],
            seasonal=spec["seasonal"],
            hac_lags=hac,
        )

    base = fit(None)
    robust = spec.get("robust", "never")
    lb = base.autocorrelation.get("ljung_box_p", np.nan)
    if robust == "never" or not spec["hac_lags"]:
        return base
    if robust == "if_autocorrelated" and not (np.isfinite(lb) and lb < 0.05):
        return base
    hac = fit(spec["hac_lags"])
    if robust == "always":
        return hac
    wider = (hac.level_upper / hac.level_lower) > (base.level_upper / base.level_lower)
    return hac if wider else replace(base, se_method=base.se_method + " (HAC narrower)")


def its_table(data: pd.DataFrame, plan: Mapping[str, Any]) -> pd.DataFrame:
    """Segmented regression for every LA and outcome: level and slope change with intervals.

    Adopters are interrupted at their adoption month; comparison LAs at the adopters' median
    adoption month (``placebo`` true)."""
    spec = plan["its"]
    rows = []
    for metric, part in data.groupby("metric", sort=True):
        placebo_at = _placebo_month(part)
        for la, la_rows in part.groupby("la_code", sort=True):
            la_rows = la_rows[la_rows["denominator"] > 0]
            adopted = int(la_rows["group"].iloc[0])
            at = adopted or placebo_at
            row = {
                "la_code": la,
                "metric": metric,
                "adopted": bool(adopted),
                "placebo": not adopted,
            }
            pre, post = (la_rows["t"] < at).sum(), (la_rows["t"] >= at).sum() if at else (0, 0)
            if at is None or min(pre, post) < spec["min_points"]:
                rows.append(row | {"interruption": at, "note": "too few months on one side"})
                continue
            fit = _its_fit(la_rows, at, spec)
            rows.append(
                row
                | {
                    "interruption": at,
                    "n_pre": fit.n_pre,
                    "n_post": fit.n_post,
                    "level_or": fit.level_change,
                    "level_lower": fit.level_lower,
                    "level_upper": fit.level_upper,
                    "level_p": fit.level_p,
                    "slope_or": fit.slope_change,
                    "slope_lower": fit.slope_lower,
                    "slope_upper": fit.slope_upper,
                    "slope_p": fit.slope_p,
                    "dispersion": fit.dispersion,
                    "durbin_watson": fit.autocorrelation.get("durbin_watson"),
                    "ljung_box_p": fit.autocorrelation.get("ljung_box_p"),
                    "se_method": fit.se_method,
                    "note": "",
                }
            )
    return pd.DataFrame(rows)


def _first_finite(*values: float | None) -> float:
    for v in values:
        if v is not None and np.isfinite(v):
            return float(v)
    return float("nan")


def _did(data: pd.DataFrame, spec: Mapping[str, Any], seed: int) -> DiDResult:
    return staggered_did(
        data,
        unit="la_code",
        time="t",
        group="group",
        outcome="value",
        control_group=spec["control_group"],
        alpha=spec["alpha"],
        seed=seed,
    )


def did_tables(
    data: pd.DataFrame, plan: Mapping[str, Any], seed: int = 20240401
) -> dict[str, pd.DataFrame]:
    """Staggered difference-in-differences per outcome on the monthly proportions.

    LAs with a month without any unit for an outcome (no audits that month, say) leave that
    outcome's panel, which must be balanced; ``excluded`` says which. Returns the overall
    effect per outcome (with the naive two-way fixed-effects estimate beside it), the event
    study, and the group-time effects."""
    spec = plan["did"]
    lo, hi = spec["event_window"]
    overall, events, gt = [], [], []
    for metric, part in data.groupby("metric", sort=True):
        empty = part.loc[part["value"].isna(), "la_code"].unique()
        used = part[~part["la_code"].isin(empty)]
        with warnings.catch_warnings():
            # Fewer LAs than pre-periods make the joint test singular: pre_average stands in.
            warnings.filterwarnings("ignore", message="pre-trend covariance is singular")
            res = _did(used, spec, seed)
        treated = used.loc[used["group"] > 0, "la_code"].nunique()
        overall.append(
            {
                "metric": metric,
                "att": res.overall["att"],
                "se": res.overall["se"],
                "lower": res.overall["lower"],
                "upper": res.overall["upper"],
                # The joint Wald test needs more units than pre-periods; with few LAs the mean
                # pre-adoption effect is the check that can be made.
                "pretrend_p": _first_finite(
                    res.pretrend.get("p_value"), res.pre_average["p_value"]
                ),
                "pretrend_joint_p": res.pretrend.get("p_value"),
                "pre_mean": res.pre_average["att"],
                "pre_mean_p": res.pre_average["p_value"],
                "twfe": res.twfe["coef"],
                "twfe_lower": res.twfe["lower"],
                "twfe_upper": res.twfe["upper"],
                "las_treated": treated,
                "las_comparison": used["la_code"].nunique() - treated,
                "excluded": ";".join(sorted(empty)),
                "control_group": res.control_group,
            }
        )
        es = res.event_study
        es = es[(es["event_time"] >= lo) & (es["event_time"] <= hi)]
        events.append(es.assign(metric=metric))
        gt.append(res.att_gt.assign(metric=metric))
    return {
        "overall": pd.DataFrame(overall),
        "event_study": pd.concat(events, ignore_index=True),
        "att_gt": pd.concat(gt, ignore_index=True),
    }
