"""The measures part of an LA's annex page: its headline metrics beside the region and its
statistical neighbours, with their funnel positions, its trend, and the impact of the
templates on it (the interrupted time series)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.readback import METRIC_NUMBERS, SYMBOL, as_numbers

if TYPE_CHECKING:  # the annex module builds its pages from these rows
    from oversight.report.annex import AnnexContext

# Funnel position (oversight_metrics.funnel_flag) in words.
FUNNEL_WORDS = {
    "low_998": "below the expected range (99.8% limit)",
    "low_95": "below the 95% limit, within the 99.8% limit",
    "within": "within the expected range",
    "high_95": "above the 95% limit, within the 99.8% limit",
    "high_998": "above the expected range (99.8% limit)",
}


# What the funnel's centre line is (oversight_metrics.funnel_comparator).
COMPARATOR_WORDS = {
    "la_median": "the median of the study LAs' values",
    "region": "the region's value",
}


MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def pct(value: Any) -> str:
    """A share (0-1) as a percentage with one decimal; missing as ''."""
    if value is None or pd.isna(value):
        return ""
    return f"{100 * float(value):.1f}%"


def funnel_words(flag: Any, hidden: bool, limits: Any = "") -> str:
    """The funnel position in words; ``c`` when the value is hidden. ``limits`` is the
    table's ``funnel_limits``: "adjusted" when they were widened for over-dispersion."""
    if hidden:
        return SYMBOL
    words = FUNNEL_WORDS.get(str(flag or ""), "not assessed")
    return f"{words}, adjusted limits" if limits == "adjusted" and flag in FUNNEL_WORDS else words


def funnel_centre(row: pd.Series) -> str:
    """The funnel's centre line for the measure (``funnel_centre``), as shown: a percentage,
    ``c`` when hidden, '' when not published."""
    centre = row.get("funnel_centre", "")
    return SYMBOL if centre == SYMBOL else pct(pd.to_numeric(centre, errors="coerce"))


def funnel_comparator(metrics: pd.DataFrame, year: str) -> str:
    """What the funnels' centre line is this year, in words ('' when the table predates it)."""
    if "funnel_comparator" not in metrics:
        return ""
    found = metrics.loc[metrics["period"] == year, "funnel_comparator"].dropna().unique()
    return "; ".join(COMPARATOR_WORDS[c] for c in sorted(found) if c in COMPARATOR_WORDS)


def headline_metrics() -> list[str]:
    return [k for k, d in definitions().items() if d.get("headline")]


def _year_rows(metrics: pd.DataFrame, year: str) -> pd.DataFrame:
    """The year's whole-LA rows, numbers as numbers, with ``hidden`` where the cell is c."""
    sel = (metrics["period"] == year) & (metrics["breakdown"] == "all")
    rows = as_numbers(metrics[sel], METRIC_NUMBERS)
    return rows.assign(hidden=metrics.loc[sel, "value"].eq(SYMBOL))


def comparison_points(metrics: pd.DataFrame, la_code: str, ctx: AnnexContext) -> pd.DataFrame:
    """The LA, its statistical neighbours in the study and the region on each headline
    measure of the year (the chart's data): metric, label, code, name, role, value, lower,
    upper, hidden."""
    rows = _year_rows(metrics, ctx.year)
    out = []
    for metric in headline_metrics():
        part = rows[rows["metric"] == metric].set_index("la_code")
        if la_code not in part.index:
            continue  # left out as unreliable: no row
        who = [(la_code, "la")]
        who += [(n, "neighbour") for n in ctx.neighbours.get(la_code, []) if n in part.index]
        who += [(ctx.region_code, "region")] if ctx.region_code in part.index else []
        for code, role in who:
            r = part.loc[code]
            out.append(
                {
                    "metric": metric,
                    "label": definitions()[metric]["label"],
                    "code": code,
                    "name": "Region" if role == "region" else ctx.name(code),
                    "role": role,
                    "value": r["value"],
                    "lower": r["lower95"],
                    "upper": r["upper95"],
                    "hidden": bool(r["hidden"]),
                }
            )
    cols = ["metric", "label", "code", "name", "role", "value", "lower", "upper", "hidden"]
    return pd.DataFrame(out, columns=cols)


def metric_rows(metrics: pd.DataFrame, la_code: str, ctx: AnnexContext) -> list[dict[str, str]]:
    """The table beside the chart: every proportion measure of the year for the LA, its
    95% interval, the region, the mean of its statistical neighbours in the study (of those
    shown) and its funnel position in words; hidden cells are ``c``."""
    rows = _year_rows(metrics, ctx.year)
    peers = ctx.neighbours.get(la_code, [])
    shown = metrics[(metrics["period"] == ctx.year) & (metrics["breakdown"] == "all")]
    out = []
    for metric, d in definitions().items():
        if d["kind"] != "proportion":
            continue
        part = rows[rows["metric"] == metric].set_index("la_code")
        if la_code not in part.index:
            continue
        own = part.loc[la_code]
        raw = shown[shown["metric"] == metric].set_index("la_code")  # cells as published
        hidden = bool(own["hidden"])
        shown_peers = part.reindex([n for n in peers if n in part.index])
        visible = shown_peers.loc[~shown_peers["hidden"].astype(bool), "value"].dropna()
        peer_text = pct(visible.mean()) if len(visible) else (SYMBOL if len(shown_peers) else "")
        if len(visible) and len(visible) < len(shown_peers):
            peer_text += f" ({len(visible)} of {len(shown_peers)} shown)"
        region = part.loc[ctx.region_code] if ctx.region_code in part.index else None
        out.append(
            {
                "metric": metric,
                "label": d["label"],
                "value": SYMBOL if hidden else pct(own["value"]),
                "interval": ""
                if hidden or pd.isna(own["lower95"])
                else f"{pct(own['lower95'])} to {pct(own['upper95'])}",
                "region": ""
                if region is None
                else (SYMBOL if bool(region["hidden"]) else pct(region["value"])),
                "neighbours": peer_text,
                "funnel": funnel_words(own.get("funnel_flag"), hidden, own.get("funnel_limits")),
                "centre": funnel_centre(raw.loc[la_code]),
                "headline": bool(d.get("headline")),
            }
        )
    return out


def trend_frame(metrics: pd.DataFrame, la_code: str, ctx: AnnexContext) -> pd.DataFrame:
    """The monthly rows (period YYYY-MM) of each headline measure for the LA and the region:
    metric, label, period, role, value (missing where hidden)."""
    sel = (
        metrics["period"].astype(str).str.match(MONTH)
        & (metrics["breakdown"] == "all")
        & metrics["metric"].isin(headline_metrics())
        & metrics["la_code"].isin([la_code, ctx.region_code])
    )
    m = as_numbers(metrics[sel], ["value"])
    own = set(m.loc[m["la_code"] == la_code, "metric"])
    m = m[m["metric"].isin(own)]  # a measure left out for the LA is not drawn for the region
    order = {k: i for i, k in enumerate(headline_metrics())}
    out = pd.DataFrame(
        {
            "metric": m["metric"],
            "label": m["metric"].map(lambda k: definitions()[k]["label"]),
            "period": m["period"].astype(str),
            "role": np.where(m["la_code"] == la_code, "la", "region"),
            "value": m["value"].astype(float),
        }
    )
    out = out.assign(_o=out["metric"].map(order)).sort_values(["_o", "role", "period"])
    return out.drop(columns="_o").reset_index(drop=True)


def month_label(period: str | None) -> str:
    if not period:
        return "not adopted"
    return pd.to_datetime(period, format="%Y-%m").strftime("%B %Y")


def _ratio_words(ratio: float, lower: float, upper: float) -> str:
    if lower > 1:
        return "a rise: the whole 95% interval is above no change"
    if upper < 1:
        return "a fall: the whole 95% interval is below no change"
    return "no clear step: the 95% interval includes no change"


def impact_rows(its: pd.DataFrame, la_code: str, ctx: AnnexContext) -> dict[str, Any]:
    """The LA's step at adoption (interrupted time series, impact_its) per outcome, in
    numbers and words, and whether it adopted a template or is a comparison LA."""
    m = its[its["la_code"] == la_code]
    m = as_numbers(m, ["level_or", "level_lower", "level_upper", "level_p"])
    adopted = bool(len(m)) and str(m["adopted"].iloc[0]).lower() == "true"
    order = {k: i for i, k in enumerate(definitions())}
    rows = []
    for r in sorted(m.itertuples(), key=lambda r: order.get(r.metric, len(order))):
        label = definitions().get(r.metric, {}).get("label", r.metric.replace("_", " "))
        if pd.isna(r.level_or):
            note = r.note if isinstance(r.note, str) and r.note else "not estimated"
            rows.append({"label": label, "ratio": "", "interval": "", "words": note})
            continue
        rows.append(
            {
                "label": label,
                "ratio": f"{r.level_or:.2f}",
                "interval": f"{r.level_lower:.2f} to {r.level_upper:.2f}",
                "words": _ratio_words(r.level_or, r.level_lower, r.level_upper),
                "_ratio": float(r.level_or),
                "_lower": float(r.level_lower),
                "_upper": float(r.level_upper),
            }
        )
    months = ctx.adoption.get(la_code, {})
    return {
        "adopted": adopted,
        "part1": month_label(months.get("part1")),
        "part2": month_label(months.get("part2")),
        "rows": rows,
        "any": bool(rows),
    }
