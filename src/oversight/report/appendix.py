"""The report's appendix: every published table as displayed, from ``config/tables.yaml``.

A table with a ``view`` there is printed as it says (its columns in order with their display
formats, their labels, which rows); the others follow, printed whole or as an extract of their
largest part, formats read off their values. Nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.readback import METRIC_NUMBERS, SYMBOL, as_numbers
from oversight.report.findings_hypothesis import PAIR_WORDS

NUMERIC_FORMATS = frozenset({"pct", "int", "2dp", "p"})


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
    numeric = [formats[c] in NUMERIC_FORMATS for c in cols]
    header = [(labels or {}).get(c, c.replace("_", " ").capitalize()) for c in cols]
    if not rows:  # an empty table says so rather than printing only its header
        note = f"{note} No rows in this run.".strip()
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
        "region",
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
    labels: Mapping[str, str],
) -> TableView:
    """A published table the report has no tailored view for, printed whole or as an
    extract, so every published table appears in the appendix; ``labels`` are the column
    headers (``extract_labels`` of config/tables.yaml)."""
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
    caption = spec["title"] + (" (extract)" if note else "")
    return view(rows, spec["id"], caption, _source(name, spec), formats, labels, note)


def _la_sorted(
    frame: pd.DataFrame, year: str, names: Mapping[str, str], region: str
) -> pd.DataFrame:
    """LAs in name order (a reader looks an LA up by name)."""
    return frame.sort_values("la", kind="stable")


def _study_year(
    frame: pd.DataFrame, year: str, names: Mapping[str, str], region: str
) -> pd.DataFrame:
    """The study year's rows."""
    return frame[frame["period"].astype(str) == year]


def _headline(
    frame: pd.DataFrame, year: str, names: Mapping[str, str], region: str
) -> pd.DataFrame:
    """One row per LA in name order, the region last, a column per headline metric."""
    codes = [*sorted((c for c in names if c != region), key=names.get), region]
    return headline_wide(frame, year, names, codes)


def _region_then_las(
    frame: pd.DataFrame, year: str, names: Mapping[str, str], region: str
) -> pd.DataFrame:
    """The region's rows (each session type), then each LA's row for all sessions."""
    las = frame[(frame["la_code"] != region) & (frame["session_type"] == "all")]
    return pd.concat([frame[frame["la_code"] == region], las.sort_values("la", kind="stable")])


def _pairs(frame: pd.DataFrame, year: str, names: Mapping[str, str], region: str) -> pd.DataFrame:
    """The survey item pairs in words."""
    return frame.assign(pair=frame["pair"].map(lambda p: PAIR_WORDS.get(p, p)))


# The row choices a table's view can name (``rows:`` in config/tables.yaml).
ROWS: dict[str, Callable[..., pd.DataFrame]] = {
    "la_sorted": _la_sorted,
    "study_year": _study_year,
    "headline": _headline,
    "region_then_las": _region_then_las,
    "pairs": _pairs,
}


def _headline_columns(shown: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The headline view's formats and labels: its own columns, then one per headline metric
    (config/metrics.yaml), in the view's ``metrics`` format and labelled as the metric."""
    heads = {k: d["label"] for k, d in definitions().items() if d.get("headline")}
    formats = dict(shown["columns"]) | dict.fromkeys(heads, shown["metrics"])
    return formats, dict(shown.get("labels", {})) | heads


def tailored_view(
    name: str,
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    year: str,
    names: Mapping[str, str],
    region_code: str,
) -> TableView:
    """Published table ``name`` as its ``view`` in config/tables.yaml prints it."""
    shown = spec["view"]
    if "la_code" in frame.columns and shown.get("rows") != "headline":
        frame = frame.assign(la=frame["la_code"].map(lambda c: names.get(c, c)))
    if "rows" in shown:
        frame = ROWS[shown["rows"]](frame, year, names, region_code)
    formats, labels = dict(shown["columns"]), dict(shown.get("labels", {}))
    if shown.get("rows") == "headline":
        formats, labels = _headline_columns(shown)
    caption = shown.get("caption", "{title}").format(title=spec["title"], year=year)
    source = _source(name, spec)
    return view(frame, spec["id"], caption, source, formats, labels, shown.get("note", ""))


def appendix_views(
    tables: Mapping[str, pd.DataFrame],
    table_config: Mapping[str, Any],
    year: str,
    names: Mapping[str, str],
    region_code: str,
) -> list[TableView]:
    """The tables printed in the report: those config/tables.yaml lists under ``appendix``,
    as their views say (one that must have rows to be shown and has none joins the others),
    then every other published table whole or as an extract (all are in the workbook)."""
    catalogue = table_config["tables"]
    views = [
        tailored_view(name, tables[name], catalogue[name], year, names, region_code)
        for name in table_config.get("appendix", [])
        if name in tables
        and name in catalogue
        and not (catalogue[name]["view"].get("only_with_rows") and tables[name].empty)
    ]
    shown = {v.id for v in views}
    labels = table_config.get("extract_labels", {})
    return views + [
        extract_view(name, tables[name], spec, names, year, region_code, labels)
        for name, spec in catalogue.items()
        if spec["id"] not in shown and name in tables
    ]
