"""The ranked (caterpillar) chart of one metric: LAs ordered by value with 95% Wilson
intervals and the regional value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from oversight.figures.ids import funnel_id, rank_id
from oversight.figures.style import (
    FLAG_STYLES,
    FLAGS,
    GREY,
    OKABE_ITO,
    FigureSpec,
    counted,
    fig_title,
    legend_below,
    metric_label,
    new_figure,
    pct,
    style_axes,
    styled,
    suppressed_panel,
    text,
)
from oversight.figures.table import la_rows, named_rows, select_rows, split_region, with_flags


@dataclass(frozen=True)
class RankData:
    """What a ranked chart shows: the LAs (named, flagged, lowest value first, so the highest
    is drawn at the top), the regional value and the rows with an interval."""

    metric: str
    period: str
    las: pd.DataFrame
    region: float
    has_ci: pd.Series  # which rows of ``las`` have both interval ends

    @property
    def ci(self) -> pd.DataFrame:
        return self.las[self.has_ci]


def prepare_rank(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> RankData | None:
    """The LAs of one metric (breakdown 'all') in ``period``, ranked; None when disclosure
    control hides every LA's value. Raises ValueError when there is no LA row."""
    rows = select_rows(table, metric, period)
    if len(rows) and la_rows(rows).empty:
        return None
    las, baseline = split_region(rows, metric, period)
    las = named_rows(with_flags(las, baseline), names)
    las = las.sort_values(["value", "name"], ascending=[True, False], kind="stable")
    las = las.reset_index(drop=True)
    has_ci = las["lower95"].notna() & las["upper95"].notna()
    return RankData(metric, period, las, baseline, has_ci)


def _draw_marks(ax, data: RankData, ypos: np.ndarray) -> None:
    """The region line, the intervals and each LA styled by its funnel flag."""
    las, ci = data.las, data.ci
    ax.axvline(
        100 * data.region,
        color=OKABE_ITO["black"],
        lw=1.0,
        ls="--",
        label=f"Region ({pct(data.region)})",
        gid="region",
        zorder=1,
    )
    ax.errorbar(
        100 * ci["value"],
        ypos[data.has_ci.to_numpy()],
        xerr=[100 * (ci["value"] - ci["lower95"]), 100 * (ci["upper95"] - ci["value"])],
        fmt="none",
        ecolor=GREY,
        elinewidth=1.2,
        capsize=2,
        zorder=2,
        label="95% Wilson interval",
        gid="intervals",
    )
    for flag in FLAGS:
        sel = (las["funnel_flag"] == flag).to_numpy()
        if not sel.any():
            continue
        st = FLAG_STYLES[flag]
        ax.plot(
            100 * las.loc[sel, "value"],
            ypos[sel],
            ls="none",
            marker=st.marker,
            ms=st.size - 0.5,
            mec=OKABE_ITO["black"] if st.filled else st.colour,
            mew=0.7,
            mfc=st.colour if st.filled else "white",
            label=f"{st.label} ({int(sel.sum())})",
            gid=f"points-{flag}",
            zorder=3,
        )


def draw_rank(data: RankData) -> Figure:
    """LAs ranked by value with 95% Wilson intervals; the region as a vertical line."""
    las, baseline = data.las, data.region
    ypos = np.arange(len(las))
    fig = new_figure(1.4 + 0.24 * len(las))
    ax = fig.add_subplot()
    style_axes(ax)
    _draw_marks(ax, data, ypos)
    ax.set_yticks(ypos, las["name"])
    ax.set_ylim(-0.7, len(las) - 0.3)
    lo = float(np.nanmin(np.r_[las["lower95"], las["value"], baseline]))
    hi = float(np.nanmax(np.r_[las["upper95"], las["value"], baseline]))
    pad = 0.04 * max(hi - lo, 0.05)
    ax.set_xlim(max(0.0, 100 * (lo - pad)), min(100.0, 100 * (hi + pad)))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Percentage (with 95% Wilson interval)")
    fig_title(fig, f"{metric_label(data.metric)}, {data.period}")
    ax.grid(axis="x", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)
    legend_below(fig, ax, first=("Region", "95% Wilson"))
    return fig


def describe_rank(data: RankData) -> FigureSpec:
    """The ranked chart's ID, caption and alt text (templates in figure_text.yaml)."""
    label, las, ci = metric_label(data.metric), data.las, data.ci
    top, bottom = las.iloc[-1], las.iloc[0]
    below = int((ci["upper95"] < data.region).sum())
    alt = text(
        "rank",
        "alt",
        label_lower=label.lower(),
        period=data.period,
        n=len(las),
        region=pct(data.region),
        top=top["name"],
        top_value=pct(top["value"]),
        bottom=bottom["name"],
        bottom_value=pct(bottom["value"]),
        below=below,
        have=counted("rank", "have", below),
        above=int((ci["lower95"] > data.region).sum()),
    )
    caption = text(
        "rank",
        "caption",
        label=label,
        period=data.period,
        method=text("rank", "method"),
        region=pct(data.region),
        funnel=funnel_id(data.metric),
    )
    return FigureSpec(rank_id(data.metric), caption, alt)


@styled
def caterpillar_plot(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """LAs ranked by value with 95% Wilson intervals; the region as a vertical line:
    prepared (:func:`prepare_rank`), drawn (:func:`draw_rank`) and described
    (:func:`describe_rank`)."""
    data = prepare_rank(table, metric, period, names)
    if data is None:
        return suppressed_panel(rank_id(metric), metric, period)
    return draw_rank(data), describe_rank(data)
