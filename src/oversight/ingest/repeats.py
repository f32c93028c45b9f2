"""Repeats across the files of a dataset, judged after every file is validated.

A row that repeats a record already read (its ``key:`` fields as parsed values) is rejected as
``duplicate_row``; a survey respondent with two different answer sets as
``conflicting_answers``; a file sent twice (the same bytes, or the same rows) is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oversight.errors import ExtractError
from oversight.ingest import harmonise, identifiers
from oversight.ingest.validate import REJECT_COLUMNS, Context


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
