"""The relations a reader of a wide count table or a matrix can use (``config/tables.yaml``,
``disclosure: counts`` or ``matrix``): rows adding up to the region's row or to a total
published elsewhere, declared relations within and across rows, a matrix's margins."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from oversight.disclosure.audit import Relation, at_most, sums_to, within
from oversight.disclosure.cells import SYMBOL, AuditTable, level_weight, published_value


# ------------------------------------------------------------------ wide count tables
def _row_labels(frame: pd.DataFrame, skip: set[str]) -> list[str]:
    """Each row named by its identifying (text) columns."""
    ids = [
        c
        for c in frame.columns
        if c not in skip and not pd.api.types.is_numeric_dtype(frame[c]) and c != "suppressed"
    ]
    ids = [c for c in ids if not frame[c].astype(str).eq(SYMBOL).any()]
    return [
        ", ".join(f"{c} {v}" for c, v in zip(ids, row, strict=True))
        for row in frame[ids].astype(str).itertuples(index=False)
    ]


def counts_relations(
    frame: pd.DataFrame,
    rule: dict[str, Any],
    region_code: str,
    truth: pd.DataFrame | None = None,
) -> AuditTable:
    """A wide table whose ``counts`` columns count people or records: each count cell; its
    ``lines`` (groupings whose counts add up to the region's row, or to a total published
    in another table, taken from ``truth``); its declared ``relations`` within a row
    (``at_most``, ``sum`` with rounding) or across rows (``equal_within``)."""
    out = AuditTable()
    rows = frame.reset_index(drop=True)
    counts = rule["counts"]
    dependants = {c for cols in rule.get("hide_with", {}).values() for c in cols}
    labels = _row_labels(rows, set(counts) | dependants)
    for col in counts:
        for i, x in enumerate(rows[col]):
            v = published_value(x)
            if v is ...:
                continue
            out.values[(i, col)] = v
            out.labels[(i, col)] = f"row {i + 1} ({labels[i]}), column {col}"
            out.choosable.add((i, col))
    for col, cols in rule.get("hide_with", {}).items():
        for i in range(len(rows)):
            for dep in cols:
                if (i, col) in out.values and published_value(rows.at[i, dep]) not in (None, ...):
                    out.reveals.append((f"row {i + 1} ({labels[i]}), column {dep}", (i, col)))
    is_total = (
        rows["la_code"].astype(str).eq(region_code).to_numpy()
        if "la_code" in rows
        else np.zeros(len(rows), bool)
    )
    for i, col in out.choosable:
        if is_total[i]:
            out.weights[(i, col)] = level_weight(1)  # the region's row: a total
    for group_keys in rule.get("lines") or []:
        _line_relations(out, rows, truth, counts, group_keys, is_total)
    for rel in rule.get("relations", []):
        _wide_relation(out, rows, truth, rel)
    return out


def _line_relations(out, rows, truth, counts, group_keys, is_total) -> None:
    parts_idx = np.flatnonzero(~is_total)
    totals_idx = np.flatnonzero(is_total)
    for col in counts:
        if group_keys:
            where = {tuple(rows.loc[i, group_keys].astype(str)): i for i in totals_idx}
            grouped = rows.loc[parts_idx].groupby(
                [rows.loc[parts_idx, k].astype(str) for k in group_keys], sort=False
            )
            lines = [
                (key if isinstance(key, tuple) else (key,), list(g.index)) for key, g in grouped
            ]
        else:
            where, lines = {}, [((), list(parts_idx))]
        for key, members in lines:
            cells = [(i, col) for i in members if (i, col) in out.values]
            if len(cells) != len(members):
                continue
            total_row = where.get(key)
            if total_row is not None and (total_row, col) in out.values:
                exact = True
                if truth is not None:
                    t = pd.to_numeric(truth.reset_index(drop=True)[col])
                    exact = float(t.loc[members].sum()) == float(t.loc[total_row])
                if exact:
                    out.relations.append(sums_to((total_row, col), cells))
                else:  # a unit counted in the region's total but in no LA's row shown
                    terms = (*((c, 1.0) for c in cells), ((total_row, col), -1.0))
                    out.relations.append(Relation(terms, "le"))
            elif truth is not None:
                # the line's total is published in another table
                total = ("published elsewhere", col, *key)
                values = pd.to_numeric(truth.reset_index(drop=True).loc[members, col])
                out.values[total] = float(values.sum())
                out.labels[total] = f"total of column {col} for {key or 'the table'}"
                out.relations.append(sums_to(total, cells))


def _wide_relation(out: AuditTable, rows: pd.DataFrame, truth, rel: dict[str, Any]) -> None:
    col = rel.get("column")
    if rel["kind"] == "at_most":
        for i in range(len(rows)):
            a, b = (i, col), (i, rel["other"])
            if a in out.values and b in out.values:
                out.relations.append(at_most(a, b))
    elif rel["kind"] == "equal_within":
        for _, g in rows.groupby([rows[k].astype(str) for k in rel["by"]], sort=False):
            cells = [(i, col) for i in g.index if (i, col) in out.values]
            out.relations += [sums_to(cells[0], [c]) for c in cells[1:]]
    elif rel["kind"] == "sum_rows":
        _sum_rows(out, rows, truth, rel)
    elif rel["kind"] == "sum":
        base, above = rel.get("rounded", {}).get("base", 1), rel.get("rounded", {}).get("above")
        source = rows if truth is None else truth.reset_index(drop=True)
        for i in range(len(rows)):
            cells = [(i, c) for c in [col, *rel["parts"]]]
            if not all(c in out.values for c in cells):
                continue
            # each published value above `above` is rounded to `base`: off by base // 2
            rounded = sum(
                1
                for _, c in cells
                if above is not None
                and pd.to_numeric(pd.Series([source.at[i, c]]), errors="coerce").iloc[0] > above
            )
            out.relations.append(within(cells[0], cells[1:], rounded * (base // 2)))


def _sum_rows(out: AuditTable, rows: pd.DataFrame, truth, rel: dict[str, Any]) -> None:
    """Within each group of rows with the same ``by`` values, the row whose columns hold
    ``where`` is the sum of the other rows, in every count column (at most the sum where
    ``truth`` shows units counted in the total but in no part, such as an unknown role)."""
    ((key, value),) = rel["where"].items()
    source = None if truth is None else truth.reset_index(drop=True)
    columns = sorted(
        {k[1] for k in out.values if len(k) == 2 and not isinstance(k[0], str)} & set(rows)
    )
    for _, g in rows.groupby([rows[k].astype(str) for k in rel["by"]], sort=False):
        totals = [i for i in g.index if str(rows.at[i, key]) == str(value)]
        parts = [i for i in g.index if str(rows.at[i, key]) != str(value)]
        if len(totals) != 1 or not parts:
            continue
        for col in columns:
            cells = [(i, col) for i in parts]
            total = (totals[0], col)
            if total not in out.values or not all(c in out.values for c in cells):
                continue
            exact = source is None or float(pd.to_numeric(source.loc[parts, col]).sum()) == float(
                pd.to_numeric(pd.Series([source.at[totals[0], col]])).iloc[0]
            )
            if exact:
                out.relations.append(sums_to(total, cells))
            else:
                terms = (*((c, 1.0) for c in cells), (total, -1.0))
                out.relations.append(Relation(terms, "le"))


# ------------------------------------------------------------------ matrices
def matrix_relations(frame: pd.DataFrame, rule: dict[str, Any]) -> AuditTable:
    """A square table of counts (``index`` names its rows): each cell, and its declared
    ``relations``: ``symmetric`` (a pair counted both ways is the same count) and
    ``diagonal_bounds`` (a pair is at most either code's own count on the diagonal)."""
    out = AuditTable()
    square = frame.set_index(rule["index"])
    names = [str(r) for r in square.index]
    for r, row in zip(names, square.itertuples(index=False), strict=True):
        for c, x in zip(square.columns, row, strict=True):
            v = published_value(x)
            if v is ...:
                continue
            out.values[(r, str(c))] = v
            out.labels[(r, str(c))] = f"row {r}, column {c}"
            out.choosable.add((r, str(c)))
    kinds = {rel["kind"] for rel in rule.get("relations", [])}
    for r in names:
        for c in names:
            cell = (r, c)
            if cell not in out.values or r == c:
                continue
            if "symmetric" in kinds and r < c and (c, r) in out.values:
                out.relations.append(sums_to(cell, [(c, r)]))
            if "diagonal_bounds" in kinds:
                for d in (r, c):
                    if (d, d) in out.values:
                        out.relations.append(at_most(cell, (d, d)))
    return out
