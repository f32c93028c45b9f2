"""Row-level validation of a mapped extract with pandera, collecting every failing cell.

The schema is built per LA and dataset from the common schema and the LA's configuration, and
judges the *text* of each cell; nothing stops at the first error. Each check is named after the
rule it enforces and is vectorised over a whole column; a column's checks run once on its
distinct values (:func:`failing_cells`). A failing cell becomes one line in the LA's rejects
file, and any row with a failing cell is rejected whole.

Rows that repeat a record already read (rule ``duplicate_row``) and survey respondents with two
different answer sets (``conflicting_answers``) are found by
:func:`oversight.ingest.repeats.repeated_rows` after every file of a dataset is validated,
because a repeat may sit in another file; the reject lines and their messages are written by
:mod:`oversight.ingest.messages`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from oversight.errors import ConfigError
from oversight.ingest import harmonise, identifiers
from oversight.ingest.dates import (
    open_dates,
    parse_dates,
)

REJECT_COLUMNS = ["source_file", "source_row", "column", "field", "value_shown", "rule", "message"]
HISTORY_START = pd.Timestamp("1990-01-01")
# C0/C1 control characters (NUL, ESC, BEL ...) are never data: they come from corrupted exports
# or pasted terminal output. Free text may hold tabs and line breaks; no other field may.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
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
    id_rules: Mapping[str, identifiers.IdRule] = dataclasses.field(default_factory=dict)
    open_date_sentinels: tuple[str, ...] = ()


# Every check handles missing values itself and runs with ignore_na=False: pandera's NA-dropping
# path misaligns nullable string columns under pandas 3.


def _present(s: pd.Series) -> pd.Series:
    return s.notna()


def _in_lookup(lookup: dict[str, Any]) -> Callable[[pd.Series], pd.Series]:
    return lambda s: harmonise.lookup_series(s, lookup).notna() | s.isna()


def _not_open(s: pd.Series, ctx: Context) -> pd.Series:
    """The column with open-ended sentinel dates (``9999-12-31``) as missing: a sentinel left
    in a required field is the `required` rule's to report, never a date rule's."""
    return s.mask(open_dates(s, ctx.open_date_sentinels, ctx.date_formats))


def _date_checks(meta: dict[str, Any], ctx: Context) -> list[pa.Check]:
    fmts = ctx.date_formats

    def parses(s: pd.Series) -> pd.Series:
        s = _not_open(s, ctx)
        return parse_dates(s, fmts).notna() | s.isna()

    def not_future(s: pd.Series) -> pd.Series:
        return ~(parse_dates(_not_open(s, ctx), fmts) > ctx.extract_date)

    start = ctx.period_start if meta.get("window") == "period" else HISTORY_START
    end = ctx.period_end if meta.get("window") == "period" else ctx.extract_date

    def in_window(s: pd.Series) -> pd.Series:
        d = parse_dates(_not_open(s, ctx), fmts)
        # Future dates are their own rule; a cell fails one date rule only.
        return d.isna() | (d > ctx.extract_date) | ((d >= start) & (d <= end))

    return [
        pa.Check(parses, name="date_format", ignore_na=False),
        pa.Check(not_future, name="future_date", ignore_na=False),
        pa.Check(in_window, name="date_outside_period", ignore_na=False),
    ]


def id_verdict(value: str, rule: identifiers.IdRule | None) -> str | None:
    """The one rule an identifier fails, or None: placeholder, then mixed scripts, then
    pattern. The value is canonical (:func:`identifiers.canonical`), as pseudonymisation
    sees it."""
    if identifiers.is_placeholder(value):
        return "placeholder_id"
    if identifiers.is_mixed(value):
        return "mixed_script_id"
    if rule is not None and rule.pattern is not None and not identifiers.fits(value, rule):
        return "id_pattern"
    return None


def _id_checks(rule: identifiers.IdRule | None) -> list[pa.Check]:
    """An identifier fails one rule only (:func:`id_verdict`).

    Identifier columns repeat few values: each distinct value is judged once, for all three
    checks of the column, and the verdicts are mapped back.
    """
    verdicts: dict[str, str | None] = {}

    def passes(name: str) -> Callable[[pd.Series], pd.Series]:
        def check(s: pd.Series) -> pd.Series:
            values = s.dropna().unique().tolist()
            verdicts.update((v, id_verdict(v, rule)) for v in values if v not in verdicts)
            failing = [v for v in values if verdicts[v] == name]
            return ~s.isin(failing).fillna(False).astype(bool)

        return check

    checks = [
        pa.Check(passes("placeholder_id"), name="placeholder_id", ignore_na=False),
        pa.Check(passes("mixed_script_id"), name="mixed_script_id", ignore_na=False),
    ]
    if rule is not None and rule.pattern is not None:
        checks.append(pa.Check(passes("id_pattern"), name="id_pattern", ignore_na=False))
    return checks


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
    control = _CONTROL_IN_TEXT if meta["type"] == "text" else CONTROL
    checks: list[pa.Check] = [
        pa.Check(
            lambda s: ~s.str.contains(control, regex=True).fillna(False).astype(bool),
            name="control_character",
            ignore_na=False,
        )
    ]
    kind = meta["type"]
    if meta.get("required") and not defaulted:
        present = _present
        if kind == "date" and ctx.open_date_sentinels:
            # '9999-12-31' in a field every row needs is not a date: the value is missing.
            present = lambda s: _not_open(s, ctx).notna()  # noqa: E731
        checks.append(pa.Check(present, name="required", ignore_na=False))
    if kind == "identifier":
        checks.extend(_id_checks(ctx.id_rules.get(meta["kind"])))
    elif kind == "code":
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
    frame_checks = []
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
    """Every failing cell as (source_row, field, rule). Empty when the frame is clean.

    pandera validates the frame's shape (every column present, as text); then the schema's
    checks run on whole columns. A column check judges a cell by its value alone, so it runs
    once on the column's distinct values (missing included) and a failing value fails every
    row holding it: a year of records repeats a few hundred dates, codes and workers over
    many thousand rows. The frame-wide checks, which compare cells of one row, run on the
    rows themselves. Failures are gathered per check, as index arrays.

    Raises:
        ValidationBug: A column missing or not text, or a check that could not run.
    """
    _check_shape(frame, schema)
    parts = [_column_failures(frame, name, column) for name, column in schema.columns.items()]
    for check in schema.checks:
        failed = frame.index[_failing(check, frame, None)]
        parts.append(pd.DataFrame({"index": failed, "column": None, "check": check.name}))
    found = [p for p in parts if not p.empty]
    if not found:
        return pd.DataFrame(columns=["source_row", "field", "rule"])
    fc = pd.concat(found, ignore_index=True)
    rule = fc["check"].astype(str)
    field = fc["column"].astype("object")
    order = rule.str.startswith("date_order:")
    field[order] = rule[order].str.split(":").str[1]
    rule[order] = "date_order"
    whole = rule == "empty_response"
    field[whole] = "(whole row)"
    out = pd.DataFrame({"source_row": fc["index"].astype("int64"), "field": field, "rule": rule})
    return out.drop_duplicates().sort_values(["source_row", "field", "rule"], kind="stable")


def _check_shape(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> None:
    """pandera's own validation of the schema's columns and types, without the checks (on
    the frame's empty head: types are the columns', whatever the rows)."""
    shape = pa.DataFrameSchema(
        {n: pa.Column(c.dtype, nullable=c.nullable) for n, c in schema.columns.items()},
        strict=False,
        coerce=False,
    )
    try:
        shape.validate(frame.iloc[:0], lazy=True)
    except pa.errors.SchemaErrors as err:
        first = err.failure_cases.iloc[0]
        raise ValidationBug(
            f"check {first['check']!r} on column {first['column']!r} could not run "
            f"({first['failure_case']}); no row of this file is loaded until it is fixed"
        ) from None


def _column_failures(frame: pd.DataFrame, name: str, column: pa.Column) -> pd.DataFrame:
    """The failures of one column's checks, each check run once on the column's distinct
    values and given back the index of every row holding a failing value."""
    codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
    distinct = pd.Series(uniques, dtype=frame[name].dtype, name=name)
    parts = []
    for check in column.checks:
        failing = _failing(check, distinct, name)
        if failing.any():
            hit = np.isin(codes, np.flatnonzero(failing))
            parts.append(
                pd.DataFrame({"index": frame.index[hit], "column": name, "check": check.name})
            )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _failing(check: pa.Check, data: pd.Series | pd.DataFrame, column: str | None) -> np.ndarray:
    """Where a pandera check fails on ``data`` (a boolean array over its rows), read as
    pandera reads a check's output.

    Raises:
        ValidationBug: The check raised, or its output does not say which rows failed.
    """
    try:
        result = check(data)
    except Exception as err:  # whatever it raised, the rows it was to judge stay unjudged
        said = f'"{err.args[0]}"' if err.args else ""
        raise ValidationBug(_bug(check, column, f"{err.__class__.__name__}({said})")) from err
    output = result.check_output
    if isinstance(output, pd.Series) and output.index.equals(data.index):
        return ~output.astype(bool).to_numpy()
    if bool(result.check_passed):
        return np.zeros(len(data), dtype=bool)
    raise ValidationBug(_bug(check, column, "no row-by-row result"))


def _bug(check: pa.Check, column: str | None, what: str) -> str:
    return (
        f"check {check.name!r} on column {column!r} could not run ({what}); "
        "no row of this file is loaded until it is fixed"
    )
