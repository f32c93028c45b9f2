"""An attacker's audit of a published table: how narrowly can each suppressed cell be pinned?

A reader of a published table knows every cell that is shown and every relation between
cells: parts that add up to their total (breakdowns to ``all``, quarters to the year, LAs to
the region), a numerator never above its denominator, a nested count never above the count it
sits in. For each suppressed cell this module finds the smallest and the largest value that is
consistent with all of that, by integer linear programming (scipy's ``milp``, HiGHS), as
tau-argus does for its audit. A cell is *exposed* when that interval lies inside the band
that suppression protects (1 to 5) or is narrower than the protection width: a reader then
knows, or nearly knows, a small count.

Cells are named by any hashable key; relations are linear and written with
:func:`sums_to` and :func:`at_most`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

# A cap far above any count in the study, so that every problem is bounded and "infeasible"
# means the published values contradict the relations; reaching it means "no upper bound".
_UNCAPPED = 1e9


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient * cell)`` is ``== 0`` (``kind='eq'``) or ``<= 0`` (``kind='le'``)."""

    terms: tuple[tuple[Hashable, float], ...]
    kind: str = "eq"


def sums_to(total: Hashable, parts: Iterable[Hashable]) -> Relation:
    """The parts add up to the total (a breakdown to ``all``, quarters to the year)."""
    return Relation(((total, 1.0), *((p, -1.0) for p in parts)), "eq")


def at_most(smaller: Hashable, larger: Hashable) -> Relation:
    """One cell never exceeds another (a numerator and its denominator; a nested count)."""
    return Relation(((smaller, 1.0), (larger, -1.0)), "le")


@dataclass(frozen=True)
class Interval:
    """The values a suppressed cell can take given everything published."""

    cell: Hashable
    lower: float
    upper: float

    @property
    def width(self) -> float:
        return self.upper - self.lower

    def exposed(self, low: int, high: int, min_width: float) -> bool:
        """Pinned inside ``low..high`` (a small count is known to be small and which), or to
        fewer than ``min_width`` possible values either side."""
        inside = self.lower >= low and self.upper <= high
        return inside or self.width < min_width


def feasible_intervals(
    values: Mapping[Hashable, float | None],
    relations: Iterable[Relation],
    ceiling: float | None = None,
) -> dict[Hashable, Interval]:
    """For every suppressed cell (value ``None`` or NaN), its smallest and largest value.

    Cells are non-negative integers; published cells are fixed at their values. ``ceiling``
    bounds every suppressed cell from above when nothing else does (without it such a cell's
    upper end is infinite). A relation naming a cell absent from ``values`` is an error: the
    audit must see the whole table.

    Raises:
        ValueError: When the published values contradict the relations (no table fits), or a
            relation names an unknown cell.
    """
    cells = list(values)
    index = {cell: i for i, cell in enumerate(cells)}
    hidden = [c for c in cells if _is_hidden(values[c])]
    if not hidden:
        return {}
    rows, kinds = [], []
    for relation in relations:
        row = np.zeros(len(cells))
        for cell, coefficient in relation.terms:
            if cell not in index:
                raise ValueError(f"relation names {cell!r}, which is not a cell of the table")
            row[index[cell]] += coefficient
        rows.append(row)
        kinds.append(relation.kind)
    lower = np.array([0.0 if _is_hidden(values[c]) else float(values[c]) for c in cells])
    top = _UNCAPPED if ceiling is None else float(ceiling)
    upper = np.array([top if _is_hidden(values[c]) else float(values[c]) for c in cells])
    constraints = _constraints(np.array(rows), kinds) if rows else []
    bounds = Bounds(lower, upper)
    integrality = np.ones(len(cells))
    out = {}
    for cell in hidden:
        objective = np.zeros(len(cells))
        objective[index[cell]] = 1.0
        low = _optimum(objective, constraints, bounds, integrality, cell)
        high = -_optimum(-objective, constraints, bounds, integrality, cell)
        if ceiling is None and high >= _UNCAPPED:
            high = math.inf
        out[cell] = Interval(cell, low, high)
    return out


def exposed_cells(
    intervals: Mapping[Hashable, Interval], low: int, high: int, min_width: float
) -> list[Interval]:
    """The suppressed cells a reader can pin down (see :meth:`Interval.exposed`)."""
    return [iv for iv in intervals.values() if iv.exposed(low, high, min_width)]


def _is_hidden(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _constraints(matrix: np.ndarray, kinds: list[str]) -> list[LinearConstraint]:
    eq = np.array([k == "eq" for k in kinds])
    out = []
    if eq.any():
        out.append(LinearConstraint(matrix[eq], 0.0, 0.0))
    if (~eq).any():
        out.append(LinearConstraint(matrix[~eq], -np.inf, 0.0))
    return out


def _optimum(objective, constraints, bounds, integrality, cell) -> float:
    result = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality)
    if not result.success:
        raise ValueError(
            f"no table fits the published values and relations (solving for {cell!r}: "
            f"{result.message})"
        )
    return float(round(result.fun))
