"""The funnel plot of one proportion metric: each LA's value against its denominator, with
the control limits the funnel flags use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from oversight.figures.ids import funnel_id
from oversight.figures.labels import point_label
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
    some_of,
    style_axes,
    styled,
    suppressed_panel,
    text,
    texts,
)
from oversight.figures.table import (
    is_region,
    la_rows,
    named_rows,
    select_rows,
    split_region,
    with_flags,
)
from oversight.stats import funnel_limits
from oversight.stats.funnel import control_limits
from oversight.stats.overdispersion import overdispersion

# Control limits: centre solid, 95% dashed, 99.8% dotted.
LIMIT_STYLES = {0.95: ("--", "95% limits"), 0.998: (":", "99.8% limits")}


def _funnel_grid(denominators: np.ndarray, points: int = 400) -> np.ndarray:
    """The denominators the limits are drawn over: from half the smallest to past the largest."""
    lo = max(1.0, 0.5 * float(denominators.min()))
    hi = 1.05 * float(denominators.max())
    return np.linspace(lo, hi, points)


# Direct labelling: a funnel names at most this many LAs (those furthest outside its limits);
# more names than this crowd the funnel's neck, and the ranked chart names every LA.
MAX_FUNNEL_LABELS = 6


def _furthest(rows: pd.DataFrame, baseline: float, limit: int) -> pd.DataFrame:
    """The ``limit`` rows furthest from ``baseline`` in binomial standard errors (z score),
    ties broken by name."""
    se = np.sqrt(baseline * (1 - baseline) / rows["denominator"].to_numpy(float))
    z = np.abs(rows["value"].to_numpy(float) - baseline) / np.where(se > 0, se, np.inf)
    ranked = rows.assign(_z=z).sort_values(["_z", "name"], ascending=[False, True])
    return ranked.head(limit).drop(columns="_z")


@dataclass(frozen=True)
class FunnelLines:
    """What a funnel plot draws: the centre line, what it is, and the tau2 of the adjusted
    limits (None when the unadjusted limits are the ones used)."""

    centre: float
    comparator: str  # "region" or "la_median"
    las: int  # LAs in the funnel, hidden ones included
    tau2: float | None
    phi: float
    note: str = ""  # what disclosure control kept back, for the caption

    @property
    def adjusted(self) -> bool:
        return self.tau2 is not None

    def centre_name(self) -> str:
        """'the median of the <n> LAs' or 'the regional value'."""
        if self.comparator == "la_median":
            return text("funnel", "centre_median", n=self.las)
        return text("funnel", "centre_region")


def _funnel_lines(rows: pd.DataFrame, region_value: float) -> FunnelLines:
    """The table's funnel (``oversight.compare.comparison``: comparator, centre, phi, tau2 and the
    limits used). A table without them gets the regional value and the unadjusted limits. When
    disclosure control hides the centre (it is built on a hidden value) the curves are drawn
    around the regional value without adjustment; when it hides phi and tau2 (one LA's count
    is hidden) tau2 is estimated from the LAs whose counts are published. ``note`` says so."""
    las = rows[~is_region(rows["la_code"])]
    cols = ["funnel_comparator", "funnel_centre", "funnel_limits", "funnel_tau2", "funnel_phi"]
    if not set(cols) <= set(rows):
        return FunnelLines(region_value, "region", len(las), None, float("nan"))
    known = rows.dropna(subset=["funnel_comparator", "funnel_limits"])
    known = known[known["funnel_comparator"].astype(str) != ""]
    if known.empty:
        return FunnelLines(region_value, "region", len(las), None, float("nan"))
    first = known.iloc[0]
    comparator = str(first["funnel_comparator"])
    n = int((las["funnel_comparator"].astype(str) == comparator).sum())
    centre, tau2, phi = (
        float(pd.to_numeric(first[c], errors="coerce"))
        for c in ("funnel_centre", "funnel_tau2", "funnel_phi")
    )
    if not np.isfinite(centre):
        note = text("funnel", "note_centre_hidden")
        return FunnelLines(region_value, "region", n, None, float("nan"), note)
    if str(first["funnel_limits"]) != "adjusted":
        return FunnelLines(centre, comparator, n, None, phi)
    if np.isfinite(tau2):
        return FunnelLines(centre, comparator, n, tau2, phi)
    shown = la_rows(rows).dropna(subset=["numerator"])
    od = overdispersion(
        shown["numerator"].to_numpy(float),
        shown["denominator"].to_numpy(float),
        data_type="PR",
        target=centre,
    )
    note = text("funnel", "note_tau2_estimated")
    return FunnelLines(centre, comparator, n, float(od["tau2"]), float("nan"), note)


UNADJUSTED_GREY = "#C4C4C4"  # the limits before the over-dispersion adjustment, drawn faintly


def unit(metric: str) -> str:
    """What the metric's denominator counts (figure_text.yaml, by metric prefix)."""
    for prefix, name in texts()["funnel"]["units"].items():
        if metric.startswith(prefix):
            return name
    return text("funnel", "unit_default")


@dataclass(frozen=True)
class FunnelData:
    """What a funnel plot shows: the LAs (named, flagged, by denominator), the lines, the
    denominator grid the limits are drawn over, and the LAs named on the chart."""

    metric: str
    period: str
    las: pd.DataFrame
    lines: FunnelLines
    grid: np.ndarray
    named: pd.DataFrame  # the LAs outside the 99.8% limits furthest from the centre
    outside: int  # LAs outside the 99.8% limits


def prepare_funnel(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> FunnelData | None:
    """The funnel of one proportion metric (breakdown 'all') in ``period``; None when
    disclosure control hides every LA's value. Raises ValueError when there is no LA row."""
    rows = select_rows(table, metric, period)
    if len(rows) and la_rows(rows).empty:
        return None
    las, region_value = split_region(rows, metric, period)
    lines = _funnel_lines(rows, region_value)
    las = named_rows(with_flags(las, lines.centre), names)
    las = las.sort_values(["denominator", "name"], kind="stable")
    grid = _funnel_grid(las["denominator"].to_numpy(float))
    outside = las[las["funnel_flag"].isin(["low_998", "high_998"])]
    named = _furthest(outside, lines.centre, MAX_FUNNEL_LABELS)
    return FunnelData(metric, period, las, lines, grid, named, len(outside))


def _draw_limits(ax, data: FunnelData) -> tuple[float, float]:
    """The centre line and control limits (and, when adjusted, the unadjusted limits drawn
    faintly); returns the value range (0-1) the y axis must show."""
    lines, grid, baseline = data.lines, data.grid, data.lines.centre
    centre = f"Median of the {lines.las} LAs" if lines.comparator == "la_median" else "Region"
    ax.axhline(
        100 * baseline,
        color=OKABE_ITO["black"],
        lw=1.2,
        ls="-",
        label=f"{centre} ({pct(baseline)})",
        gid="centre",
        zorder=2,
    )
    vals = data.las["value"].to_numpy(float)
    ymin, ymax = float(vals.min()), float(vals.max())
    for conf, (ls, name) in LIMIT_STYLES.items():
        lower, upper = control_limits(baseline, grid, conf, lines.tau2)
        tag = "95" if conf == 0.95 else "998"
        name = f"{name} (adjusted)" if lines.adjusted else name
        for side, curve, legend in (("lower", lower, name), ("upper", upper, "_nolegend_")):
            ax.plot(
                grid,
                100 * curve,
                color=GREY,
                ls=ls,
                lw=1.1,
                label=legend,
                gid=f"limit-{tag}-{side}",
                zorder=1,
            )
        if lines.adjusted:
            _draw_unadjusted(ax, baseline, grid, conf, ls, tag)
        # Adjusted limits are the ones cited at 99.8%, and nearly flat: keep them in view.
        if conf == 0.95 or lines.adjusted:
            ymin = min(ymin, float(lower.min()))
            ymax = max(ymax, float(upper.max()))
    return ymin, ymax


def _draw_unadjusted(ax, baseline: float, grid: np.ndarray, conf: float, ls: str, tag: str):
    """The limits before the over-dispersion adjustment, faint behind the adjusted ones."""
    faint_lo, faint_hi = funnel_limits(baseline, grid, conf)
    faint = "Limits before adjustment" if conf == 0.998 else "_nolegend_"
    for side, curve, legend in (("lower", faint_lo, faint), ("upper", faint_hi, "_")):
        ax.plot(
            grid,
            100 * curve,
            color=UNADJUSTED_GREY,
            ls=ls,
            lw=0.8,
            label=legend if legend != "_" else "_nolegend_",
            gid=f"limit-{tag}-{side}-unadjusted",
            zorder=0.5,
        )


def _draw_points(ax, las: pd.DataFrame) -> None:
    """Each LA styled by its funnel flag (colour, marker shape and fill)."""
    for flag in FLAGS:
        part = las[las["funnel_flag"] == flag]
        if part.empty:
            continue
        st = FLAG_STYLES[flag]
        ax.plot(
            part["denominator"],
            100 * part["value"],
            ls="none",
            marker=st.marker,
            ms=st.size,
            mec=OKABE_ITO["black"] if st.filled else st.colour,
            mew=0.7,
            mfc=st.colour if st.filled else "white",
            label=f"{st.label} ({len(part)})",
            gid=f"points-{flag}",
            zorder=3,
        )


def draw_funnel(data: FunnelData) -> Figure:
    """x is the LA's denominator, y its value in per cent; the centre line is the table's
    comparator and the 95% and 99.8% control limits the flags use are drawn over a fine
    denominator grid: the over-dispersion-adjusted limits when the LAs are over-dispersed,
    with the unadjusted limits (:func:`oversight.stats.funnel_limits`) faintly behind them,
    else the unadjusted limits alone (:func:`oversight.stats.funnel.control_limits`)."""
    fig = new_figure(4.6)
    ax = fig.add_subplot()
    style_axes(ax)
    ymin, ymax = _draw_limits(ax, data)
    _draw_points(ax, data.las)
    pad = 0.06 * max(ymax - ymin, 0.05)
    ax.set_ylim(max(0.0, 100 * (ymin - pad)), min(100.0, 100 * (ymax + pad)))
    ax.set_xlim(0, data.grid.max())
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel(f"Number of {unit(data.metric)} (denominator)")
    ax.set_ylabel("Percentage")
    fig_title(fig, f"{metric_label(data.metric)}, {data.period}")
    ax.grid(axis="y", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)
    named = data.named
    for x, y, name in zip(named["denominator"], 100 * named["value"], named["name"], strict=True):
        point_label(ax, float(x), float(y), name)
    legend_below(fig, ax)
    return fig


def _alt_limits(data: FunnelData) -> list[str]:
    """The alt text's centre line and limits."""
    lines = data.lines
    if lines.comparator == "region":
        centre = text("funnel", "alt_centre_region")
    else:
        centre = text("funnel", "alt_centre_median", n=lines.las)
    if lines.adjusted:
        phi = text("funnel", "alt_phi", phi=lines.phi) if np.isfinite(lines.phi) else ""
        limits = text("funnel", "alt_limits_adjusted", phi=phi)
    else:
        limits = text("funnel", "alt_limits_unadjusted")
    return [text("funnel", "alt_centre", centre=centre, value=pct(lines.centre)), limits]


def _alt_outside(las: pd.DataFrame) -> list[str]:
    """The alt text's LAs outside the 99.8% limits, below then above."""
    low = las[las["funnel_flag"] == "low_998"].sort_values(["value", "name"])
    high = las[las["funnel_flag"] == "high_998"].sort_values(
        ["value", "name"], ascending=[False, True]
    )
    parts = []
    for rows, side in ((low, "below"), (high, "above")):
        if rows.empty:
            continue
        who = some_of([f"{n} {pct(v)}" for n, v in zip(rows["name"], rows["value"], strict=True)])
        verb = "lies" if len(rows) == 1 else "lie"
        limit = "it" if side == "above" and not low.empty else "the 99.8% limit"
        parts.append(text("funnel", "alt_outside", who=who, verb=verb, side=side, limit=limit))
    if low.empty and high.empty:
        parts.append(text("funnel", "alt_none_outside"))
    return parts


def _alt(data: FunnelData) -> str:
    """The alt text: the LAs, the lines, who lies outside the limits and by how much."""
    las = data.las
    label = metric_label(data.metric)
    parts = [
        text("funnel", "alt_opening", label_lower=label.lower(), period=data.period, n=len(las)),
        *_alt_limits(data),
        *_alt_outside(las),
    ]
    n95 = int(las["funnel_flag"].isin(["low_95", "high_95"]).sum())
    parts.append(text("funnel", "alt_between", others=counted("funnel", "others", n95)))
    if data.lines.adjusted:
        flags = las.get("funnel_flag_unadjusted", pd.Series(dtype=str))
        before = int(flags.isin(["low_998", "high_998"]).sum())
        parts.append(text("funnel", "alt_before", count=counted("funnel", "lay", before)))
    return "; ".join(parts) + "."


def _caption_limits(lines: FunnelLines) -> str:
    """The caption's account of the control limits drawn."""
    method = text("funnel", "method")
    if lines.adjusted:
        phi = text("funnel", "caption_phi", phi=lines.phi) if np.isfinite(lines.phi) else ""
        return text("funnel", "caption_adjusted", phi=phi, method=method)
    why = "" if lines.note else text("funnel", "caption_not_overdispersed")
    return text("funnel", "caption_unadjusted", method=method, why=why)


def _caption(data: FunnelData) -> str:
    """The caption: what is plotted, the lines and limits, and who is named."""
    lines = data.lines
    opening = text(
        "funnel",
        "caption_opening",
        label=metric_label(data.metric),
        period=data.period,
        unit=unit(data.metric),
        centre=lines.centre_name(),
        value=pct(lines.centre),
    )
    if len(data.named) == data.outside:
        named = text("funnel", "caption_all_named")
    else:
        named = text("funnel", "caption_some_named", named=len(data.named), outside=data.outside)
    note = f" {lines.note}" if lines.note else ""
    return opening + _caption_limits(lines) + text("funnel", "caption_marks") + named + note


def describe_funnel(data: FunnelData) -> FigureSpec:
    """The funnel's ID, caption and alt text (templates in figure_text.yaml)."""
    return FigureSpec(funnel_id(data.metric), _caption(data), _alt(data))


@styled
def funnel_plot(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Funnel plot of one proportion metric (breakdown 'all') in ``period``: prepared
    (:func:`prepare_funnel`), drawn (:func:`draw_funnel`) and described
    (:func:`describe_funnel`). Points are styled by funnel flag (colour, shape and fill);
    LAs outside the 99.8% limits are named."""
    data = prepare_funnel(table, metric, period, names)
    if data is None:
        return suppressed_panel(funnel_id(metric), metric, period)
    return draw_funnel(data), describe_funnel(data)
