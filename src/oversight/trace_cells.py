"""Tracing a published cell: its row picked by key, what its value means (numerator,
denominator, why a ``c`` is hidden), and for a metrics cell the units it counts and their raw
files and rows (:mod:`oversight.trace` runs the command)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.compare.members import members
from oversight.config import load_yaml

CELL_KEYS = ("la_code", "period", "metric", "breakdown")
SYMBOL = "c"
# Row ranges shown per raw file before the rest are counted.
RANGES_SHOWN = 6
# Values of a key named in an error before the rest are counted.
VALUES_SHOWN = 12


class TraceError(ValueError):
    """An ID, cell or point that cannot be traced; the message names what is valid."""


@cache
def settings() -> dict[str, Any]:
    """How figure points map to table cells (``trace.yaml``)."""
    return load_yaml(Path(__file__).with_name("trace.yaml"))


# ----------------------------------------------------------------------------- cells
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
        parts = parse_keys(text)
        missing = [k for k in CELL_KEYS[:3] if k not in parts]
        if missing:
            raise TraceError(
                f"cell {text!r} lacks {', '.join(missing)}: give "
                "la_code=...,period=...,metric=...[,breakdown=...]"
            )
        return cls(
            parts["la_code"], parts["period"], parts["metric"], parts.get("breakdown", "all")
        )

    def as_text(self) -> str:
        return (
            f"la_code={self.la_code},period={self.period},metric={self.metric},"
            f"breakdown={self.breakdown}"
        )


def parse_keys(text: str) -> dict[str, str]:
    """``k=v,k=v`` as a dict; a ``breakdown=`` part runs to the end (it may hold ``=``)."""
    head, sep, breakdown = text.partition("breakdown=")
    if sep and head and not head.endswith(","):
        head, breakdown, sep = text, "", ""
    parts: dict[str, str] = {}
    for item in head.rstrip(",").split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise TraceError(f"{item!r} in {text!r} is not key=value: give key=value,key=value")
        key, value = item.split("=", 1)
        parts[key.strip()] = value.strip()
    if sep:
        parts["breakdown"] = breakdown
    return parts


def shown_values(values: Iterable[Any]) -> str:
    vals = sorted({str(v) for v in values})
    more = f" and {len(vals) - VALUES_SHOWN} more" if len(vals) > VALUES_SHOWN else ""
    return ", ".join(vals[:VALUES_SHOWN]) + more


def select_row(table: pd.DataFrame, keys: Mapping[str, str], table_id: str) -> pd.Series:
    """The one row of ``table`` matching every ``key=value``; a :class:`TraceError` naming
    the valid values when no row or several rows match."""
    unknown = [k for k in keys if k not in table.columns]
    if unknown:
        raise TraceError(
            f"{table_id} has no column {', '.join(unknown)}; its columns are "
            f"{', '.join(table.columns)}"
        )
    hit = table
    for key, value in keys.items():
        narrower = hit[hit[key].astype(str) == value]
        if narrower.empty:
            raise TraceError(
                f"no row of {table_id} has {key}={value}"
                + (" with the other keys given" if len(hit) < len(table) else "")
                + f"; {key} takes: {shown_values(hit[key])}"
            )
        hit = narrower
    if len(hit) > 1:
        keyed = [c for c in settings()["key_columns"] if c in table.columns] or list(table.columns)
        differ = [c for c in keyed if c not in keys and hit[c].astype(str).nunique() > 1]
        choose = "; ".join(f"{c} takes: {shown_values(hit[c])}" for c in differ[:3])
        raise TraceError(
            f"{len(hit)} rows of {table_id} match {keys_text(keys)}: add a key to choose one "
            f"({choose})"
        )
    return hit.iloc[0]


def keys_text(keys: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in keys.items())


def as_number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def value_text(value: Any) -> str:
    """A published value with its percentage when it is a proportion."""
    number = as_number(value)
    if number is None:
        return str(value) if str(value) else "(blank)"
    if 0 <= number <= 1:
        return f"{number:g} ({100 * number:.1f}%)"
    return f"{number:g}"


def count_text(value: Any) -> str:
    number = as_number(value)
    if number is None:
        return str(value) if str(value) else "(blank)"
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def suppression_reason(numerator: float, denominator: float, min_count: int) -> str:
    """Why disclosure control hid a metrics cell
    (``oversight.disclosure.suppress.protect_long``)."""
    small = range(1, min_count)
    if int(numerator) in small:
        return f"primary: its numerator is a count from 1 to {min_count - 1}"
    if int(denominator - numerator) in small:
        return f"primary: the count not in its numerator is from 1 to {min_count - 1}"
    if int(denominator) in small:
        return f"primary: its denominator is from 1 to {min_count - 1}"
    return (
        "secondary: its own counts are not small, but a hidden cell related to it (another "
        "breakdown of the same total, the region's total, the year's quarters) could be "
        "worked out from it"
    )


# ----------------------------------------------------------------------------- metrics cells
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


def row_ranges(rows: Iterable[int]) -> str:
    """``2-5, 9, 12-13`` (the first ranges, the rest counted)."""
    nums = sorted(set(int(r) for r in rows))
    ranges: list[tuple[int, int]] = []
    for n in nums:
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    shown = [f"{a}-{b}" if b > a else str(a) for a, b in ranges[:RANGES_SHOWN]]
    more = f", ... ({len(ranges) - RANGES_SHOWN} more ranges)" if len(ranges) > RANGES_SHOWN else ""
    return ", ".join(shown) + more


def describe_cell(
    cell: Cell,
    row: pd.Series,
    units: pd.DataFrame,
    raw_root: Path,
    limit: int,
    where: Mapping[str, Path] | None = None,
    min_count: int = 6,
    slug: str = "",
) -> list[str]:
    """The answer for one metrics cell: the published numbers, the same counted again from
    the harmonised records, the raw files (by label) and rows behind it.

    Harmonised rows name their raw file by label (:mod:`oversight.ingest.filelabels`); ``where``
    (label -> path, computed with the key) gives the path, else the label is shown under
    ``raw_root``.
    """
    where = where or {}
    n_num, n_den = int(units["in_numerator"].sum()), len(units)
    status = str(row.get("status", "") or "")
    agrees = as_number(row["numerator"]) == n_num and as_number(row["denominator"]) == n_den
    lines = [
        f"TAB-METRICS {cell.la_code} {cell.period} {cell.metric} ({cell.breakdown}): "
        f"value {value_text(row['value'])}, numerator {count_text(row['numerator'])}, "
        f"denominator {count_text(row['denominator'])}, "
        + ("status c (suppressed in the published table)" if status == SYMBOL else "published"),
        f"  recomputed from the harmonised records: {n_num} of {n_den} units"
        + ("" if status == SYMBOL else (" (agrees)" if agrees else " (DIFFERS from the table)")),
    ]
    if status == SYMBOL:
        lines.append(f"  why c: {suppression_reason(n_num, n_den, min_count)}")
    lines.append(
        "  raw files (by label"
        + (f"; `oversight files {slug}` gives paths with the key" if slug and not where else "")
        + "):"
    )
    for label, part in units.groupby("source_file", sort=True):
        lines.append(
            f"    {label} ({', '.join(sorted(set(part['dataset'])))}): {len(part)} rows: "
            f"{row_ranges(part['source_row'])}"
        )
    for flag, title in ((True, "numerator"), (False, "denominator only")):
        part = units[units["in_numerator"] == flag]
        lines.append(f"  {title}: {len(part)} units; raw rows (file:row) behind them:")
        for r in part.head(limit).itertuples():
            path = where.get(r.source_file, raw_root / r.source_file)
            lines.append(f"    {path}:{r.source_row}  {r.dataset}  {r.unit}")
        if len(part) > limit:
            lines.append(f"    ... and {len(part) - limit} more (use --limit)")
    return lines


def describe_published_cell(cell: Cell, row: pd.Series, why: str) -> list[str]:
    """A metrics cell that has no unit records to list (the region, a ratio): its numbers."""
    status = str(row.get("status", "") or "")
    return [
        f"TAB-METRICS {cell.la_code} {cell.period} {cell.metric} ({cell.breakdown}): "
        f"value {value_text(row['value'])}, numerator {count_text(row['numerator'])}, "
        f"denominator {count_text(row['denominator'])}, "
        + ("status c (suppressed in the published table)" if status == SYMBOL else "published"),
        f"  {why}",
    ]
