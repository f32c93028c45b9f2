"""Common-schema frames to an LA system's own export: headers, labels, dates, extra columns.

Also plants the known data errors as extra rows (a corrupted copy of a real row, or an exact
duplicate), so that the true population stays exactly as simulated and every planted row
fails exactly one rule.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from oversight.demo import dialects as d

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
BAD_DATES = ["TBC", "31/02/2024", "unknown", "00/00/0000", "2024-13-45"]
UNKNOWN_CODES = {
    "session_type": "Peer consultation",
    "legal_status": "Early Help",
    "entry_type": "Chronology entry",
    "grade": "Not graded",
    "item": "Don't know",
}


def _dates(values: pd.Series, fmt: str, native_cells: bool) -> list[Any]:
    if fmt == "excel_serial":
        days = (values - EXCEL_EPOCH).dt.days
        return [("" if pd.isna(x) else (int(x) if native_cells else str(int(x)))) for x in days]
    if native_cells:
        return [("" if pd.isna(x) else x.to_pydatetime()) for x in values]
    return values.dt.strftime(fmt).fillna("").tolist()


def native_date(value: pd.Timestamp, fmt: str, native_cells: bool) -> Any:
    return _dates(pd.Series([value], dtype="datetime64[s]"), fmt, native_cells)[0]


def _labels(values: pd.Series, labels: dict) -> list[str]:
    return [("" if pd.isna(v) else str(labels.get(v, v))) for v in values]


def render(
    frame: pd.DataFrame,
    dataset: str,
    dialect: dict[str, Any],
    la_index: int,
    native_cells: bool,
    extras_rng: np.random.Generator,
) -> tuple[list[str], list[list]]:
    """Header and rows of one export; cells are text (or dates/numbers for spreadsheets)."""
    headers = dialect["headers"]
    labels = dialect.get("labels", {})
    bool_yes, bool_no = d.BOOL_LABELS[la_index % len(d.BOOL_LABELS)]
    columns: dict[str, list[Any]] = {}
    for name, header in headers.items():
        col = frame[name]
        if name in labels:
            columns[header] = _labels(col, labels[name])
        elif name == "worker_role":
            columns[header] = _labels(col, d.ROLE_LABELS[la_index % 6])
        elif name == "team_type":
            columns[header] = _labels(col, d.TEAM_LABELS[la_index % 6])
        elif name == "domain":
            columns[header] = _labels(col, d.DOMAIN_LABELS[la_index % 6])
        elif name in ("grade", "moderated_grade"):
            scale = d.GRADE_SCALES[la_index % len(d.GRADE_SCALES)]["labels"]
            columns[header] = [
                ("" if pd.isna(v) else scale.get(int(v), scale.get(int(v) - 1))) for v in col
            ]
        elif pd.api.types.is_datetime64_any_dtype(col):
            columns[header] = _dates(col, dialect["date_format"], native_cells)
        elif pd.api.types.is_bool_dtype(col) or str(col.dtype) == "boolean":
            columns[header] = ["" if pd.isna(v) else (bool_yes if v else bool_no) for v in col]
        elif str(col.dtype) == "Int64":
            columns[header] = [
                "" if pd.isna(v) else (int(v) if native_cells else str(int(v))) for v in col
            ]
        else:
            columns[header] = ["" if pd.isna(v) else str(v) for v in col]
    order = dialect.get("order")
    names = list(headers.values())
    if order:
        names = [names[i] for i in order]
    for header, kind in dialect.get("extra", {}).items():
        columns[header] = _extra_values(kind, len(frame), extras_rng)
        names.append(header)
    rows = [list(r) for r in zip(*(columns[h] for h in names), strict=True)] if len(frame) else []
    return names, rows


def _extra_values(kind: str, n: int, rng: np.random.Generator) -> list[str]:
    """Columns a system exports that the study does not use (never identifying)."""
    if kind in ("team", "locality"):
        return [f"Team {x}" for x in rng.integers(1, 12, size=n)]
    if kind == "time":
        return [
            f"2025-0{m}-1{x} 10:{x}2:00"
            for m, x in zip(rng.integers(1, 4, size=n), rng.integers(0, 9, size=n), strict=True)
        ]
    if kind == "gender":
        return list(rng.choice(["F", "M", "U"], size=n))
    if kind == "ethnicity":
        return list(rng.choice(["WBRI", "MIXD", "ASIA", "BLAF", "OTHR"], size=n))
    if kind in ("auditor", "moderator", "supervisor"):
        return [f"{kind.title()} {x}" for x in rng.integers(1, 20, size=n)]
    if kind == "notes":
        return list(rng.choice(["", "", "rescheduled", "joint session"], size=n))
    return [f"{kind[:3].upper()}{x}" for x in rng.integers(1, 9, size=n)]


def plant(
    rows: list[list],
    header: list[str],
    plan: dict[str, dict[str, Any]],
    rng: np.random.Generator,
    mapped: list[int],
    keyed: list[int],
) -> tuple[list[list], Counter]:
    """Add corrupted copies and duplicates of distinct clean rows; return rows and counts.

    ``plan`` maps a rule to ``{"n": count, "column": header, "value": callable(row)->cell}``.
    Rows are shuffled afterwards so errors are not all at the end. Uniqueness is judged on the
    ``mapped`` columns, as the pipeline judges it (extra columns do not make rows distinct).
    A copy corrupted outside the dataset's ``keyed`` columns (its key fields in the common
    schema) is still the same record as its source, so the pipeline also reports it as a
    ``duplicate_row``, and so does the count.
    """

    def key(row: list) -> tuple:
        return tuple(row[i] for i in mapped)

    seen = {key(r) for r in rows}
    if len(seen) != len(rows):
        raise AssertionError("the simulated export has exact duplicate rows")
    total = sum(p["n"] for p in plan.values())
    sources = rng.choice(len(rows), size=min(total, len(rows)), replace=False)
    extra: list[list] = []
    counts: Counter = Counter()
    k = 0
    for rule, spec in plan.items():
        for _ in range(spec["n"]):
            src = list(rows[sources[k]])
            k += 1
            if rule != "duplicate_row":
                col = header.index(spec["column"])
                src[col] = spec["value"](src, col)
                if key(src) in seen:
                    continue
            seen.add(key(src))
            extra.append(src)
            counts[rule] += 1
            if rule != "duplicate_row" and col not in keyed:
                counts["duplicate_row"] += 1
    out = rows + extra
    order = rng.permutation(len(out))
    return [out[i] for i in order], counts
