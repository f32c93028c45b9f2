"""Charts of one LA's annex page: the LA beside the region and its statistical neighbours,
its monthly trend, its impact step and its DfE indicators over the years.

Builders take the plain frames that :mod:`oversight.report.annex` prepares and return a
matplotlib figure with its :class:`~oversight.figures.style.FigureSpec`, the caption and alt
text filled from the templates in figure_text.yaml. :func:`embedded` finishes each one
through :func:`oversight.figures.style.save`, so an annex chart carries the same source note,
demo mark and SVG ``<title>`` as every other figure, and returns it as an SVG data URI
(annex pages are self-contained, like the report).
"""

from __future__ import annotations

import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, PercentFormatter

from oversight.figures.style import (
    GREY,
    OKABE_ITO,
    PAGE_WIDTH,
    FigureSpec,
    Marks,
    counted,
    fig_title,
    month_name,
    month_tick,
    new_figure,
    save,
    style_axes,
    styled,
    text,
)
from oversight.report.render import FigureView, svg_data_uri

LA_COLOUR = OKABE_ITO["vermillion"]
REGION_COLOUR = OKABE_ITO["blue"]
PEER_COLOUR = OKABE_ITO["black"]
ENGLAND_COLOUR = OKABE_ITO["bluish_green"]
# Each series differs in marker and line style as well as colour, so the charts read in grey.
ROLE_STYLE = {
    "la": {"color": LA_COLOUR, "marker": "o", "ms": 6.5, "mfc": LA_COLOUR},
    "neighbour": {"color": PEER_COLOUR, "marker": "s", "ms": 4.5, "mfc": "white"},
    "region": {"color": REGION_COLOUR, "marker": "D", "ms": 5.0, "mfc": REGION_COLOUR},
}


# Odds-ratio ticks on a log axis, as numbers (never 2 x 10^0).
LOG_TICKS = (0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width)


@dataclass(frozen=True)
class Comparison:
    """The comparison chart's points, its measures in order and the areas from top to bottom
    (code, name, role) with each area's row on the shared vertical axis."""

    points: pd.DataFrame
    metrics: list[str]
    who: pd.DataFrame
    ys: dict[str, int]


def prepare_comparison(points: pd.DataFrame) -> Comparison:
    """The measures and the areas of ``points`` in the order they come."""
    metrics = list(dict.fromkeys(points["metric"]))
    who = points.drop_duplicates("code")[["code", "name", "role"]].reset_index(drop=True)
    ys = {code: y for code, y in zip(who["code"], np.arange(len(who))[::-1], strict=True)}
    return Comparison(points, metrics, who, ys)


def _draw_measure(ax, part: pd.DataFrame, ys: dict[str, int]) -> None:
    """One measure's panel: a dot and interval per area, ``c`` where the value is hidden."""
    style_axes(ax)
    for r in part.itertuples():
        style, y = ROLE_STYLE[r.role], ys[r.code]
        if r.hidden or pd.isna(r.value):
            ax.text(0.03, y, "c", va="center", fontsize=7.5, color=style["color"])
            continue
        if pd.notna(r.lower) and pd.notna(r.upper):
            ax.plot([r.lower, r.upper], [y, y], color=style["color"], lw=1.2)
        ax.plot(
            [r.value],
            [y],
            ls="none",
            marker=style["marker"],
            ms=style["ms"],
            color=style["color"],
            mfc=style["mfc"],
            gid=f"point-{r.role}",
        )
    ax.set_title(_wrap(str(part["label"].iloc[0]), 17), loc="left", fontsize=6.5)
    ax.grid(axis="x", color="#EEEEEE", lw=0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.5, 1])
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.tick_params(labelsize=6.5)


def draw_comparison(data: Comparison, la_name: str, period: str) -> Figure:
    """One narrow panel per measure side by side on a shared axis of areas, the LA's name in
    bold."""
    who, ys = data.who, data.ys
    fig = new_figure(1.9 + 0.24 * len(who))
    axes = fig.subplots(1, len(data.metrics), sharey=True, squeeze=False)[0]
    for ax, metric in zip(axes, data.metrics, strict=True):
        _draw_measure(ax, data.points[data.points["metric"] == metric], ys)
    axes[0].set_yticks(list(ys.values()), [str(n) for n in who["name"]])
    axes[0].set_ylim(-0.7, len(who) - 0.3)
    for tick, role in zip(axes[0].get_yticklabels(), who["role"], strict=True):
        if role == "la":
            tick.set_fontweight("bold")
            tick.set_color(LA_COLOUR)
    fig_title(fig, text("annex", "compare_title", la=la_name, period=period))
    handles = [
        Line2D([], [], ls="-", lw=1.2, **dict(ROLE_STYLE[r].items()), label=lab)
        for r, lab in (
            ("la", la_name),
            ("neighbour", "Statistical neighbour in the study"),
            ("region", "Region (all study LAs)"),
        )
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    return fig


def describe_comparison(data: Comparison, la_name: str, period: str) -> tuple[str, str]:
    """The comparison chart's caption and alt text (templates in figure_text.yaml)."""
    own = data.points[data.points["role"] == "la"]
    hidden = text("annex", "compare_hidden")
    said = [
        text(
            "annex",
            "compare_item",
            label=r.label,
            value=hidden if r.hidden or pd.isna(r.value) else _pct(r.value),
        )
        for r in own.itertuples()
    ]
    common = {"la": la_name, "period": period}
    alt = text("annex", "compare_alt", n=len(data.metrics), said="; ".join(said), **common)
    return text("annex", "compare_caption", **common), alt


@styled
def comparison_chart(
    points: pd.DataFrame, la_name: str, period: str, fig_id: str
) -> tuple[Figure, FigureSpec]:
    """One narrow panel per headline measure, side by side on a shared vertical axis of
    areas: the LA (filled circle, vermillion, named in bold), each statistical neighbour in the
    study (open squares) and the region (diamond), with 95% intervals.

    ``points`` has columns metric, label, name, role (la / neighbour / region), value, lower,
    upper, hidden; a hidden value is written as ``c`` at its row instead of a dot."""
    data = prepare_comparison(points)
    caption, alt = describe_comparison(data, la_name, period)
    return draw_comparison(data, la_name, period), FigureSpec(fig_id, caption, alt)


@styled
def trend_chart(
    trend: pd.DataFrame, la_name: str, fig_id: str, ncols: int = 3
) -> tuple[Figure, FigureSpec]:
    """One panel per headline metric of the monthly values (periods YYYY-MM): the LA as a
    solid line with dots, the region as a dashed line; month ticks carry their year.

    ``trend`` has columns metric, label, period, role (la / region), value (NaN if hidden)."""
    metrics = list(dict.fromkeys(trend["metric"]))
    months = sorted(trend["period"].unique())
    pos = {m: i for i, m in enumerate(months)}
    ncols = min(ncols, len(metrics))  # one measure: one panel across the page
    nrows = -(-len(metrics) // ncols)
    fig = new_figure(1.0 + 1.55 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
    ticks = [i for i in range(len(months)) if i % 3 == 0]
    for k, ax in enumerate(axes.flat):
        if k >= len(metrics):
            ax.set_visible(False)
            continue
        style_axes(ax)
        part = trend[trend["metric"] == metrics[k]]
        for role, ls, colour in (("region", "--", REGION_COLOUR), ("la", "-", LA_COLOUR)):
            s = part[part["role"] == role].sort_values("period")
            ax.plot(
                [pos[m] for m in s["period"]],
                s["value"].to_numpy(float),
                ls=ls,
                lw=1.3,
                color=colour,
                marker="o" if role == "la" else None,
                ms=2.5,
                gid=f"trend-{role}",
            )
        ax.set_title(_wrap(str(part["label"].iloc[0]), 34), loc="left", fontsize=7)
        ax.set_xticks(ticks, [month_tick(months[i]) for i in ticks])
        ax.tick_params(labelbottom=True, labelsize=6.5)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        ax.grid(axis="y", color="#EEEEEE", lw=0.5)
    first, last = month_name(months[0]), month_name(months[-1])
    fig_title(fig, f"{la_name} and the region, month by month, {first} to {last}")
    handles = [
        Line2D([], [], color=LA_COLOUR, lw=1.3, marker="o", ms=2.5, label=la_name),
        Line2D([], [], color=REGION_COLOUR, lw=1.3, ls="--", label="Region"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    own = trend[trend["role"] == "la"].dropna(subset=["value"])
    said = []
    for metric in metrics:
        s = own[own["metric"] == metric].sort_values("period")
        if len(s):
            said.append(
                text(
                    "annex",
                    "trend_item",
                    label=s["label"].iloc[0],
                    first_value=_pct(s["value"].iloc[0]),
                    first=month_name(s["period"].iloc[0]),
                    last_value=_pct(s["value"].iloc[-1]),
                    last=month_name(s["period"].iloc[-1]),
                )
            )
    common = {"la": la_name, "first": first, "last": last}
    told = "; ".join(said) + "." if said else text("annex", "trend_none")
    charts = counted("annex", "trend_charts", len(metrics))
    alt = text("annex", "trend_alt", charts=charts, said=told, **common)
    return fig, FigureSpec(fig_id, text("annex", "trend_caption", **common), alt)


@styled
def impact_chart(steps: pd.DataFrame, la_name: str, fig_id: str) -> tuple[Figure, FigureSpec]:
    """The level change at adoption (odds ratio, log scale, 95% interval) for each outcome;
    1 (no change) is the vertical line. ``steps`` has columns label, ratio, lower, upper."""
    steps = steps.dropna(subset=["ratio"]).reset_index(drop=True)
    fig = new_figure(0.9 + 0.32 * len(steps))
    ax = fig.add_subplot()
    style_axes(ax)
    ys = np.arange(len(steps))[::-1]
    ax.axvline(1.0, color=GREY, lw=0.8, ls="--")
    for y, r in zip(ys, steps.itertuples(), strict=True):
        ax.plot([r.lower, r.upper], [y, y], color=LA_COLOUR, lw=1.3)
        ax.plot([r.ratio], [y], "o", color=LA_COLOUR, ms=5.5, gid="point-step")
    ax.set_xscale("log")
    low = min(float(steps["lower"].min()), 1.0)
    high = max(float(steps["upper"].max()), 1.0)
    ax.set_xlim(low / 1.15, high * 1.15)
    ticks = [t for t in LOG_TICKS if low / 1.15 <= t <= high * 1.15]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yticks(ys, [_wrap(str(lab), 40) for lab in steps["label"]])
    ax.set_ylim(-0.7, len(steps) - 0.3)
    ax.set_xlabel("Change in the odds at adoption (odds ratio, log scale; 1 = no change)")
    fig_title(fig, f"{la_name}: the step at adoption in each outcome")
    said = "; ".join(
        text("annex", "impact_item", label=r.label, ratio=r.ratio, lower=r.lower, upper=r.upper)
        for r in steps.itertuples()
    )
    alt = text("annex", "impact_alt", la=la_name, said=said)
    return fig, FigureSpec(fig_id, text("annex", "impact_caption", la=la_name), alt)


def _kpi_formatter(percent: bool) -> FuncFormatter:
    return FuncFormatter(lambda v, _: f"{100 * v:.0f}%" if percent else f"{v:g}")


@styled
def kpi_chart(
    series: pd.DataFrame, la_name: str, fig_id: str, ncols: int = 3
) -> tuple[Figure, FigureSpec]:
    """Small multiples, one per DfE indicator: the LA, the average of its ten statistical
    neighbours and England over the years published.

    ``series`` has columns indicator, label, percent (bool), period (year), la, neighbours,
    england (NaN where not published)."""
    indicators = list(dict.fromkeys(series["indicator"]))
    nrows = -(-len(indicators) // ncols)
    fig = new_figure(1.0 + 1.45 * nrows, PAGE_WIDTH)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    lines = (
        ("la", LA_COLOUR, "-", "o", la_name),
        ("neighbours", PEER_COLOUR, ":", "s", "Statistical neighbours (DfE's ten, average)"),
        ("england", ENGLAND_COLOUR, "--", None, "England"),
    )
    for k, ax in enumerate(axes.flat):
        if k >= len(indicators):
            ax.set_visible(False)
            continue
        style_axes(ax)
        part = series[series["indicator"] == indicators[k]].sort_values("period")
        years = part["period"].astype(int).to_numpy()
        for col, colour, ls, marker, _ in lines:
            ax.plot(
                years,
                part[col].to_numpy(float),
                color=colour,
                ls=ls,
                lw=1.2,
                marker=marker,
                ms=2.5,
                mfc="white" if col == "neighbours" else colour,
                gid=f"kpi-{col}",
            )
        ax.set_title(_wrap(str(part["label"].iloc[0]), 34), loc="left", fontsize=7)
        ax.yaxis.set_major_formatter(_kpi_formatter(bool(part["percent"].iloc[0])))
        step = 3 if len(years) > 8 else 2 if len(years) > 4 else 1
        ax.set_xticks(years[::step], [str(y) for y in years[::step]])
        ax.tick_params(labelsize=6.5)
        ax.grid(axis="y", color="#EEEEEE", lw=0.5)
    fig_title(
        fig, f"{la_name}: DfE indicators by year, beside its statistical neighbours and England"
    )
    handles = [
        Line2D([], [], color=c, ls=ls, lw=1.2, marker=m, ms=2.5, label=lab)
        for _, c, ls, m, lab in lines
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    latest = series.dropna(subset=["la"]).sort_values("period").groupby("indicator").tail(1)
    said = "; ".join(
        text(
            "annex",
            "kpi_item",
            label=r.label,
            value=_pct(r.la) if r.percent else f"{r.la:.1f}",
            period=r.period,
        )
        for r in latest.sort_values("label").itertuples()
    )
    alt = text("annex", "kpi_alt", n=len(indicators), la=la_name, said=said)
    return fig, FigureSpec(fig_id, text("annex", "kpi_caption", la=la_name), alt)


def embedded(fig: Figure, spec: FigureSpec, marks: Marks, source: str) -> FigureView:
    """The finished chart (source note and, in a demo run, the demo mark inside the image)
    as a figure view holding an SVG data URI; ``source`` is the provenance line under it.
    No PNG: the pages and the PDF show the SVG only."""
    with tempfile.TemporaryDirectory(prefix="annex-chart-") as tmp:
        entry = save(fig, spec, tmp, marks, png=False)
        svg = (Path(tmp) / entry["svg"]).read_bytes()
    return FigureView(entry["id"], entry["caption"], entry["alt"], svg_data_uri(svg), source)
