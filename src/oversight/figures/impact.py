"""The impact figures: the event study of adopting a template and each LA's interrupted
time series step."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from oversight.figures.style import (
    GREY,
    OKABE_ITO,
    FigureSpec,
    fig_title,
    la_name,
    legend_below,
    metric_label,
    new_figure,
    style_axes,
    styled,
)


@styled
def event_study_plot(
    events: pd.DataFrame, overall: pd.Series, metric: str
) -> tuple[Figure, FigureSpec]:
    """Effect of adopting a template by months since adoption (Callaway-Sant'Anna event
    study) with 95% intervals; months before adoption test for pre-trends."""
    label = metric_label(metric)
    es = events.sort_values("event_time")
    fig = new_figure(2.8)
    ax = fig.add_subplot()
    style_axes(ax)
    ax.axhline(0, color=GREY, lw=0.8, gid="zero")
    ax.axvline(-0.5, color=OKABE_ITO["black"], lw=0.8, ls=":", gid="adoption")
    pre = es["event_time"] < 0
    for sel, colour, marker, name in (
        (pre, OKABE_ITO["sky_blue"], "o", "Before adoption"),
        (~pre, OKABE_ITO["vermillion"], "s", "After adoption"),
    ):
        part = es[sel]
        ax.errorbar(
            part["event_time"],
            100 * part["att"],
            yerr=[100 * (part["att"] - part["lower"]), 100 * (part["upper"] - part["att"])],
            fmt=marker,
            color=colour,
            mec=OKABE_ITO["black"],
            mew=0.5,
            ecolor=GREY,
            capsize=2,
            ms=5,
            label=name,
            gid=f"points-{'pre' if name.startswith('Before') else 'post'}",
        )
    ax.set_xlabel("Months since the LA adopted the template")
    ax.set_ylabel("Effect (percentage points)")
    fig_title(fig, f"{label}: effect of the template by months since adoption")
    legend_below(fig, ax, ncols=2)
    att, lo, hi = (100 * float(overall[k]) for k in ("att", "lower", "upper"))
    twfe = 100 * float(overall["twfe"])
    caption = (
        f"{label}: difference-in-differences event study (Callaway and Sant'Anna, comparison "
        f"with LAs that did not adopt), with 95% intervals. Points left of the dotted line are "
        f"months before adoption: they should lie around zero if adopters and comparison LAs "
        f"were on parallel paths (pre-trend test p = {float(overall['pretrend_p']):.2f}). "
        f"Overall effect {att:+.1f} points (95% interval {lo:+.1f} to {hi:+.1f}); the naive "
        f"two-way fixed-effects estimate is {twfe:+.1f} points."
    )
    post = es[~pre]
    alt = (
        f"Event-study chart of {label.lower()}: effects before adoption range from "
        f"{100 * es.loc[pre, 'att'].min():+.1f} to {100 * es.loc[pre, 'att'].max():+.1f} "
        f"percentage points; after adoption from {100 * post['att'].min():+.1f} to "
        f"{100 * post['att'].max():+.1f}; overall effect {att:+.1f} points "
        f"({lo:+.1f} to {hi:+.1f})."
    )
    return fig, FigureSpec(f"FIG-IMPACT-EVENT-{metric}", caption, alt)


@styled
def its_forest_plot(
    its: pd.DataFrame, metric: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Each LA's step change at adoption (interrupted time series odds ratio, 95% interval);
    comparison LAs at a placebo month, drawn with open markers."""
    label = metric_label(metric)
    rows = its[(its["metric"] == metric) & its["level_or"].notna()].copy()
    rows["name"] = [la_name(c, names) for c in rows["la_code"]]
    rows = rows.sort_values(["placebo", "level_or"], ascending=[False, True]).reset_index(drop=True)
    ypos = np.arange(len(rows))
    fig = new_figure(1.4 + 0.24 * len(rows))
    ax = fig.add_subplot()
    style_axes(ax)
    ax.set_xscale("log")
    ax.axvline(1, color=GREY, lw=0.8, gid="no-change")
    for placebo, colour, marker, filled, name in (
        (False, OKABE_ITO["vermillion"], "s", True, "Adopting LA (at its adoption month)"),
        (True, OKABE_ITO["blue"], "o", False, "Comparison LA (placebo month)"),
    ):
        sel = (rows["placebo"] == placebo).to_numpy()
        part = rows[sel]
        ax.errorbar(
            part["level_or"],
            ypos[sel],
            xerr=[part["level_or"] - part["level_lower"], part["level_upper"] - part["level_or"]],
            fmt=marker,
            color=colour,
            mfc=colour if filled else "white",
            mec=OKABE_ITO["black"] if filled else colour,
            ecolor=GREY,
            capsize=2,
            ms=5,
            label=name,
            gid="adopters" if not placebo else "comparison",
        )
    ax.set_yticks(ypos, rows["name"])
    # Plain odds-ratio ticks (0.5, 1, 2 ...) rather than powers of ten on the log axis.
    lo = float(np.nanmin(np.r_[rows["level_lower"], 1.0]))
    hi = float(np.nanmax(np.r_[rows["level_upper"], 1.0]))
    ticks = [t for t in (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8) if lo / 1.1 <= t <= hi * 1.1]
    ax.set_xlim(lo / 1.08, hi * 1.08)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("Step change at adoption (odds ratio, log scale; 95% interval)")
    fig_title(fig, f"{label}: change at adoption, each LA")
    legend_below(fig, ax, ncols=2)
    adopters = rows[~rows["placebo"]]
    up = int((adopters["level_lower"] > 1).sum())
    false_alarm = int(
        ((rows["placebo"]) & ((rows["level_lower"] > 1) | (rows["level_upper"] < 1))).sum()
    )
    caption = (
        f"{label}: interrupted time series for each LA (segmented quasi-binomial regression "
        f"on the monthly counts, level and slope change; quasi-binomial standard errors, "
        f"Newey-West where the residuals are autocorrelated). Adopting "
        f"LAs are interrupted at their adoption month; comparison LAs at the adopters' median "
        f"month, where no change should be found."
    )
    alt = (
        f"Forest plot of odds ratios for the step change in {label.lower()} at adoption: "
        f"{up} of {len(adopters)} adopting LAs show an interval entirely above 1; "
        f"{false_alarm} of {int(rows['placebo'].sum())} comparison LAs show a change at the "
        f"placebo month."
    )
    return fig, FigureSpec(f"FIG-IMPACT-ITS-{metric}", caption, alt)
