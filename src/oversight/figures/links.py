"""Each LA's oversight metric beside one of its published DfE indicators."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from oversight.figures.labels import point_label
from oversight.figures.style import (
    OKABE_ITO,
    FigureSpec,
    fig_title,
    la_name,
    metric_label,
    new_figure,
    pct,
    style_axes,
    styled,
)
from oversight.figures.table import is_region, select_rows

# A rank correlation over fewer areas than this says nothing.
MIN_LINK_LAS = 3


@styled
def link_plot(
    metrics: pd.DataFrame,
    kpis: pd.DataFrame,
    metric: str,
    indicator: str,
    period: str,
    kpi_period: str,
    kpi_label: str,
    names: Mapping[str, str] | None = None,
    demo: bool = False,
) -> tuple[Figure, FigureSpec]:
    """Each LA's oversight metric beside one of its published indicators (a scatter with the
    LAs named), with a rank correlation and a caption on what 19 areas can and cannot show."""
    from scipy.stats import spearmanr

    ours = select_rows(metrics, metric, period)
    ours = ours[~is_region(ours["la_code"])].set_index("la_code")["value"]
    theirs = kpis[(kpis["indicator"] == indicator) & (kpis["period"].astype(str) == kpi_period)]
    theirs = theirs.set_index("la_code")["value"]
    both = pd.DataFrame({"x": ours, "y": theirs}).dropna()
    if len(both) < MIN_LINK_LAS:
        return _too_few_for_link(len(both), metric, indicator, period, kpi_period, kpi_label)
    rho, p = spearmanr(both["x"], both["y"])
    ratio = kpis.loc[kpis["indicator"] == indicator, "lower95"].isna().all()
    fig = new_figure(4.2)
    ax = fig.add_subplot()
    style_axes(ax)
    ax.scatter(
        both["x"],
        both["y"],
        s=28,
        marker="o",
        facecolor="white",
        edgecolor=OKABE_ITO["blue"],
        linewidth=1.2,
        zorder=3,
    )
    for code, row in both.iterrows():
        point_label(ax, float(row.x), float(row.y), la_name(str(code), names), size=6.5)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if not ratio:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"{metric_label(metric)} ({period})")
    ax.set_ylabel(f"{kpi_label} ({kpi_period}, DfE)")
    lower = kpi_label[:1].lower() + kpi_label[1:]
    fig_title(fig, f"{metric_label(metric)} and {lower}")
    source = "synthetic demo data" if demo else "the LAs' own extracts"
    caption = (
        f"{metric_label(metric)} in {period} ({source}) against {lower} published by DfE "
        f"for the reporting year {kpi_period}, one point per LA. Spearman's rank correlation "
        f"{rho:.2f} (p = {p:.2f}, {len(both)} LAs). With {len(both)} areas this can show at "
        "most an association between areas: it cannot show that one causes the other, says nothing "
        "about individual children or workers, and one or two LAs can make or break a pattern."
    )
    top = both["x"].idxmax()
    alt = (
        f"Scatter plot of {len(both)} LAs: {metric_label(metric).lower()} ranges from "
        f"{pct(both['x'].min())} to {pct(both['x'].max())} (highest: {la_name(str(top), names)});"
        f" {lower} ranges from {both['y'].min():.3g} to {both['y'].max():.3g}; "
        f"Spearman's rank correlation {rho:.2f}."
    )
    return fig, FigureSpec(f"FIG-LINK-{metric}-{indicator}", caption, alt)


def _too_few_for_link(
    n: int, metric: str, indicator: str, period: str, kpi_period: str, kpi_label: str
) -> tuple[Figure, FigureSpec]:
    """The link figure when fewer than :data:`MIN_LINK_LAS` LAs have both values (an indicator
    few LAs publish, or LAs left out as unreliable): a panel that says so, never a failure."""
    lower = kpi_label[:1].lower() + kpi_label[1:]
    fig = new_figure(1.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    text = (
        f"Only {n} LA{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} both values: "
        f"too few to compare (at least {MIN_LINK_LAS} are needed)."
    )
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, transform=ax.transAxes)
    fig_title(fig, f"{metric_label(metric)} and {lower}")
    caption = (
        f"{metric_label(metric)} in {period} against {lower} published by DfE for the "
        f"reporting year {kpi_period}: {text} No correlation is shown."
    )
    alt = f"No chart: {text}"
    return fig, FigureSpec(f"FIG-LINK-{metric}-{indicator}", caption, alt)
