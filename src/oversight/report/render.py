"""The regional report as HTML, from Jinja templates (LA annex pages: oversight.report.annex).

Pages are self-contained: figures are embedded as SVG data URIs (no network, no sibling
files), tables are real HTML tables with captions and header cells, and each figure and table
carries its ID and a provenance footnote naming the rule that made it and how to trace it.
The view functions here turn published tables into display rows; they never read files.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.publish import METRIC_NUMBERS, as_numbers
from oversight.disclosure.suppress import SYMBOL
from oversight.report.findings import Finding
from oversight.report.findings_hypothesis import appendix_views as hypothesis_views

SECTIONS = [
    ("main_points", "Main points"),
    ("know", "Things you need to know"),
    ("data", "Data received and its quality"),
    ("supervision", "Supervision"),
    ("oversight", "Management oversight on children's files"),
    ("audits", "Audits"),
    ("survey", "Staff survey"),
    ("focus_groups", "Focus groups"),
    ("inspectors", "What inspectors said"),
    ("published", "Published indicators"),
    ("network", "The network's questions"),
    ("hypothesis", "The part 1 / part 2 hypothesis, tested"),
    ("impact", "Impact of the templates"),
    ("recommendations", "Recommendations"),
    ("glossary", "Glossary"),
    ("methods", "Methods and limitations"),
    ("about", "About this report"),
    ("appendix", "Appendix tables"),
]
# Which section shows which figures (by ID prefix).
FIGURE_SECTIONS = {
    "supervision": ["FIG-FUNNEL-staff_supervision_28d", "FIG-RANK-staff_supervision_28d"],
    "oversight": [
        "FIG-FUNNEL-child_oversight_28d",
        "FIG-RANK-child_oversight_28d",
        "FIG-TREND-child_oversight_28d",
    ],
    "audits": ["FIG-FUNNEL-audit_mo_good", "FIG-RANK-audit_mo_good", "FIG-GRADES-audits"],
    "survey": ["FIG-SURVEY-diverging"],
    "published": ["FIG-LINK-"],
    "network": ["FIG-S47-ICPC-TREND", "FIG-S47-ICPC-LATEST", "FIG-KPI-"],
    "impact": ["FIG-IMPACT-EVENT-", "FIG-IMPACT-ITS-"],
    "hypothesis": [
        "FIG-FUNNEL-part1_family_reflection",
        "FIG-RANK-part1_family_reflection",
        "FIG-FUNNEL-part2_practitioner_reflection",
        "FIG-RANK-part2_practitioner_reflection",
    ],
}


@dataclass
class TableView:
    """A table as displayed: ID, caption, header, rows of text, and its provenance note."""

    id: str
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    source: str
    note: str = ""
    row_header: bool = True


@dataclass
class FigureView:
    id: str
    caption: str
    alt: str
    src: str
    source: str
    extra: dict[str, Any] = field(default_factory=dict)


def svg_data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def figure_views(
    manifests: Mapping[str, list[dict[str, str]]], figure_dir: Path
) -> dict[str, FigureView]:
    """Every figure in the manifests (rule -> entries), embedded, keyed by ID."""
    out = {}
    for rule, entries in sorted(manifests.items()):
        for e in entries:
            svg = (figure_dir / e["svg"]).read_bytes()
            source = (
                f"Made by rule {rule} from the published tables; "
                f"trace with <code>oversight trace {e['id']}</code>."
            )
            out[e["id"]] = FigureView(e["id"], e["caption"], e["alt"], svg_data_uri(svg), source)
    return out


def figures_for(section: str, figures: Mapping[str, FigureView]) -> list[FigureView]:
    wanted = FIGURE_SECTIONS.get(section, [])
    return [
        figures[i]
        for w in wanted
        for i in sorted(figures)
        if (i == w or (w.endswith("-") and i.startswith(w)))
    ]


def _fmt(value: Any, kind: str) -> str:
    if isinstance(value, str) and value == SYMBOL:
        return SYMBOL
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "pct":
        return f"{100 * float(value):.1f}%"
    if kind == "int":
        return f"{float(value):,.0f}"
    if kind == "2dp":
        return f"{float(value):.2f}"
    if kind == "p":
        v = float(value)
        return "<0.001" if v < 0.001 else f"{v:.3f}"
    return str(value)


def view(
    frame: pd.DataFrame,
    table_id: str,
    caption: str,
    source: str,
    formats: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    note: str = "",
) -> TableView:
    """A display table from a frame: only the columns in ``formats``, in that order."""
    cols = list(formats)
    rows = [[_fmt(r[c], formats[c]) for c in cols] for _, r in frame[cols].iterrows()]
    numeric = [formats[c] in {"pct", "int", "2dp", "p"} for c in cols]
    header = [(labels or {}).get(c, c.replace("_", " ").capitalize()) for c in cols]
    return TableView(table_id, caption, header, rows, numeric, source, note)


def _source(name: str, spec: Mapping[str, Any]) -> str:
    return (
        f"Computed by rule {spec['rule']}; published as results/tables/{name}.csv with "
        f"disclosure control ({spec['disclosure']['method']}); trace with "
        f"<code>oversight trace {spec['id']}</code>."
    )


def headline_wide(
    metrics: pd.DataFrame, year: str, names: Mapping[str, str], codes: list[str]
) -> pd.DataFrame:
    """One row per LA (and the region) with each headline metric's value for the year."""
    m = as_numbers(metrics, METRIC_NUMBERS)
    heads = [k for k, d in definitions().items() if d.get("headline")]
    rows = m[(m["period"] == year) & (m["breakdown"] == "all") & m["metric"].isin(heads)]
    shown = rows.assign(
        shown=np.where(metrics.loc[rows.index, "value"].eq(SYMBOL), SYMBOL, rows["value"])
    )
    wide = shown.pivot_table(
        index="la_code", columns="metric", values="shown", aggfunc="first"
    ).reindex(index=codes, columns=heads)
    wide.insert(0, "la", [names.get(c, c) for c in wide.index])
    return wide.reset_index(drop=True)


def appendix_views(
    tables: Mapping[str, pd.DataFrame],
    catalogue: Mapping[str, Any],
    year: str,
    names: Mapping[str, str],
    region_code: str,
) -> list[TableView]:
    """The tables printed in the report (extracts of the largest; all are in the workbook)."""
    # LAs in name order (a reader looks an LA up by name), the region last.
    codes = [*sorted((c for c in names if c != region_code), key=names.get), region_code]
    heads = [k for k, d in definitions().items() if d.get("headline")]
    cat = catalogue
    full = "The full table is in results/tables/ and the workbook."
    views = [
        view(
            tables["data_received"],
            cat["data_received"]["id"],
            cat["data_received"]["title"],
            _source("data_received", cat["data_received"]),
            {
                "dataset": "text",
                "las": "int",
                "rows_received": "int",
                "rows_loaded": "int",
                "rows_rejected": "int",
                "share_loaded": "pct",
            },
            {"las": "LAs", "share_loaded": "Share loaded"},
        ),
        *_exclusions_view(tables, cat, names),
        view(
            headline_wide(tables["oversight_metrics"], year, names, codes),
            cat["oversight_metrics"]["id"],
            f"Headline metrics by LA, {year} (extract of: {cat['oversight_metrics']['title']})",
            _source("oversight_metrics", cat["oversight_metrics"]),
            {"la": "text"} | dict.fromkeys(heads, "pct"),
            {"la": "LA"} | {h: definitions()[h]["label"] for h in heads},
            note=full,
        ),
        view(
            tables["heterogeneity"][tables["heterogeneity"]["period"].astype(str) == year],
            cat["heterogeneity"]["id"],
            cat["heterogeneity"]["title"],
            _source("heterogeneity", cat["heterogeneity"]),
            {
                "metric": "text",
                "chi2": "2dp",
                "df": "int",
                "p_value": "p",
                "phi": "2dp",
                "outside_998": "int",
                "outside_998_adjusted": "int",
            },
            {
                "chi2": "χ²",
                "phi": "φ",
                "outside_998": "LAs outside 99.8%",
                "outside_998_adjusted": "after adjustment",
            },
        ),
        view(
            tables["oversight_model"],
            cat["oversight_model"]["id"],
            cat["oversight_model"]["title"],
            _source("oversight_model", cat["oversight_model"]),
            {
                "term": "text",
                "odds_ratio": "2dp",
                "lower95": "2dp",
                "upper95": "2dp",
                "p_value": "p",
            },
            {"lower95": "Lower 95%", "upper95": "Upper 95%"},
        ),
        view(
            tables["survey_responses"]
            .assign(la=lambda d: d["la_code"].map(lambda c: names.get(c, c)))
            .sort_values("la", kind="stable"),
            cat["survey_responses"]["id"],
            cat["survey_responses"]["title"],
            _source("survey_responses", cat["survey_responses"]),
            {"la": "text", "respondents": "int", "eligible": "int", "response_rate": "pct"},
            {"la": "LA"},
        ),
        view(
            tables["survey_alpha"],
            cat["survey_alpha"]["id"],
            cat["survey_alpha"]["title"],
            _source("survey_alpha", cat["survey_alpha"]),
            {
                "construct": "text",
                "n_items": "int",
                "n_respondents": "int",
                "alpha": "2dp",
                "ci_lower": "2dp",
                "ci_upper": "2dp",
            },
            {"alpha": "α"},
        ),
        view(
            tables["survey_roles"],
            cat["survey_roles"]["id"],
            cat["survey_roles"]["title"],
            _source("survey_roles", cat["survey_roles"]),
            {
                "construct": "text",
                "n_practitioners": "int",
                "n_managers": "int",
                "odds_ratio": "2dp",
                "ci_lower": "2dp",
                "ci_upper": "2dp",
                "p_value": "p",
            },
        ),
        view(
            tables["inspectors_oversight"],
            cat["inspectors_oversight"]["id"],
            cat["inspectors_oversight"]["title"],
            _source("inspectors_oversight", cat["inspectors_oversight"]),
            {"overall": "text", "reports": "int", "raising": "int", "share": "pct"},
            {"overall": "Overall judgement", "raising": "Raising oversight"},
        ),
        view(
            tables["ofsted_latest"]
            .assign(la=lambda d: d["la_code"].map(lambda c: names.get(c, c)))
            .sort_values("la", kind="stable"),
            cat["ofsted_latest"]["id"],
            cat["ofsted_latest"]["title"],
            _source("ofsted_latest", cat["ofsted_latest"]),
            {"la": "text", "published": "text", "overall": "text", "leaders": "text"},
            {"la": "LA", "leaders": "Leadership"},
        ),
    ]
    views += hypothesis_views(tables, dict(cat), dict(names), region_code)
    shown = {v.id for v in views}
    return views + [
        extract_view(name, tables[name], spec, names, year, region_code)
        for name, spec in catalogue.items()
        if spec["id"] not in shown and name in tables
    ]


# Columns shown as percentages when every value lies in [0, 1]; p-values; counts.
PCT_COLUMNS = frozenset(
    {
        "value",
        "share",
        "response_rate",
        "value_from",
        "value_to",
        "lower95",
        "upper95",
        "difference",
        "att",
        "lower",
        "upper",
        "twfe",
        "twfe_lower",
        "twfe_upper",
        "england",
        "south_east",
        "neighbours",
        "change_1y",
        "pre_mean",
    }
)
P_COLUMNS = frozenset(
    {"p_value", "pretrend_p", "pretrend_joint_p", "pre_mean_p", "level_p", "slope_p", "ljung_box_p"}
)
# Columns that only serve tracing or sorting; the workbook keeps them.
HIDDEN_COLUMNS = frozenset(
    {
        "la_code",
        "old_la_code",
        "la_name",
        "unit_id",
        "sentence_index",
        "status",
        "codes",
        "data_status",
        "suppressed",
    }
)
EXTRACT_ROWS = 30


# Numbers that are labels (years, months from adoption, ranks), printed as they are.
LABEL_COLUMNS = frozenset(
    {"period", "time", "group", "event_time", "rank", "item", "interruption", "published"}
)


def _column_format(frame: pd.DataFrame, column: str) -> str:
    numbers = pd.to_numeric(frame[column], errors="coerce")
    if column in LABEL_COLUMNS or numbers.notna().sum() == 0:
        return "text"
    if column in P_COLUMNS:
        return "p"
    if column in PCT_COLUMNS and numbers.dropna().between(-1, 1).all():
        return "pct"
    whole = numbers.dropna()
    return "int" if (whole == whole.round()).all() else "2dp"


def _extract(frame: pd.DataFrame, year: str, region_code: str) -> tuple[pd.DataFrame, str]:
    """Rows of a large table to print: the study year, the headline metric (or the first
    indicator), the region's rows, then the first rows; the note says what was left to the
    workbook."""
    part = frame
    if len(part) > EXTRACT_ROWS and "period" in part.columns:
        latest = part["period"].astype(str).max()
        keep = year if (part["period"].astype(str) == year).any() else latest
        part = part[part["period"].astype(str) == keep]
    if len(part) > EXTRACT_ROWS and "metric" in part.columns:
        heads = [k for k, d in definitions().items() if d.get("headline")]
        first = next((m for m in heads if (part["metric"] == m).any()), None)
        if first:
            part = part[part["metric"] == first]
    if len(part) > EXTRACT_ROWS and "indicator" in part.columns:
        part = part[part["indicator"] == sorted(part["indicator"].dropna())[0]]
    region = part["la_code"] == region_code if "la_code" in part.columns else None
    if len(part) > EXTRACT_ROWS and region is not None and region.any():
        part = part[region]
    if len(part) == len(frame) and len(part) <= EXTRACT_ROWS:
        return frame, ""
    rows = part.head(EXTRACT_ROWS)
    note = (
        f"Extract: {len(rows)} of {len(frame)} rows. The full table is in results/tables/ and "
        "the workbook."
    )
    return rows, note


def extract_view(
    name: str,
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    names: Mapping[str, str],
    year: str,
    region_code: str,
) -> TableView:
    """A published table the report has no tailored view for, printed whole or as an
    extract, so every published table appears in the appendix."""
    shown = frame
    if "la_code" in shown.columns:
        la = shown["la_code"].map(lambda c: names.get(c, c) if pd.notna(c) else "")
        shown = shown.assign(la=la).sort_values("la", kind="stable")
    rows, note = _extract(shown, year, region_code)
    # A plain label replaces the key it labels (theme -> label; codes are in the workbook).
    keyed = {"theme"} if "label" in rows.columns else set()
    cols = ([("la")] if "la" in rows.columns else []) + [
        c for c in rows.columns if c not in HIDDEN_COLUMNS | keyed and c != "la"
    ]
    formats = {c: _column_format(rows, c) for c in cols}
    labels = {
        "la": "LA",
        "p_value": "p",
        "lower95": "Lower 95%",
        "upper95": "Upper 95%",
        "att": "Effect (ATT)",
        "se": "SE",
        "se_boot": "SE (bootstrap)",
        "ci_lower": "Lower 95%",
        "ci_upper": "Upper 95%",
    }
    caption = spec["title"] + (" (extract)" if note else "")
    return view(rows, spec["id"], caption, _source(name, spec), formats, labels, note)


def _exclusions_view(
    tables: Mapping[str, pd.DataFrame], cat: Mapping[str, Any], names: Mapping[str, str]
) -> list[TableView]:
    """The LA datasets left out as unreliable, when there are any (F-DATA-02 says so when
    there are none)."""
    frame = tables.get("data_exclusions")
    if frame is None or frame.empty or "data_exclusions" not in cat:
        return []
    spec = cat["data_exclusions"]
    shown = frame.assign(la=frame["la_code"].map(lambda c: names.get(c, c)))
    return [
        view(
            shown,
            spec["id"],
            spec["title"],
            _source("data_exclusions", spec),
            {"la": "text", "dataset": "text", "reason": "text", "left_out_of": "text"},
            {"la": "LA", "reason": "Why", "left_out_of": "Left out of"},
        )
    ]


def environment(template_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(
    env: jinja2.Environment,
    study: Mapping[str, Any],
    findings: list[Finding],
    recommendations: list[dict[str, Any]],
    figures: Mapping[str, FigureView],
    tables: list[TableView],
    annexes: list[dict[str, str]],
    methods: Mapping[str, Any],
    for_pdf: bool = False,
    bulletin: Mapping[str, Any] | None = None,
) -> str:
    """The regional report. ``bulletin`` holds the main points, things you need to know,
    practice notes per section, the glossary and the authorship (oversight.report.bulletin)."""
    by_section: dict[str, list[Finding]] = {}
    for f in findings:
        by_section.setdefault(f.section, []).append(f)
    sections = [
        {
            "key": key,
            "title": title,
            "findings": by_section.get(key, []),
            "figures": figures_for(key, figures),
        }
        for key, title in SECTIONS
    ]
    anchors = {t.id for t in tables} | set(figures) | {f.id for f in findings}
    return env.get_template("report/index.html.j2").render(
        anchors=anchors,
        bulletin=bulletin or {},
        study=study,
        sections=sections,
        findings=findings,
        recommendations=recommendations,
        tables=tables,
        annexes=annexes,
        methods=methods,
        for_pdf=for_pdf,
    )
