"""Disclosure control for published tables: small counts hidden, and not recoverable.

Primary suppression hides counts from 1 to 5 (``c``). Secondary suppression then hides
further cells so that no hidden cell can be worked out from its row or column total: every
row and column of a table with published totals holds either no hidden cell or at least two.
The complementary cell chosen is the smallest non-zero visible one, which loses least
information (the usual heuristic of official statistics, for example the ONS guidance on
tables from administrative data). True zeros stay visible: they are not disclosive.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.conventions import Rule, load_conventions, rounded_total
from oversight.disclosure.readback import SYMBOL
from oversight.disclosure.relations import derived_source, metrics_relations
from oversight.disclosure.secondary import Band, primary_cells, secondary_by_relations


def primary(counts: pd.DataFrame, low: int = 1, high: int = 5) -> pd.DataFrame:
    """True where a count lies from ``low`` to ``high`` inclusive."""
    return (counts >= low) & (counts <= high)


def _complement(values: np.ndarray, hidden: np.ndarray) -> int | None:
    """Index of the smallest visible non-zero cell of one line, or None."""
    candidates = np.where(~hidden & (values > 0))[0]
    if candidates.size == 0:
        return None
    return int(candidates[np.argmin(values[candidates])])


def secondary(counts: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Extend ``hidden`` until no row or column has exactly one hidden cell.

    Where a line has one hidden cell and no visible non-zero cell to pair it with, its total
    would give the hidden value away; that line's total must then be hidden too, which
    :func:`protect` reports in ``hidden_totals``.
    """
    values = counts.to_numpy(float)
    mask = hidden.to_numpy(bool).copy()
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = range(values.shape[0]) if axis == 0 else range(values.shape[1])
            for i in lines:
                line = values[i, :] if axis == 0 else values[:, i]
                m = mask[i, :] if axis == 0 else mask[:, i]
                if m.sum() != 1:
                    continue
                j = _complement(line, m)
                if j is None:
                    continue
                if axis == 0:
                    mask[i, j] = True
                else:
                    mask[j, i] = True
                changed = True
    return pd.DataFrame(mask, index=counts.index, columns=counts.columns)


def protect(
    counts: pd.DataFrame, low: int = 1, high: int = 5
) -> tuple[pd.DataFrame, dict[str, list]]:
    """The table as published (hidden cells shown as ``c``) and which totals must be hidden.

    Returns the cells as text, and ``{"rows": [...], "columns": [...]}`` naming the lines
    whose total would still reveal a hidden cell (a single hidden cell with no partner).
    """
    mask = secondary(counts, primary(counts, low, high))
    shown = counts.astype("Int64").astype("string").mask(mask, SYMBOL)
    rows = [r for r in counts.index if mask.loc[r].sum() == 1]
    cols = [c for c in counts.columns if mask[c].sum() == 1]
    return shown, {"rows": rows, "columns": cols}


def round_total(n: float, base: int | None = None, above: int | None = None) -> float:
    """Large totals rounded as DfE rounds its national figures (so differences between tables
    cannot reveal small cells): to the nearest ``base``, halves up; totals up to ``above`` are
    exact. Both default to the ``totals`` rule of ``config/dfe_conventions.yaml`` (nearest
    10 above 1,000)."""
    rule = load_conventions().rule("totals")
    if pd.isna(n):
        return n
    given = Rule(
        rule.name,
        rule.base if base is None else base,
        rule.above if above is None else above,
        rule.source,
    )
    return rounded_total(n, given)


def _dimension(breakdown: str) -> str:
    """Breakdowns that add up to the same total share a dimension: 'role=x' -> 'role',
    'domain=d;grade=2' -> 'domain=d;grade'; 'all' is the total itself."""
    return breakdown.rsplit("=", 1)[0] if "=" in breakdown else ""


def _complete_lines(
    hidden: np.ndarray,
    values: np.ndarray,
    lines: list[np.ndarray],
    totals: list[int] | None = None,
) -> None:
    """Secondary suppression in place: while a line (positions adding up to a published
    total) holds exactly one hidden cell, hide its smallest visible non-zero cell too; when it
    has none (every other part is zero), the total would equal the hidden cell, so the total
    (``totals[k]``, the position of line ``k``'s total row, or -1) is hidden instead."""
    changed = True
    while changed:
        changed = False
        for k, pos in enumerate(lines):
            if hidden[pos].sum() != 1:
                continue
            vis = pos[~hidden[pos] & (values[pos] > 0)]
            if vis.size:
                hidden[vis[np.argmin(values[vis])]] = True
                changed = True
            elif totals is not None and totals[k] >= 0 and not hidden[totals[k]]:
                hidden[totals[k]] = True
                changed = True


def protect_counts(
    table: pd.DataFrame,
    counts: list[str],
    hide_with: dict[str, list[str]] | None = None,
    lines: list[list[str]] | None = None,
    low: int = 1,
    high: int = 5,
    totals: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disclosure control for a wide table whose ``counts`` columns count people or records.

    Primary: a count from ``low`` to ``high`` is hidden, with the columns ``hide_with[col]``
    that would give it away (a share, a mean, an interval). Secondary: ``lines`` lists the
    groupings (column names; ``[]`` is the whole table) within which a count column adds up to
    a total published elsewhere (a region row, another table); a line with exactly one hidden
    count gets its smallest visible non-zero count hidden too. ``totals`` marks rows that are
    themselves totals (the region's): they belong to no line. Returns the table with hidden
    cells as ``c`` and the boolean mask of hidden cells.
    """
    out = table.copy().reset_index(drop=True)
    parts = out.index if totals is None else out.index[~np.asarray(totals, dtype=bool)]
    mask = pd.DataFrame(False, index=out.index, columns=out.columns)
    for col in counts:
        values = pd.to_numeric(out[col], errors="coerce").to_numpy(float)
        hidden = (values >= low) & (values <= high)
        groups, group_totals = [], []
        total_rows = out.index.difference(parts)
        for keys in lines or []:
            if keys:
                # A line's total is the totals row with the same keys (the region's).
                where = {
                    tuple(r): i
                    for i, r in zip(
                        total_rows, out.loc[total_rows, keys].itertuples(index=False), strict=True
                    )
                }
                for key, g in out.loc[parts].groupby(keys, sort=False).indices.items():
                    groups.append(np.asarray(parts[g]))
                    group_totals.append(where.get(key if isinstance(key, tuple) else (key,), -1))
            else:
                groups.append(np.asarray(parts))
                group_totals.append(-1)  # the total is published in another table
        _complete_lines(hidden, values, groups, group_totals)
        for target in [col, *(hide_with or {}).get(col, [])]:
            mask[target] |= hidden
    shown = out.astype(object).mask(mask, SYMBOL)
    return shown, mask


HIDE_WITH_NUMERATOR = (
    "numerator",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "funnel_flag",
    "funnel_flag_unadjusted",
)
# Computed from every row of a funnel (period, metric, breakdown): phi and tau2. With the
# other rows published, one equation in one hidden count could give it away, so one hidden
# row in the funnel hides them on all its rows. The centre line is hidden only when it is
# computed from a hidden row (:func:`_centre_from_hidden`).
HIDE_WITH_FUNNEL = ("funnel_phi", "funnel_tau2")


def protect_long(
    table: pd.DataFrame,
    region_code: str,
    low: int = 1,
    high: int = 5,
    hide_cols: tuple[str, ...] = HIDE_WITH_NUMERATOR,
    min_width: int = 5,
) -> pd.DataFrame:
    """Disclosure control for a long metrics table (``la_code, period, metric, breakdown,
    numerator, denominator, ...``).

    Primary: a numerator, or the count not meeting it (denominator - numerator), from
    ``low`` to ``high`` hides the row's numerator, value and intervals; a denominator in that
    range hides the row's denominator too. Secondary (:func:`secondary_by_relations`): every
    relation a reader can use (:func:`oversight.disclosure.relations.metrics_relations`:
    breakdowns to ``all``, LAs to the region, quarters to the year for counts of events, the
    year equal to its census quarter, nested and shared counts) is honoured until no hidden
    cell can be pinned to fewer than ``min_width + 1`` values while it may be small. Hidden
    cells become ``c`` and so does the ``status`` column.
    """
    band = Band(low, high, min_width)
    cells = metrics_relations(table, region_code, truth=table)
    hidden = secondary_by_relations(cells, primary_cells(cells, band), band, "oversight_metrics")
    return hide_long(table, hidden, hide_cols)


def hide_long(
    table: pd.DataFrame, hidden: set[Hashable], hide_cols: tuple[str, ...] = HIDE_WITH_NUMERATOR
) -> pd.DataFrame:
    """The metrics table with the ``hidden`` cells (keys as in
    :func:`oversight.disclosure.relations.metrics_relations`) shown as ``c``: a hidden
    numerator or denominator hides the row's numerator, value, intervals and status; a
    derived column (``metrics.yaml`` ``disclosure.derived``) goes with the count it is
    computed from."""
    out = table.copy()
    keys = list(
        zip(
            *(out[k].astype(str) for k in ("la_code", "period", "metric", "breakdown")), strict=True
        )
    )
    row_hidden = np.zeros(len(out), dtype=bool)
    den_hidden = np.zeros(len(out), dtype=bool)
    for i, key in enumerate(keys):
        den = (*key, "denominator") in hidden
        num = (*key, "numerator") in hidden
        for col in definitions().get(key[2], {}).get("disclosure", {}).get("derived", {}):
            if derived_source(key, col) in hidden:
                den = den or col == "denominator"
                num = True
        row_hidden[i] = num or den
        den_hidden[i] = den
    for col in hide_cols:
        if col in out:
            out[col] = out[col].astype(object).where(~row_hidden, SYMBOL)
    funnel = pd.Series([k[1:] for k in keys], index=out.index)
    in_hidden_funnel = funnel.isin(set(funnel[row_hidden])).to_numpy()
    for col in HIDE_WITH_FUNNEL:
        if col in out:
            out[col] = out[col].astype(object).where(~in_hidden_funnel, SYMBOL)
    if "funnel_centre" in out:
        centre_hidden = _centre_from_hidden(table, funnel, row_hidden)
        out["funnel_centre"] = out["funnel_centre"].astype(object).where(~centre_hidden, SYMBOL)
    out["denominator"] = out["denominator"].astype(object).where(~den_hidden, SYMBOL)
    status = out["status"] if "status" in out else pd.Series("", index=out.index)
    out["status"] = np.where(row_hidden, SYMBOL, status.astype(object).fillna(""))
    return out


def _centre_from_hidden(
    table: pd.DataFrame, funnel: pd.Series, row_hidden: np.ndarray
) -> np.ndarray:
    """Rows whose funnel's centre line is computed from a hidden row: the region's value
    (``region``: the row without a flag) when that row is hidden, or the median of the LAs'
    values (``la_median``) when a hidden LA's value is, or ties with, a middle value."""
    out = np.zeros(len(table), dtype=bool)
    flags = table["funnel_flag"].fillna("").astype(str).to_numpy()
    values = pd.to_numeric(table["value"], errors="coerce").to_numpy(float)
    comparators = table["funnel_comparator"].fillna("").astype(str).to_numpy()
    for rows in pd.Series(np.arange(len(table)), index=funnel.to_numpy()).groupby(level=0):
        idx = rows[1].to_numpy()
        if not row_hidden[idx].any() or comparators[idx[0]] not in ("region", "la_median"):
            continue
        is_la = flags[idx] != ""
        if comparators[idx[0]] == "region":
            out[idx] = row_hidden[idx[~is_la]].any()
            continue
        la = idx[is_la & np.isfinite(values[idx])]
        if len(la) == 0:
            continue
        ordered = np.sort(values[la])
        low, high = ordered[(len(la) - 1) // 2], ordered[len(la) // 2]
        hidden_values = values[la[row_hidden[la]]]
        out[idx] = bool(((hidden_values >= low) & (hidden_values <= high)).any())
    return out
