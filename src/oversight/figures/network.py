"""Figures for the network's questions: published DfE indicators over the years available.

Every figure here holds only figures DfE publishes for real LAs (the KPI table,
``kpis.csv``): none comes from the LA extracts, so none carries the synthetic-data mark; the
source note inside each image names the DfE table and says the figures are real. Years run
along the x axis (DfE reporting years). Builders are pure functions of the KPI table; saving
goes through :func:`oversight.figures.style.save` like every other figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MultipleLocator, PercentFormatter

from oversight.figures.labels import point_label
from oversight.figures.style import (
    GREY,
    OKABE_ITO,
    FigureSpec,
    Marks,
    fig_title,
    new_figure,
    style_axes,
    styled,
)
from oversight.published.network import Minute, numeric

S47 = "s47_icpc_conversion"
TREND_ID = "FIG-S47-ICPC-TREND"
LATEST_ID = "FIG-S47-ICPC-LATEST"
YEAR_AXIS = "DfE reporting year"
REAL_NOTE = "Published DfE figures for real LAs, not the study's synthetic data."
# Line styles of the comparators (colour and dash both differ, so they read in greyscale).
STYLES = {
    "england": {"color": "black", "ls": "--", "lw": 1.1, "label": "England"},
    "south_east": {"color": OKABE_ITO["vermillion"], "ls": ":", "lw": 1.4, "label": "South East"},
    "neighbours": {
        "color": OKABE_ITO["sky_blue"],
        "ls": "-.",
        "lw": 1.0,
        "label": "Statistical neighbours' average",
    },
}


def kpi_id(indicator: str) -> str:
    """The figure ID of one KPI's time series."""
    return f"FIG-KPI-{indicator}"


def figure_ids(kpi_indicators: Sequence[str]) -> list[str]:
    """Every figure this module draws, for the rule's outputs and the report's sections."""
    return [TREND_ID, LATEST_ID, *(kpi_id(i) for i in kpi_indicators)]


def dfe_marks(source: str, years: Sequence[int]) -> Marks:
    """The marks of a DfE-only figure: the table and years, and that the figures are real."""
    span = f"{min(years)} to {max(years)}" if len(years) else "no years"
    return Marks(f"Source: {source}, reporting years {span}. {REAL_NOTE}", demo=False)


def _rows(kpis: pd.DataFrame, indicator: str) -> pd.DataFrame:
    rows = numeric(kpis)
    rows = rows[rows["indicator"] == indicator].copy()
    if rows.empty:
        raise ValueError(f"no rows for indicator {indicator!r} in the KPI table")
    rows["year"] = rows["period"].astype(int)
    return rows


def _comparator(rows: pd.DataFrame, column: str) -> pd.Series:
    """The comparator's value by year (the same on every LA row of a year; first taken)."""
    return rows.dropna(subset=[column]).groupby("year")[column].first().sort_index()


def _years_axis(ax, years: Sequence[int], step: int = 2) -> None:
    """Whole years on the x axis: a labelled tick every ``step`` years ending on the last."""
    first, last = min(years), max(years)
    ticks = list(range(last, first - 1, -step))[::-1]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.set_xlim(first - 0.5, last + 0.5)


def _isolated(values: pd.Series, years: Sequence[int]) -> pd.Series:
    """The values (indexed by year) whose years before and after are both missing."""
    full = values.reindex(range(min(years), max(years) + 1))
    alone = full.notna() & full.shift(1).isna() & full.shift(-1).isna()
    return full[alone]


def _value_axis(ax, percent: bool) -> None:
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def _fmt(value: float, percent: bool) -> str:
    return f"{100 * value:.1f}%" if percent else f"{value:.1f}"


def _name(code: str, names: Mapping[str, str]) -> str:
    return names.get(code, code)


@styled
def indicator_small_multiples(
    kpis: pd.DataFrame,
    indicator: str,
    label: str,
    names: Mapping[str, str],
    fig_id: str = TREND_ID,
    percent: bool = True,
    ncols: int = 5,
) -> tuple[Figure, FigureSpec]:
    """One panel per LA of the indicator by year, with England, the region and the LA's own
    statistical neighbours' average in every panel, on a shared scale."""
    rows = _rows(kpis, indicator)
    years = sorted(rows["year"].unique())
    order = sorted(rows["la_code"].unique(), key=lambda c: (_name(c, names), c))
    england, region = _comparator(rows, "england"), _comparator(rows, "south_east")
    nrows = -(-len(order) // ncols)
    fig = new_figure(1.0 + 1.3 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    for k, ax in enumerate(axes.flat):
        style_axes(ax)
        if k >= len(order):
            ax.set_visible(False)
            continue
        code = order[k]
        la = rows[rows["la_code"] == code].sort_values("year")
        neighbours = la.set_index("year")["neighbours"].dropna()
        for key, series in (("england", england), ("south_east", region)):
            style = {k2: v for k2, v in STYLES[key].items() if k2 != "label"}
            ax.plot(series.index, series.to_numpy(float), gid=key, **style)
        style = {k2: v for k2, v in STYLES["neighbours"].items() if k2 != "label"}
        ax.plot(neighbours.index, neighbours.to_numpy(float), gid="neighbours", **style)
        ax.plot(
            la["year"],
            la["value"].to_numpy(float),
            color=OKABE_ITO["blue"],
            lw=1.4,
            marker="o",
            ms=2.0,
            gid=f"la-{code}",
        )
        ax.set_title(textwrap.fill(_name(code, names), 20), fontsize=7, loc="left")
        _years_axis(ax, years, step=6)
        ax.grid(axis="y", color="#EEEEEE", lw=0.5)
        ax.tick_params(labelsize=6.5, labelbottom=True)
    _value_axis(axes.flat[0], percent)
    fig_title(
        fig,
        f"{label} by DfE reporting year: each LA against England, the South East and its "
        "statistical neighbours",
    )
    handles = [
        Line2D([], [], color=OKABE_ITO["blue"], lw=1.4, marker="o", ms=2.0, label="The LA"),
        *(
            Line2D([], [], **{k2: v for k2, v in STYLES[key].items()})
            for key in ("england", "south_east", "neighbours")
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
    latest = rows[rows["year"] == years[-1]].dropna(subset=["value"])
    lo, hi = latest.loc[latest["value"].idxmin()], latest.loc[latest["value"].idxmax()]
    caption = (
        f"{label}, DfE reporting years {years[0]} to {years[-1]}: one panel per LA on a shared "
        "scale, with England (dashed), the South East (dotted) and the LA's ten statistical "
        f"neighbours' average (dash-dot). {REAL_NOTE}"
    )
    alt = (
        f"Small multiples of {label.lower()} for {len(order)} LAs from {years[0]} to "
        f"{years[-1]}. In {years[-1]} the LAs ranged from {_fmt(lo['value'], percent)} "
        f"({_name(lo['la_code'], names)}) to {_fmt(hi['value'], percent)} "
        f"({_name(hi['la_code'], names)}); England {_fmt(england.iloc[-1], percent)}, "
        f"South East {_fmt(region.iloc[-1], percent)}."
    )
    return fig, FigureSpec(fig_id, caption, alt)


@styled
def latest_dot_plot(
    kpis: pd.DataFrame,
    indicator: str,
    label: str,
    names: Mapping[str, str],
    minutes: Sequence[Minute] = (),
    fig_id: str = LATEST_ID,
) -> tuple[Figure, FigureSpec]:
    """The latest year's value of each LA, sorted, with its statistical neighbours' average,
    England and the region as lines, and the minutes' stated ranges shaded."""
    rows = _rows(kpis, indicator)
    year = int(rows.loc[rows["value"].notna(), "year"].max())
    latest = rows[(rows["year"] == year)].dropna(subset=["value"]).copy()
    latest["name"] = [_name(c, names) for c in latest["la_code"]]
    latest = latest.sort_values(["value", "name"], ascending=[True, True]).reset_index(drop=True)
    fig = new_figure(1.2 + 0.22 * len(latest))
    ax = fig.add_subplot()
    style_axes(ax)
    y = np.arange(len(latest))
    shades = ("#E4E4E4", "#F6EBC8", "#E6D5E8")  # pale, and apart from the markers' blues
    for k, minute in enumerate(m for m in minutes if m.measure == indicator):
        ax.axvspan(
            minute.value - minute.tolerance,
            minute.value + minute.tolerance,
            color=shades[k % len(shades)],
            zorder=0,
            label=f"Minutes: {100 * minute.value:.0f}% ± {100 * minute.tolerance:.1f} points",
        )
    for key in ("england", "south_east"):
        value = float(latest[key].dropna().iloc[0])
        ax.axvline(value, **{k2: v for k2, v in STYLES[key].items() if k2 != "label"}, zorder=1)
        ax.plot([], [], **{k2: v for k2, v in STYLES[key].items()})
    ax.scatter(
        latest["neighbours"],
        y,
        marker="|",
        s=60,
        color=OKABE_ITO["sky_blue"],
        linewidths=1.6,
        zorder=2,
        label="Statistical neighbours' average",
    )
    ax.scatter(latest["value"], y, s=26, color=OKABE_ITO["blue"], zorder=3, label="The LA")
    ax.set_yticks(y, latest["name"].tolist())
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"Percentage, {YEAR_AXIS} {year}")
    ax.grid(axis="x", color="#EEEEEE", lw=0.5)
    fig_title(fig, f"{label}, {year}: each LA, highest at the top")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    eng = float(latest["england"].dropna().iloc[0])
    below = latest.loc[latest["value"] < latest["neighbours"], "name"].tolist()
    caption = (
        f"{label} in DfE reporting year {year}, one dot per LA, highest at the top, "
        "each with its ten statistical neighbours' average (bar); England and the South East "
        "as vertical lines; shaded bands are the ranges the network's minutes describe. "
        f"{REAL_NOTE}"
    )
    alt = (
        f"Dot plot of {len(latest)} LAs in {year}: lowest {latest['name'].iloc[0]} "
        f"({_fmt(latest['value'].iloc[0], True)}), highest {latest['name'].iloc[-1]} "
        f"({_fmt(latest['value'].iloc[-1], True)}); England {_fmt(eng, True)}; "
        f"{len(below)} LAs below their statistical neighbours' average."
    )
    return fig, FigureSpec(fig_id, caption, alt)


@styled
def kpi_time_series(
    kpis: pd.DataFrame,
    indicator: str,
    label: str,
    names: Mapping[str, str],
    percent: bool = True,
) -> tuple[Figure, FigureSpec]:
    """One KPI over the years: every LA as a faint line, England and the South East bold;
    the LAs highest and lowest in the latest year are named at the line's end."""
    rows = _rows(kpis, indicator)
    years = sorted(rows["year"].unique())
    england, region = _comparator(rows, "england"), _comparator(rows, "south_east")
    fig = new_figure(3.6)
    ax = fig.add_subplot()
    style_axes(ax)
    for code, la in sorted(rows.groupby("la_code"), key=lambda p: p[0]):
        la = la.sort_values("year")
        ax.plot(
            la["year"],
            la["value"].to_numpy(float),
            color=GREY,
            lw=0.7,
            alpha=0.45,
            gid=f"la-{code}",
        )
        alone = _isolated(la.set_index("year")["value"], years)
        if len(alone):  # a year between two missing ones has no line: draw it as a point
            ax.plot(alone.index, alone.to_numpy(float), "o", color=GREY, ms=2.0, alpha=0.6)
    ax.plot([], [], color=GREY, lw=0.7, alpha=0.45, label="Each study LA")
    for key, series in (("england", england), ("south_east", region)):
        style = {**STYLES[key], "lw": 2.0}
        ax.plot(series.index, series.to_numpy(float), gid=key, marker="o", ms=3, **style)
    latest = rows[rows["year"] == years[-1]].dropna(subset=["value"])
    named = []
    if len(latest):
        lo, hi = latest.loc[latest["value"].idxmin()], latest.loc[latest["value"].idxmax()]
        for row in (lo, hi):
            named.append(row)
            point_label(ax, float(row["year"]), float(row["value"]), _name(row["la_code"], names))
    _years_axis(ax, years)
    _value_axis(ax, percent)
    ax.set_xlabel(YEAR_AXIS)
    ax.grid(axis="y", color="#EEEEEE", lw=0.5)
    fig_title(fig, f"{label}, {years[0]} to {years[-1]}")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=3, frameon=False)
    caption = (
        f"{label}, DfE reporting years {years[0]} to {years[-1]}: England and the South East "
        f"as bold lines, each of the {rows['la_code'].nunique()} study LAs as a faint line "
        "(gaps are years DfE suppressed or did not publish). "
        f"{REAL_NOTE}"
    )
    alt = (
        f"Line chart of {label.lower()} from {years[0]} to {years[-1]}: England went from "
        f"{_fmt(england.iloc[0], percent)} to {_fmt(england.iloc[-1], percent)} and the South "
        f"East from {_fmt(region.iloc[0], percent)} to {_fmt(region.iloc[-1], percent)}"
        + (
            f"; in {years[-1]} the LAs ranged from {_fmt(named[0]['value'], percent)} "
            f"({_name(named[0]['la_code'], names)}) to {_fmt(named[1]['value'], percent)} "
            f"({_name(named[1]['la_code'], names)})."
            if named
            else "."
        )
    )
    return fig, FigureSpec(kpi_id(indicator), caption, alt)
