"""The funnel plot of one proportion metric: each LA's value against its denominator, with
the control limits the funnel flags use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from oversight.figures.labels import point_label
from oversight.figures.style import (
    FLAG_STYLES,
    FLAGS,
    GREY,
    OKABE_ITO,
    FigureSpec,
    fig_title,
    legend_below,
    metric_label,
    new_figure,
    pct,
    some_of,
    style_axes,
    styled,
    suppressed_panel,
)
from oversight.figures.table import (
    is_region,
    la_rows,
    named_rows,
    select_rows,
    split_region,
    with_flags,
)
from oversight.stats import funnel_limits
from oversight.stats.funnel import control_limits
from oversight.stats.overdispersion import overdispersion

# What each headline metric's denominator counts (x-axis label of the funnel plot).
DENOMINATOR_UNITS = {
    "staff_supervision": "eligible workers",
    "child_oversight": "children open at the census date",
    "part1_family_reflection": "case supervisions held",
    "part2_practitioner_reflection": "personal supervisions held",
    "audit": "audits",
}


def _unit(metric: str) -> str:
    for prefix, unit in DENOMINATOR_UNITS.items():
        if metric.startswith(prefix):
            return unit
    return "the denominator"


# Control limits: centre solid, 95% dashed, 99.8% dotted.
LIMIT_STYLES = {0.95: ("--", "95% limits"), 0.998: (":", "99.8% limits")}
PHE_METHOD = "PHEindicatormethods proportion funnels"


def _funnel_grid(denominators: np.ndarray, points: int = 400) -> np.ndarray:
    lo = max(1.0, 0.5 * float(denominators.min()))
    hi = 1.05 * float(denominators.max())
    return np.linspace(lo, hi, points)


# Direct labelling: a funnel names at most this many LAs (those furthest outside its limits);
# more names than this crowd the funnel's neck, and the ranked chart names every LA.
MAX_FUNNEL_LABELS = 6


def _furthest(rows: pd.DataFrame, baseline: float, limit: int) -> pd.DataFrame:
    """The ``limit`` rows furthest from ``baseline`` in binomial standard errors (z score),
    ties broken by name."""
    se = np.sqrt(baseline * (1 - baseline) / rows["denominator"].to_numpy(float))
    z = np.abs(rows["value"].to_numpy(float) - baseline) / np.where(se > 0, se, np.inf)
    ranked = rows.assign(_z=z).sort_values(["_z", "name"], ascending=[False, True])
    return ranked.head(limit).drop(columns="_z")


@dataclass(frozen=True)
class FunnelLines:
    """What a funnel plot draws: the centre line, what it is, and the tau2 of the adjusted
    limits (None when the unadjusted limits are the ones used)."""

    centre: float
    comparator: str  # "region" or "la_median"
    las: int  # LAs in the funnel, hidden ones included
    tau2: float | None
    phi: float
    note: str = ""  # what disclosure control kept back, for the caption

    @property
    def adjusted(self) -> bool:
        return self.tau2 is not None

    def centre_name(self) -> str:
        """'the median of the 19 LAs' or 'the regional value'."""
        if self.comparator == "la_median":
            return f"the median of the {self.las} LAs"
        return "the regional value"


def _funnel_lines(rows: pd.DataFrame, region_value: float) -> FunnelLines:
    """The table's funnel (``oversight.compare.comparison``: comparator, centre, phi, tau2 and the
    limits used). A table without them gets the regional value and the unadjusted limits. When
    disclosure control hides the centre (it is built on a hidden value) the curves are drawn
    around the regional value without adjustment; when it hides phi and tau2 (one LA's count
    is hidden) tau2 is estimated from the LAs whose counts are published. ``note`` says so."""
    las = rows[~is_region(rows["la_code"])]
    cols = ["funnel_comparator", "funnel_centre", "funnel_limits", "funnel_tau2", "funnel_phi"]
    if not set(cols) <= set(rows):
        return FunnelLines(region_value, "region", len(las), None, float("nan"))
    known = rows.dropna(subset=["funnel_comparator", "funnel_limits"])
    known = known[known["funnel_comparator"].astype(str) != ""]
    if known.empty:
        return FunnelLines(region_value, "region", len(las), None, float("nan"))
    first = known.iloc[0]
    comparator = str(first["funnel_comparator"])
    n = int((las["funnel_comparator"].astype(str) == comparator).sum())
    centre, tau2, phi = (
        float(pd.to_numeric(first[c], errors="coerce"))
        for c in ("funnel_centre", "funnel_tau2", "funnel_phi")
    )
    if not np.isfinite(centre):
        note = (
            "The centre line the flags use is not published (it would reveal a hidden count): "
            "the curves are drawn around the regional value, without adjustment."
        )
        return FunnelLines(region_value, "region", n, None, float("nan"), note)
    if str(first["funnel_limits"]) != "adjusted":
        return FunnelLines(centre, comparator, n, None, phi)
    if np.isfinite(tau2):
        return FunnelLines(centre, comparator, n, tau2, phi)
    shown = la_rows(rows).dropna(subset=["numerator"])
    od = overdispersion(
        shown["numerator"].to_numpy(float),
        shown["denominator"].to_numpy(float),
        data_type="PR",
        target=centre,
    )
    note = (
        "Phi and tau2 are not published for this funnel (they would reveal a hidden count): "
        "the adjusted limits are drawn from the LAs whose counts are published."
    )
    return FunnelLines(centre, comparator, n, float(od["tau2"]), float("nan"), note)


UNADJUSTED_GREY = "#C4C4C4"  # the limits before the over-dispersion adjustment, drawn faintly


@styled
def funnel_plot(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Funnel plot of one proportion metric (breakdown 'all') in ``period``.

    x is the LA's denominator, y its value in per cent; the centre line is the table's
    comparator (the regional value or the median of the LAs' values) and the 95% and 99.8%
    control limits the flags use are drawn over a fine denominator grid: the
    over-dispersion-adjusted limits when the LAs are over-dispersed, with the unadjusted
    limits (:func:`oversight.stats.funnel_limits`) faintly behind them, else the unadjusted
    limits alone (:func:`oversight.stats.funnel.control_limits`). Points are styled by funnel
    flag (colour, shape and fill); LAs outside the 99.8% limits are named.
    """
    label = metric_label(metric)
    rows = select_rows(table, metric, period)
    if len(rows) and la_rows(rows).empty:
        return suppressed_panel(f"FIG-FUNNEL-{metric}", metric, period)
    las, region_value = split_region(rows, metric, period)
    lines = _funnel_lines(rows, region_value)
    baseline = lines.centre
    las = named_rows(with_flags(las, baseline), names)
    las = las.sort_values(["denominator", "name"], kind="stable")
    dens = las["denominator"].to_numpy(float)
    vals = las["value"].to_numpy(float)
    grid = _funnel_grid(dens)

    fig = new_figure(4.6)
    ax = fig.add_subplot()
    style_axes(ax)
    centre_label = f"Median of the {lines.las} LAs" if lines.comparator == "la_median" else "Region"
    ax.axhline(
        100 * baseline,
        color=OKABE_ITO["black"],
        lw=1.2,
        ls="-",
        label=f"{centre_label} ({pct(baseline)})",
        gid="centre",
        zorder=2,
    )
    ymin, ymax = float(vals.min()), float(vals.max())
    for conf, (ls, text) in LIMIT_STYLES.items():
        lower, upper = control_limits(baseline, grid, conf, lines.tau2)
        tag = "95" if conf == 0.95 else "998"
        text = f"{text} (adjusted)" if lines.adjusted else text
        for side, curve, legend in (("lower", lower, text), ("upper", upper, "_nolegend_")):
            ax.plot(
                grid,
                100 * curve,
                color=GREY,
                ls=ls,
                lw=1.1,
                label=legend,
                gid=f"limit-{tag}-{side}",
                zorder=1,
            )
        if lines.adjusted:
            faint_lo, faint_hi = funnel_limits(baseline, grid, conf)
            faint = "Limits before adjustment" if conf == 0.998 else "_nolegend_"
            for side, curve, legend in (("lower", faint_lo, faint), ("upper", faint_hi, "_")):
                ax.plot(
                    grid,
                    100 * curve,
                    color=UNADJUSTED_GREY,
                    ls=ls,
                    lw=0.8,
                    label=legend if legend != "_" else "_nolegend_",
                    gid=f"limit-{tag}-{side}-unadjusted",
                    zorder=0.5,
                )
        # Adjusted limits are the ones cited at 99.8%, and nearly flat: keep them in view.
        if conf == 0.95 or lines.adjusted:
            ymin = min(ymin, float(lower.min()))
            ymax = max(ymax, float(upper.max()))
    for flag in FLAGS:
        part = las[las["funnel_flag"] == flag]
        if part.empty:
            continue
        st = FLAG_STYLES[flag]
        ax.plot(
            part["denominator"],
            100 * part["value"],
            ls="none",
            marker=st.marker,
            ms=st.size,
            mec=OKABE_ITO["black"] if st.filled else st.colour,
            mew=0.7,
            mfc=st.colour if st.filled else "white",
            label=f"{st.label} ({len(part)})",
            gid=f"points-{flag}",
            zorder=3,
        )

    pad = 0.06 * max(ymax - ymin, 0.05)
    ax.set_ylim(max(0.0, 100 * (ymin - pad)), min(100.0, 100 * (ymax + pad)))
    ax.set_xlim(0, grid.max())
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel(f"Number of {_unit(metric)} (denominator)")
    ax.set_ylabel("Percentage")
    fig_title(fig, f"{label}, {period}")
    ax.grid(axis="y", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)

    outside = las[las["funnel_flag"].isin(["low_998", "high_998"])]
    named = _furthest(outside, baseline, MAX_FUNNEL_LABELS)
    for x, y, name in zip(named["denominator"], 100 * named["value"], named["name"], strict=True):
        point_label(ax, float(x), float(y), name)
    legend_below(fig, ax)

    low = las[las["funnel_flag"] == "low_998"].sort_values(["value", "name"])
    high = las[las["funnel_flag"] == "high_998"].sort_values(
        ["value", "name"], ascending=[False, True]
    )
    short = "region" if lines.comparator == "region" else lines.centre_name()[4:]
    centre_text = f"centre line {short} {pct(baseline)}"
    limits_text = (
        "limits adjusted for over-dispersion"
        + (f" (phi {lines.phi:.1f})" if np.isfinite(lines.phi) else "")
        if lines.adjusted
        else "unadjusted limits"
    )
    parts = [
        f"Funnel plot of {label.lower()} in {period} for {len(las)} LAs",
        centre_text,
        limits_text,
    ]
    for rows, side in ((low, "below"), (high, "above")):
        if rows.empty:
            continue
        who = some_of([f"{n} {pct(v)}" for n, v in zip(rows["name"], rows["value"], strict=True)])
        verb = "lies" if len(rows) == 1 else "lie"
        limit = "it" if side == "above" and not low.empty else "the 99.8% limit"
        parts.append(f"{who} {verb} {side} {limit}")
    if low.empty and high.empty:
        parts.append("no LA lies outside the 99.8% limits")
    n95 = int(las["funnel_flag"].isin(["low_95", "high_95"]).sum())
    others = {0: "no other LA lies", 1: "1 other LA lies"}.get(n95, f"{n95} other LAs lie")
    parts.append(f"{others} between the 95% and 99.8% limits")
    if lines.adjusted:
        before = int(
            las.get("funnel_flag_unadjusted", pd.Series(dtype=str))
            .isin(["low_998", "high_998"])
            .sum()
        )
        parts.append(f"before the adjustment {_count_las(before)} outside the 99.8% limits")
    alt = "; ".join(parts) + "."
    limits_caption = (
        "dashed and dotted curves are the 95% and 99.8% control limits around it, widened "
        "for over-dispersion (the LAs vary more than chance alone would give"
        + (f": phi = {lines.phi:.1f}" if np.isfinite(lines.phi) else "")
        + "; Spiegelhalter's additive random-effects adjustment, z-scores "
        "Winsorised at 10% each tail, as FunnelPlotR), and the faint grey curves are the "
        f"limits before adjustment ({PHE_METHOD}). "
        if lines.adjusted
        else "dashed and dotted curves are the 95% and 99.8% control limits around it: "
        f"{PHE_METHOD} (normal approximation to the binomial"
        + ("" if lines.note else "; the LAs are not over-dispersed, so no adjustment is made")
        + "). "
    )
    caption = (
        f"{label}, {period}: each LA plotted against the number of {_unit(metric)}. "
        f"The solid line is the centre line, {lines.centre_name()} ({pct(baseline)}); "
        + limits_caption
        + "Marker shape and colour show each LA's position; "
        + (
            "LAs outside the 99.8% limits are named."
            if len(named) == len(outside)
            else f"the {len(named)} of the {len(outside)} LAs outside the 99.8% limits that lie "
            "furthest from the centre line (in standard errors) are named, and the ranked "
            "chart names every LA."
        )
        + (f" {lines.note}" if lines.note else "")
    )
    return fig, FigureSpec(f"FIG-FUNNEL-{metric}", caption, alt)


def _count_las(n: int) -> str:
    return {0: "no LA lay", 1: "1 LA lay"}.get(n, f"{n} LAs lay")
