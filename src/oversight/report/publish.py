"""From analysis tables to published tables: disclosure control as the catalogue says.

``config/tables.yaml`` names every published table, its ID and caption, and how small numbers
are kept out of it. :func:`publish` applies that to one analysis table; :func:`data_received`
summarises the ingest ledger for the report. Pure functions: frames in, frames out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from oversight.disclosure import SYMBOL, protect, protect_counts, protect_long, round_total
from oversight.errors import ConfigError


def published_columns(frame: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """The table without the columns the catalogue leaves out."""
    return frame.drop(columns=[c for c in spec.get("drop", []) if c in frame])


def _check_columns(name: str, frame: pd.DataFrame, columns: list[str]) -> None:
    missing = sorted(set(columns) - set(frame.columns))
    if missing:
        raise ConfigError(
            f"config/tables.yaml: table {name!r} names column(s) {missing} that the analysis "
            f"table does not have (it has {list(frame.columns)})"
        )


def _linked(
    frame: pd.DataFrame, spec: dict[str, Any], metrics: pd.DataFrame | None
) -> pd.DataFrame:
    """Hide the computed columns of rows whose source metrics cell is hidden: a value
    derived from a hidden count would give the count away beside its published denominator."""
    if metrics is None:
        raise ValueError("a linked table needs the published metrics table")
    hidden = metrics[(metrics["status"] == SYMBOL) & (metrics["breakdown"] == "all")]
    keys = spec["keys"]
    hidden_keys = set(
        zip(
            *(hidden[k].astype(str) for k in keys.values()),
            hidden["period"].astype(str),
            strict=True,
        )
    )
    out = frame.copy()
    mask = np.zeros(len(out), dtype=bool)
    for period_col in spec["periods"]:
        cells = zip(*(out[k].astype(str) for k in keys), out[period_col].astype(str), strict=False)
        mask |= np.array([cell in hidden_keys for cell in cells], dtype=bool)
    for col in spec["hide"]:
        out[col] = out[col].astype(object).where(~mask, SYMBOL)
    return out


def publish(
    name: str,
    frame: pd.DataFrame,
    spec: dict[str, Any],
    region_code: str,
    low: int = 1,
    high: int = 5,
    metrics: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One analysis table as published: columns dropped, disclosure control applied."""
    rule = spec["disclosure"]
    frame = published_columns(frame, spec)
    method = rule["method"]
    if method == "long_metrics":
        counts = frame[frame["metric"] != "moderation_pairs"]
        return protect_long(counts, region_code, low, high)
    if method == "counts":
        hide_with = rule.get("hide_with", {})
        _check_columns(name, frame, rule["counts"] + [c for v in hide_with.values() for c in v])
        totals = frame["la_code"].eq(region_code) if "la_code" in frame else None
        shown, _ = protect_counts(
            frame, rule["counts"], hide_with, rule.get("lines"), low, high, totals
        )
        return shown
    if method == "matrix":
        _check_columns(name, frame, [rule["index"]])
        square = frame.set_index(rule["index"])
        shown, _ = protect(square.astype(float), low, high)
        return shown.reset_index()
    if method == "linked":
        _check_columns(name, frame, list(rule["keys"]) + rule["periods"] + rule["hide"])
        return _linked(frame, rule, metrics)
    return frame


def data_received(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger summed over LAs for each dataset; totals above 1,000 rounded to 5."""
    ledger = ledger.copy()
    ledger["has_rejects"] = ledger["rows_rejected"] > 0
    ledger["has_problem"] = ledger["file_problem"].fillna("").astype(str).str.len() > 0
    # Left out of the comparisons (oversight.links); a ledger without status has none.
    status = ledger.get("status", pd.Series("ok", index=ledger.index))
    ledger["is_unreliable"] = status.fillna("ok").astype(str) != "ok"
    out = (
        ledger.groupby("dataset", sort=True)
        .agg(
            las=("la_code", "nunique"),
            rows_received=("rows_in", "sum"),
            rows_loaded=("rows_loaded", "sum"),
            rows_rejected=("rows_rejected", "sum"),
            blank_rows_skipped=("blank_rows_skipped", "sum"),
            las_with_rejects=("has_rejects", "sum"),
            las_with_file_problems=("has_problem", "sum"),
            las_unreliable=("is_unreliable", "sum"),
        )
        .reset_index()
    )
    out["share_loaded"] = (out["rows_loaded"] / out["rows_received"]).round(4)
    for col in ("rows_received", "rows_loaded", "rows_rejected", "blank_rows_skipped"):
        out[col] = out[col].map(round_total).astype("int64")
    return out


def as_numbers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A published table read back for plotting: hidden cells (``c``) become missing."""
    out = frame.copy()
    for col in columns:
        if col in out:
            out[col] = pd.to_numeric(out[col].replace(SYMBOL, np.nan), errors="coerce")
    return out


METRIC_NUMBERS = ["numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]


def read_published_metrics(path: str) -> pd.DataFrame:
    """``results/tables/oversight_metrics.csv`` with numbers as numbers and hidden ones missing."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame = as_numbers(frame, METRIC_NUMBERS)
    frame["funnel_flag"] = frame["funnel_flag"].replace(SYMBOL, np.nan)
    return frame
