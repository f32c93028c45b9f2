"""One published table in the EES open data shape: time and geography columns first, then
one column per filter (``key=value;...`` breakdowns split, ``Total`` where a row is not
broken down), then one per indicator (integers written as integers, blanks as GSS symbols).

Only the disclosure-controlled table of results/tables/ is read, and every cell it hides
(``c``) stays hidden: cells are moved, never recomputed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from oversight.errors import ConfigError
from oversight.opendata import ees
from oversight.opendata.periods import SUFFIX, time_columns
from oversight.opendata.places import geography

# A whole number written with decimals (93.0), and its integer part.
INTEGRAL = re.compile(r"^(-?\d+)\.0+$")
NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def check_covered(frame: pd.DataFrame, spec: Mapping[str, Any], table: str) -> None:
    """Every column of the published table is a filter, an indicator, the period, la_code or
    left out with a reason: a new column is never dropped or published unseen."""
    known = {"la_code", spec["time"].get("column")}
    known |= set(spec["filters"]) | set(spec["indicators"]) | set(spec.get("omit", {}))
    known |= {spec["status"]} if spec.get("status") else set()
    unknown = [c for c in frame.columns if c not in known]
    missing = [c for c in [*spec["filters"], *spec["indicators"]] if c not in frame.columns]
    if unknown or missing or "la_code" not in frame:
        raise ConfigError(
            f"config/open_data.yaml tables.{table}: results/tables/{table}.csv has column(s) "
            f"{unknown} that are neither filters, indicators nor omitted (with a reason), "
            f"lacks column(s) {missing}, or has no la_code; make the entry match the table"
        )


def split_breakdown(cells: pd.Series, labels: Mapping[str, str], table: str) -> pd.DataFrame:
    """``key=value;key=value`` cells as one column per key (``all``: every key Total), in
    the order of ``labels`` (config/open_data.yaml split_labels)."""
    parsed = []
    for i, cell in cells.items():
        parts = {} if cell == "all" else dict(p.split("=", 1) for p in cell.split(";"))
        extra = sorted(set(parts) - set(labels))
        if extra or any(not v for v in parts.values()):
            raise ConfigError(
                f"results/tables/{table}.csv line {int(i) + 2}: breakdown {cell!r} has key(s) "
                f"{extra} missing from config/open_data.yaml tables.{table}.split_labels, or "
                "an empty value"
            )
        parsed.append(parts)
    out = pd.DataFrame(parsed, columns=list(labels), index=cells.index, dtype=object)
    return out.fillna(ees.TOTAL)


def filter_columns(frame: pd.DataFrame, spec: Mapping[str, Any], table: str) -> pd.DataFrame:
    """The filter columns: split breakdowns, each filter's total value as ``Total``."""
    parts = []
    for name, filt in spec["filters"].items():
        if filt.get("split"):
            parts.append(split_breakdown(frame[name], spec.get("split_labels", {}), table))
            continue
        cells = frame[name].replace({filt["total"]: ees.TOTAL}) if "total" in filt else frame[name]
        if (cells.str.strip() == "").any():
            line = int(cells.index[cells.str.strip() == ""][0]) + 2
            raise ConfigError(
                f"results/tables/{table}.csv line {line}: filter {name!r} is blank; give "
                f"config/open_data.yaml tables.{table}.filters.{name} a `total` or fix the table"
            )
        parts.append(cells.rename(name).to_frame())
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)


def indicator_column(cells: pd.Series, status: pd.Series | None, blank: str) -> pd.Series:
    """One indicator: a blank cell takes its row's status symbol, else ``blank``; a whole
    number is written without decimals (93, not 93.0), any other cell as published."""
    out = cells.str.strip()
    fill = pd.Series(blank, index=out.index)
    if status is not None:
        fill = status.where(status.isin(ees.SYMBOLS), blank)
    out = out.where(out != "", fill)
    return out.str.replace(INTEGRAL, r"\1", regex=True)


def indicator_columns(frame: pd.DataFrame, spec: Mapping[str, Any]) -> pd.DataFrame:
    """The indicator columns of the published table (config/open_data.yaml order)."""
    status = frame[spec["status"]].str.strip() if spec.get("status") else None
    return pd.DataFrame(
        {
            name: indicator_column(frame[name], status, ind.get("blank", spec["blank"]))
            for name, ind in spec["indicators"].items()
        },
        index=frame.index,
    )


def open_data_frames(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    table: str,
    context: Mapping[str, Any],
) -> dict[str, pd.DataFrame]:
    """The published ``table`` (every cell as text) as EES data frames by file name
    (``<table>``, ``<table>_quarters``, ``<table>_months``): LA rows only, network totals
    (``context['region_code']``) left out. ``context`` holds places, country, region,
    identifiers and study_year."""
    check_covered(frame, spec, table)
    frame = frame[frame["la_code"] != context["region_code"]]
    if frame.empty:
        return {}
    time = time_columns(frame, spec["time"], context["identifiers"], context["study_year"], table)
    where = geography(
        frame["la_code"], context["places"], context["country"], context["region"], table
    )
    parts = [time[["time_period", "time_identifier"]], where]
    whole = pd.concat(
        [*parts, filter_columns(frame, spec, table), indicator_columns(frame, spec)], axis=1
    )
    return {
        f"{table}{SUFFIX[kind]}": whole[time["kind"] == kind].reset_index(drop=True)
        for kind in SUFFIX
        if (time["kind"] == kind).any()
    }
