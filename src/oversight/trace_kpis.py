"""Tracing a cell of the KPI table (one LA, period and indicator) to the DfE release it was
read from: file, row number and column, quoted, as DfE releases are public."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.ingest import harmonise
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.published.releases import identify, indicator_rows, read_release
from oversight.trace_cells import TraceError, as_number, count_text, shown_values, value_text

KPI_KEYS = ("la_code", "period", "indicator")


# ----------------------------------------------------------------------------- KPI cells
@dataclass(frozen=True)
class KpiSource:
    """Where one KPI cell comes from in its DfE release."""

    release: str
    file: str
    row: int
    columns: dict[str, str]
    cells: dict[str, str]
    numerator: float | None
    denominator: float | None
    value: float | None
    status: str


def release_headers(path: Path, name: str, spec: Mapping[str, Any]) -> dict[str, str]:
    """Each configured field of a release -> the header it has in this file."""
    fields = {f: {"type": "text", "required": True} for f in spec["columns"]}
    table = read_table(path, dict(spec), spec["path"], harmonise.known_headers(spec), norm_label)
    mapping = harmonise.map_headers(
        table.header, dict(spec), fields, spec["path"], lambda keys: name, table.header_row, True
    )
    return {f: table.header[pos] for f, pos in mapping.items()}


def kpi_source(
    published: Mapping[str, Any],
    raw_root: Path,
    reference: pd.DataFrame,
    la_code: str,
    period: str,
    indicator: str,
) -> KpiSource:
    """The DfE release row (file, row number, columns, cells) an LA's indicator is read from,
    found the way ``rule kpis`` reads it (:func:`oversight.published.releases.read_release`)."""
    indicators = published["indicators"]
    if indicator not in indicators:
        raise TraceError(
            f"{indicator!r} is not an indicator; indicators: {shown_values(indicators)}"
        )
    spec = indicators[indicator]
    name = spec["release"]
    release = published["releases"][name]
    path = raw_root / release["path"]
    frame = read_release(path, name, dict(release), lambda keys: name)
    rows = indicator_rows(frame, indicator, spec, release["path"])
    las = rows[rows["geographic_level"] == "Local authority"].copy()
    las["la_code"] = identify(las, reference)
    mine = las[las["la_code"] == la_code]
    if mine.empty:
        raise TraceError(f"{la_code} has no row in {release['path']}")
    hit = mine[mine["period"] == period]
    if hit.empty:
        raise TraceError(
            f"{release['path']} has no row for {la_code} in {period}; periods: "
            f"{shown_values(mine['period'])}"
        )
    if len(hit) > 1:
        raise TraceError(
            f"{len(hit)} rows of {release['path']} are {la_code} in {period} (rows "
            f"{', '.join(str(r) for r in hit['source_row'])}): the release repeats the LA"
        )
    found = hit.iloc[0]
    source_row = int(found["source_row"])
    headers = release_headers(path, name, release)
    used = {"numerator": spec["numerator"], **_denominators(spec)}
    if spec.get("published"):
        used["published value"] = spec["published"]
    raw = frame[frame["source_row"] == source_row].iloc[0]
    return KpiSource(
        release=name,
        file=release["path"],
        row=source_row,
        columns={role: headers[f] for role, f in used.items()},
        cells={role: str(raw[f]) for role, f in used.items()},
        numerator=as_number(found["numerator"]),
        denominator=as_number(found["denominator"]),
        value=as_number(found["value"]),
        status=str(found["status"]),
    )


def _denominators(spec: Mapping[str, Any]) -> dict[str, str]:
    fields = spec["denominator"]
    if len(fields) == 1:
        return {"denominator": fields[0]}
    return {f"denominator part {i}": f for i, f in enumerate(fields, 1)}


def describe_kpi(row: pd.Series, source: KpiSource, raw_root: Path) -> list[str]:
    """The answer for one KPI cell: the published value, then the DfE file, row and cells."""
    status = str(row.get("status", "") or "")
    published = as_number(row.get("value"))
    agrees = (
        published is not None
        and source.value is not None
        and abs(round(source.value, 6) - published) < 1e-6
    )
    lines = [
        f"TAB-KPIS {row['la_code']} {row['period']} {row['indicator']}: value "
        f"{value_text(row['value'])}, numerator {count_text(source.numerator)}, denominator "
        f"{count_text(source.denominator)}, "
        + (f"status {status} (DfE's symbol: not published by DfE)" if status else "published"),
        f"  DfE release {source.release}: {raw_root / source.file}",
        f"  row {source.row} (its line number in the file; the header is line 1); columns:",
    ]
    for role, column in source.columns.items():
        lines.append(f"    {column} ({role}) = {source.cells[role]}")
    if source.value is not None:
        lines.append(
            f"  numerator / denominator = {source.value:.6f}"
            + (" (agrees with the table)" if agrees else " (DIFFERS from the table)")
        )
    return lines
