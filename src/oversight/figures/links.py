"""Each LA's oversight metric beside one of its published DfE indicators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from oversight.figures.ids import link_id
from oversight.figures.labels import point_label
from oversight.figures.style import (
    OKABE_ITO,
    FigureSpec,
    counted,
    fig_title,
    la_name,
    message_panel,
    metric_label,
    new_figure,
    pct,
    style_axes,
    styled,
    text,
    texts,
)
from oversight.figures.table import is_region, select_rows

# A rank correlation over fewer areas than this says nothing.
MIN_LINK_LAS = 3


@dataclass(frozen=True)
class LinkData:
    """Each LA's metric (x) and indicator (y), by LA code, and what they are."""

    metric: str
    indicator: str
    period: str
    kpi_period: str
    kpi_label: str
    both: pd.DataFrame  # x and y, LAs with both values
    ratio: bool  # the indicator is a ratio (no interval published), not a proportion

    @property
    def kpi_lower(self) -> str:
        return self.kpi_label[:1].lower() + self.kpi_label[1:]


def prepare_link(
    metrics: pd.DataFrame,
    kpis: pd.DataFrame,
    pair: tuple[str, str],
    periods: tuple[str, str],
    kpi_label: str,
) -> LinkData:
    """The LAs' values of ``pair`` (metric, indicator) in ``periods`` (the study year, the
    DfE reporting year)."""
    metric, indicator = pair
    period, kpi_period = periods
    ours = select_rows(metrics, metric, period)
    ours = ours[~is_region(ours["la_code"])].set_index("la_code")["value"]
    theirs = kpis[(kpis["indicator"] == indicator) & (kpis["period"].astype(str) == kpi_period)]
    theirs = theirs.set_index("la_code")["value"]
    both = pd.DataFrame({"x": ours, "y": theirs}).dropna()
    ratio = bool(kpis.loc[kpis["indicator"] == indicator, "lower95"].isna().all())
    return LinkData(metric, indicator, period, kpi_period, kpi_label, both, ratio)


def draw_link(data: LinkData, names: Mapping[str, str] | None) -> Figure:
    """A scatter of the LAs, each named, percentages on the axes that hold them."""
    both = data.both
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
    if not data.ratio:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    label = metric_label(data.metric)
    ax.set_xlabel(f"{label} ({data.period})")
    ax.set_ylabel(f"{data.kpi_label} ({data.kpi_period}, DfE)")
    fig_title(fig, f"{label} and {data.kpi_lower}")
    return fig


def describe_link(data: LinkData, names: Mapping[str, str] | None, demo: bool) -> FigureSpec:
    """The link figure's ID, caption and alt text, with Spearman's rank correlation
    (templates in figure_text.yaml)."""
    from scipy.stats import spearmanr

    both, label = data.both, metric_label(data.metric)
    rho, p = spearmanr(both["x"], both["y"])
    common = {"kpi_lower": data.kpi_lower, "n": len(both), "rho": rho}
    caption = text(
        "links",
        "caption",
        label=label,
        period=data.period,
        source=texts()["links"]["source"]["demo" if demo else "real"],
        kpi_period=data.kpi_period,
        p=p,
        **common,
    )
    alt = text(
        "links",
        "alt",
        label_lower=label.lower(),
        low=pct(both["x"].min()),
        high=pct(both["x"].max()),
        top=la_name(str(both["x"].idxmax()), names),
        kpi_low=both["y"].min(),
        kpi_high=both["y"].max(),
        **common,
    )
    return FigureSpec(link_id(data.metric, data.indicator), caption, alt)


def _too_few(data: LinkData) -> tuple[Figure, FigureSpec]:
    """The link figure when fewer than :data:`MIN_LINK_LAS` LAs have both values (an indicator
    few LAs publish, or LAs left out as unreliable): a panel that says so, never a failure."""
    n, label = len(data.both), metric_label(data.metric)
    message = text("links", "too_few", n=n, have=counted("links", "have", n), least=MIN_LINK_LAS)
    fig = message_panel(f"{label} and {data.kpi_lower}", message, wrap=False)
    caption = text(
        "links",
        "too_few_caption",
        label=label,
        period=data.period,
        kpi_lower=data.kpi_lower,
        kpi_period=data.kpi_period,
        message=message,
    )
    alt = text("panels", "no_chart", text=message)
    return fig, FigureSpec(link_id(data.metric, data.indicator), caption, alt)


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
    LAs named), with a rank correlation and a caption on what so few areas can and cannot
    show: prepared (:func:`prepare_link`), drawn (:func:`draw_link`) and described
    (:func:`describe_link`)."""
    data = prepare_link(metrics, kpis, (metric, indicator), (period, kpi_period), kpi_label)
    if len(data.both) < MIN_LINK_LAS:
        return _too_few(data)
    return draw_link(data, names), describe_link(data, names, demo)
