"""Small multiples of one metric's monthly series, one panel per LA, with the region in
every panel."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from oversight.figures.style import (
    GREY,
    OKABE_ITO,
    FigureSpec,
    fig_title,
    la_name,
    metric_label,
    month_name,
    month_tick,
    new_figure,
    pct,
    style_axes,
    styled,
)
from oversight.figures.table import is_region, named_rows, select_rows

YEAR_TREND_METRIC = "child_oversight_28d"
# A month ("2024-04"); the study year's label ("2024-25") has a second part above 12.
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@styled
def trend_small_multiples(
    table: pd.DataFrame,
    metric: str = YEAR_TREND_METRIC,
    names: Mapping[str, str] | None = None,
    ncols: int = 4,
) -> tuple[Figure, FigureSpec]:
    """One small panel per LA of the monthly series (periods 'YYYY-MM', breakdown 'all'),
    on a shared y axis, with the regional series drawn faintly in every panel."""
    label = metric_label(metric)
    rows = select_rows(table, metric, None)
    rows = rows[rows["period"].astype(str).str.match(_MONTH) & rows["value"].notna()]
    if rows.empty:
        raise ValueError(f"no monthly rows for metric {metric!r}")
    months = sorted(rows["period"].unique())
    pos = {m: i for i, m in enumerate(months)}
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

    nrows = -(-len(order) // ncols)
    fig = new_figure(1.0 + 1.45 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    ticks = [i for i, m in enumerate(months) if i % 3 == 0]
    rx = [pos[m] for m in region["period"]]
    ry = 100 * region["value"].to_numpy(float)
    for k, ax in enumerate(axes.flat):
        style_axes(ax)
        if k >= len(order):
            ax.set_visible(False)
            continue
        code = order[k]
        series = las[las["la_code"] == code].sort_values("period")
        if len(region):
            ax.plot(rx, ry, color=GREY, lw=1.0, ls="--", alpha=0.6, gid="region")
        ax.plot(
            [pos[m] for m in series["period"]],
            100 * series["value"].to_numpy(float),
            color=OKABE_ITO["blue"],
            lw=1.3,
            marker="o",
            ms=2.2,
            gid=f"la-{code}",
        )
        ax.set_title(textwrap.fill(la_name(code, names), 20), fontsize=7.5, loc="left")
        ax.set_xticks(ticks, [month_tick(months[i]) for i in ticks])
        ax.grid(axis="y", color="#EEEEEE", lw=0.5)
        ax.tick_params(labelsize=6.5)
        ax.tick_params(labelbottom=True)
    axes.flat[0].yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    first, last = month_name(months[0]), month_name(months[-1])
    fig_title(fig, f"{label}: monthly, {first} to {last}")
    fig.supxlabel("Month (census at the month end)", fontsize=8)
    fig.supylabel("Percentage", fontsize=8)
    handles = [
        Line2D(
            [], [], color=OKABE_ITO["blue"], lw=1.3, marker="o", ms=2.2, label="Local authority"
        ),
        Line2D([], [], color=GREY, lw=1.0, ls="--", alpha=0.6, label="Region"),
    ]
    spare = list(axes.flat[len(order) :])
    if spare:  # the legend sits in the first empty panel
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles=handles, loc="center", frameon=False)
    else:
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)

    parts = [
        f"Small multiples of {label.lower()} by month from {first} to {last} for "
        f"{len(order)} LAs on a shared scale"
    ]
    if len(region):
        rmin, rmax = region.loc[region["value"].idxmin()], region.loc[region["value"].idxmax()]
        parts.append(
            f"the region ranged from {pct(rmin['value'])} "
            f"({month_name(rmin['period'])}) to {pct(rmax['value'])} "
            f"({month_name(rmax['period'])})"
        )
    means = las.groupby(["la_code", "name"])["value"].mean().reset_index()
    means = means.sort_values(["value", "name"])
    lo, hi = means.iloc[0], means.iloc[-1]
    parts.append(
        f"the lowest monthly average was {lo['name']} ({pct(lo['value'])}) and "
        f"the highest {hi['name']} ({pct(hi['value'])})"
    )
    alt = "; ".join(parts) + "."
    caption = (
        f"{label}, each month from {first} to {last} (census at each month end): one panel "
        "per LA on a shared vertical scale, with the regional series as a faint dashed "
        "line in every panel. Monthly values are shown without intervals or control "
        "limits."
    )
    return fig, FigureSpec(f"FIG-TREND-{metric}", caption, alt)
