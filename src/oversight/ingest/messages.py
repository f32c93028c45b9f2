"""Reject lines and their messages: what is wrong with a cell and what to change.

A cell is shown only when it lies in its column's domain (:func:`domain_values`: configured
labels, listed placeholders, a plausible date, a plainly written number); otherwise it is
described by its length and shape, and identifiers and free text are always masked
(:mod:`oversight.ingest.shown`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

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
from oversight.ingest.validate import (
    CONTROL,
    HISTORY_START,
    REJECT_COLUMNS,
    Context,
    finite_numbers,
)

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
        return _label_message(subject, field, value, meta, spec, ctx)
    if rule in ("date_format", "future_date", "date_outside_period"):
        return _date_message(rule, subject, value, meta, ctx)
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


def _label_message(
    subject: str,
    field: str,
    value: object,
    meta: dict[str, Any],
    spec: dict[str, Any],
    ctx: Context,
) -> str:
    """The message of rule ``allowed_codes``: the value is not one of the column's labels
    (a survey scale's answers, the LA's grades, or the common codes)."""
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


def _date_message(
    rule: str, subject: str, value: object, meta: dict[str, Any], ctx: Context
) -> str:
    """The message of a date rule: ``date_format``, ``future_date`` or
    ``date_outside_period``."""
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
    window = meta.get("window")
    if window == "period":
        span = f"{ctx.period_start.date()} to {ctx.period_end.date()} (the study period)"
    else:
        span = f"{HISTORY_START.date()} to {ctx.extract_date.date()}"
    return f"{subject} is outside {span}; correct the date or leave the row out of the extract"


def control_chars(value: object) -> str:
    """The control characters in a cell as code points (never the cell itself)."""
    found = sorted(set(CONTROL.findall(str(value))))
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
