"""One annex page per LA, for its director: the LA beside the region and its statistical
neighbours, its monthly trend, its impact step, its DfE indicators over the years, its latest
Ofsted judgement with the improvement points about oversight, its survey scores and a link
to its data-quality page, in HTML and as the annex part of the report's PDF.

:func:`la_annex` turns the published tables into the page's data (text as shown, and the
frames the charts are drawn from; the measures come from :mod:`oversight.report.annex_metrics`);
:func:`annex_figures` draws the charts;
:func:`render_annex` writes the page; the LA's section of the PDF's annex part and the part
itself are rendered by :mod:`oversight.report.annex_part`. Nothing here reads files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from oversight.coding.inspectors import raises_oversight_of_practice
from oversight.disclosure.conventions import load_conventions
from oversight.disclosure.readback import SYMBOL, as_numbers
from oversight.figures.style import Marks, marks_for, notes
from oversight.published.neighbours import neighbour_map
from oversight.report import annex_charts as charts
from oversight.report.annex_metrics import (
    comparison_points,
    funnel_comparator,
    impact_rows,
    metric_rows,
    month_label,
    pct,
    trend_frame,
)
from oversight.report.annex_part import C_EXPLAINED
from oversight.report.marking import data_note
from oversight.report.render import FigureView

# DfE's own symbols in its releases (kpis.status): every symbol of
# config/dfe_conventions.yaml, with the annex's wording for the commonest three.
DFE_SYMBOLS = {s: f"{s} (DfE): {meaning}" for s, meaning in load_conventions().symbols.items()} | {
    "c": "c (DfE): withheld by DfE to protect confidentiality",
    "u": "u (DfE): low reliability",
    "x": "x (DfE): not available",
}
KPI_PERCENT_KINDS = ("proportion", "rate")
KPI_CAPTION_NOTE = "These are published DfE figures, real in a demonstration run too."


@dataclass(frozen=True)
class AnnexContext:
    """What every annex page needs besides the tables.

    ``neighbours``: each LA's DfE statistical neighbours that are in the study (codes, DfE's
    order); ``indicators``: config/published.yaml ``indicators`` (label, kind, release);
    ``constructs``: survey construct id -> plain label; ``adoption``: LA code -> month each
    template was adopted (None: not adopted); ``quality``: LA code -> link to its data-quality
    page relative to the annex page."""

    year: str
    region_code: str
    names: Mapping[str, str]
    neighbours: Mapping[str, list[str]]
    kpi_period: str
    indicators: Mapping[str, Mapping[str, Any]]
    constructs: Mapping[str, str]
    adoption: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    quality: Mapping[str, str] = field(default_factory=dict)
    demo: bool = False

    def name(self, code: str) -> str:
        return self.names.get(code, code)


def study_neighbours(sn: pd.DataFrame, reference: pd.DataFrame, count: int) -> dict[str, list[str]]:
    """Each study LA's first ``count`` DfE statistical neighbours that are also in the study,
    closest first, by new LA code: ``sn`` is DfE's neighbours file (old codes) and
    ``reference`` the study's LA reference (``la_code_old``, ``la_code_new``)."""
    new = dict(zip(reference["la_code_old"], reference["la_code_new"], strict=True))
    return {
        new[old]: [new[n] for n in peers if n in new]
        for old, peers in neighbour_map(sn, count).items()
        if old in new
    }


def quality_links(pages: Mapping[str, str | Path], annex_dir: str | Path) -> dict[str, str]:
    """Each LA's data-quality page (LA code -> path) as a link relative to the folder of the
    annex pages, so it works wherever results/ is copied."""
    return {
        code: Path(os.path.relpath(Path(page), Path(annex_dir))).as_posix()
        for code, page in sorted(pages.items())
    }


def _kpi_text(value: Any, percent: bool) -> str:
    if value is None or pd.isna(value):
        return ""
    return pct(value) if percent else f"{float(value):.1f}"


def kpi_part(kpis: pd.DataFrame, la_code: str, ctx: AnnexContext) -> dict[str, Any]:
    """The LA's DfE indicators: the table for ``kpi_period`` (plain labels, percentages as
    percentages, DfE's symbols kept) and the yearly series for the charts."""
    k = kpis[kpis["la_code"] == la_code]
    nums = as_numbers(k, ["value", "region", "neighbours", "england", "change_1y"])
    order = {key: i for i, key in enumerate(ctx.indicators)}
    nums = nums[nums["indicator"].isin(order)]
    label = {key: spec["label"] for key, spec in ctx.indicators.items()}
    percent = {key: spec["kind"] in KPI_PERCENT_KINDS for key, spec in ctx.indicators.items()}
    rows, symbols = [], set()
    latest = nums[nums["period"].astype(str) == ctx.kpi_period]
    for r in sorted(latest.itertuples(), key=lambda r: order[r.indicator]):
        status = str(r.status) if isinstance(r.status, str) else ""
        p = percent[r.indicator]
        value = status if status in DFE_SYMBOLS and pd.isna(r.value) else _kpi_text(r.value, p)
        symbols |= {status} if status in DFE_SYMBOLS else set()
        change = ""
        if pd.notna(r.change_1y):
            change = f"{100 * r.change_1y:+.1f} points" if p else f"{r.change_1y:+.1f}"
        rows.append(
            {
                "label": label[r.indicator],
                "value": value,
                "change": change,
                "region": _kpi_text(r.region, p),
                "neighbours": _kpi_text(r.neighbours, p),
                "england": _kpi_text(r.england, p),
            }
        )
    series = pd.DataFrame(
        {
            "indicator": nums["indicator"],
            "label": nums["indicator"].map(label),
            "percent": nums["indicator"].map(percent),
            "period": nums["period"].astype(int),
            "la": nums["value"].astype(float),
            "neighbours": nums["neighbours"].astype(float),
            "england": nums["england"].astype(float),
        }
    )
    series = series.assign(_o=series["indicator"].map(order)).sort_values(["_o", "period"])
    years = sorted(series["period"].unique())
    return {
        "rows": rows,
        "symbols": [DFE_SYMBOLS[s] for s in sorted(symbols)],
        "series": series.drop(columns="_o").reset_index(drop=True),
        "years": f"{years[0]} to {years[-1]}" if years else "",
    }


def oversight_point(text: str) -> bool:
    """Whether an improvement point is about management oversight or supervision of
    practice: the inspectors' coder decides, as it does for the report's table by grade
    (:func:`oversight.coding.inspectors.raises_oversight_of_practice`)."""
    return raises_oversight_of_practice(text)


def ofsted_part(ofsted: pd.DataFrame, improve: pd.DataFrame, la_code: str) -> dict[str, Any] | None:
    """The LA's latest inspection: judgements and, from its 'what needs to improve', the
    points about oversight or supervision (in the report's order) and how many there are."""
    o = ofsted[ofsted["la_code"] == la_code]
    if o.empty:
        return None
    r = o.iloc[0]
    judgements = [
        ("Overall effectiveness", r.get("overall")),
        ("Impact of leaders", r.get("leaders")),
        ("Help and protection", r.get("help_protection")),
        ("Children in care", r.get("children_in_care")),
        ("Care leavers", r.get("care_leavers")),
    ]
    items = improve[(improve["la_code"] == la_code) & (improve["published"] == r["published"])]
    items = items.assign(n=pd.to_numeric(items["item"], errors="coerce")).sort_values("n")
    texts = [str(t) for t in items["text"]]
    return {
        "published": pd.to_datetime(r["published"]).strftime("%-d %B %Y"),
        "judgements": [(k, v) for k, v in judgements if isinstance(v, str) and v],
        "points": [t for t in texts if oversight_point(t)],
        "all_points": len(texts),
    }


def survey_rows(constructs: pd.DataFrame, la_code: str, ctx: AnnexContext) -> list[dict[str, str]]:
    """The LA's construct scores as a percentage of the scale, beside all study LAs'
    respondents together (means weighted by respondents); plain construct labels."""
    c = as_numbers(constructs, ["n", "mean"])
    shown = c[c["mean"].notna() & (c["suppressed"].astype(str).str.lower() != "true")]
    order = {k: i for i, k in enumerate(ctx.constructs)}
    out = []
    own = c[c["la_code"] == la_code]
    for r in sorted(own.itertuples(), key=lambda r: order.get(r.construct, len(order))):
        every = shown[shown["construct"] == r.construct]
        region = (every["n"] * every["mean"]).sum() / every["n"].sum() if len(every) else np.nan
        hidden = pd.isna(r.mean) or str(r.suppressed).lower() == "true"
        out.append(
            {
                "label": ctx.constructs.get(r.construct, r.construct.replace("_", " ")),
                "n": SYMBOL if pd.isna(r.n) else f"{int(r.n):,}",
                "score": SYMBOL if hidden else pct(r.mean),
                "region": pct(region),
            }
        )
    return out


def left_out(excluded: pd.DataFrame | None, la_code: str) -> list[dict[str, str]]:
    """The LA's datasets left out as unreliable (TAB-EXCLUSIONS)."""
    if excluded is None or excluded.empty:
        return []
    own = excluded[excluded["la_code"] == la_code].sort_values("dataset")
    return [
        {"dataset": r.dataset, "reason": r.reason, "left_out_of": r.left_out_of}
        for r in own.itertuples()
    ]


def la_annex(la_code: str, tables: Mapping[str, pd.DataFrame], ctx: AnnexContext) -> dict[str, Any]:
    """Everything one LA's annex shows, from the published tables (by name: oversight_metrics,
    kpis, impact_its, ofsted_latest, ofsted_what_needs_to_improve, survey_constructs and,
    when present, data_exclusions)."""
    metrics = tables["oversight_metrics"]
    return {
        "la_code": la_code,
        "name": ctx.name(la_code),
        "neighbours": [ctx.name(n) for n in ctx.neighbours.get(la_code, [])],
        "metrics": metric_rows(metrics, la_code, ctx),
        "centre": funnel_comparator(metrics, ctx.year),
        "points": comparison_points(metrics, la_code, ctx),
        "trend": trend_frame(metrics, la_code, ctx),
        "impact": impact_rows(tables["impact_its"], la_code, ctx),
        "kpis": kpi_part(tables["kpis"], la_code, ctx),
        "ofsted": ofsted_part(
            tables["ofsted_latest"], tables["ofsted_what_needs_to_improve"], la_code
        ),
        "constructs": survey_rows(tables["survey_constructs"], la_code, ctx),
        "left_out": left_out(tables.get("data_exclusions"), la_code),
        "quality": ctx.quality.get(la_code, ""),
        "figures": [],
    }


def _trace(fig_id: str, table_id: str) -> str:
    return (
        f"Drawn for this annex from {table_id}; trace the numbers with "
        f"<code>oversight trace {table_id}</code>."
    )


def _kpi_marks(ctx: AnnexContext, series: pd.DataFrame, years: str) -> Marks:
    """DfE figures only: the source names the releases and says the figures are real. No
    synthetic-data mark, even in a demo run: the chart holds no synthetic figure, and a mark
    would tell a reader who copies it that real DfE statistics are invented."""
    releases = sorted({ctx.indicators[k]["release"] for k in series["indicator"].unique()})
    dfe = list(dict.fromkeys(notes()["dfe"][r] for r in releases))
    source = (
        f"Source: {'; '.join(dfe)}, {years}: published figures, real in a demonstration run too."
    )
    return Marks(source, False)


def annex_figures(annex: Mapping[str, Any], ctx: AnnexContext) -> list[FigureView]:
    """The annex's charts, each finished and marked like the report's figures."""
    code, name = annex["la_code"], annex["name"]
    out = []
    points = annex["points"]
    if len(points) and (~points["hidden"] & points["value"].notna()).any():
        fig, spec = charts.comparison_chart(points, name, ctx.year, f"FIG-LA-{code}-COMPARE")
        marks = marks_for("comparison", ctx.demo, period=ctx.year)
        out.append(charts.embedded(fig, spec, marks, _trace(spec.id, "TAB-METRICS")))
    trend = annex["trend"]
    if trend["value"].notna().any():
        fig, spec = charts.trend_chart(trend, name, f"FIG-LA-{code}-TREND")
        first, last = (month_label(trend["period"].min()), month_label(trend["period"].max()))
        marks = marks_for("comparison", ctx.demo, period=f"monthly, {first} to {last}")
        out.append(charts.embedded(fig, spec, marks, _trace(spec.id, "TAB-METRICS")))
    steps = pd.DataFrame(
        [
            {"label": r["label"], "ratio": r["_ratio"], "lower": r["_lower"], "upper": r["_upper"]}
            for r in annex["impact"]["rows"]
            if "_ratio" in r
        ]
    )
    if len(steps) and annex["impact"]["adopted"]:  # a comparison LA's steps are placebo checks
        fig, spec = charts.impact_chart(steps, name, f"FIG-LA-{code}-IMPACT")
        out.append(
            charts.embedded(
                fig, spec, marks_for("impact", ctx.demo), _trace(spec.id, "TAB-IMPACT-ITS")
            )
        )
    series = annex["kpis"]["series"]
    if len(series) and series["la"].notna().any():
        fig, spec = charts.kpi_chart(series, name, f"FIG-LA-{code}-KPIS")
        marks = _kpi_marks(ctx, series, annex["kpis"]["years"])
        view = charts.embedded(fig, spec, marks, _trace(spec.id, "TAB-KPIS"))
        # The chart is marked as part of a demo run, but its numbers are DfE's own.
        out.append(replace(view, caption=f"{spec.caption} {KPI_CAPTION_NOTE}"))
    return out


def render_annex(
    env: jinja2.Environment,
    study: Mapping[str, Any],
    annex: Mapping[str, Any],
    ctx: AnnexContext,
) -> str:
    """One LA's annex as a self-contained HTML page (results/report/la/<code>.html)."""
    return env.get_template("report/la.html.j2").render(
        study=study, la=annex, ctx=ctx, c_explained=C_EXPLAINED, demo_note=data_note(True)
    )
