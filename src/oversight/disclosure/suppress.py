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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.audit import Propagator, audit
from oversight.disclosure.relations import AuditTable, derived_source, metrics_relations
from oversight.errors import DisclosureError

SYMBOL = "c"


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


def round_total(n: float, base: int = 5, above: int = 1000) -> float:
    """Large totals rounded to the nearest ``base`` (so differences between tables cannot
    reveal small cells); totals up to ``above`` are exact."""
    if pd.isna(n) or n <= above:
        return n
    return float(base * round(n / base))


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


# ------------------------------------------------------------- secondary by every relation
@dataclass(frozen=True)
class Band:
    """What disclosure control protects: counts from ``low`` to ``high`` are hidden, and no
    hidden cell that may be such a count can be pinned to fewer than ``min_width + 1``
    values (``config/config.yaml`` ``disclosure:``)."""

    low: int = 1
    high: int = 5
    min_width: int = 5


def primary_cells(table: AuditTable, band: Band) -> set[Hashable]:
    """The cells whose own count lies in the band; a derived cell in the band (a
    complement: the count not meeting a metric) hides the first cell it is computed from."""
    small = lambda v: v is not None and band.low <= v <= band.high  # noqa: E731
    out = {c for c in table.choosable if small(table.values[c])}
    for cell, sources in table.derived.items():
        if sources and small(table.values.get(cell)):
            out.add(sources[0])
    return out


class _Closure:
    """Hiding a cell hides what goes with it: ``together`` cells, cells held equal to it by
    a relation (the year and its census quarter, shared denominators), and derived cells."""

    def __init__(self, table: AuditTable) -> None:
        self.links: dict[Hashable, set[Hashable]] = {}
        for cell, others in table.together.items():
            self.links.setdefault(cell, set()).update(others)
        for rel in table.relations:
            if rel.kind == "eq" and rel.slack == 0 and len(rel.terms) == 2:
                (a, x), (b, y) = rel.terms
                if x == -y and a in table.choosable and b in table.choosable:
                    self.links.setdefault(a, set()).add(b)
                    self.links.setdefault(b, set()).add(a)
        self.derived_of: dict[Hashable, list[Hashable]] = {}
        for cell, sources in table.derived.items():
            for source in sources:
                self.derived_of.setdefault(source, []).append(cell)

    def __call__(self, cells: set[Hashable], hidden: set[Hashable]) -> set[Hashable]:
        """``cells`` and everything that must be hidden with them, not yet in ``hidden``."""
        out: set[Hashable] = set()
        todo = [c for c in cells if c not in hidden]
        while todo:
            cell = todo.pop()
            if cell in out or cell in hidden:
                continue
            out.add(cell)
            todo += self.links.get(cell, ())
            todo += self.derived_of.get(cell, ())
        return out


def secondary_by_relations(
    table: AuditTable, hidden: set[Hashable], band: Band, name: str = "table"
) -> set[Hashable]:
    """Hide further cells until the attacker's audit finds nothing exposed.

    Each round finds the exposed cells (bound propagation first, which is cheap and finds
    most; then the exact audit of :mod:`oversight.disclosure.audit` on the groups that
    changed) and, for each, hides the cell that costs least among the relations that pin
    it: the smallest visible non-zero count, counting what must be hidden with it (zeros
    only when nothing else is left, as a true zero discloses nothing but shows structure).
    One cell per relation per round, so two exposed cells of one line share a partner.
    Cells are only ever added, so it stops.

    Raises:
        DisclosureError: When an exposed cell has no visible cell left to hide with it.
    """
    closure = _Closure(table)
    hidden = set(hidden) | closure(hidden, set())
    of_cell: dict[Hashable, list[int]] = {}
    for k, rel in enumerate(table.relations):
        for cell in rel.cells:
            of_cell.setdefault(cell, []).append(k)
    propagator = Propagator(table.values, table.relations)
    position = {c: i for i, c in enumerate(propagator.cells)}
    known_safe: set[frozenset] = set()
    settled: set[Hashable] = set()
    while True:
        mask = np.zeros(len(propagator.cells), dtype=bool)
        mask[[position[c] for c in hidden]] = True
        lower, upper = propagator.bounds(mask)
        found = mask & (
            ((lower >= band.low) & (upper <= band.high))
            | ((lower <= band.high) & (upper - lower < band.min_width))
        )
        exposed = [propagator.cells[i] for i in np.flatnonzero(found)]
        exact = {propagator.cells[i] for i in np.flatnonzero(found & (lower == upper))}
        if not exposed:
            shown = {c: (None if c in hidden else v) for c, v in table.values.items()}
            result = audit(
                shown,
                table.relations,
                band.low,
                band.high,
                band.min_width,
                known_safe=known_safe,
                witness=table.values,
            )
            exposed = [iv.cell for iv in result.exposed]
            exact = {iv.cell for iv in result.exposed if iv.lower == iv.upper}
            if not exposed:
                return hidden
        used: set[int] = set()
        stuck = []
        size = len(hidden)
        for cell in sorted(exposed, key=repr):
            # a derived cell (a complement) is widened through what it is computed from
            relations = sorted(
                {k for c in [cell, *table.derived.get(cell, [])] for k in of_cell.get(c, [])}
            )
            if used.intersection(relations):
                continue  # a partner was hidden in one of its relations this round
            chosen = _cheapest(table, cell, hidden, relations, of_cell, closure, settled)
            if chosen is None:
                stuck.append(cell)  # cells hidden this round may have protected it
                continue
            hidden |= chosen
            used.update(k for k in relations if chosen.intersection(table.relations[k].cells))
        if stuck and len(hidden) == size:
            # a cell a reader works out exactly, to a value outside the band (a true zero),
            # is no secret: hiding it protects nothing, so it is published (which changes
            # nothing a reader can work out) and never chosen again
            freed = _publishable(table, set(stuck) & exact, hidden, closure, band)
            if freed:
                settled |= freed
                hidden -= freed
                hidden -= {
                    c
                    for c, sources in table.derived.items()
                    if c in hidden and not any(s in hidden for s in sources)
                }
                continue
            raise DisclosureError(
                f"{name}: {table.describe(stuck[0])} can be worked out from the published "
                "cells and no cell is left to hide with it; publish this table at a coarser "
                "level"
            )


def _publishable(
    table: AuditTable,
    pinned: set[Hashable],
    hidden: set[Hashable],
    closure: _Closure,
    band: Band,
) -> set[Hashable]:
    """Of the hidden cells a reader can work out exactly, those that may be published: the
    value is outside the band, and no cell that stays hidden must be hidden with it (a
    numerator stays hidden with its hidden denominator). A pinned complement frees the
    numerator and denominator it is computed from when they are pinned too."""
    small = lambda c: band.low <= (table.values.get(c) or 0) <= band.high  # noqa: E731
    free = {c for c in pinned if not small(c) and c in table.choosable}
    changed = True
    while changed:
        # a cell that stays hidden and must be hidden with c (its denominator) keeps c hidden
        keep = {c for x in hidden - free for c in closure.links.get(x, ()) if c in free}
        changed = bool(keep)
        free -= keep
    return {c for c in free if c in table.choosable}


# How far past the first ring with a visible cell :func:`_cheapest` looks, and how much more
# a cell one ring further out costs.
RINGS_BEYOND = 3
RING_COST = 10.0


def hiding_cost(table: AuditTable, cells: set[Hashable]) -> float:
    """What hiding ``cells`` loses, as tau-argus weighs cells: each choosable cell's value
    (at least 1) times its weight, which grows steeply with its level (a breakdown cell
    costs less than ``all``, a month or quarter less than the year, an LA less than the
    region; :attr:`AuditTable.weights`)."""
    return sum(
        max(table.values[c] or 0.0, 1.0) * table.weights.get(c, 1.0)
        for c in cells
        if c in table.choosable
    )


def _cheapest(
    table: AuditTable,
    cell: Hashable,
    hidden: set[Hashable],
    relations: list[int],
    of_cell: dict[Hashable, list[int]],
    closure: _Closure,
    settled: frozenset = frozenset(),
) -> set[Hashable] | None:
    """What to hide for one exposed cell: the cheapest (:func:`hiding_cost`) visible cell
    of a relation naming it, or of the relations naming those relations' hidden cells, and
    so on outwards through the hidden cells: from the first ring that has a visible cell
    and up to :data:`RINGS_BEYOND` rings further (each ring costs :data:`RING_COST` times
    more), so that a detail cell a little further out is hidden rather than a total next to
    the cell. ``settled`` cells (published because a reader can work them out anyway) are
    never chosen."""
    scope, seen_relations, seen_cells = list(relations), set(relations), {cell}
    best, best_cost, first_ring, ring = None, None, None, 0
    while scope and (first_ring is None or ring <= first_ring + RINGS_BEYOND):
        candidates = {
            c
            for k in scope
            for c in table.relations[k].cells
            if c not in hidden and c in table.choosable and c not in settled
        }
        for candidate in candidates:
            extra = closure({candidate}, hidden)
            zero = table.values[candidate] == 0
            # a ring further out helps less surely: worth a tenth of a level
            cost = (zero, hiding_cost(table, extra) * RING_COST**ring, repr(candidate))
            if best_cost is None or cost < best_cost:
                best, best_cost = extra, cost
        if candidates and first_ring is None:
            first_ring = ring
        outer = {c for k in scope for c in table.relations[k].cells if c in hidden} - seen_cells
        seen_cells |= outer
        scope = sorted({k for c in outer for k in of_cell.get(c, [])} - seen_relations)
        seen_relations.update(scope)
        ring += 1
    if best is not None:
        return best
    return None
