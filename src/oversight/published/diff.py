"""What changed between two releases of one DfE file, compared through the configured aliases.

DfE renames columns between releases (``Section47`` became ``section47_count``); the
``columns:`` of a release in ``config/published.yaml`` list every name a field has had. Each
release's headers are therefore given their common name first, so a renamed column is
reported once as renamed and its values are compared; only a header no alias names is compared
by itself, and a column is added or removed only when neither its name nor an alias of it is in
the other release. A revision is a changed value for the same row (LA or region, and year):
``330`` and ``330.0`` are the same value; ``c`` and ``335`` are not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from oversight.errors import ExtractError
from oversight.ingest.harmonise import aliases
from oversight.ingest.normalise import norm_label

DIFF_COLUMNS = ["change", "key", "column", "old_value", "new_value"]
COUNT_COLUMNS = ["column", "old_header", "new_header", "rows_compared", "revised"]
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def common_names(header: list[str], spec: Mapping[str, Any], file: str) -> dict[str, str]:
    """Each header of a release -> the field whose aliases name it, else the header itself.

    Two headers of one file that name the same field are refused, naming both columns.
    """
    by_alias = {norm_label(a): f for f, names in aliases(dict(spec)).items() for a in names}
    out: dict[str, str] = {}
    owner: dict[str, str] = {}
    for pos, head in enumerate(header):
        name = by_alias.get(norm_label(head), head)
        if name in owner:
            raise ExtractError(
                file,
                f"two columns name {name!r}: {owner[name]!r} and {head!r}",
                expected=f"one column for {name!r}",
                found=f"column {pos + 1} {head!r}",
                fix="list only the header this release uses for the field in "
                "config/published.yaml, or remove the extra column",
                column=head,
            )
        owner[name] = head
        out[head] = name
    return out


def _same(left: pd.Series, right: pd.Series) -> pd.Series:
    """Cell by cell: the same text, or the same number however written."""
    a, b = left.str.strip(), right.str.strip()
    both = a.str.match(NUMBER) & b.str.match(NUMBER)
    num_a = pd.to_numeric(a.where(both), errors="coerce")
    num_b = pd.to_numeric(b.where(both), errors="coerce")
    return (a == b) | (both & (num_a == num_b))


def _identity(frame: pd.DataFrame, key_cols: list[str]) -> pd.Series:
    """What makes a row the same row in two releases: its year and level with the LA's code
    (the old three-digit code, which survived the new codes' changes, else the new code), so
    a renamed LA is still the same LA; a row without a code (England, a region) by every key
    column."""
    text = frame[key_cols].fillna("").astype(str)
    full = text.agg("|".join, axis=1)
    code = pd.Series("", index=frame.index, dtype=object)
    for col in ("new_la_code", "old_la_code"):
        if col in key_cols:
            code = text[col].str.strip().where(text[col].str.strip() != "", code)
    when = [c for c in ("time_period", "geographic_level") if c in key_cols]
    if not when:
        return full
    ident = text[when].agg("|".join, axis=1) + "|code " + code
    return ident.where(code != "", full)


def _keyed(frame: pd.DataFrame, key_cols: list[str]) -> pd.DataFrame:
    """Rows indexed by identity, the first of any repeated one (:func:`_repeated` lists the
    others); ``_key`` holds every key column, as the diff shows it."""
    key = frame[key_cols].fillna("").astype(str).agg("|".join, axis=1)
    ident = _identity(frame, key_cols)
    return frame.assign(_key=key, _id=ident).drop_duplicates("_id").set_index("_id")


def _repeated(frame: pd.DataFrame, key_cols: list[str], which: str) -> list[dict]:
    """Rows of one release that repeat an earlier row's identity (a breakdown the key
    columns do not hold): only the first is compared, and each other is listed, not dropped
    unseen."""
    key = frame[key_cols].fillna("").astype(str).agg("|".join, axis=1)
    again = _identity(frame, key_cols).duplicated()
    change = f"row repeated in the {which} release, not compared"
    return [{"change": change, "key": k} for k in key[again]]


def _column_changes(
    old: pd.DataFrame, new: pd.DataFrame, old_names: dict[str, str], new_names: dict[str, str]
) -> list[dict]:
    """Columns renamed (same field, another header), added and removed."""
    rows: list[dict] = []
    old_header = {v: k for k, v in old_names.items()}
    new_header = {v: k for k, v in new_names.items()}
    for col in sorted(set(old.columns) & set(new.columns)):
        was, now = old_header.get(col, col), new_header.get(col, col)
        if was != now:
            rows.append({"change": "column renamed", "column": col, "old_value": was})
            rows[-1]["new_value"] = now
    for col in sorted(set(new.columns) - set(old.columns)):
        rows.append({"change": "column added", "column": new_header.get(col, col)})
    for col in sorted(set(old.columns) - set(new.columns)):
        rows.append({"change": "column removed", "column": old_header.get(col, col)})
    return rows


def _names(frame: pd.DataFrame, names: dict[str, str] | None) -> dict[str, str]:
    """A release's headers to common names: ``names``, or each header as it is."""
    return names or {c: c for c in frame.columns}


def release_diff(
    old: pd.DataFrame,
    new: pd.DataFrame,
    key_cols: list[str],
    old_names: dict[str, str] | None = None,
    new_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """What changed between two releases of one file (both as text): columns renamed, added
    or removed, rows (LAs, regions, years) added or removed, an LA's name or code changed
    (``key revised``: the same old code and year), values revised.

    ``old_names`` and ``new_names`` map each release's headers to their common names
    (:func:`common_names`); without them headers are compared as they are.
    """
    old_names, new_names = _names(old, old_names), _names(new, new_names)
    old, new = old.rename(columns=old_names), new.rename(columns=new_names)
    rows = _column_changes(old, new, old_names, new_names)
    rows += _repeated(old, key_cols, "old") + _repeated(new, key_cols, "new")
    a, b = _keyed(old, key_cols), _keyed(new, key_cols)
    for ident in sorted(set(b.index) - set(a.index), key=lambda i: b.at[i, "_key"]):
        rows.append({"change": "row added", "key": b.at[ident, "_key"]})
    for ident in sorted(set(a.index) - set(b.index), key=lambda i: a.at[i, "_key"]):
        rows.append({"change": "row removed", "key": a.at[ident, "_key"]})
    common_rows = sorted(set(a.index) & set(b.index), key=lambda i: b.at[i, "_key"])
    rows += _revisions(a.loc[common_rows], b.loc[common_rows], key_cols, "key revised")
    columns = sorted((set(old.columns) & set(new.columns)) - set(key_cols))
    rows += _revisions(a.loc[common_rows], b.loc[common_rows], columns, "value revised")
    return pd.DataFrame(rows, columns=DIFF_COLUMNS).astype(object).fillna("")


def _revisions(a: pd.DataFrame, b: pd.DataFrame, columns: list[str], change: str) -> list[dict]:
    """Each cell of ``columns`` that differs between the same rows of two releases."""
    rows = []
    for col in columns:
        left, right = a[col].fillna("").astype(str), b[col].fillna("").astype(str)
        for ident in left.index[~_same(left, right)]:
            rows.append(
                {
                    "change": change,
                    "key": b.at[ident, "_key"],
                    "column": col,
                    "old_value": left[ident],
                    "new_value": right[ident],
                }
            )
    return rows


def revision_counts(
    diff: pd.DataFrame,
    old: pd.DataFrame,
    new: pd.DataFrame,
    key_cols: list[str],
    old_names: dict[str, str] | None = None,
    new_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Per column both releases hold (by common name): its header in each, the rows both
    releases have, and how many of their values were revised; a last row ``all`` sums them."""
    old_names, new_names = _names(old, old_names), _names(new, new_names)
    old_header = {v: k for k, v in old_names.items()}
    new_header = {v: k for k, v in new_names.items()}
    a = set(_keyed(old.rename(columns=old_names), key_cols).index)
    b = set(_keyed(new.rename(columns=new_names), key_cols).index)
    shared = len(a & b)
    revised = diff[diff["change"] == "value revised"].groupby("column").size()
    columns = sorted((set(old_names.values()) & set(new_names.values())) - set(key_cols))
    out = pd.DataFrame(
        {
            "column": columns,
            "old_header": [old_header.get(c, c) for c in columns],
            "new_header": [new_header.get(c, c) for c in columns],
            "rows_compared": shared,
            "revised": [int(revised.get(c, 0)) for c in columns],
        },
        columns=COUNT_COLUMNS,
    )
    total = {"column": "all", "old_header": "", "new_header": ""}
    total |= {"rows_compared": shared * len(columns), "revised": int(out["revised"].sum())}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)
