"""The impact findings (F-IMP-*: the difference-in-differences and interrupted time series of
each outcome) and the hypothesis findings (F-HYP-*, written by
:mod:`oversight.report.findings_hypothesis`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.readback import as_numbers
from oversight.figures.ids import impact_event_id, impact_its_id

# Imported whole: the findings module lists these builders and they use its types.
from oversight.report import findings as fnd


def _sure(lower: float, upper: float, pretrend_p: float) -> str:
    """How sure we are, in words, from the interval and the pre-trend test."""
    if pd.isna(lower) or pd.isna(upper):
        return "with so few LAs no interval can be estimated, so this could be chance"
    if lower > 0 or upper < 0:
        base = "the 95% interval does not include zero, so chance alone is an unlikely explanation"
    else:
        base = "the 95% interval includes no change, so this could be chance"
    if pd.notna(pretrend_p) and pretrend_p < 0.05:
        base += (
            "; adopters and comparison LAs were already moving apart before adoption, "
            "so treat it with caution"
        )
    return base


def _las(n: int) -> str:
    return "LA" if n == 1 else "LAs"


def _impact_excluded(excluded: Any, ctx: fnd.Context) -> str:
    """The LAs left out of the difference-in-differences for an outcome, and why, so the
    counts of adopting and comparison LAs add up to the study's LAs."""
    codes = [c for c in str(excluded or "").split(";") if c and c != "nan"]
    if not codes:
        return ""
    verb = "was" if len(codes) == 1 else "were"
    return (
        f" {fnd._names(codes, ctx)} {verb} left out of the difference-in-differences for this "
        "outcome because at least one month had nothing to count (its panel must have every "
        "month)."
    )


def impact_finding(tables: fnd.Tables, ctx: fnd.Context, metric: str, fid: str) -> fnd.Finding:
    """Finding ``fid``: the impact of adoption on ``metric``, from the difference-in-differences
    (TAB-IMPACT-DID) and each LA's interrupted time series (TAB-IMPACT-ITS)."""
    label = definitions()[metric]["label"]
    did = tables.get("impact_did")
    its = tables.get("impact_its")
    figures = fnd._figs(ctx, impact_event_id(metric), impact_its_id(metric))
    row = None if did is None else did[did["metric"] == metric]
    if row is None or row.empty:
        text = f"{label}: the impact estimates are not available."
        return fnd.Finding(fid, "impact", f"Impact on: {label}", text, ["TAB-IMPACT-DID"], figures)
    r = as_numbers(
        row, ["att", "lower", "upper", "pretrend_p", "twfe", "las_treated", "las_comparison"]
    ).iloc[0]
    its_rows = as_numbers(its[its["metric"] == metric], ["level_lower", "level_upper"])
    adopters = its_rows[its_rows["adopted"].astype(str) == "True"].dropna(subset=["level_lower"])
    placebo = its_rows[its_rows["placebo"].astype(str) == "True"].dropna(subset=["level_lower"])
    up = int((adopters["level_lower"] > 1).sum())
    alarms = int(((placebo["level_lower"] > 1) | (placebo["level_upper"] < 1)).sum())
    direction = "rose" if r["att"] > 0 else "fell"
    treated, comparison = int(r["las_treated"]), int(r["las_comparison"])
    interval = (
        "no interval"
        if pd.isna(r["lower"]) or pd.isna(r["upper"])
        else f"95% interval {100 * r['lower']:+.1f} to {100 * r['upper']:+.1f}"
    )
    text = (
        f"After adoption, {label.lower()} {direction} by {abs(100 * r['att']):.1f} "
        f"percentage points in the {treated} adopting {_las(treated)} compared with the "
        f"{comparison} that did not adopt ({interval}); "
        f"{_sure(r['lower'], r['upper'], r['pretrend_p'])}. "
        f"Within LAs, {up} of {len(adopters)} adopters show a clear step up at adoption, "
        f"and {alarms} of {len(placebo)} comparison LAs, each modelled on its own, show a "
        "change at a month when nothing was introduced. The naive two-way fixed-effects "
        f"estimate is {100 * r['twfe']:+.1f} points."
        + _impact_excluded(row.iloc[0].get("excluded"), ctx)
    )
    return fnd.Finding(
        fid,
        "impact",
        f"Impact on: {label}",
        text,
        ["TAB-IMPACT-DID", "TAB-IMPACT-ITS", "TAB-IMPACT-EVENTS"],
        figures,
    )


def hypothesis_finding(tables: fnd.Tables, ctx: fnd.Context, number: int) -> fnd.Finding:
    """F-HYP-0<number>, built by :mod:`oversight.report.findings_hypothesis` (imported when
    called: that module builds on the findings' types)."""
    from oversight.report.findings_hypothesis import BUILDERS as HYPOTHESIS

    return HYPOTHESIS[number - 1](tables, ctx)
