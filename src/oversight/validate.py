"""Row-level validation of a mapped extract with pandera, collecting every failing cell.

The schema is built per LA and dataset from the common schema and the LA's configuration, and
runs on the *text* of each cell (lazy validation, so nothing stops at the first error). Each
check is named after the rule it enforces; a failing cell becomes one line in the LA's rejects
file, and any row with a failing cell is rejected whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from oversight import harmonise
from oversight.dates import describe_formats, parse_dates
from oversight.errors import ConfigError

REJECT_COLUMNS = ["source_file", "source_row", "column", "field", "value_shown", "rule", "message"]
HISTORY_START = pd.Timestamp("1990-01-01")
MASKED_TYPES = ("identifier", "text")
# C0/C1 control characters (NUL, ESC, BEL ...) are never data: they come from corrupted exports
# or pasted terminal output. Free text may hold tabs and line breaks; no other field may.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ValidationBug(RuntimeError):
    """A check failed to run. Never swallowed: a row it could not judge must not load."""


@dataclass(frozen=True)
class Context:
    """What messages need to point a data lead at the fix."""

    file: str
    config_ref: Callable[[list[str]], str]
    headers: dict[str, str]  # field -> header as it appears in the LA's file
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    extract_date: pd.Timestamp
    date_formats: tuple[str, ...]


# Every check handles missing values itself and runs with ignore_na=False: pandera's NA-dropping
# path misaligns nullable string columns under pandas 3.


def _present(s: pd.Series) -> pd.Series:
    return s.notna()


def _in_lookup(lookup: dict[str, Any]) -> Callable[[pd.Series], pd.Series]:
    return lambda s: harmonise.lookup_series(s, lookup).notna() | s.isna()


def _date_checks(meta: dict[str, Any], ctx: Context) -> list[pa.Check]:
    fmts = ctx.date_formats

    def parses(s: pd.Series) -> pd.Series:
        return parse_dates(s, fmts).notna() | s.isna()

    def not_future(s: pd.Series) -> pd.Series:
        return ~(parse_dates(s, fmts) > ctx.extract_date)

    start = ctx.period_start if meta.get("window") == "period" else HISTORY_START
    end = ctx.period_end if meta.get("window") == "period" else ctx.extract_date

    def in_window(s: pd.Series) -> pd.Series:
        d = parse_dates(s, fmts)
        # Future dates are their own rule; a cell fails one date rule only.
        return d.isna() | (d > ctx.extract_date) | ((d >= start) & (d <= end))

    return [
        pa.Check(parses, name="date_format", ignore_na=False),
        pa.Check(not_future, name="future_date", ignore_na=False),
        pa.Check(in_window, name="date_outside_period", ignore_na=False),
    ]


def finite_numbers(s: pd.Series) -> np.ndarray:
    """Cells as floats; anything that is not a finite number (text, 'nan', 'inf', 1e400) is NaN."""
    num = pd.to_numeric(s, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    num[~np.isfinite(num)] = np.nan
    return num


def _number_checks(meta: dict[str, Any]) -> list[pa.Check]:
    integer = meta["type"] == "int"

    def parses(s: pd.Series) -> pd.Series:
        num = finite_numbers(s)
        ok = ~np.isnan(num)
        if integer:
            ok &= np.mod(np.nan_to_num(num), 1) == 0
        return pd.Series(ok, index=s.index) | s.isna()

    lo, hi = meta.get("min", float("-inf")), meta.get("max", float("inf"))

    def within_bounds(s: pd.Series) -> pd.Series:
        num = finite_numbers(s)
        # Only parsed numbers are judged here; the rest fail number_format alone.
        with np.errstate(invalid="ignore"):
            ok = np.isnan(num) | ((num >= lo) & (num <= hi))
        return pd.Series(ok, index=s.index)

    return [
        pa.Check(parses, name="number_format", ignore_na=False),
        pa.Check(within_bounds, name="value_range", ignore_na=False),
    ]


def field_checks(
    name: str, meta: dict[str, Any], spec: dict[str, Any], ctx: Context, defaulted: bool
) -> list[pa.Check]:
    """The checks for one common field, named by rule."""
    control = _CONTROL_IN_TEXT if meta["type"] == "text" else _CONTROL
    checks: list[pa.Check] = [
        pa.Check(
            lambda s: ~s.str.contains(control, regex=True).fillna(False).astype(bool),
            name="control_character",
            ignore_na=False,
        )
    ]
    if meta.get("required") and not defaulted:
        checks.append(pa.Check(_present, name="required", ignore_na=False))
    kind = meta["type"]
    if kind == "code":
        checks.append(
            pa.Check(
                _in_lookup(harmonise.code_lookup(name, meta["codes"], spec)),
                name="allowed_codes",
                ignore_na=False,
            )
        )
    elif kind == "bool":
        checks.append(
            pa.Check(
                _in_lookup(harmonise.bool_lookup(name, spec)), name="allowed_codes", ignore_na=False
            )
        )
    elif kind == "grade":
        lookup = harmonise.grade_lookup(spec)
        if not lookup:
            raise ConfigError(f"{ctx.config_ref(['values', 'grade'])}: no grade mapping")
        checks.append(pa.Check(_in_lookup(lookup), name="allowed_codes", ignore_na=False))
    elif kind == "date":
        checks.extend(_date_checks(meta, ctx))
    elif kind in ("int", "number"):
        checks.extend(_number_checks(meta))
    return checks


def build_schema(
    fields: dict[str, dict[str, Any]], spec: dict[str, Any], ctx: Context, columns: list[str]
) -> pa.DataFrameSchema:
    """pandera schema over the mapped text frame of one extract."""
    defaults = spec.get("defaults") or {}
    cols: dict[str, pa.Column] = {}
    for name, meta in fields.items():
        if name not in columns or meta["type"] in ("item", "response"):
            continue
        cols[name] = pa.Column(
            "string", field_checks(name, meta, spec, ctx, name in defaults), nullable=True
        )
    scale = harmonise.scale_lookup(spec)
    for col in columns:
        if col.startswith(harmonise.WIDE_ITEM_PREFIX):
            cols[col] = pa.Column(
                "string",
                [pa.Check(_in_lookup(scale), name="allowed_codes", ignore_na=False)],
                nullable=True,
            )
    frame_checks = [
        pa.Check(lambda df: ~df.duplicated(keep="first"), name="duplicate_row", ignore_na=False)
    ]
    answers = [c for c in columns if c.startswith(harmonise.WIDE_ITEM_PREFIX) or c == "free_text"]
    if answers:
        # A returned survey with no answer at all is not a response: say so, never drop it.
        frame_checks.append(
            pa.Check(
                lambda df: df[answers].notna().any(axis=1), name="empty_response", ignore_na=False
            )
        )
    for name, meta in fields.items():
        other = meta.get("not_before")
        if other and name in columns and other in columns:
            frame_checks.append(
                pa.Check(
                    _order_check(name, other, ctx.date_formats),
                    name=f"date_order:{name}:{other}",
                    ignore_na=False,
                )
            )
    return pa.DataFrameSchema(cols, checks=frame_checks, strict=False, coerce=False)


def _order_check(later: str, earlier: str, fmts: tuple[str, ...]):
    def check(df: pd.DataFrame) -> pd.Series:
        a, b = parse_dates(df[later], fmts), parse_dates(df[earlier], fmts)
        return a.isna() | b.isna() | (a >= b)

    return check


def failing_cells(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Every failing cell as (source_row, field, rule). Empty when the frame is clean."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    else:
        return pd.DataFrame(columns=["source_row", "field", "rule"])
    broken = fc[fc["index"].isna()]
    if not broken.empty:
        first = broken.iloc[0]
        raise ValidationBug(
            f"check {first['check']!r} on column {first['column']!r} could not run "
            f"({first['failure_case']}); no row of this file is loaded until it is fixed"
        )
    fc = fc.copy()
    rule = fc["check"].astype(str)
    field = fc["column"].astype("object")
    order = rule.str.startswith("date_order:")
    field[order] = rule[order].str.split(":").str[1]
    rule[order] = "date_order"
    whole = rule.isin(["duplicate_row", "empty_response"])
    field[whole] = "(whole row)"
    out = pd.DataFrame({"source_row": fc["index"].astype("int64"), "field": field, "rule": rule})
    return out.drop_duplicates().sort_values(["source_row", "field", "rule"], kind="stable")


def describe(
    cells: pd.DataFrame,
    frame: pd.DataFrame,
    fields: dict[str, dict[str, Any]],
    spec: dict[str, Any],
    ctx: Context,
) -> pd.DataFrame:
    """Rejects lines with the data lead's header, a masked value and an actionable message."""
    if cells.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    dup_first = _first_occurrence(frame)
    records = []
    for row, field, rule in cells.itertuples(index=False):
        value = frame.at[row, field] if field in frame.columns else None
        meta = fields.get(field, {"type": "response" if field.startswith("item::") else "text"})
        records.append(
            {
                "source_file": ctx.file,
                "source_row": int(row),
                "column": ctx.headers.get(field, field),
                "field": field.removeprefix(harmonise.WIDE_ITEM_PREFIX),
                "value_shown": shown_value(value, meta),
                "rule": rule,
                "message": message(rule, field, value, meta, spec, ctx, frame, row, dup_first),
            }
        )
    return pd.DataFrame.from_records(records, columns=REJECT_COLUMNS)


def shown_value(value: object, meta: dict[str, Any]) -> str:
    """The cell as the rejects file may show it: identifiers and free text are masked."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "(blank)"
    if meta["type"] in MASKED_TYPES:
        return f"(masked {meta['type']}, {len(str(value))} characters)"
    # Control characters are shown escaped, so a rejects file cannot drive a terminal.
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _first_occurrence(frame: pd.DataFrame) -> dict[int, int]:
    dup = frame.duplicated(keep=False)
    if not dup.any():
        return {}
    # Key each duplicated row by its tuple of values; the first holder of a key is the original.
    sub = frame[dup].astype("object").where(frame[dup].notna(), None)
    seen: dict[tuple, int] = {}
    out: dict[int, int] = {}
    for idx, values in zip(sub.index, sub.itertuples(index=False, name=None), strict=True):
        if values in seen:
            out[int(idx)] = seen[values]
        else:
            seen[values] = int(idx)
    return out


def message(
    rule: str,
    field: str,
    value: object,
    meta: dict[str, Any],
    spec: dict[str, Any],
    ctx: Context,
    frame: pd.DataFrame,
    row: int,
    dup_first: dict[int, int],
) -> str:
    """One sentence saying what is wrong with the cell and what to change."""
    header = ctx.headers.get(field, field)
    shown = shown_value(value, meta)
    if rule == "required":
        return f"{header!r} is blank but every row needs a {field}; fill it in or remove the row"
    if rule == "allowed_codes":
        if field.startswith(harmonise.WIDE_ITEM_PREFIX):
            labels = list((spec.get("scale") or {}).get("labels", {}))
            return (
                f"{shown!r} is not an answer on this survey's scale ({', '.join(labels)}); "
                f"correct it, or add it under {ctx.config_ref(['scale', 'labels'])}"
            )
        if meta["type"] == "grade":
            labels = list((spec.get("values") or {}).get("grade", {}))
            return (
                f"{shown!r} is not a grade on this LA's scale ({', '.join(map(str, labels))});"
                f" correct it, or add it under {ctx.config_ref(['values', 'grade'])}"
            )
        options = meta.get("codes") or ["yes", "no"]
        return (
            f"{shown!r} is not a known {field} (one of {', '.join(options)}); correct it, or "
            f"if it means one of these add it under {ctx.config_ref(['values', field])}"
        )
    if rule == "date_format":
        return (
            f"{shown!r} is not a date in an accepted format "
            f"({describe_formats(list(ctx.date_formats))}); correct it, or if the column uses "
            f"another format add it to {ctx.config_ref(['date_formats'])}"
        )
    if rule == "future_date":
        return (
            f"{shown!r} is after the extract date {ctx.extract_date.date()}; "
            "a recorded date cannot be in the future: correct it"
        )
    if rule == "date_outside_period":
        window = meta.get("window")
        if window == "period":
            span = f"{ctx.period_start.date()} to {ctx.period_end.date()} (the study period)"
        else:
            span = f"{HISTORY_START.date()} to {ctx.extract_date.date()}"
        return f"{shown!r} is outside {span}; correct the date or leave the row out of the extract"
    if rule == "control_character":
        return (
            f"{header!r} holds an invisible control character ({control_chars(value)}), which "
            "a correct export never contains; remove it and re-export"
        )
    if rule == "number_format":
        what = "a whole number" if meta["type"] == "int" else "a number"
        return f"{shown!r} is not {what}; enter digits only"
    if rule == "value_range":
        return (
            f"{shown!r} is outside the possible range {meta.get('min')} to {meta.get('max')}"
            f" for {field}; correct it"
        )
    if rule == "duplicate_row":
        first = dup_first.get(int(row))
        return (
            f"this row repeats row {first} exactly; remove the duplicate"
            if first
            else "this row repeats an earlier row exactly; remove the duplicate"
        )
    if rule == "empty_response":
        return (
            "this respondent answered no question and left no comment; it is not counted "
            "as a response (remove blank returns from the export)"
        )
    if rule == "date_order":
        other = meta.get("not_before", "")
        other_header = ctx.headers.get(other, other)
        return (
            f"{header!r} {shown!r} is before {other_header!r} "
            f"{frame.at[row, other]!r}; correct one of the two dates"
        )
    return f"{rule} failed for {shown!r}"


def control_chars(value: object) -> str:
    """The control characters in a cell as code points (never the cell itself)."""
    found = sorted(set(_CONTROL.findall(str(value))))
    return ", ".join(f"U+{ord(c):04X}" for c in found[:3]) + (" ..." if len(found) > 3 else "")
