"""Outer bounds on the suppressed cells of a published table by bound propagation: a quick
screen before the exact audit (:mod:`oversight.disclosure.audit`), with no solver."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np

from oversight.disclosure.audit import UNCAPPED, Relation, check_cells, is_hidden


class Propagator:
    """Outer bounds on every suppressed cell by bound propagation: each relation, given the
    bounds of its other cells, bounds each of its cells; repeated until nothing tightens.

    Cheap (no solver) and never narrower than the true interval, so a cell whose outer
    bounds are already narrow (or inside the small band) is certainly exposed. Built once
    for a table's cells and relations; :meth:`bounds` takes which cells are hidden, so
    secondary suppression can call it after every cell it hides.
    """

    def __init__(
        self,
        values: Mapping[Hashable, float | None],
        relations: Iterable[Relation],
        ceiling: float = UNCAPPED,
    ) -> None:
        self.cells = list(values)
        index = {c: i for i, c in enumerate(self.cells)}
        rows, cols, coefs, lo, hi = [], [], [], [], []
        for k, relation in enumerate(relations):
            for cell, coefficient in relation.terms:
                rows.append(k)
                cols.append(index[cell])
                coefs.append(coefficient)
            lo.append(-np.inf if relation.kind == "le" else -relation.slack)
            hi.append(relation.slack)
        self.k = len(lo)
        self.rows, self.cols = np.array(rows, int), np.array(cols, int)
        self.a = np.array(coefs, float)
        self.lo, self.hi = np.array(lo, float), np.array(hi, float)
        self.truth = np.array([0.0 if is_hidden(values[c]) else values[c] for c in self.cells])
        self.ceiling = float(ceiling)

    def bounds(self, hidden: np.ndarray, rounds: int = 50) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of every cell (published cells fixed at their values)."""
        low_b = np.where(hidden, 0.0, self.truth)
        high_b = np.where(hidden, self.ceiling, self.truth)
        if not self.k:
            return low_b, high_b
        rows, cols, a = self.rows, self.cols, self.a
        # only relations with a hidden cell can tighten anything
        live = np.bincount(rows, hidden[cols].astype(float), minlength=self.k) > 0
        keep = live[rows]
        rows, cols, a = rows[keep], cols[keep], a[keep]
        lo, hi = self.lo[rows], self.hi[rows]
        for _ in range(rounds):
            term_min = np.where(a > 0, a * low_b[cols], a * high_b[cols])
            term_max = np.where(a > 0, a * high_b[cols], a * low_b[cols])
            act_min = np.bincount(rows, term_min, minlength=self.k)
            act_max = np.bincount(rows, term_max, minlength=self.k)
            # a * x lies within [lo - (others' max), hi - (others' min)]
            top = hi - (act_min[rows] - term_min)
            bottom = lo - (act_max[rows] - term_max)
            with np.errstate(invalid="ignore"):
                new_high = np.where(a > 0, top / a, bottom / a)
                new_low = np.where(a > 0, bottom / a, top / a)
            tighter_high = np.full(len(self.cells), np.inf)
            tighter_low = np.full(len(self.cells), -np.inf)
            np.minimum.at(tighter_high, cols, np.nan_to_num(new_high, nan=np.inf))
            np.maximum.at(tighter_low, cols, np.nan_to_num(new_low, nan=-np.inf))
            # integers: round inwards (with a little room for floating point)
            nh = np.where(hidden, np.minimum(high_b, np.floor(tighter_high + 1e-6)), high_b)
            nl = np.where(hidden, np.maximum(low_b, np.ceil(tighter_low - 1e-6)), low_b)
            if np.array_equal(nh, high_b) and np.array_equal(nl, low_b):
                break
            high_b, low_b = nh, nl
        return low_b, high_b

    def exposed(self, hidden: np.ndarray, low: int, high: int, min_width: float) -> np.ndarray:
        """Which cells are hidden and certainly exposed (their outer bounds already are)."""
        lower, upper = self.bounds(hidden)
        inside = (lower >= low) & (upper <= high)
        narrow = (lower <= high) & (upper - lower < min_width)
        return hidden & (inside | narrow)


def propagate(
    values: Mapping[Hashable, float | None],
    relations: Iterable[Relation],
    ceiling: float = UNCAPPED,
) -> dict[Hashable, tuple[float, float]]:
    """:class:`Propagator` bounds of each suppressed cell of one published table."""
    relations = list(relations)
    check_cells(relations, values)
    prop = Propagator(values, relations, ceiling)
    hidden = np.array([is_hidden(values[c]) for c in prop.cells], dtype=bool)
    lower, upper = prop.bounds(hidden)
    return {c: (lower[i], upper[i]) for i, c in enumerate(prop.cells) if hidden[i]}
