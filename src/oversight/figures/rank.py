"""The ranked (caterpillar) chart of one metric: LAs ordered by value with 95% Wilson
intervals and the regional value."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from oversight.figures.style import (
    FLAG_STYLES,
    FLAGS,
    GREY,
    OKABE_ITO,
    FigureSpec,
    fig_title,
    legend_below,
    metric_label,
    new_figure,
    pct,
    style_axes,
    styled,
    suppressed_panel,
)
from oversight.figures.table import la_rows, named_rows, select_rows, split_region, with_flags

WILSON_METHOD = "Wilson score intervals"


@styled
def caterpillar_plot(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """LAs ranked by value with 95% Wilson intervals; the region as a vertical line."""
    label = metric_label(metric)
    rows = select_rows(table, metric, period)
    if len(rows) and la_rows(rows).empty:
        return suppressed_panel(f"FIG-RANK-{metric}", metric, period)
    las, baseline = split_region(rows, metric, period)
    las = named_rows(with_flags(las, baseline), names)
    # Lowest first, so the highest value is drawn at the top.
    las = las.sort_values(["value", "name"], ascending=[True, False], kind="stable")
    las = las.reset_index(drop=True)
    ypos = np.arange(len(las))

    fig = new_figure(1.4 + 0.24 * len(las))
    ax = fig.add_subplot()
    style_axes(ax)
    ax.axvline(
        100 * baseline,
        color=OKABE_ITO["black"],
        lw=1.0,
        ls="--",
        label=f"Region ({pct(baseline)})",
        gid="region",
        zorder=1,
    )
    has_ci = las["lower95"].notna() & las["upper95"].notna()
    ci = las[has_ci]
    ax.errorbar(
        100 * ci["value"],
        ypos[has_ci.to_numpy()],
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
    ax.set_yticks(ypos, las["name"])
    ax.set_ylim(-0.7, len(las) - 0.3)
    lo = float(np.nanmin(np.r_[las["lower95"], las["value"], baseline]))
    hi = float(np.nanmax(np.r_[las["upper95"], las["value"], baseline]))
    pad = 0.04 * max(hi - lo, 0.05)
    ax.set_xlim(max(0.0, 100 * (lo - pad)), min(100.0, 100 * (hi + pad)))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Percentage (with 95% Wilson interval)")
    fig_title(fig, f"{label}, {period}")
    ax.grid(axis="x", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)
    legend_below(fig, ax, first=("Region", "95% Wilson"))

    top, bottom = las.iloc[-1], las.iloc[0]
    below = int((ci["upper95"] < baseline).sum())
    above = int((ci["lower95"] > baseline).sum())
    alt = (
        f"Caterpillar plot of {label.lower()} in {period} for {len(las)} LAs ranked by value "
        f"with 95% Wilson intervals; region {pct(baseline)}; highest {top['name']} "
        f"{pct(top['value'])}, lowest {bottom['name']} {pct(bottom['value'])}; "
        f"{below} {'LA has' if below == 1 else 'LAs have'} an interval entirely below the "
        f"region value and {above} entirely above it."
    )
    caption = (
        f"{label}, {period}: LAs ranked from highest to lowest, with 95% confidence "
        f"intervals ({WILSON_METHOD}). The dashed vertical line is the regional value "
        f"({pct(baseline)}). Marker shape and colour give each LA's position on the "
        f"funnel plot FIG-FUNNEL-{metric}: against its centre line and the 95% and 99.8% "
        "limits used there (widened for over-dispersion when the LAs vary more than chance)."
    )
    return fig, FigureSpec(f"FIG-RANK-{metric}", caption, alt)
