"""Row-level validation of a mapped extract with pandera, collecting every failing cell.

The schema is built per LA and dataset from the common schema and the LA's configuration, and
runs on the *text* of each cell (lazy validation, so nothing stops at the first error). Each
check is named after the rule it enforces; a failing cell becomes one line in the LA's rejects
file, and any row with a failing cell is rejected whole.

Rows that repeat a record already read (rule ``duplicate_row``) and survey respondents with two
different answer sets (``conflicting_answers``) are found by :func:`repeated_rows` after every
file of a dataset is validated, because a repeat may sit in another file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from rapidfuzz import fuzz, process

from oversight.errors import ConfigError, ExtractError
from oversight.ingest import harmonise, identifiers, shown
from oversight.ingest.dates import (
    day_month_formats,
    describe_formats,
    format_names,
    open_dates,
    parse_dates,
    swapped,
)
from oversight.ingest.normalise import norm_label

REJECT_COLUMNS = ["source_file", "source_row", "column", "field", "value_shown", "rule", "message"]
HISTORY_START = pd.Timestamp("1990-01-01")
MASKED_TYPES = ("identifier", "text")
# A rejected date is shown only when it parses and lies from PLAUSIBLE_FROM to this many years
# after the extract date; a "date" further out is more likely a mistyped identifier.
PLAUSIBLE_FROM = pd.Timestamp("1900-01-01")
PLAUSIBLE_YEARS_AHEAD = 10
# A rejected number is shown only when written plainly (no leading zero, no exponent) and at
# most ten times its column's maximum, or NUMBER_LIMIT without one: a long run of digits in a
# count column is an identifier or a phone number, not a count.
PLAIN_NUMBER = re.compile(r"[+-]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
NUMBER_LIMIT = 10_000
# Only a value this short is compared with the column's labels for a "closest label" hint.
CLOSEST_MAX_CHARS = 100
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


def _per_value(test: Callable[[str], bool]) -> Callable[[pd.Series], pd.Series]:
    """A check judging each distinct value once (identifier columns repeat few values)."""

    def check(s: pd.Series) -> pd.Series:
        verdict = {v: bool(test(v)) for v in s.dropna().unique()}
        return s.map(verdict, na_action="ignore").fillna(True).astype(bool)

    return check


def _id_checks(rule: identifiers.IdRule | None) -> list[pa.Check]:
    """An identifier fails one rule only: placeholder, then mixed scripts, then pattern.

    Cells are already canonical (:func:`identifiers.canonical`), as pseudonymisation sees them.
    """

    def usable(v: str) -> bool:
        return not identifiers.is_placeholder(v) and not identifiers.is_mixed(v)

    checks = [
        pa.Check(
            _per_value(lambda v: not identifiers.is_placeholder(v)),
            name="placeholder_id",
            ignore_na=False,
        ),
        pa.Check(
            _per_value(lambda v: identifiers.is_placeholder(v) or not identifiers.is_mixed(v)),
            name="mixed_script_id",
            ignore_na=False,
        ),
    ]
    if rule is not None and rule.pattern is not None:
        checks.append(
            pa.Check(
                _per_value(lambda v: not usable(v) or identifiers.fits(v, rule)),
                name="id_pattern",
                ignore_na=False,
            )
        )
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
    control = _CONTROL_IN_TEXT if meta["type"] == "text" else _CONTROL
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
    whole = rule == "empty_response"
    field[whole] = "(whole row)"
    out = pd.DataFrame({"source_row": fc["index"].astype("int64"), "field": field, "rule": rule})
    return out.drop_duplicates().sort_values(["source_row", "field", "rule"], kind="stable")


def _meta(field: str, fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return fields.get(field, {"type": "response" if field.startswith("item::") else "text"})


def describe(
    cells: pd.DataFrame,
    frame: pd.DataFrame,
    fields: dict[str, dict[str, Any]],
    spec: dict[str, Any],
    ctx: Context,
) -> pd.DataFrame:
    """Rejects lines with the data lead's header, the value as it may be shown (in its
    column's domain, else described by its shape) and an actionable message."""
    if cells.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    rows = cells["source_row"].unique()
    known: dict[str, set[str]] = {}

    def show(name: str, value: object) -> Shown:
        meta = _meta(name, fields)
        if name not in known:  # each column's domain is judged once, over its rejected rows
            values = frame.loc[rows, name] if name in frame.columns else pd.Series(dtype="string")
            known[name] = domain_values(name, values, meta, spec, ctx)
        return Shown.of(value, meta, known[name])

    records = []
    for row, field, rule in cells.itertuples(index=False):
        value = frame.at[row, field] if field in frame.columns else None
        meta = _meta(field, fields)
        records.append(
            {
                "source_file": ctx.file,
                "source_row": int(row),
                "column": ctx.headers.get(field, field),
                "field": field.removeprefix(harmonise.WIDE_ITEM_PREFIX),
                "value_shown": show(field, value).text,
                "rule": rule,
                "message": message(rule, field, value, meta, spec, ctx, frame, row, show),
            }
        )
    return pd.DataFrame.from_records(records, columns=REJECT_COLUMNS)


def _lookup(field: str, meta: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    """The labels a coded column may hold (normalised), or None for a column without labels."""
    kind = meta["type"]
    if field.startswith(harmonise.WIDE_ITEM_PREFIX) or kind == "response":
        return harmonise.scale_lookup(spec)
    if kind == "code":
        return harmonise.code_lookup(field, meta["codes"], spec)
    if kind == "bool":
        return harmonise.bool_lookup(field, spec)
    if kind == "grade":
        return harmonise.grade_lookup(spec)
    return None


def domain_values(
    field: str, values: pd.Series, meta: dict[str, Any], spec: dict[str, Any], ctx: Context
) -> set[str]:
    """The values of a column that lie in its known domain, so a message may show them.

    A coded, yes/no, grade or survey-answer column's domain is its labels (the common codes,
    the LA's ``values:`` and scale labels, the built-in yes/no spellings); a date column's is a
    date that parses in the column's formats within the plausible years (or a configured
    open-ended sentinel); a number column's is a plainly written number no larger than ten
    times the column's maximum. In every such column a listed placeholder
    (``data/id_placeholders.txt``: TBC, unknown, #N/A ..., or zeros or punctuation alone) is in
    the domain too. Identifiers and free text have none: they are always masked.
    """
    text = values.dropna().astype("string")
    text = pd.Series(text.unique(), dtype="string")
    if text.empty or meta["type"] in MASKED_TYPES:
        return set()
    lookup = _lookup(field, meta, spec)
    if lookup is not None:
        ok = harmonise.lookup_series(text, lookup).notna()
    elif meta["type"] == "date":
        when = parse_dates(text, ctx.date_formats)
        last = ctx.extract_date + pd.DateOffset(years=PLAUSIBLE_YEARS_AHEAD)
        ok = when.between(PLAUSIBLE_FROM, last).fillna(False).astype(bool)
        ok |= open_dates(text, ctx.open_date_sentinels, ctx.date_formats)
    elif meta["type"] in ("int", "number"):
        limit = 10 * abs(meta["max"]) if meta.get("max") is not None else NUMBER_LIMIT
        plain = text.str.strip().str.fullmatch(PLAIN_NUMBER).fillna(False).astype(bool)
        with np.errstate(invalid="ignore"):
            ok = plain & (np.abs(finite_numbers(text)) <= limit)
    else:
        ok = pd.Series(False, index=text.index)
    # A listed placeholder (TBC, unknown, #N/A, zeros, punctuation alone) names nobody.
    ok = ok.to_numpy(dtype=bool) | text.map(identifiers.is_placeholder).to_numpy(dtype=bool)
    return set(text[ok])


@dataclass(frozen=True)
class Shown:
    """A rejected cell as the rejects file and its message show it."""

    text: str  # for value_shown: the value, or its description
    quoted: bool  # the value itself (in its column's domain), not a description

    @classmethod
    def of(cls, value: object, meta: dict[str, Any], known: set[str]) -> Shown:
        text = shown_value(value, meta, known)
        in_domain = not _missing(value) and meta["type"] not in MASKED_TYPES and value in known
        return cls(text, in_domain)

    @property
    def phrase(self) -> str:
        """As a message's subject: ``'held'`` or ``the value (text of 10 characters: ...)``."""
        return repr(self.text) if self.quoted else f"the value {self.text}"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def shown_value(
    value: object, meta: dict[str, Any], known: set[str] | frozenset[str] = frozenset()
) -> str:
    """The cell as the rejects file may show it.

    Identifiers and free text are masked by length. Any other value is shown only when it is
    in ``known``, its column's domain (:func:`domain_values`), with control characters
    escaped; otherwise it is described by its length and shape
    (:func:`oversight.ingest.shown.described_value`): a name, email address or phone number typed
    into a coded, date or number column is never repeated.
    """
    if _missing(value):
        return "(blank)"
    if meta["type"] in MASKED_TYPES:
        return f"(masked {meta['type']}, {len(str(value))} characters)"
    if value in known:
        return shown.escaped(str(value))
    return shown.described_value(str(value))


def _closest_label(value: object, field: str, meta: dict[str, Any], spec: dict[str, Any]) -> str:
    """'; the closest label is 'Personal supervision'' for a short value near one of the
    column's configured labels (only the label is quoted, never the value)."""
    if not isinstance(value, str) or len(value) > CLOSEST_MAX_CHARS:
        return ""
    if field.startswith(harmonise.WIDE_ITEM_PREFIX):
        labels = [str(k) for k in (spec.get("scale") or {}).get("labels") or {}]
    else:
        key = "grade" if meta["type"] == "grade" else field
        labels = [str(k) for k in (spec.get("values") or {}).get(key) or {}]
        labels += list(meta.get("codes") or ([] if meta["type"] == "grade" else ["yes", "no"]))
    hit = process.extractOne(
        norm_label(value), labels, scorer=fuzz.ratio, processor=norm_label, score_cutoff=80
    )
    return f"; the closest label is {hit[0]!r}" if hit else ""


def message(
    rule: str,
    field: str,
    value: object,
    meta: dict[str, Any],
    spec: dict[str, Any],
    ctx: Context,
    frame: pd.DataFrame,
    row: int,
    show: Callable[[str, object], Shown] | None = None,
) -> str:
    """One sentence saying what is wrong with the cell and what to change.

    ``show(field, value)`` says how a cell may be shown (by default, described unless it is
    blank); a message quotes a value only when it is in its column's domain.
    """
    show = show or (lambda name, v: Shown.of(v, _meta(name, {field: meta}), set()))
    header = ctx.headers.get(field, field)
    subject = show(field, value).phrase
    if rule == "required":
        if value is not None and value is not pd.NA and meta["type"] == "date":
            return (
                f"{header!r} is {subject}, which stands for 'no date yet', but every row needs "
                f"a {field}; enter the real date or leave the row out of the extract"
            )
        return f"{header!r} is blank but every row needs a {field}; fill it in or remove the row"
    if rule in ("placeholder_id", "mixed_script_id", "id_pattern"):
        return _id_message(rule, header, str(value), meta["kind"], ctx)
    if rule == "allowed_codes":
        if field.startswith(harmonise.WIDE_ITEM_PREFIX):
            labels = list((spec.get("scale") or {}).get("labels", {}))
            return (
                f"{subject} is not an answer on this survey's scale ({', '.join(labels)})"
                f"{_closest_label(value, field, meta, spec)}; "
                f"correct it, or add it under {ctx.config_ref(['scale', 'labels'])}"
            )
        if meta["type"] == "grade":
            labels = list((spec.get("values") or {}).get("grade", {}))
            return (
                f"{subject} is not a grade on this LA's scale ({', '.join(map(str, labels))})"
                f"{_closest_label(value, field, meta, spec)};"
                f" correct it, or add it under {ctx.config_ref(['values', 'grade'])}"
            )
        options = meta.get("codes") or ["yes", "no"]
        return (
            f"{subject} is not a known {field} (one of {', '.join(options)})"
            f"{_closest_label(value, field, meta, spec)}; correct it, or "
            f"if it means one of these add it under {ctx.config_ref(['values', field])}"
        )
    if rule == "date_format":
        return (
            f"{subject} is not a date in an accepted format "
            f"({describe_formats(list(ctx.date_formats))}){_swap_hint(value, ctx)}; correct it, "
            f"or if the column uses another format add it to {ctx.config_ref(['date_formats'])}"
        )
    if rule == "future_date":
        return (
            f"{subject} is after the extract date {ctx.extract_date.date()}; "
            "a recorded date cannot be in the future: correct it"
        )
    if rule == "date_outside_period":
        window = meta.get("window")
        if window == "period":
            span = f"{ctx.period_start.date()} to {ctx.period_end.date()} (the study period)"
        else:
            span = f"{HISTORY_START.date()} to {ctx.extract_date.date()}"
        return f"{subject} is outside {span}; correct the date or leave the row out of the extract"
    if rule == "control_character":
        return (
            f"{header!r} holds an invisible control character ({control_chars(value)}), which "
            "a correct export never contains; remove it and re-export"
        )
    if rule == "number_format":
        what = "a whole number" if meta["type"] == "int" else "a number"
        return f"{subject} is not {what}; enter digits only"
    if rule == "value_range":
        return (
            f"{subject} is outside the possible range {meta.get('min')} to {meta.get('max')}"
            f" for {field}; correct it"
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
            f"{header!r} {subject} is before {other_header!r} "
            f"{show(other, frame.at[row, other]).phrase}; correct one of the two dates"
        )
    return f"{rule} failed for {subject}"


def control_chars(value: object) -> str:
    """The control characters in a cell as code points (never the cell itself)."""
    found = sorted(set(_CONTROL.findall(str(value))))
    return ", ".join(f"U+{ord(c):04X}" for c in found[:3]) + (" ..." if len(found) > 3 else "")


def _id_message(rule: str, header: str, value: str, kind: str, ctx: Context) -> str:
    """Why an identifier cannot be used, describing its shape, never quoting it."""
    if rule == "placeholder_id":
        # A listed placeholder, zeros or punctuation only: not an identifier, safe to show.
        return (
            f"{header!r} is {shown.escaped(value)!r}, a placeholder, not a {kind} identifier; "
            "enter the real identifier, or leave the row out of the extract if the record has none"
        )
    shape = identifiers.shape(value)
    if rule == "mixed_script_id":
        letters = identifiers.describe_letters(identifiers.foreign_letters(value))
        return (
            f"{header!r} holds an identifier of {shape} that mixes Latin letters or digits with "
            f"letters of another script ({letters}); they look alike but make a different "
            f"{kind}: retype the identifier in Latin letters"
        )
    rule_spec = ctx.id_rules[kind]
    return (
        f"{header!r} holds an identifier of {shape}, which does not fit this LA's {kind} "
        f"identifiers ({rule_spec.describe()}); correct it, or if the pattern is wrong change "
        f"it in {rule_spec.ref}"
    )


def _swap_hint(value: object, ctx: Context) -> str:
    """' (it fits mm/dd/yyyy ...)' when a value that is not a date in the configured order
    is one with day and month exchanged (a whole column like that is refused by ingest)."""
    numeric = day_month_formats(ctx.date_formats)
    if not numeric or not isinstance(value, str):
        return ""
    flipped = [swapped(f) for f in numeric]
    if parse_dates(pd.Series([value], dtype="string"), flipped).isna().iloc[0]:
        return ""
    return f" (it fits {format_names(flipped)}: are day and month swapped?)"


# ------------------------------------------------------------------ repeats


@dataclass(frozen=True)
class Checked:
    """One file of a dataset after cell validation, for the repeat checks."""

    file: str
    frame: pd.DataFrame  # mapped text, identifiers canonical, open-ended dates blanked
    ctx: Context
    failed: frozenset[int] = frozenset()  # rows with a failing cell (rejected already)


def resend_error(file: str, earlier: str, how: str, path_ref: str) -> ExtractError:
    """A file that is another copy of a file already read for the same LA and dataset."""
    return ExtractError(
        file,
        f"this file is a resend of {earlier} ({how}); reading both would count every record twice",
        expected="each extract once",
        found=f"{file} repeats {earlier}",
        fix=(
            f"remove one of the two files from the LA's folder, or narrow path: in {path_ref} "
            "so that it matches each extract once"
        ),
    )


def check_resend_bytes(path: Path, file: str, digests: dict[str, str], path_ref: str) -> None:
    """Refuse a file with the same bytes as one already read; remember its digest.

    Raises:
        ExtractError: Naming both files (a copy picked up by a glob, a resent extract).
    """
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if digest in digests:
        raise resend_error(file, digests[digest], "the same bytes", path_ref)
    digests[digest] = file


def _cite(where: tuple[str, int]) -> str:
    return f"{where[0]} row {where[1]}"


def repeated_rows(
    files: list[Checked],
    dataset: str,
    fields: dict[str, dict[str, Any]],
    spec: dict[str, Any],
    key: list[str],
    path_ref: str,
) -> pd.DataFrame:
    """Rejects for rows that repeat a record of the dataset, in the same file or another.

    Rows are compared on the values they stand for (:func:`harmonise.comparable`) in the
    dataset's key fields (``key:`` in the common schema). A row whose key identifier is blank
    or a placeholder identifies nobody, so it repeats another only if every field does.

    Of the copies of one record, the first that passes every cell check loads (the first copy
    when none does) and the others are ``duplicate_row``, citing it: a broken first copy never
    costs the record its good copy. Survey rows are keyed by respondent and wave: when the
    copies that could load give two different answer sets, which is the respondent's cannot
    be told and every row of that respondent is ``conflicting_answers``.

    Raises:
        ExtractError: A file whose rows are all the rows of an earlier file (a resend in
            another format or order).
    """
    derived = {n for n, m in fields.items() if m.get("from_file")}
    parts = [harmonise.comparable(c.frame, fields, spec, list(c.ctx.date_formats)) for c in files]
    values = pd.concat(parts, ignore_index=True)
    names = list(values.columns)
    if values.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    # Equal values get equal codes, across every file (missing: -1), so rows compare as
    # integer arrays and only the rows in a group of two or more are looked at one by one.
    factors = {n: pd.factorize(values[n]) for n in names}
    codes = np.column_stack([factors[n][0] for n in names])
    file_no = np.repeat(np.arange(len(files)), [len(p) for p in parts])
    content = [i for i, n in enumerate(names) if n not in derived]
    _check_resends(codes[:, content], file_no, files, path_ref)
    ids = [n for n in key if n in names and fields[n]["type"] == "identifier"]
    usable = _identified(factors, ids)
    identity = codes.copy()
    # An identified row is its key fields; a row without a usable identifier is every field.
    others = [i for i, n in enumerate(names) if n not in key]
    identity[np.ix_(usable, others)] = -2
    identity = np.column_stack([identity, usable])
    grouped = pd.DataFrame(identity).duplicated(keep=False).to_numpy()
    rows_of = np.concatenate([p.index.to_numpy() for p in parts])
    valid = np.concatenate(
        [~p.index.isin(list(c.failed)) for p, c in zip(parts, files, strict=True)]
    )
    copies: dict[tuple, list[_Copy]] = {}
    for pos in np.flatnonzero(grouped):
        checked = files[file_no[pos]]
        copies.setdefault(tuple(identity[pos]), []).append(
            _Copy((checked.file, int(rows_of[pos])), tuple(codes[pos]), bool(valid[pos]), checked)
        )
    records: list[dict[str, Any]] = []
    answers = [i for i, n in enumerate(names) if n not in key]
    for ident, group in copies.items():
        identified = bool(ident[-1])
        candidates = [c for c in group if c.valid] or group
        answer_sets = {c.values(answers) for c in candidates}
        if dataset == "survey" and identified and len(answer_sets) > 1:
            records.extend(_conflicts(group))
            continue
        original = candidates[0]
        for copy in group:
            if copy is not original:
                records.append(_duplicate(copy, original, names, key, identified, dataset))
    return pd.DataFrame.from_records(records, columns=REJECT_COLUMNS).sort_values(
        ["source_file", "source_row"], kind="stable"
    )


def _check_resends(
    codes: np.ndarray, file_no: np.ndarray, files: list[Checked], path_ref: str
) -> None:
    """Refuse a file whose rows, as values and in any order, are an earlier file's rows.

    Raises:
        ExtractError: Naming both files.
    """
    seen: list[tuple[str, np.ndarray]] = []
    for number, checked in enumerate(files):
        rows = codes[file_no == number]
        if len(rows) == 0:
            continue
        rows = rows[np.lexsort(rows.T[::-1])]  # the file's rows as a sorted multiset
        for earlier, other in seen:
            if other.shape == rows.shape and np.array_equal(other, rows):
                raise resend_error(
                    checked.file, earlier, f"the same {len(rows)} rows, read as values", path_ref
                )
        seen.append((checked.file, rows))


def _identified(factors: dict[str, tuple[np.ndarray, Any]], ids: list[str]) -> np.ndarray:
    """Rows whose key identifiers are all present and none a placeholder (judged once per
    distinct value: ``factors`` are each column's codes and distinct values)."""
    ok: np.ndarray | bool = True
    for name in ids:
        codes, uniques = factors[name]
        good = np.array([not identifiers.is_placeholder(v) for v in uniques] + [False])
        ok = ok & good[codes]  # code -1 (missing) picks the final False
    return np.broadcast_to(ok, len(next(iter(factors.values()))[0])).copy()


@dataclass(frozen=True)
class _Copy:
    """One row as the repeat checks see it."""

    where: tuple[str, int]
    row: tuple
    valid: bool  # passed every cell check
    checked: Checked

    def values(self, positions: list[int]) -> tuple:
        return tuple(self.row[i] for i in positions)


def _whole_row(where: tuple[str, int], rule: str, text: str) -> dict[str, Any]:
    return {
        "source_file": where[0],
        "source_row": where[1],
        "column": "(whole row)",
        "field": "(whole row)",
        "value_shown": "(whole row)",
        "rule": rule,
        "message": text,
    }


def _duplicate(
    copy: _Copy, original: _Copy, names: list[str], key: list[str], usable: bool, dataset: str
) -> dict[str, Any]:
    """One duplicate_row reject citing the copy that is kept and what, if anything, differs."""
    cite = _cite(original.where)
    if not usable:
        text = f"this row repeats {cite} in every column; remove the duplicate"
        return _whole_row(copy.where, "duplicate_row", text)
    headers = copy.checked.ctx.headers
    same = ", ".join(repr(headers.get(n, n)) for n in key if n in headers)
    differ = [
        repr(headers.get(n, n).removeprefix(harmonise.WIDE_ITEM_PREFIX))
        for i, n in enumerate(names)
        if n not in key and copy.row[i] != original.row[i]
    ]
    what = "response" if dataset == "survey" else "row"
    if not differ:
        text = f"this {what} repeats {cite} (same {same}); remove the duplicate"
    elif len(differ) > 3:
        text = (
            f"this {what} repeats {cite} (same {same}) but differs in {len(differ)} columns; "
            "keep the right one in the extract and remove the other"
        )
    else:
        text = (
            f"this {what} repeats {cite} (same {same}) but differs in {', '.join(differ)}; "
            "keep the right one in the extract and remove the other"
        )
    return _whole_row(copy.where, "duplicate_row", text)


def _conflicts(group: list[_Copy]) -> list[dict[str, Any]]:
    """Every row of a respondent whose loadable rows give different answer sets."""
    out = []
    for copy in group:
        others = [_cite(c.where) for c in group if c is not copy]
        listed = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        out.append(
            _whole_row(
                copy.where,
                "conflicting_answers",
                f"this respondent ID is also on {listed} with different answers; one person "
                "gives one response per wave and which is theirs cannot be told, so none is "
                "counted: keep the right response in the export and remove the others, or "
                "correct the respondent ID",
            )
        )
    return out
