"""Secondary suppression by every relation a reader can use: further cells of a published
table (:class:`~oversight.disclosure.cells.AuditTable`) are hidden, cheapest first, until
the attacker's audit (:mod:`oversight.disclosure.audit`) can pin no hidden small count."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from oversight.disclosure.audit import audit
from oversight.disclosure.cells import AuditTable
from oversight.disclosure.propagate import Propagator
from oversight.errors import DisclosureError


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
    search = _Search(table, closure)
    finder = _Exposure(table, band)
    settled = search.settled
    while True:
        exposed, exact = finder(hidden)
        if not exposed:
            return hidden
        size = len(hidden)
        stuck = _hide_partners(search, exposed, hidden)
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


class _Exposure:
    """The hidden cells a reader can pin down, and those pinned to one value: bound
    propagation first (cheap, finds most), then the exact audit, which skips the groups of
    cells already found safe in earlier rounds."""

    def __init__(self, table: AuditTable, band: Band) -> None:
        self.table, self.band = table, band
        self.propagator = Propagator(table.values, table.relations)
        self.position = {c: i for i, c in enumerate(self.propagator.cells)}
        self.known_safe: set[frozenset] = set()
        # what each hidden cell took in the tables solved so far: kept while the table
        # before suppression fits every relation and no hidden cell has been shown again
        self.truth_fits = _fits(self.propagator)
        self.seen: dict[Hashable, tuple[float, float]] = {}
        self.hidden_before: frozenset = frozenset()

    def __call__(self, hidden: set[Hashable]) -> tuple[list[Hashable], set[Hashable]]:
        band, cells = self.band, self.propagator.cells
        mask = np.zeros(len(cells), dtype=bool)
        mask[[self.position[c] for c in hidden]] = True
        lower, upper = self.propagator.bounds(mask)
        found = mask & (
            ((lower >= band.low) & (upper <= band.high))
            | ((lower <= band.high) & (upper - lower < band.min_width))
        )
        exposed = [cells[i] for i in np.flatnonzero(found)]
        if exposed:
            return exposed, {cells[i] for i in np.flatnonzero(found & (lower == upper))}
        shown = {c: (None if c in hidden else v) for c, v in self.table.values.items()}
        if not self.hidden_before <= hidden:
            self.seen = {}  # a cell shown again: tables found before may no longer fit
        self.hidden_before = frozenset(hidden)
        result = audit(
            shown,
            self.table.relations,
            band.low,
            band.high,
            band.min_width,
            known_safe=self.known_safe,
            witness=self.table.values,
            seen=self.seen if self.truth_fits else None,
        )
        exact = {iv.cell for iv in result.exposed if iv.lower == iv.upper}
        return [iv.cell for iv in result.exposed], exact


def _fits(propagator: Propagator) -> bool:
    """Whether the table before suppression satisfies every relation exactly as declared."""
    if not propagator.k:
        return True
    x = propagator.truth[propagator.cols] * propagator.a
    total = np.bincount(propagator.rows, x, minlength=propagator.k)
    return bool(((total >= propagator.lo - 1e-6) & (total <= propagator.hi + 1e-6)).all())


def _hide_partners(
    search: _Search, exposed: list[Hashable], hidden: set[Hashable]
) -> list[Hashable]:
    """One round: for each exposed cell, hide (into ``hidden``) the cheapest partner in a
    relation not yet given one this round; the cells left without a partner."""
    table, of_cell = search.table, search.of_cell
    used: set[int] = set()
    stuck = []
    for cell in sorted(exposed, key=repr):
        # a derived cell (a complement) is widened through what it is computed from
        relations = sorted(
            {k for c in [cell, *table.derived.get(cell, [])] for k in of_cell.get(c, [])}
        )
        if used.intersection(relations):
            continue  # a partner was hidden in one of its relations this round
        chosen = _cheapest(search, cell, hidden, relations)
        if chosen is None:
            stuck.append(cell)  # cells hidden this round may have protected it
            continue
        hidden |= chosen
        used.update(k for k in relations if chosen.intersection(search.cells_of[k]))
    return stuck


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


class _Search:
    """What the search for partners reads again and again, worked out once: each relation's
    cells, the relations naming each cell, and what hiding each cell alone would cost (no
    cell's closure costs less than the cell itself, so that bound rules most candidates out
    without working out their closure). ``settled`` cells are never chosen."""

    def __init__(self, table: AuditTable, closure: _Closure) -> None:
        self.table, self.closure = table, closure
        self.cells_of = [frozenset(rel.cells) for rel in table.relations]
        self.of_cell: dict[Hashable, list[int]] = {}
        for k, rel in enumerate(table.relations):
            for cell in rel.cells:
                self.of_cell.setdefault(cell, []).append(k)
        own = {c: hiding_cost(table, {c}) for c in table.choosable}
        # zeros last, then by the cost of the cell alone
        self.rank = {c: (table.values[c] == 0, cost) for c, cost in own.items()}
        # no visible non-zero cell costs less than this: a bound for every ring further out
        self.least = min((cost for zero, cost in self.rank.values() if not zero), default=0.0)
        self.choosable_of = [frozenset(c for c in cells if c in own) for cells in self.cells_of]
        self.settled: set[Hashable] = set()


def _cheapest(
    search: _Search, cell: Hashable, hidden: set[Hashable], relations: list[int]
) -> set[Hashable] | None:
    """What to hide for one exposed cell: the cheapest (:func:`hiding_cost`) visible cell
    of a relation naming it, or of the relations naming those relations' hidden cells, and
    so on outwards through the hidden cells: from the first ring that has a visible cell
    and up to :data:`RINGS_BEYOND` rings further (each ring costs :data:`RING_COST` times
    more), so that a detail cell a little further out is hidden rather than a total next to
    the cell. ``settled`` cells (published because a reader can work them out anyway) are
    never chosen."""
    rank, settled = search.rank, search.settled
    scope, seen_relations, seen_cells = list(relations), set(relations), {cell}
    best, best_cost, first_ring, ring = None, None, None, 0
    while scope and (first_ring is None or ring <= first_ring + RINGS_BEYOND):
        factor = RING_COST**ring
        if best_cost is not None and (False, search.least * factor) > best_cost[:2]:
            break  # no cell this far out, or further, can cost less than the best found
        near = set().union(*(search.choosable_of[k] for k in scope))
        candidates = near.difference(hidden, settled)  # iterates over the few near cells
        # cheapest first by the cost of the cell alone, a lower bound of its cost with
        # what goes with it: once that bound is above the best found, so is every later one
        for candidate in sorted(candidates, key=rank.__getitem__):
            zero, alone = rank[candidate]
            if best_cost is not None and (zero, alone * factor) > best_cost[:2]:
                break
            extra = search.closure({candidate}, hidden)
            # a ring further out helps less surely: worth a tenth of a level
            cost = (zero, hiding_cost(search.table, extra) * factor, repr(candidate))
            if best_cost is None or cost < best_cost:
                best, best_cost = extra, cost
        if candidates and first_ring is None:
            first_ring = ring
        outer = set().union(*(search.cells_of[k] for k in scope)) & hidden
        outer -= seen_cells
        seen_cells |= outer
        scope = {k for c in outer for k in search.of_cell.get(c, ())} - seen_relations
        seen_relations.update(scope)
        ring += 1
    return best
