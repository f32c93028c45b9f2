"""What the workbook says about each published table, from config/workbook.yaml: readable
column headers, number formats, the symbols a cell may show in GSS shorthand, and which notes
a table refers to.

Nothing here changes a value: a number stays the number of the CSV (its format only says how
Excel shows it) and a symbol is shown as its bracketed shorthand (``c`` as ``[c]``), text as
the notes sheet explains it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.config import config_file, load_checked
from oversight.errors import ConfigError
from oversight.report.marking import from_la_extracts
from oversight.report.workbook_rows import row_formats

LAYOUT = "config/workbook.yaml"
TEXT = "text"
# Formats that show whole numbers only.
WHOLE = frozenset({"int", "code"})
# Words that a header made from a column's name writes as the study does.
WORDS = {"la": "LA", "las": "LAs", "ci": "CI", "sd": "SD", "or": "OR", "id": "ID", "fte": "FTE"}


@dataclass(frozen=True)
class Column:
    """One column of a sheet's table: its name in the CSV, its header and its Excel number
    format (None: text, or no number in the column)."""

    name: str
    label: str
    number_format: str | None
    format_name: str | None = None
    # Formats that depend on the row (oversight.report.workbook_rows): one Excel format (or
    # None, the column's own) per row, and the names of those used.
    by_row: tuple[str | None, ...] = ()
    row_format_names: frozenset[str] = frozenset()


def layout_path() -> Path:
    """config/workbook.yaml as this version of the software ships it."""
    return config_file("config/workbook.yaml")


@cache
def _layout(path: str) -> dict[str, Any]:
    return load_checked(path, "workbook.schema.yaml")


def load_layout(path: str | Path | None = None) -> dict[str, Any]:
    """config/workbook.yaml validated, every format it names defined.

    Raises:
        ConfigError: Naming the file and what to change.
    """
    source = str(path or layout_path())
    layout = _layout(source)
    formats = set(layout["formats"]) | {TEXT}
    used = {c["format"] for c in _all_columns(layout) if "format" in c}
    used |= {n["when"] for n in layout["notes"] if "when" in n} - {"blank"}
    if used - formats:
        raise ConfigError(
            f"{source}: formats {sorted(used - formats)} are not defined under `formats`"
        )
    return layout


def named_tables(layout: Mapping[str, Any]) -> set[str]:
    """The published tables (config/tables.yaml keys) the layout names."""
    named = {t for n in layout["notes"] if isinstance(n.get("tables"), list) for t in n["tables"]}
    return named | set(layout.get("tables", {}))


def _all_columns(layout: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    columns = list(layout["columns"].values())
    for table in layout.get("tables", {}).values():
        columns += list(table.get("columns", {}).values()) + table.get("patterns", [])
        rows = table.get("rows", {}).get("formats", {})
        columns += [{"format": name} for name in rows.values()]
    return columns


def is_number(value: object) -> bool:
    """Whether a cell holds a number (not a bool, not a missing value)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def humanise(name: str) -> str:
    """A header from a column's name: ``las_with_rejects`` -> ``LAs with rejects``."""
    words = [WORDS.get(w, w) for w in str(name).split("_") if w]
    text = " ".join(words) or str(name)
    return text[0].upper() + text[1:]


def _entry(name: str, table: str, layout: Mapping[str, Any]) -> dict[str, Any]:
    """The column's settings: the table's own over the workbook's, then a matching pattern."""
    own = layout.get("tables", {}).get(table, {})
    entry = dict(layout["columns"].get(name, {})) | dict(own.get("columns", {}).get(name, {}))
    for pattern in own.get("patterns", []):
        found = re.match(pattern["match"], name)
        if found:
            part = found.groupdict().get("part")
            label = pattern.get("label")
            if label:
                part_label = column_label(part, table, layout) if part else ""
                entry.setdefault("label", label.replace("{part}", part_label))
            if "format" in pattern:
                entry.setdefault("format", pattern["format"])
            break
    return entry


def column_label(name: str, table: str, layout: Mapping[str, Any]) -> str:
    """The header of column ``name`` of published table ``table``."""
    return _entry(name, table, layout).get("label") or humanise(name)


def column_labels(table: str, columns: Sequence[str], layout: Mapping[str, Any]) -> list[str]:
    """The headers of a table's columns, in order.

    Raises:
        ConfigError: Two columns would share a header (an Excel table's headers are unique).
    """
    labels = [column_label(c, table, layout) for c in columns]
    seen: dict[str, str] = {}
    for column, label in zip(columns, labels, strict=True):
        other = seen.setdefault(label.casefold(), column)
        if other != column:
            raise ConfigError(
                f"{LAYOUT}: columns {other!r} and {column!r} of table {table} are both "
                f"labelled {label!r}; give one its own label under tables: {table}: columns:"
            )
    return labels


def format_name(
    name: str, table: str, spec: Mapping[str, Any], values: pd.Series, layout: Mapping[str, Any]
) -> str | None:
    """The number format's name for a column: configured for the table or the column, else
    the table's appendix view format, else inferred: ``int`` for whole numbers, else as many
    decimals as the values have, up to 3. A whole-number format (``int``, ``code``) is never
    given to a column with fractions (DfE's FTE counts), which would hide them. None for a
    column with no number in it."""
    numbers = [v for v in values if is_number(v)]
    if not numbers:
        return None
    whole = all(float(v).is_integer() for v in numbers)
    configured = _entry(name, table, layout).get("format")
    view = spec.get("view", {}).get("columns", {}).get(name)
    for candidate in (configured, view):
        usable = candidate and candidate != TEXT and candidate in layout["formats"]
        if usable and (whole or candidate not in WHOLE):
            return candidate
    if whole:
        return "int"
    places = max(_decimals(v) for v in numbers)
    return f"{min(places, 3)}dp"


def _decimals(value: float) -> int:
    """How many decimals a number has as Python writes it shortest (184.6 has 1)."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 3  # very small or large: as many as a format shows
    return len(text.split(".")[1].rstrip("0")) or 1


def columns(
    table: str,
    spec: Mapping[str, Any],
    frame: pd.DataFrame,
    layout: Mapping[str, Any],
    published: str | Path | None = None,
) -> tuple[Column, ...]:
    """Every column of a table as the workbook shows it (``frame``: the values as written;
    ``published``: the study's DfE release configuration, for its indicators' kinds)."""
    labels = column_labels(table, [str(c) for c in frame.columns], layout)
    by_row = row_formats(table, frame, layout, published)
    formats = layout["formats"]
    out = []
    for column, label in zip(frame.columns, labels, strict=True):
        name = format_name(str(column), table, spec, frame[column], layout)
        code = formats[name] if name else None
        rows = by_row.get(str(column))
        used = frozenset()
        if rows:
            used = frozenset(
                n for n, v in zip(rows, frame[column], strict=True) if n and is_number(v)
            )
        codes = tuple(formats[n] if n else None for n in rows) if rows and used else ()
        out.append(Column(str(column), label, code, name, codes, used))
    return tuple(out)


def symbol_cells(
    frame: pd.DataFrame, layout: Mapping[str, Any]
) -> tuple[pd.DataFrame, frozenset[str]]:
    """``frame`` (numbers as numbers, text as text) with each symbol cell shown in shorthand,
    and the symbols it uses. A cell is a symbol when its whole text is one, in a column of
    numbers or a column of `symbol_columns`."""
    symbols = layout["symbols"]
    out = frame.copy()
    used: set[str] = set()
    for column in frame.columns:
        values = frame[column]
        numeric = pd.to_numeric(values, errors="coerce").notna().any()
        if not (numeric or column in layout["symbol_columns"]):
            continue
        is_symbol = values.isin(list(symbols))
        if is_symbol.any():
            used |= set(values[is_symbol])
            out[column] = values.where(~is_symbol, values.map(_shorthand(symbols)))
    return out, frozenset(used)


def _shorthand(symbols: Mapping[str, Any]):
    return lambda v: symbols[v]["shorthand"] if isinstance(v, str) and v in symbols else v


def notes_of(
    table: str,
    spec: Mapping[str, Any],
    cols: Sequence[Column],
    has_blank: bool,
    layout: Mapping[str, Any],
) -> tuple[int, ...]:
    """The positions in `notes` of the notes table ``table`` refers to."""
    formats = {c.format_name for c in cols}.union(*(c.row_format_names for c in cols))
    found = []
    for i, note in enumerate(layout["notes"]):
        scope, when = note.get("tables"), note.get("when")
        if (
            scope == "all"
            or (scope == "la_extracts" and from_la_extracts(spec))
            or (scope == "published" and not from_la_extracts(spec))
            or (isinstance(scope, list) and table in scope)
            or (when == "blank" and has_blank)
            or (when is not None and when in formats)
        ):
            found.append(i)
    return tuple(found)


def fill(text: str, fields: Mapping[str, object], where: str) -> str:
    """``text`` of config/workbook.yaml with its ``{field}``s filled in.

    Raises:
        ConfigError: The text names a field there is no value for.
    """
    try:
        return text.format_map(fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"{LAYOUT}: {where}: {exc!s} is not a field the text may use "
            f"(fields: {', '.join(sorted(fields))})"
        ) from exc
