"""``oversight trace``: from a figure, table or table cell back to the raw files and rows.

An ID is traced through ``results/provenance.json`` (:func:`oversight.provenance.chain`). A
cell of the metrics table (one LA, period, metric and breakdown) is traced further, to the
harmonised records behind its numerator and denominator (:func:`oversight.metrics.members`)
and so to the raw file and row each came from. Only file names, row numbers and
pseudonymised IDs are printed: never the content of a raw row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.metrics import members

CELL_KEYS = ("la_code", "period", "metric", "breakdown")
STATS_DATASETS = ("supervision", "caseload", "oversight", "audits")


@dataclass(frozen=True)
class Cell:
    la_code: str
    period: str
    metric: str
    breakdown: str = "all"

    @classmethod
    def parse(cls, text: str) -> Cell:
        """``la_code=E06000039,period=2024-25,metric=staff_supervision_28d[,breakdown=...]``.

        Breakdowns may hold ``=`` and ``;`` (``domain=x;grade=2``), so they come last."""
        head, _, breakdown = text.partition(",breakdown=")
        parts = dict(item.split("=", 1) for item in head.split(",") if "=" in item)
        missing = [k for k in CELL_KEYS[:3] if k not in parts]
        if missing:
            raise ValueError(
                f"cell {text!r} lacks {', '.join(missing)}: give "
                "la_code=...,period=...,metric=...[,breakdown=...]"
            )
        return cls(parts["la_code"], parts["period"], parts["metric"], breakdown or "all")


def published_cell(table: pd.DataFrame, cell: Cell) -> pd.Series:
    """The row of the published metrics table for ``cell`` (KeyError if none)."""
    hit = table[
        (table["la_code"] == cell.la_code)
        & (table["period"] == cell.period)
        & (table["metric"] == cell.metric)
        & (table["breakdown"] == cell.breakdown)
    ]
    if hit.empty:
        raise KeyError(f"no row in the metrics table for {cell}")
    return hit.iloc[0]


def cell_members(
    frames: Mapping[str, pd.DataFrame],
    authority: Mapping[str, Any],
    study: Mapping[str, Any],
    windows: list[int],
    cell: Cell,
) -> pd.DataFrame:
    """The units behind one LA's cell, with the raw file and row of each."""
    return members(
        dict(frames),
        study["period_start"],
        study["period_end"],
        authority["supervision_policy_days"],
        windows,
        cell.period,
        cell.metric,
        cell.breakdown,
    )


def describe_cell(
    cell: Cell,
    row: pd.Series,
    units: pd.DataFrame,
    raw_root: Path,
    limit: int,
    where: Mapping[str, Path] | None = None,
) -> list[str]:
    """Lines of text: the published cell, the counts agreed, and the raw rows behind it.

    Harmonised rows name their raw file by label (:mod:`oversight.filelabels`); ``where``
    (label -> path, computed with the key) gives the path, else the label is shown.
    """
    where = where or {}
    n_num, n_den = int(units["in_numerator"].sum()), len(units)
    lines = [
        f"cell {cell.la_code} {cell.period} {cell.metric} {cell.breakdown}: published "
        f"numerator {row['numerator']}, denominator {row['denominator']}, value {row['value']}"
        + (" (suppressed in the published table)" if row.get("status") == "c" else ""),
        f"  recomputed from the harmonised records: {n_num} of {n_den} units",
    ]
    for flag, title in ((True, "numerator"), (False, "denominator only")):
        part = units[units["in_numerator"] == flag]
        lines.append(f"  {title}: {len(part)} units; raw rows (file:row) behind them:")
        for r in part.head(limit).itertuples():
            path = where.get(r.source_file, raw_root / r.source_file)
            lines.append(f"    {path}:{r.source_row}  {r.dataset}  {r.unit}")
        if len(part) > limit:
            lines.append(f"    ... and {len(part) - limit} more (use --limit)")
    return lines
