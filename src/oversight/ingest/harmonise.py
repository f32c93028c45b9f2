"""Harmonisation: an LA's own headers and labels to the common schema.

Header aliases and value synonyms come from ``config/authorities/<la>.yaml`` and are matched
exactly after :func:`oversight.ingest.normalise.norm_label`. A file whose headers cannot be mapped
without guessing is a file-level error; a cell whose label is unknown is a row-level reject
(see :mod:`oversight.ingest.validate`). This module also turns validated text into typed values.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from oversight.errors import ExtractError
from oversight.ingest import matching, shown
from oversight.ingest.dates import parse_dates
from oversight.ingest.normalise import INVISIBLE, norm_label, norm_series, per_distinct

# Spellings of yes/no that every LA may use without configuring them.
BOOL_WORDS: dict[str, bool] = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}
WIDE_ITEM_PREFIX = "item::"


def aliases(spec: dict[str, Any]) -> dict[str, list[str]]:
    """``columns:`` of an extract as {field: [header, ...]}."""
    out: dict[str, list[str]] = {}
    for name, value in (spec.get("columns") or {}).items():
        out[name] = [value] if isinstance(value, str) else list(value)
    return out


def known_headers(spec: dict[str, Any]) -> set[str]:
    """Every normalised header this extract's configuration knows (for header detection)."""
    known = {norm_label(a) for names in aliases(spec).values() for a in names}
    known |= {norm_label(h) for h in (spec.get("items") or {})}
    if spec.get("free_text_item"):
        known.add(norm_label(spec["free_text_item"]))
    return known


def quotable_names(spec: dict[str, Any]) -> set[str]:
    """Every normalised name the extract's configuration holds, headers and value labels:
    the only cells a file-level message or note may quote (:mod:`oversight.ingest.shown`)."""
    return known_headers(spec) | shown.label_names(spec, norm_label)


def _closest(wanted: list[str], header: list[str], quotable: set[str]) -> str:
    """The header cell most like one of the ``wanted`` headers, by position: quoted only when
    the configuration names it, otherwise described (it may be a data row's cell)."""
    hit = matching.assign({"": wanted}, dict(enumerate(header))).get("")
    return _hint(hit, header, quotable)


def _hint(hit: tuple[int, float, str] | None, header: list[str], quotable: set[str]) -> str:
    """One hint: the column, its header (quoted or described) and how similar it is."""
    if hit is None:
        return ""
    column, score, alias = hit
    what = shown.cell_shown(header[column], None, quotable, norm_label)
    return f"column {column + 1}, {what}, {score:.0f}% similar to {alias!r}"


def _missing_columns(
    missing: list[str],
    header: list[str],
    mapping: dict[str, int],
    spec: dict[str, Any],
    file: str,
    config_ref,
    header_row: int,
    found: str,
    quotable: set[str],
) -> ExtractError:
    """One error for every required field without a column, each with its closest unclaimed
    header (token- and number-aware, one field per column: :mod:`oversight.ingest.matching`)."""
    known = aliases(spec)
    wanted = {name: known.get(name) or [name] for name in missing}
    claimed = set(mapping.values())
    free = {i: h for i, h in enumerate(header) if i not in claimed}
    hits = matching.assign(wanted, free)

    def expected(name: str) -> str:
        names = known.get(name)
        if not names:
            return f"a column mapped to {name!r}"
        return "a column headed " + " or ".join(repr(w) for w in names)

    if len(missing) == 1:
        name = missing[0]
        return ExtractError(
            file,
            f"missing required column for {name!r}",
            expected=expected(name),
            found=found,
            closest=_hint(hits.get(name), header, quotable),
            fix=f"add the export's header for {name!r} under {config_ref(['columns', name])}",
            row=header_row,
        )
    hints = [
        f"{n!r}: {_hint(hits.get(n), header, quotable) or 'no similar unused column'}"
        for n in missing
    ]
    return ExtractError(
        file,
        f"missing required columns for {len(missing)} fields: "
        + ", ".join(repr(n) for n in missing),
        expected="; ".join(f"for {n!r} {expected(n)}" for n in missing),
        found=found,
        closest="; ".join(hints),
        fix="add the export's header for each under "
        + "; ".join(config_ref(["columns", n]) for n in missing),
        row=header_row,
    )


def _targets(spec: dict[str, Any]) -> dict[str, list[str]]:
    """Each field (and survey item) and the normalised headers that name it."""
    targets: dict[str, list[str]] = {
        f: [norm_label(a) for a in al] for f, al in aliases(spec).items()
    }
    for item_header, item_id in (spec.get("items") or {}).items():
        targets.setdefault(WIDE_ITEM_PREFIX + item_id, []).append(norm_label(item_header))
    if spec.get("free_text_item"):
        targets.setdefault("free_text", []).append(norm_label(spec["free_text_item"]))
    return targets


def _claim_columns(
    header: list[str],
    normed: list[str],
    targets: dict[str, list[str]],
    file: str,
    config_ref,
    header_row: int,
) -> dict[str, int]:
    """Field -> column position; refuses two columns for one field and one column claimed
    by two fields."""
    claims: dict[int, list[str]] = defaultdict(list)
    mapping: dict[str, int] = {}
    for target, wanted in targets.items():
        hits = [i for i, h in enumerate(normed) if h in wanted]
        if len(hits) > 1:
            cols = ", ".join(f"column {i + 1} {header[i]!r}" for i in hits)
            raise ExtractError(
                file,
                f"duplicate header: {len(hits)} columns match {target!r}",
                expected=f"one column for {target!r}",
                found=cols,
                fix=(
                    "rename or remove the extra column in the export, or list only the right "
                    f"header under {config_ref(['columns', target])}"
                ),
                row=header_row,
            )
        for i in hits:
            claims[i].append(target)
            mapping[target] = i
    for i, owners in claims.items():
        if len(owners) > 1:
            raise ExtractError(
                file,
                f"header {header[i]!r} matches {len(owners)} fields: {', '.join(owners)}",
                expected="each header to match one common field",
                found=f"column {i + 1} {header[i]!r}",
                fix=f"keep the header under one field only in {config_ref(['columns'])}",
                row=header_row,
                column=header[i],
            )
    return mapping


def map_headers(
    header: list[str],
    spec: dict[str, Any],
    fields: dict[str, dict[str, Any]],
    file: str,
    config_ref,
    header_row: int,
    public: bool = False,
) -> dict[str, int]:
    """Map common fields (and survey items) to column positions.

    ``config_ref(keys)`` renders a reference to the config line to change. ``public`` marks
    a published document (a DfE release), whose headers messages may quote whatever they
    are; an LA extract's unconfigured cells are only described. Raises
    :class:`ExtractError` on a duplicate header, a header that matches two fields, or a
    required field with no column.
    """
    normed = [norm_label(h) for h in header]
    targets = _targets(spec)
    mapping = _claim_columns(header, normed, targets, file, config_ref, header_row)
    defaults = spec.get("defaults") or {}
    quotable = {a for wanted in targets.values() for a in wanted} | shown.label_names(
        spec, norm_label
    )
    if public:
        quotable |= set(normed)
    found = "headers " + shown.cells_shown(header, quotable, norm_label)
    missing = [
        name
        for name, meta in fields.items()
        if name not in mapping
        and name not in defaults
        and meta.get("required")
        and meta["type"] not in ("item", "response")
    ]
    if missing:
        raise _missing_columns(
            missing, header, mapping, spec, file, config_ref, header_row, found, quotable
        )
    for item_header, item_id in (spec.get("items") or {}).items():
        if WIDE_ITEM_PREFIX + item_id not in mapping:
            raise ExtractError(
                file,
                f"missing survey item column for {item_id!r}",
                expected=f"a column headed {item_header!r}",
                found=found,
                closest=_closest([item_header], header, quotable),
                fix=f"correct the item's header under {config_ref(['items'])}",
                row=header_row,
            )
    return mapping


def mapped_frame(
    rows: pd.DataFrame,
    mapping: dict[str, int],
    spec: dict[str, Any],
    fields: dict[str, dict[str, Any]],
) -> pd.DataFrame:
    """Text frame with one column per common field (and survey item); blanks become missing."""
    out = pd.DataFrame(index=rows.index)
    for target, pos in mapping.items():
        # Zero-width and direction marks are invisible in every program the LA uses: a cell
        # that differs from a valid value only by them is that value.
        col = per_distinct(rows[f"c{pos}"], _visible)
        out[target] = col.mask(col == "")
    for name, value in (spec.get("defaults") or {}).items():
        if name not in out:
            out[name] = pd.Series(str(value), index=rows.index, dtype="string")
    for name, meta in fields.items():
        if name not in out and meta["type"] not in ("item", "response"):
            out[name] = pd.Series(pd.NA, index=rows.index, dtype="string")
    return out.astype("string")


def _visible(values: pd.Series) -> pd.Series:
    return values.str.replace(INVISIBLE, "", regex=True).str.strip()


def code_lookup(field: str, codes: list[str], spec: dict[str, Any]) -> dict[str, str]:
    """Normalised label -> common code: the codes themselves plus the LA's synonyms."""
    lookup = {norm_label(c): c for c in codes}
    for label, code in ((spec.get("values") or {}).get(field) or {}).items():
        lookup[norm_label(str(label))] = str(code)
    return lookup


def bool_lookup(field: str, spec: dict[str, Any]) -> dict[str, bool]:
    lookup = dict(BOOL_WORDS)
    for label, value in ((spec.get("values") or {}).get(field) or {}).items():
        lookup[norm_label(str(label))] = bool(value)
    return lookup


def grade_lookup(spec: dict[str, Any]) -> dict[str, int]:
    """Native grade label -> common grade 1 (inadequate) .. 4 (outstanding)."""
    return {
        norm_label(str(k)): int(v)
        for k, v in ((spec.get("values") or {}).get("grade") or {}).items()
    }


def scale_lookup(spec: dict[str, Any]) -> dict[str, int]:
    """Survey answer label -> position 1..points on the LA's native scale."""
    scale = spec.get("scale") or {}
    return {norm_label(str(k)): int(v) for k, v in (scale.get("labels") or {}).items()}


def lookup_series(values: pd.Series, lookup: dict[str, Any]) -> pd.Series:
    """Map labels through a normalised lookup; unknown or missing -> missing."""
    return norm_series(values).map(lookup)


def to_typed(
    frame: pd.DataFrame,
    fields: dict[str, dict[str, Any]],
    spec: dict[str, Any],
    date_formats: list[str],
) -> pd.DataFrame:
    """Convert validated text columns to the common types (codes, bools, dates, numbers)."""
    out = pd.DataFrame(index=frame.index)
    for name, meta in fields.items():
        if name not in frame:
            continue
        kind = meta["type"]
        col = frame[name]
        if kind == "code":
            out[name] = lookup_series(col, code_lookup(name, meta["codes"], spec)).astype("string")
        elif kind == "bool":
            out[name] = lookup_series(col, bool_lookup(name, spec)).astype("boolean")
        elif kind == "date":
            out[name] = parse_dates(col, date_formats)
        elif kind in ("int", "number"):
            num = pd.to_numeric(col, errors="coerce")
            out[name] = num.round().astype("Int64") if kind == "int" else num.astype("Float64")
        elif kind == "grade":
            out[name + "_native"] = col
            out[name] = lookup_series(col, grade_lookup(spec)).astype("Int64")
        else:
            out[name] = col
    return out


def comparable(
    frame: pd.DataFrame,
    fields: dict[str, dict[str, Any]],
    spec: dict[str, Any],
    date_formats: list[str],
) -> pd.DataFrame:
    """Each cell as the value it stands for, so rows that say the same thing compare equal
    whatever their spelling: dates as dates (``2024-05-01`` = ``01/05/2024``), booleans as
    booleans (``Yes`` = ``Y``), numbers as numbers (``53.0`` = ``53``), labels as their codes
    or scores, identifiers case-folded (as pseudonyms are taken), text normalised.

    A cell that cannot be read keeps its normalised text, tagged ``("?", text)``, so two
    copies of the same unreadable cell still match and never match a read value. Missing
    cells are None. Columns are the frame's mapped fields and survey items.
    """
    typed = to_typed(frame, fields, spec, date_formats)
    scale = scale_lookup(spec)
    out: dict[str, pd.Series] = {}
    for col in frame.columns:
        text = frame[col].astype("string")
        kind = fields[col]["type"] if col in fields else None
        if kind in ("identifier", "text"):
            value = norm_series(text) if kind == "text" else text.str.casefold()
        elif col.startswith(WIDE_ITEM_PREFIX):
            value = lookup_series(text, scale).astype("Int64")
        elif col in typed:
            value = typed[col]
        else:
            continue
        unread = (value.isna() & text.notna()).to_numpy(dtype=bool)
        if pd.api.types.is_datetime64_any_dtype(value):
            # Dates as seconds since 1970: equal dates are equal numbers, and far quicker
            # to handle than Timestamp objects.
            missing = value.isna().to_numpy()
            seconds = value.to_numpy(dtype="datetime64[s]").astype("int64")
            obj = pd.Series(seconds.astype(object), index=value.index, dtype=object)
            obj[missing] = None
        else:
            obj = pd.Series(
                value.to_numpy(dtype=object, na_value=None), index=value.index, dtype=object
            )
        if unread.any():
            obj[unread] = [("?", t) for t in norm_series(text[unread])]
        out[col] = obj
    return pd.DataFrame(out, index=frame.index)


def survey_long(frame: pd.DataFrame, typed: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """Wide survey rows (one per respondent) to one row per answered item."""
    scale = scale_lookup(spec)
    points = int((spec.get("scale") or {}).get("points", 0)) or np.nan
    pieces = []
    base = typed[["respondent_id", "wave", "role"]]
    for col in frame.columns:
        if not col.startswith(WIDE_ITEM_PREFIX):
            continue
        answered = frame[col].notna()
        part = base[answered].copy()
        part["item_id"] = col.removeprefix(WIDE_ITEM_PREFIX)
        part["response_label"] = frame.loc[answered, col]
        part["response"] = lookup_series(frame.loc[answered, col], scale).astype("Int64")
        part["scale_points"] = points
        part["free_text"] = pd.NA
        pieces.append(part)
    if "free_text" in frame:
        answered = frame["free_text"].notna()
        part = base[answered].copy()
        part["item_id"] = "free_text"
        part["response_label"] = pd.NA
        part["response"] = pd.NA
        part["scale_points"] = np.nan
        part["free_text"] = typed.loc[answered, "free_text"]  # already redacted
        pieces.append(part)
    long = pd.concat(pieces) if pieces else base.iloc[0:0]
    long["scale_points"] = long["scale_points"].astype("Int64")
    long["response"] = long["response"].astype("Int64")
    for col in ("item_id", "response_label", "free_text"):
        long[col] = long[col].astype("string")
    return long.sort_index(kind="stable")
