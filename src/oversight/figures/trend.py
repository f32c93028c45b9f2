"""Small multiples of one metric's monthly series, one panel per LA, with the region in
every panel."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from oversight.figures.ids import TREND_METRIC, trend_id
from oversight.figures.style import (
    GREY,
    OKABE_ITO,
    FigureSpec,
    fig_title,
    metric_label,
    month_name,
    month_tick,
    new_figure,
    pct,
    style_axes,
    styled,
    text,
)
from oversight.figures.table import is_region, named_rows, select_rows

# A month ("2024-04"); the study year's label ("2024-25") has a second part above 12.
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class TrendData:
    """What the small multiples show: the months, the region's series and each LA's, and
    the LAs in panel order (by name)."""

    metric: str
    months: list[str]
    region: pd.DataFrame
    las: pd.DataFrame
    order: list[str]


def prepare_trend(
    table: pd.DataFrame, metric: str = TREND_METRIC, names: Mapping[str, str] | None = None
) -> TrendData:
    """The monthly rows (periods 'YYYY-MM', breakdown 'all') of one metric; raises
    ValueError when there is none, or none of an LA."""
    rows = select_rows(table, metric, None)
    rows = rows[rows["period"].astype(str).str.match(_MONTH) & rows["value"].notna()]
    if rows.empty:
        raise ValueError(f"no monthly rows for metric {metric!r}")
    region = rows[is_region(rows["la_code"])].sort_values("period")
    las = named_rows(rows[~is_region(rows["la_code"])], names)
    order = (
        las[["la_code", "name"]]
        .drop_duplicates()
        .sort_values(["name", "la_code"])["la_code"]
        .tolist()
    )
    if not order:
        raise ValueError(f"no LA monthly rows for metric {metric!r}")
    return TrendData(metric, sorted(rows["period"].unique()), region, las, order)


def _draw_panel(ax, data: TrendData, code: str, ticks: list[int]) -> None:
    """One LA's series, with the region's drawn faintly behind it."""
    pos = {m: i for i, m in enumerate(data.months)}
    if len(data.region):
        rx = [pos[m] for m in data.region["period"]]
        ry = 100 * data.region["value"].to_numpy(float)
        ax.plot(rx, ry, color=GREY, lw=1.0, ls="--", alpha=0.6, gid="region")
    series = data.las[data.las["la_code"] == code].sort_values("period")
    ax.plot(
        [pos[m] for m in series["period"]],
        100 * series["value"].to_numpy(float),
        color=OKABE_ITO["blue"],
        lw=1.3,
        marker="o",
        ms=2.2,
        gid=f"la-{code}",
    )
    ax.set_title(textwrap.fill(str(series["name"].iloc[0]), 20), fontsize=7.5, loc="left")
    ax.set_xticks(ticks, [month_tick(data.months[i]) for i in ticks])
    ax.grid(axis="y", color="#EEEEEE", lw=0.5)
    ax.tick_params(labelsize=6.5)
    ax.tick_params(labelbottom=True)


def _draw_legend(fig: Figure, spare: list) -> None:
    """The legend, in the first empty panel if there is one, else below the panels."""
    handles = [
        Line2D(
            [], [], color=OKABE_ITO["blue"], lw=1.3, marker="o", ms=2.2, label="Local authority"
        ),
        Line2D([], [], color=GREY, lw=1.0, ls="--", alpha=0.6, label="Region"),
    ]
    if spare:
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles=handles, loc="center", frameon=False)
    else:
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)


def draw_trend(data: TrendData, ncols: int = 4) -> Figure:
    """One small panel per LA on a shared y axis, the region faint in every panel."""
    nrows = -(-len(data.order) // ncols)
    fig = new_figure(1.0 + 1.45 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    ticks = [i for i, m in enumerate(data.months) if i % 3 == 0]
    for k, ax in enumerate(axes.flat):
        style_axes(ax)
        if k >= len(data.order):
            ax.set_visible(False)
            continue
        _draw_panel(ax, data, data.order[k], ticks)
    axes.flat[0].yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    first, last = month_name(data.months[0]), month_name(data.months[-1])
    fig_title(fig, f"{metric_label(data.metric)}: monthly, {first} to {last}")
    fig.supxlabel("Month (census at the month end)", fontsize=8)
    fig.supylabel("Percentage", fontsize=8)
    _draw_legend(fig, list(axes.flat[len(data.order) :]))
    return fig


def describe_trend(data: TrendData) -> FigureSpec:
    """The small multiples' ID, caption and alt text (templates in figure_text.yaml)."""
    label, region = metric_label(data.metric), data.region
    first, last = month_name(data.months[0]), month_name(data.months[-1])
    parts = [
        text(
            "trend",
            "alt_opening",
            label_lower=label.lower(),
            first=first,
            last=last,
            n=len(data.order),
        )
    ]
    if len(region):
        rmin, rmax = region.loc[region["value"].idxmin()], region.loc[region["value"].idxmax()]
        parts.append(
            text(
                "trend",
                "alt_region",
                low=pct(rmin["value"]),
                low_month=month_name(rmin["period"]),
                high=pct(rmax["value"]),
                high_month=month_name(rmax["period"]),
            )
        )
    means = data.las.groupby(["la_code", "name"])["value"].mean().reset_index()
    lo, hi = means.sort_values(["value", "name"]).iloc[[0, -1]].itertuples()
    parts.append(
        text(
            "trend",
            "alt_extremes",
            low=lo.name,
            low_value=pct(lo.value),
            high=hi.name,
            high_value=pct(hi.value),
        )
    )
    caption = text("trend", "caption", label=label, first=first, last=last)
    return FigureSpec(trend_id(data.metric), caption, "; ".join(parts) + ".")


@styled
def trend_small_multiples(
    table: pd.DataFrame,
    metric: str = TREND_METRIC,
    names: Mapping[str, str] | None = None,
    ncols: int = 4,
) -> tuple[Figure, FigureSpec]:
    """One small panel per LA of the monthly series (periods 'YYYY-MM', breakdown 'all'),
    on a shared y axis, with the regional series drawn faintly in every panel: prepared
    (:func:`prepare_trend`), drawn (:func:`draw_trend`) and described
    (:func:`describe_trend`)."""
    data = prepare_trend(table, metric, names)
    return draw_trend(data, ncols), describe_trend(data)
