"""From analysis tables to published tables: disclosure control as the catalogue says.

``config/tables.yaml`` names every published table, its ID and caption, and how small numbers
are kept out of it. :func:`publish` applies that to one analysis table; :func:`data_received`
summarises the ingest ledger for the report. Pure functions: frames in, frames out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oversight.config import load_checked
from oversight.disclosure.audit import audit
from oversight.disclosure.readback import SYMBOL
from oversight.disclosure.relations import relations_for
from oversight.disclosure.secondary import Band, primary_cells, secondary_by_relations
from oversight.disclosure.suppress import protect_counts, protect_long, round_total
from oversight.disclosure.table_relations import counts_relations, matrix_relations
from oversight.errors import ConfigError, DisclosureError


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
    min_width: int = 5,
) -> pd.DataFrame:
    """One analysis table as published: columns dropped, disclosure control applied.

    Secondary suppression honours every relation the catalogue declares (``min_width``:
    the protection width, ``config/config.yaml`` ``disclosure.protection_width``); call
    :func:`check_published` on the result for the attacker's audit.
    """
    rule = spec["disclosure"]
    frame = published_columns(frame, spec)
    method = rule["method"]
    band = Band(low, high, min_width)
    if method == "long_metrics":
        return protect_long(metric_counts(frame), region_code, low, high, min_width=min_width)
    if method == "counts":
        hide_with = rule.get("hide_with", {})
        _check_columns(name, frame, rule["counts"] + [c for v in hide_with.values() for c in v])
        totals = frame["la_code"].eq(region_code) if "la_code" in frame else None
        _, mask = protect_counts(
            frame, rule["counts"], hide_with, rule.get("lines"), low, high, totals
        )
        cells = counts_relations(frame, rule, region_code, truth=frame)
        start = {(i, col) for col in rule["counts"] for i in np.flatnonzero(mask[col])}
        hidden = secondary_by_relations(cells, start | primary_cells(cells, band), band, name)
        out = frame.copy().reset_index(drop=True).astype(object)
        for i, col in hidden:
            for target in [col, *hide_with.get(col, [])]:
                out.at[i, target] = SYMBOL
        return out
    if method == "matrix":
        _check_columns(name, frame, [rule["index"]])
        cells = matrix_relations(frame, rule)
        hidden = secondary_by_relations(cells, primary_cells(cells, band), band, name)
        square = frame.set_index(rule["index"])
        out = square.astype(object).copy()
        for r, c in hidden:
            out.loc[r, c] = SYMBOL
        return out.reset_index()
    if method == "linked":
        _check_columns(name, frame, list(rule["keys"]) + rule["periods"] + rule["hide"])
        return _linked(frame, rule, metrics)
    return frame


def metric_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """The metrics table as published: the moderation pairs (the agreement table behind
    kappa) stay in data/interim."""
    return frame[frame["metric"] != "moderation_pairs"]


def check_published(
    name: str,
    shown: pd.DataFrame,
    spec: dict[str, Any],
    region_code: str,
    truth: pd.DataFrame | None = None,
    low: int = 1,
    high: int = 5,
    min_width: int = 5,
) -> dict[str, Any]:
    """The attacker's audit of one published table: every hidden count's feasible interval
    given every published cell and every declared relation (``truth``, the table before
    suppression, supplies totals published in other tables).

    Returns a summary without values (cells hidden, audited, the narrowest width proven).

    Raises:
        DisclosureError: Naming the table, each exposed cell and its interval, when a hidden
            cell that may be a count from ``low`` to ``high`` can be pinned inside that band
            or to an interval narrower than ``min_width``, or when a value computed from a
            hidden count is shown.
    """
    cells = relations_for(name, published_columns(shown, spec), spec, region_code, truth)
    witness = None
    if truth is not None:
        # the table before suppression fits everything published: one table a reader cannot
        # rule out, which settles most hidden cells without solving (checked to fit first)
        truth = published_columns(truth, spec)
        witness = relations_for(name, truth, spec, region_code, truth).values
    found = audit(cells.values, cells.relations, low, high, min_width, witness=witness)
    problems = [f"{cells.describe(iv.cell)}: a reader can tell it is {iv}" for iv in found.exposed]
    problems += [
        f"{what} is shown, and gives away {cells.describe(source)}, which is hidden"
        for what, source in cells.reveals
        if cells.values[source] is None
    ]
    if problems:
        shown_problems = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DisclosureError(
            f"{name} (results/tables/{name}.csv): {len(problems)} suppressed cell(s) can be "
            f"worked out (counts from {low} to {high} must not be pinned inside that band or "
            f"to an interval narrower than {min_width}):\n  {shown_problems}{more}\n"
            "Declare the relation in config/tables.yaml if it is missing, or report this: "
            "secondary suppression should have prevented it."
        )
    hidden = sum(v is None for v in cells.values.values())
    narrowest = min(found.widths.values(), default=None)
    return {
        "table": name,
        # numerators, denominators and complements (denominator - numerator) hidden
        "hidden_cells": hidden,
        "audited": found.audited,
        # the narrowest interval proven for a hidden cell (0 for a cell pinned above the band)
        "narrowest_width": None if narrowest is None else float(narrowest),
    }


def data_received(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger summed over LAs for each dataset; totals above 1,000 rounded to the nearest
    10, halves up, as DfE rounds its national figures (``config/dfe_conventions.yaml``)."""
    ledger = ledger.copy()
    ledger["has_rejects"] = ledger["rows_rejected"] > 0
    ledger["has_problem"] = ledger["file_problem"].fillna("").astype(str).str.len() > 0
    # Left out of the comparisons (oversight.quality.links); a ledger without status has none.
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


def load_catalogue(path: str | Path) -> dict[str, Any]:
    """The published tables' catalogue (``config/tables.yaml``), checked against its schema."""
    return load_checked(path, "tables.schema.yaml")["tables"]


# Columns that hold counts in any table: the metrics' and DfE's numerators and denominators.
COUNT_COLUMNS = ("numerator", "denominator")


def whole_numbers(frame: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """``frame`` with each whole number of its count columns written as an integer (93, not
    93.0: a count column holding symbols or blanks is read as floats). Count columns are the
    spec's ``counts`` and ``not_people`` and any numerator or denominator; a fractional value
    (DfE's FTE numerators) and every symbol are kept as they are."""
    named = {*spec.get("disclosure", {}).get("counts", []), *spec.get("not_people", [])}
    out = frame.copy()
    for col in [c for c in out.columns if c in named or c in COUNT_COLUMNS]:
        if pd.api.types.is_integer_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            continue
        # built as objects: Series.map would infer floats again from ints beside a blank
        out[col] = pd.Series([_whole(v) for v in out[col]], index=out.index, dtype=object)
    return out


def _whole(value: Any) -> Any:
    """An integral float as an int; anything else unchanged."""
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return int(value)
    return value
