"""Report figures for the regional comparison, built from the long results table.

Every builder is a pure function of the table (``results/tables/oversight_metrics.csv``
read into a DataFrame) and a mapping of LA code to name. It returns a matplotlib
:class:`~matplotlib.figure.Figure` and a :class:`FigureSpec` holding the figure's ID, a
caption and alt text generated from the data. Only :func:`save` touches the file system.

Design for accessibility: the Okabe-Ito colour-blind-safe palette throughout, and every
distinction that colour makes is also made by marker shape, line style or hatching, so
the figures read in greyscale. Percentages are formatted as such; sizes suit a report
page (6.3 inches wide, A4 with margins).

Reproducibility: :func:`save` fixes the SVG hash salt and drops the date and software
metadata, so the same table gives byte-identical SVG and PNG files.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import ParamSpec, TypeVar
from xml.sax.saxutils import escape as xml_escape

import matplotlib

matplotlib.use("Agg")

import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.transforms
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, PercentFormatter

from oversight.artefacts import atomic_path
from oversight.compare.metrics import definitions
from oversight.config import load_yaml
from oversight.stats import funnel_limits
from oversight.stats.funnel import control_limits
from oversight.stats.overdispersion import overdispersion

# The region's rows carry its GSS code; every English region's code starts E12 (the study's
# own region is set once, in config/config.yaml, and the tables carry it).
REGION_PREFIX = "E12"


def is_region(codes: pd.Series) -> pd.Series:
    """Which rows of a table are the region's (GSS region codes), not an LA's."""
    return codes.astype(str).str.startswith(REGION_PREFIX)


YEAR_TREND_METRIC = "child_oversight_28d"
PAGE_WIDTH = 6.3  # inches: an A4 page less 2.5 cm margins
DPI = 150
SVG_HASHSALT = "oversight-figures"

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#7F7F7F"  # neutral grey for reference lines (not a hue, so safe for all viewers)

FLAGS = ("low_998", "low_95", "within", "high_95", "high_998")


@dataclass(frozen=True)
class FlagStyle:
    label: str
    colour: str
    marker: str
    filled: bool
    size: float


# Each funnel position differs in colour, marker shape and fill, so it reads in greyscale.
FLAG_STYLES: dict[str, FlagStyle] = {
    "low_998": FlagStyle("Below 99.8% limit", OKABE_ITO["vermillion"], "v", True, 7.5),
    "low_95": FlagStyle("Below 95% limit", OKABE_ITO["orange"], "s", True, 6.0),
    "within": FlagStyle("Within 95% limits", OKABE_ITO["black"], "o", False, 6.0),
    "high_95": FlagStyle("Above 95% limit", OKABE_ITO["sky_blue"], "D", True, 5.5),
    "high_998": FlagStyle("Above 99.8% limit", OKABE_ITO["blue"], "^", True, 7.5),
}

# Control limits: centre solid, 95% dashed, 99.8% dotted.
LIMIT_STYLES = {0.95: ("--", "95% limits"), 0.998: (":", "99.8% limits")}

GRADE_NAMES = {1: "Inadequate", 2: "Requires improvement", 3: "Good", 4: "Outstanding"}
GRADE_COLOURS = {
    1: OKABE_ITO["vermillion"],
    2: OKABE_ITO["orange"],
    3: OKABE_ITO["sky_blue"],
    4: OKABE_ITO["blue"],
}
GRADE_HATCHES = {1: "xxx", 2: "///", 3: "...", 4: "\\\\\\"}

# What each headline metric's denominator counts (x-axis label of the funnel plot).
DENOMINATOR_UNITS = {
    "staff_supervision": "eligible workers",
    "child_oversight": "children open at the census date",
    "part1_family_reflection": "case supervisions held",
    "part2_practitioner_reflection": "personal supervisions held",
    "audit": "audits",
}
DOMAIN_NAMES = {"voice_of_child": "Voice of the child"}

PHE_METHOD = "PHEindicatormethods proportion funnels"
WILSON_METHOD = "Wilson score intervals"

P = ParamSpec("P")
R = TypeVar("R")

# A month ("2024-04"); the study year's label ("2024-25") has a second part above 12.
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

BASE_RC = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "path",
}


@dataclass(frozen=True)
class FigureSpec:
    """A figure's stable ID (file stem), its caption and its alt text."""

    id: str
    caption: str
    alt: str


# ----------------------------------------------------------------------------- helpers
def _label(metric: str) -> str:
    return definitions().get(metric, {}).get("label", metric.replace("_", " "))


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _name(code: str, names: Mapping[str, str] | None) -> str:
    return (names or {}).get(code, code)


def _unit(metric: str) -> str:
    for prefix, unit in DENOMINATOR_UNITS.items():
        if metric.startswith(prefix):
            return unit
    return "the denominator"


def _domain(domain: str) -> str:
    return DOMAIN_NAMES.get(domain, domain.replace("_", " ").capitalize())


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _flags(series: pd.Series) -> pd.Series:
    """Funnel flags as plain strings, missing values as ''."""
    return series.astype(object).where(series.notna(), "").astype(str)


def _select(
    table: pd.DataFrame, metric: str, period: str | None, breakdown: str | None = "all"
) -> pd.DataFrame:
    sel = table["metric"] == metric
    if period is not None:
        sel &= table["period"] == period
    if breakdown is not None:
        sel &= table["breakdown"] == breakdown
    return table[sel]


def _la_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """LA rows with a usable (published, not suppressed) value and denominator."""
    return rows[
        ~is_region(rows["la_code"]) & (rows["denominator"] > 0) & rows["value"].notna()
    ].copy()


def _suppressed_panel(fig_id: str, metric: str, period: str) -> tuple[Figure, FigureSpec]:
    """The figure when disclosure control has hidden every LA's value of a metric (a run of
    few LAs, or small counts everywhere): a panel that says so, never a failure."""
    fig = _figure(1.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    text = (
        f"No LA's value for {period} can be published: each is hidden by disclosure control "
        "(counts from 1 to 5, or cells that would reveal them)."
    )
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, wrap=True, transform=ax.transAxes)
    _title(fig, _label(metric))
    return fig, FigureSpec(fig_id, f"{_label(metric)}, {period}: {text}", f"No chart: {text}")


def _split_region(rows: pd.DataFrame, metric: str, period: str) -> tuple[pd.DataFrame, float]:
    """LA rows with a usable value, and the regional value (pooled if the row is missing)."""
    las = _la_rows(rows)
    if las.empty:
        raise ValueError(f"no LA rows for metric {metric!r} in period {period!r}")
    region = rows.loc[is_region(rows["la_code"]), "value"].dropna()
    if len(region):
        baseline = float(region.iloc[0])
    else:
        baseline = float(las["numerator"].sum() / las["denominator"].sum())
    return las, baseline


def _with_flags(las: pd.DataFrame, baseline: float) -> pd.DataFrame:
    """Fill any missing funnel flag from the limits (the table's own flags win)."""
    out = las.copy()
    flags = _flags(out["funnel_flag"]) if "funnel_flag" in out else pd.Series("", index=out.index)
    missing = ~flags.isin(FLAGS)
    if missing.any():
        dens = out.loc[missing, "denominator"].to_numpy(float)
        vals = out.loc[missing, "value"].to_numpy(float)
        lo95, hi95 = funnel_limits(baseline, dens, 0.95)
        lo998, hi998 = funnel_limits(baseline, dens, 0.998)
        flags[missing] = np.select(
            [vals < lo998, vals < lo95, vals > hi998, vals > hi95],
            ["low_998", "low_95", "high_998", "high_95"],
            default="within",
        )
    out["funnel_flag"] = flags
    return out


def _named(las: pd.DataFrame, names: Mapping[str, str] | None) -> pd.DataFrame:
    out = las.copy()
    out["name"] = [_name(c, names) for c in out["la_code"]]
    return out


def _styled(builder: Callable[P, R]) -> Callable[P, R]:
    """Build the figure under the report style, whatever the global rcParams."""

    @functools.wraps(builder)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with matplotlib.rc_context(BASE_RC):
            return builder(*args, **kwargs)

    return wrapper


def _figure(height: float, width: float = PAGE_WIDTH) -> Figure:
    """A figure not registered with pyplot (no global state), laid out by constraints."""
    return Figure(figsize=(width, height), layout="constrained")


def _style_axes(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=BASE_RC["xtick.labelsize"])


def _title(fig: Figure, text: str) -> None:
    """A left-aligned figure title, wrapped to the page width."""
    fig.suptitle(textwrap.fill(text, 80), x=0.01, ha="left", fontsize=9)


def _legend(fig: Figure, ax, ncols: int = 3, first: tuple[str, ...] = ()) -> None:
    """A legend below the axes that reads row by row (matplotlib fills columns first);
    entries whose labels start with one of ``first`` come first."""
    handles, labels = ax.get_legend_handles_labels()
    rank = [
        next((i for i, f in enumerate(first) if lab.startswith(f)), len(first)) for lab in labels
    ]
    keep = sorted(range(len(labels)), key=lambda i: rank[i])
    handles, labels = [handles[i] for i in keep], [labels[i] for i in keep]
    n = len(handles)
    order = [i for col in range(ncols) for i in range(col, n, ncols)]
    fig.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="outside lower center",
        ncols=ncols,
        frameon=False,
    )


def _month_name(period: str, short: bool = False) -> str:
    return pd.to_datetime(period, format="%Y-%m").strftime("%b %Y" if short else "%B %Y")


def _month_tick(period: str) -> str:
    """A month on a time axis, always with its year ("Apr" over "2024")."""
    return pd.to_datetime(period, format="%Y-%m").strftime("%b\n%Y")


def _some(items: list[str], limit: int = 5) -> str:
    """Up to ``limit`` items joined in prose, then how many more."""
    if len(items) <= limit:
        return _join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} other LAs"


# ----------------------------------------------------------------------------- funnel
def _funnel_grid(denominators: np.ndarray, points: int = 400) -> np.ndarray:
    lo = max(1.0, 0.5 * float(denominators.min()))
    hi = 1.05 * float(denominators.max())
    return np.linspace(lo, hi, points)


LABEL_SIZE = 7.0  # points
LABEL_GID = "label-"  # gid prefix of a point label that finish() places


def _point_label(ax, x: float, y: float, text: str, size: float = LABEL_SIZE) -> None:
    """Name the point (x, y): the label starts on it and :func:`finish` moves it clear of the
    other labels and points, with a leader line when it ends up away from the point."""
    ax.text(x, y, text, fontsize=size, va="center", ha="left", gid=f"{LABEL_GID}{text}")


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
        """'the median of the 19 LAs' or 'the regional value'."""
        if self.comparator == "la_median":
            return f"the median of the {self.las} LAs"
        return "the regional value"


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
        note = (
            "The centre line the flags use is not published (it would reveal a hidden count): "
            "the curves are drawn around the regional value, without adjustment."
        )
        return FunnelLines(region_value, "region", n, None, float("nan"), note)
    if str(first["funnel_limits"]) != "adjusted":
        return FunnelLines(centre, comparator, n, None, phi)
    if np.isfinite(tau2):
        return FunnelLines(centre, comparator, n, tau2, phi)
    shown = _la_rows(rows).dropna(subset=["numerator"])
    od = overdispersion(
        shown["numerator"].to_numpy(float),
        shown["denominator"].to_numpy(float),
        data_type="PR",
        target=centre,
    )
    note = (
        "Phi and tau2 are not published for this funnel (they would reveal a hidden count): "
        "the adjusted limits are drawn from the LAs whose counts are published."
    )
    return FunnelLines(centre, comparator, n, float(od["tau2"]), float("nan"), note)


UNADJUSTED_GREY = "#C4C4C4"  # the limits before the over-dispersion adjustment, drawn faintly


@_styled
def funnel_plot(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Funnel plot of one proportion metric (breakdown 'all') in ``period``.

    x is the LA's denominator, y its value in per cent; the centre line is the table's
    comparator (the regional value or the median of the LAs' values) and the 95% and 99.8%
    control limits the flags use are drawn over a fine denominator grid: the
    over-dispersion-adjusted limits when the LAs are over-dispersed, with the unadjusted
    limits (:func:`oversight.stats.funnel_limits`) faintly behind them, else the unadjusted
    limits alone (:func:`oversight.stats.funnel.control_limits`). Points are styled by funnel
    flag (colour, shape and fill); LAs outside the 99.8% limits are named.
    """
    label = _label(metric)
    rows = _select(table, metric, period)
    if len(rows) and _la_rows(rows).empty:
        return _suppressed_panel(f"FIG-FUNNEL-{metric}", metric, period)
    las, region_value = _split_region(rows, metric, period)
    lines = _funnel_lines(rows, region_value)
    baseline = lines.centre
    las = _named(_with_flags(las, baseline), names)
    las = las.sort_values(["denominator", "name"], kind="stable")
    dens = las["denominator"].to_numpy(float)
    vals = las["value"].to_numpy(float)
    grid = _funnel_grid(dens)

    fig = _figure(4.6)
    ax = fig.add_subplot()
    _style_axes(ax)
    centre_label = f"Median of the {lines.las} LAs" if lines.comparator == "la_median" else "Region"
    ax.axhline(
        100 * baseline,
        color=OKABE_ITO["black"],
        lw=1.2,
        ls="-",
        label=f"{centre_label} ({_pct(baseline)})",
        gid="centre",
        zorder=2,
    )
    ymin, ymax = float(vals.min()), float(vals.max())
    for conf, (ls, text) in LIMIT_STYLES.items():
        lower, upper = control_limits(baseline, grid, conf, lines.tau2)
        tag = "95" if conf == 0.95 else "998"
        text = f"{text} (adjusted)" if lines.adjusted else text
        for side, curve, legend in (("lower", lower, text), ("upper", upper, "_nolegend_")):
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
        # Adjusted limits are the ones cited at 99.8%, and nearly flat: keep them in view.
        if conf == 0.95 or lines.adjusted:
            ymin = min(ymin, float(lower.min()))
            ymax = max(ymax, float(upper.max()))
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

    pad = 0.06 * max(ymax - ymin, 0.05)
    ax.set_ylim(max(0.0, 100 * (ymin - pad)), min(100.0, 100 * (ymax + pad)))
    ax.set_xlim(0, grid.max())
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel(f"Number of {_unit(metric)} (denominator)")
    ax.set_ylabel("Percentage")
    _title(fig, f"{label}, {period}")
    ax.grid(axis="y", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)

    outside = las[las["funnel_flag"].isin(["low_998", "high_998"])]
    named = _furthest(outside, baseline, MAX_FUNNEL_LABELS)
    for x, y, name in zip(named["denominator"], 100 * named["value"], named["name"], strict=True):
        _point_label(ax, float(x), float(y), name)
    _legend(fig, ax)

    low = las[las["funnel_flag"] == "low_998"].sort_values(["value", "name"])
    high = las[las["funnel_flag"] == "high_998"].sort_values(
        ["value", "name"], ascending=[False, True]
    )
    short = "region" if lines.comparator == "region" else lines.centre_name()[4:]
    centre_text = f"centre line {short} {_pct(baseline)}"
    limits_text = (
        "limits adjusted for over-dispersion"
        + (f" (phi {lines.phi:.1f})" if np.isfinite(lines.phi) else "")
        if lines.adjusted
        else "unadjusted limits"
    )
    parts = [
        f"Funnel plot of {label.lower()} in {period} for {len(las)} LAs",
        centre_text,
        limits_text,
    ]
    for rows, side in ((low, "below"), (high, "above")):
        if rows.empty:
            continue
        who = _some([f"{n} {_pct(v)}" for n, v in zip(rows["name"], rows["value"], strict=True)])
        verb = "lies" if len(rows) == 1 else "lie"
        limit = "it" if side == "above" and not low.empty else "the 99.8% limit"
        parts.append(f"{who} {verb} {side} {limit}")
    if low.empty and high.empty:
        parts.append("no LA lies outside the 99.8% limits")
    n95 = int(las["funnel_flag"].isin(["low_95", "high_95"]).sum())
    others = {0: "no other LA lies", 1: "1 other LA lies"}.get(n95, f"{n95} other LAs lie")
    parts.append(f"{others} between the 95% and 99.8% limits")
    if lines.adjusted:
        before = int(
            las.get("funnel_flag_unadjusted", pd.Series(dtype=str))
            .isin(["low_998", "high_998"])
            .sum()
        )
        parts.append(f"before the adjustment {_count_las(before)} outside the 99.8% limits")
    alt = "; ".join(parts) + "."
    limits_caption = (
        "dashed and dotted curves are the 95% and 99.8% control limits around it, widened "
        "for over-dispersion (the LAs vary more than chance alone would give"
        + (f": phi = {lines.phi:.1f}" if np.isfinite(lines.phi) else "")
        + "; Spiegelhalter's additive random-effects adjustment, z-scores "
        "Winsorised at 10% each tail, as FunnelPlotR), and the faint grey curves are the "
        f"limits before adjustment ({PHE_METHOD}). "
        if lines.adjusted
        else "dashed and dotted curves are the 95% and 99.8% control limits around it: "
        f"{PHE_METHOD} (normal approximation to the binomial"
        + ("" if lines.note else "; the LAs are not over-dispersed, so no adjustment is made")
        + "). "
    )
    caption = (
        f"{label}, {period}: each LA plotted against the number of {_unit(metric)}. "
        f"The solid line is the centre line, {lines.centre_name()} ({_pct(baseline)}); "
        + limits_caption
        + "Marker shape and colour show each LA's position; "
        + (
            "LAs outside the 99.8% limits are named."
            if len(named) == len(outside)
            else f"the {len(named)} of the {len(outside)} LAs outside the 99.8% limits that lie "
            "furthest from the centre line (in standard errors) are named, and the ranked "
            "chart names every LA."
        )
        + (f" {lines.note}" if lines.note else "")
    )
    return fig, FigureSpec(f"FIG-FUNNEL-{metric}", caption, alt)


def _count_las(n: int) -> str:
    return {0: "no LA lay", 1: "1 LA lay"}.get(n, f"{n} LAs lay")


# ----------------------------------------------------------------------------- caterpillar
@_styled
def caterpillar_plot(
    table: pd.DataFrame, metric: str, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """LAs ranked by value with 95% Wilson intervals; the region as a vertical line."""
    label = _label(metric)
    rows = _select(table, metric, period)
    if len(rows) and _la_rows(rows).empty:
        return _suppressed_panel(f"FIG-RANK-{metric}", metric, period)
    las, baseline = _split_region(rows, metric, period)
    las = _named(_with_flags(las, baseline), names)
    # Lowest first, so the highest value is drawn at the top.
    las = las.sort_values(["value", "name"], ascending=[True, False], kind="stable")
    las = las.reset_index(drop=True)
    ypos = np.arange(len(las))

    fig = _figure(1.4 + 0.24 * len(las))
    ax = fig.add_subplot()
    _style_axes(ax)
    ax.axvline(
        100 * baseline,
        color=OKABE_ITO["black"],
        lw=1.0,
        ls="--",
        label=f"Region ({_pct(baseline)})",
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
    _title(fig, f"{label}, {period}")
    ax.grid(axis="x", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)
    _legend(fig, ax, first=("Region", "95% Wilson"))

    top, bottom = las.iloc[-1], las.iloc[0]
    below = int((ci["upper95"] < baseline).sum())
    above = int((ci["lower95"] > baseline).sum())
    alt = (
        f"Caterpillar plot of {label.lower()} in {period} for {len(las)} LAs ranked by value "
        f"with 95% Wilson intervals; region {_pct(baseline)}; highest {top['name']} "
        f"{_pct(top['value'])}, lowest {bottom['name']} {_pct(bottom['value'])}; "
        f"{below} {'LA has' if below == 1 else 'LAs have'} an interval entirely below the "
        f"region value and {above} entirely above it."
    )
    caption = (
        f"{label}, {period}: LAs ranked from highest to lowest, with 95% confidence "
        f"intervals ({WILSON_METHOD}). The dashed vertical line is the regional value "
        f"({_pct(baseline)}). Marker shape and colour give each LA's position on the "
        f"funnel plot FIG-FUNNEL-{metric}: against its centre line and the 95% and 99.8% "
        "limits used there (widened for over-dispersion when the LAs vary more than chance)."
    )
    return fig, FigureSpec(f"FIG-RANK-{metric}", caption, alt)


# ----------------------------------------------------------------------------- trend
@_styled
def trend_small_multiples(
    table: pd.DataFrame,
    metric: str = YEAR_TREND_METRIC,
    names: Mapping[str, str] | None = None,
    ncols: int = 4,
) -> tuple[Figure, FigureSpec]:
    """One small panel per LA of the monthly series (periods 'YYYY-MM', breakdown 'all'),
    on a shared y axis, with the regional series drawn faintly in every panel."""
    label = _label(metric)
    rows = _select(table, metric, None)
    rows = rows[rows["period"].astype(str).str.match(_MONTH) & rows["value"].notna()]
    if rows.empty:
        raise ValueError(f"no monthly rows for metric {metric!r}")
    months = sorted(rows["period"].unique())
    pos = {m: i for i, m in enumerate(months)}
    region = rows[is_region(rows["la_code"])].sort_values("period")
    las = _named(rows[~is_region(rows["la_code"])], names)
    order = (
        las[["la_code", "name"]]
        .drop_duplicates()
        .sort_values(["name", "la_code"])["la_code"]
        .tolist()
    )
    if not order:
        raise ValueError(f"no LA monthly rows for metric {metric!r}")

    nrows = -(-len(order) // ncols)
    fig = _figure(1.0 + 1.45 * nrows)
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    ticks = [i for i, m in enumerate(months) if i % 3 == 0]
    rx = [pos[m] for m in region["period"]]
    ry = 100 * region["value"].to_numpy(float)
    for k, ax in enumerate(axes.flat):
        _style_axes(ax)
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
        ax.set_title(textwrap.fill(_name(code, names), 20), fontsize=7.5, loc="left")
        ax.set_xticks(ticks, [_month_tick(months[i]) for i in ticks])
        ax.grid(axis="y", color="#EEEEEE", lw=0.5)
        ax.tick_params(labelsize=6.5)
        ax.tick_params(labelbottom=True)
    axes.flat[0].yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    first, last = _month_name(months[0]), _month_name(months[-1])
    _title(fig, f"{label}: monthly, {first} to {last}")
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
            f"the region ranged from {_pct(rmin['value'])} "
            f"({_month_name(rmin['period'])}) to {_pct(rmax['value'])} "
            f"({_month_name(rmax['period'])})"
        )
    means = las.groupby(["la_code", "name"])["value"].mean().reset_index()
    means = means.sort_values(["value", "name"])
    lo, hi = means.iloc[0], means.iloc[-1]
    parts.append(
        f"the lowest monthly average was {lo['name']} ({_pct(lo['value'])}) and "
        f"the highest {hi['name']} ({_pct(hi['value'])})"
    )
    alt = "; ".join(parts) + "."
    caption = (
        f"{label}, each month from {first} to {last} (census at each month end): one panel "
        "per LA on a shared vertical scale, with the regional series as a faint dashed "
        "line in every panel. Monthly values are shown without intervals or control "
        "limits."
    )
    return fig, FigureSpec(f"FIG-TREND-{metric}", caption, alt)


# ----------------------------------------------------------------------------- grades
@_styled
def grade_distribution(
    table: pd.DataFrame, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Regional share of auditor grades 1-4 by domain (metric 'audit_grade_share') as
    horizontal stacked bars, hatched as well as coloured. ``names`` is not used."""
    del names  # region-level only: accepted for a uniform signature
    rows = _select(table, "audit_grade_share", period, breakdown=None)
    rows = rows[is_region(rows["la_code"])]
    parsed = rows["breakdown"].str.extract(r"^domain=(?P<domain>[^;]+);grade=(?P<grade>\d)$")
    rows = rows.assign(domain=parsed["domain"], grade=pd.to_numeric(parsed["grade"]))
    rows = rows.dropna(subset=["domain", "grade"])
    if rows.empty:
        raise ValueError(f"no regional audit_grade_share rows in period {period!r}")
    share = (
        rows.pivot_table(index="domain", columns="grade", values="value", aggfunc="first")
        .reindex(columns=list(GRADE_NAMES))
        .fillna(0.0)
    )
    audits = rows.groupby("domain")["denominator"].max()
    good = share[3] + share[4]
    order = (
        pd.DataFrame({"good": good, "name": [_domain(d) for d in share.index]})
        .sort_values(["good", "name"], ascending=[True, False])
        .index
    )
    share, good = share.loc[order], good.loc[order]
    labels = [_domain(d) for d in share.index]

    fig = _figure(1.6 + 0.38 * len(share))
    ax = fig.add_subplot()
    _style_axes(ax)
    left = np.zeros(len(share))
    ypos = np.arange(len(share))
    for grade, name in GRADE_NAMES.items():
        width = 100 * share[grade].to_numpy(float)
        bars = ax.barh(
            ypos,
            width,
            left=left,
            height=0.7,
            color=GRADE_COLOURS[grade],
            edgecolor=OKABE_ITO["black"],
            linewidth=0.5,
            hatch=GRADE_HATCHES[grade],
            label=f"{grade} {name}",
            gid=f"grade-{grade}",
        )
        ax.bar_label(
            bars,
            labels=[f"{w:.0f}%" if w >= 6 else "" for w in width],
            label_type="center",
            fontsize=6.5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        left += width
    ax.set_yticks(ypos, labels)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Share of audits in the domain")
    _title(fig, f"Auditor grades by audit domain, all LAs in the region, {period}")
    fig.legend(
        loc="outside lower center",
        ncols=4,
        frameon=False,
        handles=[
            Patch(
                facecolor=GRADE_COLOURS[g],
                edgecolor=OKABE_ITO["black"],
                linewidth=0.5,
                hatch=GRADE_HATCHES[g],
                label=f"{g} {n}",
            )
            for g, n in GRADE_NAMES.items()
        ],
    )

    counts = sorted({int(n) for n in audits.dropna()})
    n_text = (
        f"{counts[0]:,} audits in each domain"
        if len(counts) == 1
        else f"{counts[0]:,} to {counts[-1]:,} audits per domain"
    )
    lo_d, hi_d = good.idxmin(), good.idxmax()
    parts = [
        f"Stacked bar chart of auditor grades by domain across the region in {period} "
        f"for {len(share)} domains ({n_text})",
        f"good or outstanding ranged from {_pct(good[lo_d])} ({_domain(lo_d).lower()}) "
        f"to {_pct(good[hi_d])} ({_domain(hi_d).lower()})",
    ]
    if "management_oversight" in share.index:
        mo = share.loc["management_oversight"]
        parts.append(
            "management oversight: "
            + ", ".join(f"{_pct(mo[g])} {GRADE_NAMES[g].lower()}" for g in GRADE_NAMES)
        )
    alt = "; ".join(parts) + "."
    caption = (
        f"Share of auditor grades (1 inadequate to 4 outstanding) in each audit domain, "
        f"all LAs in the region combined, {period}; {n_text}. Domains are ordered by the "
        "share graded good or outstanding. Grades before moderation."
    )
    return fig, FigureSpec("FIG-GRADES-audits", caption, alt)


# ----------------------------------------------------------------------------- all
def headline_metrics() -> list[str]:
    return [m for m, d in definitions().items() if d.get("headline")]


def build_all(
    table: pd.DataFrame, period: str, names: Mapping[str, str] | None = None
) -> list[tuple[Figure, FigureSpec]]:
    """Funnel and caterpillar plots of every headline metric, the monthly trend and the
    regional grade distribution."""
    figures: list[tuple[Figure, FigureSpec]] = []
    for metric in headline_metrics():
        figures.append(funnel_plot(table, metric, period, names))
        figures.append(caterpillar_plot(table, metric, period, names))
    figures.append(trend_small_multiples(table, YEAR_TREND_METRIC, names))
    figures.append(grade_distribution(table, period, names))
    return figures


# ----------------------------------------------------------------------------- finishing
NOTE_SIZE = 6.5  # points: the source note
MARK_SIZE = 8.0  # points: the demo mark
EDGE = 0.06  # inches between a note and the image's edge
NOTE_COLOUR = "#333333"
MARK_COLOUR = "#8A2B00"  # a dark vermillion: 9:1 contrast on the band's pale fill
MARK_FILL = "#FFF1D6"
LEADER = {"arrowstyle": "-", "color": GREY, "lw": 0.6, "shrinkA": 1, "shrinkB": 3}
ADJUST_ITERATIONS = 400  # a fixed count, never a time limit: the same figure every run
LEADER_MIN_PX = 6.0  # a label whose box is farther than this from its point gets a leader
POINT_PX = 4.0  # half the side of the box kept clear around every plotted point


@functools.cache
def notes() -> dict:
    """The figure notes (source lines, demo mark) from figure_notes.yaml."""
    return load_yaml(Path(str(resources.files("oversight.figures").joinpath("figure_notes.yaml"))))


@dataclass(frozen=True)
class Marks:
    """What an image says about itself: where its numbers come from (always) and, when the
    run's LA extracts are the synthetic demonstration data, that they are not real."""

    source: str
    demo: bool


def marks_for(kind: str, demo: bool, **fields: str) -> Marks:
    """The marks of a figure of ``kind`` (a key of ``sources`` in figure_notes.yaml), its
    source line filled from ``fields`` (``period``, ``kpi_period``, DfE ``release``)."""
    n = notes()
    mode = "demo" if demo else "real"
    values = {"la_data": n["la_data"][mode], "survey_data": n["survey_data"][mode], **fields}
    if "release" in fields:
        values["dfe"] = n["dfe"][fields["release"]]
    return Marks(n["sources"][kind].format(**values), demo)


def _note_lines(text: str, width_in: float) -> list[str]:
    """The note wrapped to the image width (DejaVu Sans averages under 0.6 em a character)."""
    chars = max(20, int((width_in - 2 * EDGE) * 72 / (0.6 * NOTE_SIZE)))
    return textwrap.wrap(text, chars)


def _obstacles(ax) -> np.ndarray:
    """Display coordinates of every plotted point (line markers and scatter offsets)."""
    pts = [
        line.get_xydata()
        for line in ax.get_lines()
        if line.get_marker() not in (None, "None", "", " ") and len(line.get_xdata())
    ]
    pts += [c.get_offsets() for c in ax.collections if len(c.get_offsets())]
    if not pts:
        return np.empty((0, 2))
    return ax.transData.transform(np.vstack([np.asarray(p, float) for p in pts]))


def _labels(ax) -> list:
    return [t for t in ax.texts if str(t.get_gid() or "").startswith(LABEL_GID)]


def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _covers_point(box, points: np.ndarray) -> bool:
    """Whether ``box`` (display units) touches the marker of any plotted point."""
    if not len(points):
        return False
    px, py = points[:, 0], points[:, 1]
    hit = (box.x0 - POINT_PX < px) & (px < box.x1 + POINT_PX)
    hit &= (box.y0 - POINT_PX < py) & (py < box.y1 + POINT_PX)
    return bool(hit.any())


def _free_spot(text, target, kept, points, frame, renderer):
    """The nearest position (rings of 16 directions around the point) where ``text`` is
    inside the axes and clear of the kept labels and of the points; None if there is none."""
    box = text.get_window_extent(renderer)
    w, h = box.width, box.height
    step = max(h, 6.0)
    for ring in range(1, 60):
        for k in range(16):
            angle = 2 * np.pi * k / 16
            cx = target[0] + np.cos(angle) * (ring * step + w / 2)
            cy = target[1] + np.sin(angle) * ring * step
            cand = matplotlib.transforms.Bbox.from_extents(
                cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
            )
            inside = frame.x0 <= cand.x0 and cand.x1 <= frame.x1
            inside &= frame.y0 <= cand.y0 and cand.y1 <= frame.y1
            if not inside or any(_boxes_overlap(cand, o) for o in kept):
                continue
            if _covers_point(cand, points):
                continue
            return cx, cy
    return None


def _place_labels(ax, renderer) -> None:
    """Move the axes' point labels clear of each other and of the points: adjustText first
    (a fixed number of iterations, so the result is the same every run), then any label that
    still overlaps one placed before it goes to the nearest free spot; leaders join labels
    that ended up away from their points."""
    from adjustText import adjust_text

    texts = _labels(ax)
    if not texts:
        return
    targets = ax.transData.transform([t.get_position() for t in texts])
    points = _obstacles(ax)
    adjust_text(
        texts,
        x=ax.transData.inverted().transform(points)[:, 0] if len(points) else None,
        y=ax.transData.inverted().transform(points)[:, 1] if len(points) else None,
        ax=ax,
        expand=(1.1, 1.35),
        ensure_inside_axes=True,
        iter_lim=ADJUST_ITERATIONS,
        time_lim=None,
    )
    frame = ax.get_window_extent(renderer)
    kept = []
    for text, target in zip(texts, targets, strict=True):
        box = text.get_window_extent(renderer)
        clash = any(_boxes_overlap(box, o) for o in kept) or _covers_point(box, points)
        outside = box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1
        if clash or outside:
            spot = _free_spot(text, target, kept, points, frame, renderer)
            if spot is not None:
                text.set_position(ax.transData.inverted().transform(spot))
                box = text.get_window_extent(renderer)
        kept.append(box)
        centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
        gap = np.maximum(np.abs(centre - target) - np.array([box.width, box.height]) / 2, 0)
        if gap.max() >= LEADER_MIN_PX:
            ax.add_patch(
                matplotlib.patches.FancyArrowPatch(
                    posA=tuple(ax.transData.inverted().transform(centre)),
                    posB=tuple(ax.transData.inverted().transform(target)),
                    patchA=text,
                    transform=ax.transData,
                    gid=f"leader-{text.get_text()}",
                    zorder=2.5,
                    **LEADER,
                )
            )


def _pin_legends(fig: Figure, renderer) -> None:
    """Anchor each figure legend where the layout put it: a legend placed against the figure's
    edge would otherwise follow the edge into the strips that :func:`_add_marks` adds."""
    for legend in fig.legends:
        box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
        legend.set_loc("center")
        legend.set_bbox_to_anchor(box, transform=fig.transFigure)


def _add_marks(fig: Figure, marks: Marks) -> matplotlib.transforms.Bbox:
    """Draw the source note below the figure and, in demo mode, the demo mark in a band above
    it, both in strips added outside the laid-out figure so nothing moves; returns the
    extended bounding box (inches) to save."""
    width, height = fig.get_size_inches()
    lines = _note_lines(marks.source, width)
    bottom = len(lines) * NOTE_SIZE * 1.3 / 72 + 2 * EDGE
    top = MARK_SIZE * 1.3 / 72 + 4 * EDGE if marks.demo else 0.0
    fig.text(
        EDGE / width,
        (EDGE - bottom) / height,
        "\n".join(lines),
        fontsize=NOTE_SIZE,
        color=NOTE_COLOUR,
        ha="left",
        va="bottom",
        gid="source-note",
    )
    if marks.demo:
        fig.text(
            EDGE / width,
            1 + (top - 2 * EDGE) / height,
            notes()["demo_mark"],
            fontsize=MARK_SIZE,
            fontweight="bold",
            color=MARK_COLOUR,
            ha="left",
            va="top",
            gid="demo-mark",
            bbox={"boxstyle": "square,pad=0.35", "fc": MARK_FILL, "ec": MARK_COLOUR, "lw": 0.8},
        )
    return matplotlib.transforms.Bbox.from_extents(0, -bottom, width, height + top)


def _mark_texts(fig: Figure) -> dict[str, str]:
    """The text of the source note and demo mark, by gid."""
    return {
        str(t.get_gid()): t.get_text()
        for t in fig.texts
        if t.get_gid() in ("source-note", "demo-mark")
    }


def _titled(svg: bytes, texts: Mapping[str, str]) -> bytes:
    """Give each marked group of the SVG a <title> with its text: glyphs are drawn as paths
    (the same look on every machine), so the title is what search, copy and screen readers
    find."""
    for gid, text in sorted(texts.items()):
        opening = f'<g id="{gid}">'.encode()
        title = f"<title>{xml_escape(text)}</title>".encode()
        svg = svg.replace(opening, opening + title, 1)
    return svg


def _marked_spec(spec: FigureSpec, marks: Marks) -> FigureSpec:
    """In demo mode the alt text opens, and the caption closes, by saying the figures are
    synthetic, so a figure read or copied without the report still says so."""
    if not marks.demo:
        return spec
    n = notes()
    return FigureSpec(spec.id, f"{spec.caption} {n['demo_caption']}", f"{n['demo_alt']} {spec.alt}")


def finish(fig: Figure, spec: FigureSpec, marks: Marks) -> tuple[FigureSpec, object]:
    """Lay the figure out once and freeze it, place its point labels, add its source note and
    (in demo mode) the demo mark; returns the spec to publish and the bounding box to save."""
    with matplotlib.rc_context(BASE_RC):
        # Laid out at the PNG's resolution: text measured at another one (hinting) would
        # leave too little room for long tick labels.
        fig.set_dpi(DPI)
        fig.draw_without_rendering()
        fig.set_layout_engine("none")  # frozen: saving must not move what was placed
        renderer = fig._get_renderer()
        _pin_legends(fig, renderer)
        for ax in fig.axes:
            _place_labels(ax, renderer)
        bbox = _add_marks(fig, marks)
    return _marked_spec(spec, marks), bbox


def save(fig: Figure, spec: FigureSpec, out_dir: str | Path, marks: Marks) -> dict[str, str]:
    """Finish the figure (:func:`finish`), write ``<id>.svg`` and ``<id>.png`` (150 dpi) into
    ``out_dir`` byte-reproducibly, close it and return its ID, caption, alt text and file
    names (relative). Every image carries ``marks``: there is no unmarked save."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec, bbox = finish(fig, spec, marks)
    svg, png = f"{spec.id}.svg", f"{spec.id}.png"
    matplotlib.rcParams["svg.hashsalt"] = SVG_HASHSALT
    with matplotlib.rc_context({**BASE_RC, "svg.hashsalt": SVG_HASHSALT}):
        # Through a temporary file, like every other artefact: a killed job leaves no
        # half-drawn figure under its final name.
        buffer = io.BytesIO()
        fig.savefig(
            buffer,
            format="svg",
            bbox_inches=bbox,
            metadata={"Date": None, "Title": spec.caption, "Description": spec.alt},
        )
        with atomic_path(out / svg) as tmp:
            Path(tmp).write_bytes(_titled(buffer.getvalue(), _mark_texts(fig)))
        with atomic_path(out / png) as tmp:
            fig.savefig(
                tmp,
                format="png",
                dpi=DPI,
                bbox_inches=bbox,
                metadata={"Software": None, "Title": spec.caption, "Description": spec.alt},
            )
    plt.close(fig)
    return {"id": spec.id, "caption": spec.caption, "alt": spec.alt, "svg": svg, "png": png}


# A rank correlation over fewer areas than this says nothing.
MIN_LINK_LAS = 3


@_styled
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

    ours = _select(metrics, metric, period)
    ours = ours[~is_region(ours["la_code"])].set_index("la_code")["value"]
    theirs = kpis[(kpis["indicator"] == indicator) & (kpis["period"].astype(str) == kpi_period)]
    theirs = theirs.set_index("la_code")["value"]
    both = pd.DataFrame({"x": ours, "y": theirs}).dropna()
    if len(both) < MIN_LINK_LAS:
        return _too_few_for_link(len(both), metric, indicator, period, kpi_period, kpi_label)
    rho, p = spearmanr(both["x"], both["y"])
    ratio = kpis.loc[kpis["indicator"] == indicator, "lower95"].isna().all()
    fig = _figure(4.2)
    ax = fig.add_subplot()
    _style_axes(ax)
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
        _point_label(ax, float(row.x), float(row.y), _name(str(code), names), size=6.5)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if not ratio:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"{_label(metric)} ({period})")
    ax.set_ylabel(f"{kpi_label} ({kpi_period}, DfE)")
    lower = kpi_label[:1].lower() + kpi_label[1:]
    _title(fig, f"{_label(metric)} and {lower}")
    source = "synthetic demo data" if demo else "the LAs' own extracts"
    caption = (
        f"{_label(metric)} in {period} ({source}) against {lower} published by DfE "
        f"for the reporting year {kpi_period}, one point per LA. Spearman's rank correlation "
        f"{rho:.2f} (p = {p:.2f}, {len(both)} LAs). With {len(both)} areas this can show at "
        "most an association between areas: it cannot show that one causes the other, says nothing "
        "about individual children or workers, and one or two LAs can make or break a pattern."
    )
    top = both["x"].idxmax()
    alt = (
        f"Scatter plot of {len(both)} LAs: {_label(metric).lower()} ranges from "
        f"{_pct(both['x'].min())} to {_pct(both['x'].max())} (highest: {_name(str(top), names)});"
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
    fig = _figure(1.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    text = (
        f"Only {n} LA{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} both values: "
        f"too few to compare (at least {MIN_LINK_LAS} are needed)."
    )
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, transform=ax.transAxes)
    _title(fig, f"{_label(metric)} and {lower}")
    caption = (
        f"{_label(metric)} in {period} against {lower} published by DfE for the reporting year "
        f"{kpi_period}: {text} No correlation is shown."
    )
    alt = f"No chart: {text}"
    return fig, FigureSpec(f"FIG-LINK-{metric}-{indicator}", caption, alt)


# ----------------------------------------------------------------------------- impact
@_styled
def event_study_plot(
    events: pd.DataFrame, overall: pd.Series, metric: str
) -> tuple[Figure, FigureSpec]:
    """Effect of adopting a template by months since adoption (Callaway-Sant'Anna event
    study) with 95% intervals; months before adoption test for pre-trends."""
    label = _label(metric)
    es = events.sort_values("event_time")
    fig = _figure(2.8)
    ax = fig.add_subplot()
    _style_axes(ax)
    ax.axhline(0, color=GREY, lw=0.8, gid="zero")
    ax.axvline(-0.5, color=OKABE_ITO["black"], lw=0.8, ls=":", gid="adoption")
    pre = es["event_time"] < 0
    for sel, colour, marker, name in (
        (pre, OKABE_ITO["sky_blue"], "o", "Before adoption"),
        (~pre, OKABE_ITO["vermillion"], "s", "After adoption"),
    ):
        part = es[sel]
        ax.errorbar(
            part["event_time"],
            100 * part["att"],
            yerr=[100 * (part["att"] - part["lower"]), 100 * (part["upper"] - part["att"])],
            fmt=marker,
            color=colour,
            mec=OKABE_ITO["black"],
            mew=0.5,
            ecolor=GREY,
            capsize=2,
            ms=5,
            label=name,
            gid=f"points-{'pre' if name.startswith('Before') else 'post'}",
        )
    ax.set_xlabel("Months since the LA adopted the template")
    ax.set_ylabel("Effect (percentage points)")
    _title(fig, f"{label}: effect of the template by months since adoption")
    _legend(fig, ax, ncols=2)
    att, lo, hi = (100 * float(overall[k]) for k in ("att", "lower", "upper"))
    twfe = 100 * float(overall["twfe"])
    caption = (
        f"{label}: difference-in-differences event study (Callaway and Sant'Anna, comparison "
        f"with LAs that did not adopt), with 95% intervals. Points left of the dotted line are "
        f"months before adoption: they should lie around zero if adopters and comparison LAs "
        f"were on parallel paths (pre-trend test p = {float(overall['pretrend_p']):.2f}). "
        f"Overall effect {att:+.1f} points (95% interval {lo:+.1f} to {hi:+.1f}); the naive "
        f"two-way fixed-effects estimate is {twfe:+.1f} points."
    )
    post = es[~pre]
    alt = (
        f"Event-study chart of {label.lower()}: effects before adoption range from "
        f"{100 * es.loc[pre, 'att'].min():+.1f} to {100 * es.loc[pre, 'att'].max():+.1f} "
        f"percentage points; after adoption from {100 * post['att'].min():+.1f} to "
        f"{100 * post['att'].max():+.1f}; overall effect {att:+.1f} points "
        f"({lo:+.1f} to {hi:+.1f})."
    )
    return fig, FigureSpec(f"FIG-IMPACT-EVENT-{metric}", caption, alt)


@_styled
def its_forest_plot(
    its: pd.DataFrame, metric: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Each LA's step change at adoption (interrupted time series odds ratio, 95% interval);
    comparison LAs at a placebo month, drawn with open markers."""
    label = _label(metric)
    rows = its[(its["metric"] == metric) & its["level_or"].notna()].copy()
    rows["name"] = [_name(c, names) for c in rows["la_code"]]
    rows = rows.sort_values(["placebo", "level_or"], ascending=[False, True]).reset_index(drop=True)
    ypos = np.arange(len(rows))
    fig = _figure(1.4 + 0.24 * len(rows))
    ax = fig.add_subplot()
    _style_axes(ax)
    ax.set_xscale("log")
    ax.axvline(1, color=GREY, lw=0.8, gid="no-change")
    for placebo, colour, marker, filled, name in (
        (False, OKABE_ITO["vermillion"], "s", True, "Adopting LA (at its adoption month)"),
        (True, OKABE_ITO["blue"], "o", False, "Comparison LA (placebo month)"),
    ):
        sel = (rows["placebo"] == placebo).to_numpy()
        part = rows[sel]
        ax.errorbar(
            part["level_or"],
            ypos[sel],
            xerr=[part["level_or"] - part["level_lower"], part["level_upper"] - part["level_or"]],
            fmt=marker,
            color=colour,
            mfc=colour if filled else "white",
            mec=OKABE_ITO["black"] if filled else colour,
            ecolor=GREY,
            capsize=2,
            ms=5,
            label=name,
            gid="adopters" if not placebo else "comparison",
        )
    ax.set_yticks(ypos, rows["name"])
    # Plain odds-ratio ticks (0.5, 1, 2 ...) rather than powers of ten on the log axis.
    lo = float(np.nanmin(np.r_[rows["level_lower"], 1.0]))
    hi = float(np.nanmax(np.r_[rows["level_upper"], 1.0]))
    ticks = [t for t in (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8) if lo / 1.1 <= t <= hi * 1.1]
    ax.set_xlim(lo / 1.08, hi * 1.08)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("Step change at adoption (odds ratio, log scale; 95% interval)")
    _title(fig, f"{label}: change at adoption, each LA")
    _legend(fig, ax, ncols=2)
    adopters = rows[~rows["placebo"]]
    up = int((adopters["level_lower"] > 1).sum())
    false_alarm = int(
        ((rows["placebo"]) & ((rows["level_lower"] > 1) | (rows["level_upper"] < 1))).sum()
    )
    caption = (
        f"{label}: interrupted time series for each LA (segmented quasi-binomial regression "
        f"on the monthly counts, level and slope change; quasi-binomial standard errors, "
        f"Newey-West where the residuals are autocorrelated). Adopting "
        f"LAs are interrupted at their adoption month; comparison LAs at the adopters' median "
        f"month, where no change should be found."
    )
    alt = (
        f"Forest plot of odds ratios for the step change in {label.lower()} at adoption: "
        f"{up} of {len(adopters)} adopting LAs show an interval entirely above 1; "
        f"{false_alarm} of {int(rows['placebo'].sum())} comparison LAs show a change at the "
        f"placebo month."
    )
    return fig, FigureSpec(f"FIG-IMPACT-ITS-{metric}", caption, alt)
