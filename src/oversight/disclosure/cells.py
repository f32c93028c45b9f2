"""A published table as the audit sees it: its count cells, named by tuples, with their
published values (``None`` where the table shows ``c``) and the relations between them
(:class:`AuditTable`), built by :mod:`oversight.disclosure.relations`."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from oversight.disclosure.audit import Relation
from oversight.disclosure.readback import SYMBOL

Cell = Hashable


@dataclass
class AuditTable:
    """A published table as cells and relations.

    ``values``: each count cell's published value, ``None`` when hidden. ``derived``: cells
    that are hidden whenever any of the listed cells is (a complement), or published columns
    that give a hidden count away when shown (named ``("shown", ...)`` entries in
    ``reveals``). ``choosable``: the cells secondary suppression may hide. ``labels``: how a
    message names a cell.
    """

    values: dict[Cell, float | None] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    derived: dict[Cell, list[Cell]] = field(default_factory=dict)
    choosable: set[Cell] = field(default_factory=set)
    labels: dict[Cell, str] = field(default_factory=dict)
    # Hiding a cell hides these too (a denominator hides its row's numerator, whose value
    # would otherwise give the denominator away).
    together: dict[Cell, list[Cell]] = field(default_factory=dict)
    # A published value that is computed from a count (sessions due from eligible workers,
    # a share from its count): shown while its count is hidden, it exposes the count.
    reveals: list[tuple[str, Cell]] = field(default_factory=list)
    # How costly hiding a cell is, per unit of its value (1 when absent): grows steeply with
    # the cell's level, so totals are hidden only when no detail cell can protect a cell.
    weights: dict[Cell, float] = field(default_factory=dict)

    def describe(self, cell: Cell) -> str:
        return self.labels.get(cell, repr(cell))


def published_value(x: Any) -> float | type[Ellipsis] | None:
    """A published cell: ``None`` when hidden, a number, or ``...`` when blank (no cell)."""
    if isinstance(x, str):
        if x.strip() == SYMBOL:
            return None
        if not x.strip():
            return ...
    try:
        number = float(x)
    except (TypeError, ValueError):
        return ...
    return ... if np.isnan(number) else number


# How much more a cell costs to hide for each level it sits above the finest detail (a
# breakdown under ``all``, a month under its quarter under the year, an LA under the
# region): steep, so that secondary suppression hides detail before any total.
LEVEL_COST = 1000.0


def level_weight(levels: int) -> float:
    """The cost per unit of hiding a cell ``levels`` above the finest detail."""
    return LEVEL_COST**levels
