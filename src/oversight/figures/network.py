"""Figures for the network's questions: published DfE indicators over the years available.

Every figure here holds only figures DfE publishes for real LAs (the KPI table,
``kpis.csv``): none comes from the LA extracts, so none carries the synthetic-data mark; the
source note inside each image names the DfE table and says the figures are real. Years run
along the x axis (DfE reporting years). Builders are pure functions of the KPI table and the
region's name; saving goes through :func:`oversight.figures.style.save` like every other
figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MultipleLocator, PercentFormatter

from oversight.figures.ids import S47_LATEST_ID, S47_TREND_ID, kpi_id
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
    text,
)
from oversight.published.network import Minute, numeric

YEAR_AXIS = "DfE reporting year"
# The KPI table's comparator columns: England, the study's region, the LA's neighbours.
REGION = "region"
COMPARATORS = ("england", REGION)


def _styles(region: str) -> dict[str, dict]:
    """Line styles of the comparators (colour and dash both differ, so they read in
    greyscale), labelled for the legend."""
    return {
        "england": {"color": "black", "ls": "--", "lw": 1.1, "label": "England"},
        REGION: {"color": OKABE_ITO["vermillion"], "ls": ":", "lw": 1.4, "label": region},
        "neighbours": {
            "color": OKABE_ITO["sky_blue"],
            "ls": "-.",
            "lw": 1.0,
            "label": text("network", "neighbours"),
        },
    }


def _unlabelled(style: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in style.items() if k != "label"}


def dfe_marks(source: str, years: Sequence[int]) -> Marks:
    """The marks of a DfE-only figure: the table and years, and that the figures are real."""
    if len(years):
        span = text("network", "span", first=min(years), last=max(years))
    else:
        span = text("network", "no_years")
    real = text("network", "real")
    return Marks(text("network", "source", source=source, span=span, real=real), demo=False)


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


def _lower_first(label: str) -> str:
    """A label inside a sentence: only its first letter lowered, so "(FTE)" and "31 March"
    stay as written (a screen reader reads "fte" as a word)."""
    return label[:1].lower() + label[1:]


@dataclass(frozen=True)
class Series:
    """One indicator's rows (one per LA and year, ``year`` added), its years, and England's
    and the region's values by year."""

    indicator: str
    label: str
    rows: pd.DataFrame
    years: list[int]
    england: pd.Series
    region: pd.Series


def prepare_series(kpis: pd.DataFrame, indicator: str, label: str) -> Series:
    """The KPI table's rows of one indicator; raises ValueError when there is none."""
    rows = _rows(kpis, indicator)
    years = sorted(rows["year"].unique())
    england, region = (_comparator(rows, c) for c in COMPARATORS)
    return Series(indicator, label, rows, years, england, region)


def _draw_la_panel(ax, data: Series, code: str, styles: dict[str, dict]) -> None:
    """One LA's values by year, with England, the region and its own neighbours' average."""
    la = data.rows[data.rows["la_code"] == code].sort_values("year")
    neighbours = la.set_index("year")["neighbours"].dropna()
    for key, series in (("england", data.england), (REGION, data.region)):
        ax.plot(series.index, series.to_numpy(float), gid=key, **_unlabelled(styles[key]))
    style = _unlabelled(styles["neighbours"])
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


def draw_small_multiples(
    data: Series, order: list[str], names: Mapping[str, str], region: str, ncols: int, percent: bool
) -> Figure:
    """One panel per LA in ``order``, on a shared scale."""
    styles = _styles(region)
    nrows = -(-len(order) // ncols)
    fig = new_figure(1.0 + 1.3 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    for k, ax in enumerate(axes.flat):
        style_axes(ax)
        if k >= len(order):
            ax.set_visible(False)
            continue
        _draw_la_panel(ax, data, order[k], styles)
        ax.set_title(textwrap.fill(_name(order[k], names), 20), fontsize=7, loc="left")
        _years_axis(ax, data.years, step=6)
        ax.grid(axis="y", color="#EEEEEE", lw=0.5)
        ax.tick_params(labelsize=6.5, labelbottom=True)
    _value_axis(axes.flat[0], percent)
    fig_title(fig, text("network", "trend_title", label=data.label, region=region))
    handles = [
        Line2D([], [], color=OKABE_ITO["blue"], lw=1.4, marker="o", ms=2.0, label="The LA"),
        *(Line2D([], [], **styles[key]) for key in ("england", REGION, "neighbours")),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
    return fig


def describe_small_multiples(
    data: Series, names: Mapping[str, str], region: str, percent: bool
) -> tuple[str, str]:
    """The small multiples' caption and alt text (templates in figure_text.yaml)."""
    first, last = data.years[0], data.years[-1]
    latest = data.rows[data.rows["year"] == last].dropna(subset=["value"])
    lo, hi = latest.loc[latest["value"].idxmin()], latest.loc[latest["value"].idxmax()]
    real = text("network", "real")
    common = {"label": data.label, "first": first, "last": last, "region": region}
    caption = text("network", "trend_caption", real=real, **common)
    alt = text(
        "network",
        "trend_alt",
        label_lower=_lower_first(data.label),
        n=data.rows["la_code"].nunique(),
        low=_fmt(lo["value"], percent),
        low_la=_name(lo["la_code"], names),
        high=_fmt(hi["value"], percent),
        high_la=_name(hi["la_code"], names),
        england=_fmt(data.england.iloc[-1], percent),
        region_value=_fmt(data.region.iloc[-1], percent),
        **common,
    )
    return caption, alt


@styled
def indicator_small_multiples(
    kpis: pd.DataFrame,
    indicator: str,
    label: str,
    names: Mapping[str, str],
    fig_id: str = S47_TREND_ID,
    percent: bool = True,
    ncols: int = 5,
    *,
    region: str,
) -> tuple[Figure, FigureSpec]:
    """One panel per LA of the indicator by year, with England, the region (named
    ``region``) and the LA's own statistical neighbours' average in every panel, on a
    shared scale."""
    data = prepare_series(kpis, indicator, label)
    order = sorted(data.rows["la_code"].unique(), key=lambda c: (_name(c, names), c))
    fig = draw_small_multiples(data, order, names, region, ncols, percent)
    caption, alt = describe_small_multiples(data, names, region, percent)
    return fig, FigureSpec(fig_id, caption, alt)


# Pale shades of the minutes' stated ranges, apart from the markers' blues.
MINUTE_SHADES = ("#E4E4E4", "#F6EBC8", "#E6D5E8")


def prepare_latest(data: Series, names: Mapping[str, str]) -> tuple[int, pd.DataFrame]:
    """The latest year with a value, and each LA's row in it (named, lowest value first)."""
    rows = data.rows
    year = int(rows.loc[rows["value"].notna(), "year"].max())
    latest = rows[(rows["year"] == year)].dropna(subset=["value"]).copy()
    latest["name"] = [_name(c, names) for c in latest["la_code"]]
    latest = latest.sort_values(["value", "name"], ascending=[True, True]).reset_index(drop=True)
    return year, latest


def _draw_latest_marks(ax, latest: pd.DataFrame, minutes: list[Minute], region: str) -> None:
    """The minutes' ranges shaded, England and the region as lines, and each LA with its
    neighbours' average."""
    styles = _styles(region)
    y = np.arange(len(latest))
    for k, minute in enumerate(minutes):
        ax.axvspan(
            minute.value - minute.tolerance,
            minute.value + minute.tolerance,
            color=MINUTE_SHADES[k % len(MINUTE_SHADES)],
            zorder=0,
            label=f"Minutes: {100 * minute.value:.0f}% ± {100 * minute.tolerance:.1f} points",
        )
    for key in COMPARATORS:
        value = float(latest[key].dropna().iloc[0])
        ax.axvline(value, **_unlabelled(styles[key]), zorder=1)
        ax.plot([], [], **styles[key])
    ax.scatter(
        latest["neighbours"],
        y,
        marker="|",
        s=60,
        color=OKABE_ITO["sky_blue"],
        linewidths=1.6,
        zorder=2,
        label=text("network", "neighbours"),
    )
    ax.scatter(latest["value"], y, s=26, color=OKABE_ITO["blue"], zorder=3, label="The LA")


def describe_latest(label: str, year: int, latest: pd.DataFrame, region: str) -> tuple[str, str]:
    """The dot plot's caption and alt text (templates in figure_text.yaml)."""
    caption = text(
        "network",
        "latest_caption",
        label=label,
        year=year,
        region=region,
        real=text("network", "real"),
    )
    alt = text(
        "network",
        "latest_alt",
        n=len(latest),
        year=year,
        low_la=latest["name"].iloc[0],
        low=_fmt(latest["value"].iloc[0], True),
        high_la=latest["name"].iloc[-1],
        high=_fmt(latest["value"].iloc[-1], True),
        england=_fmt(float(latest["england"].dropna().iloc[0]), True),
        below=len(latest.loc[latest["value"] < latest["neighbours"], "name"]),
    )
    return caption, alt


@styled
def latest_dot_plot(
    kpis: pd.DataFrame,
    indicator: str,
    label: str,
    names: Mapping[str, str],
    minutes: Sequence[Minute] = (),
    fig_id: str = S47_LATEST_ID,
    *,
    region: str,
) -> tuple[Figure, FigureSpec]:
    """The latest year's value of each LA, sorted, with its statistical neighbours' average,
    England and the region (named ``region``) as lines, and the minutes' stated ranges
    shaded."""
    year, latest = prepare_latest(prepare_series(kpis, indicator, label), names)
    fig = new_figure(1.2 + 0.22 * len(latest))
    ax = fig.add_subplot()
    style_axes(ax)
    _draw_latest_marks(ax, latest, [m for m in minutes if m.measure == indicator], region)
    ax.set_yticks(np.arange(len(latest)), latest["name"].tolist())
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"Percentage, {YEAR_AXIS} {year}")
    ax.grid(axis="x", color="#EEEEEE", lw=0.5)
    fig_title(fig, f"{label}, {year}: each LA, highest at the top")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    caption, alt = describe_latest(label, year, latest, region)
    return fig, FigureSpec(fig_id, caption, alt)


def _extremes(data: Series) -> list[pd.Series]:
    """The LAs lowest and highest in the latest year (none if no LA has a value then)."""
    latest = data.rows[data.rows["year"] == data.years[-1]].dropna(subset=["value"])
    if not len(latest):
        return []
    return [latest.loc[latest["value"].idxmin()], latest.loc[latest["value"].idxmax()]]


def draw_time_series(
    data: Series, named: list[pd.Series], names: Mapping[str, str], region: str, percent: bool
) -> Figure:
    """Every LA as a faint line, England and the region bold, the ``named`` LAs labelled."""
    styles = _styles(region)
    fig = new_figure(3.6)
    ax = fig.add_subplot()
    style_axes(ax)
    for code, la in sorted(data.rows.groupby("la_code"), key=lambda p: p[0]):
        la = la.sort_values("year")
        ax.plot(
            la["year"],
            la["value"].to_numpy(float),
            color=GREY,
            lw=0.7,
            alpha=0.45,
            gid=f"la-{code}",
        )
        alone = _isolated(la.set_index("year")["value"], data.years)
        if len(alone):  # a year between two missing ones has no line: draw it as a point
            ax.plot(alone.index, alone.to_numpy(float), "o", color=GREY, ms=2.0, alpha=0.6)
    ax.plot([], [], color=GREY, lw=0.7, alpha=0.45, label="Each study LA")
    for key, series in (("england", data.england), (REGION, data.region)):
        style = {**styles[key], "lw": 2.0}
        ax.plot(series.index, series.to_numpy(float), gid=key, marker="o", ms=3, **style)
    for row in named:
        point_label(ax, float(row["year"]), float(row["value"]), _name(row["la_code"], names))
    _years_axis(ax, data.years)
    _value_axis(ax, percent)
    ax.set_xlabel(YEAR_AXIS)
    ax.grid(axis="y", color="#EEEEEE", lw=0.5)
    fig_title(fig, f"{data.label}, {data.years[0]} to {data.years[-1]}")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=3, frameon=False)
    return fig


def describe_time_series(
    data: Series, named: list[pd.Series], names: Mapping[str, str], region: str, percent: bool
) -> tuple[str, str]:
    """The time series' caption and alt text (templates in figure_text.yaml)."""
    first, last = data.years[0], data.years[-1]
    common = {"label": data.label, "first": first, "last": last, "region": region}
    n = data.rows["la_code"].nunique()
    caption = text("network", "kpi_caption", n=n, real=text("network", "real"), **common)
    span = ""
    if named:
        lo, hi = named
        span = text(
            "network",
            "kpi_range",
            last=last,
            low=_fmt(lo["value"], percent),
            low_la=_name(lo["la_code"], names),
            high=_fmt(hi["value"], percent),
            high_la=_name(hi["la_code"], names),
        )
    alt = text(
        "network",
        "kpi_alt",
        label_lower=_lower_first(data.label),
        england_first=_fmt(data.england.iloc[0], percent),
        england_last=_fmt(data.england.iloc[-1], percent),
        region_first=_fmt(data.region.iloc[0], percent),
        region_last=_fmt(data.region.iloc[-1], percent),
        range=span,
        **common,
    )
    return caption, alt


@styled
def kpi_time_series(
    kpis: pd.DataFrame,
    indicator: str,
    label: str,
    names: Mapping[str, str],
    percent: bool = True,
    *,
    region: str,
) -> tuple[Figure, FigureSpec]:
    """One KPI over the years: every LA as a faint line, England and the region (named
    ``region``) bold; the LAs highest and lowest in the latest year are named at the line's
    end."""
    data = prepare_series(kpis, indicator, label)
    named = _extremes(data)
    fig = draw_time_series(data, named, names, region, percent)
    caption, alt = describe_time_series(data, named, names, region, percent)
    return fig, FigureSpec(kpi_id(indicator), caption, alt)
