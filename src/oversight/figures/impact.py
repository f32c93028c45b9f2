"""The impact figures: the event study of adopting a template and each LA's interrupted
time series step."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from oversight.figures.ids import impact_event_id, impact_its_id
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
    text,
)

# Plain odds-ratio ticks (0.5, 1, 2 ...) rather than powers of ten on the log axis.
OR_TICKS = (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8)


def draw_event_study(events: pd.DataFrame, metric: str) -> Figure:
    """The effect by months since adoption with 95% intervals, before and after adoption
    told apart by colour and marker."""
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
    fig_title(fig, f"{metric_label(metric)}: effect of the template by months since adoption")
    legend_below(fig, ax, ncols=2)
    return fig


def describe_event_study(events: pd.DataFrame, overall: pd.Series, metric: str) -> FigureSpec:
    """The event study's ID, caption and alt text (templates in figure_text.yaml)."""
    label = metric_label(metric)
    pre = events["event_time"] < 0
    att, lo, hi = (100 * float(overall[k]) for k in ("att", "lower", "upper"))
    known = not (np.isnan(lo) or np.isnan(hi))
    effect = {"label": label, "att": att}
    pretrend = float(overall["pretrend_p"])
    caption = text(
        "impact",
        "event_caption",
        pretrend=text("impact", "no_pretrend") if np.isnan(pretrend) else f"p = {pretrend:.2f}",
        interval=f"95% interval {lo:+.1f} to {hi:+.1f}" if known else text("impact", "no_interval"),
        twfe=100 * float(overall["twfe"]),
        **effect,
    )
    before, after = 100 * events.loc[pre, "att"], 100 * events.loc[~pre, "att"]
    alt = text(
        "impact",
        "event_alt",
        label_lower=label.lower(),
        pre_low=before.min(),
        pre_high=before.max(),
        post_low=after.min(),
        post_high=after.max(),
        range=f"{lo:+.1f} to {hi:+.1f}" if known else text("impact", "no_interval"),
        **effect,
    )
    return FigureSpec(impact_event_id(metric), caption, alt)


@styled
def event_study_plot(
    events: pd.DataFrame, overall: pd.Series, metric: str
) -> tuple[Figure, FigureSpec]:
    """Effect of adopting a template by months since adoption (Callaway-Sant'Anna event
    study) with 95% intervals; months before adoption test for pre-trends."""
    return draw_event_study(events, metric), describe_event_study(events, overall, metric)


def prepare_its(
    its: pd.DataFrame, metric: str, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The LAs with a step estimate for ``metric``, named: comparison (placebo) LAs first,
    each group by odds ratio."""
    rows = its[(its["metric"] == metric) & its["level_or"].notna()].copy()
    rows["name"] = [la_name(c, names) for c in rows["la_code"]]
    return rows.sort_values(["placebo", "level_or"], ascending=[False, True]).reset_index(drop=True)


def _or_axis(ax, rows: pd.DataFrame) -> None:
    """A log odds-ratio axis with plain ticks, spanning every interval and 1."""
    lo = float(np.nanmin(np.r_[rows["level_lower"], 1.0]))
    hi = float(np.nanmax(np.r_[rows["level_upper"], 1.0]))
    ticks = [t for t in OR_TICKS if lo / 1.1 <= t <= hi * 1.1]
    ax.set_xlim(lo / 1.08, hi * 1.08)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())


def draw_its(rows: pd.DataFrame, metric: str) -> Figure:
    """Each LA's step with its 95% interval on a log scale; comparison LAs open markers."""
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
    _or_axis(ax, rows)
    ax.set_xlabel("Step change at adoption (odds ratio, log scale; 95% interval)")
    fig_title(fig, f"{metric_label(metric)}: change at adoption, each LA")
    legend_below(fig, ax, ncols=2)
    return fig


def describe_its(rows: pd.DataFrame, metric: str) -> FigureSpec:
    """The forest plot's ID, caption and alt text (templates in figure_text.yaml)."""
    label = metric_label(metric)
    adopters = rows[~rows["placebo"]]
    changed = (rows["level_lower"] > 1) | (rows["level_upper"] < 1)
    alt = text(
        "impact",
        "its_alt",
        label_lower=label.lower(),
        up=int((adopters["level_lower"] > 1).sum()),
        adopters=len(adopters),
        false_alarm=int((rows["placebo"] & changed).sum()),
        placebos=int(rows["placebo"].sum()),
    )
    return FigureSpec(impact_its_id(metric), text("impact", "its_caption", label=label), alt)


@styled
def its_forest_plot(
    its: pd.DataFrame, metric: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Each LA's step change at adoption (interrupted time series odds ratio, 95% interval);
    comparison LAs at a placebo month, drawn with open markers."""
    rows = prepare_its(its, metric, names)
    return draw_its(rows, metric), describe_its(rows, metric)
