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
:func:`sums_to`, :func:`within` and :func:`at_most`. :func:`audit` checks a whole table
quickly: it splits the suppressed cells into independent groups (cells linked by relations)
and solves each group's small problems only where the solutions already found do not show
the cell to be safe.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

# A cap far above any count in the study, so that every problem is bounded and "infeasible"
# means the published values contradict the relations; reaching it means "no upper bound".
UNCAPPED = 1e9


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient * cell)`` is ``== 0`` (``kind='eq'``) or ``<= 0`` (``kind='le'``),
    give or take ``slack`` (published values rounded: each is within ``slack`` of the truth
    in total)."""

    terms: tuple[tuple[Hashable, float], ...]
    kind: str = "eq"
    slack: float = 0.0

    @property
    def cells(self) -> list[Hashable]:
        return [cell for cell, _ in self.terms]


def sums_to(total: Hashable, parts: Iterable[Hashable]) -> Relation:
    """The parts add up to the total (a breakdown to ``all``, quarters to the year)."""
    return Relation(((total, 1.0), *((p, -1.0) for p in parts)), "eq")


def within(total: Hashable, parts: Iterable[Hashable], tolerance: float) -> Relation:
    """The parts add up to the total give or take ``tolerance`` (rounded published values)."""
    return Relation(((total, 1.0), *((p, -1.0) for p in parts)), "eq", float(tolerance))


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
        """Pinned inside ``low..high`` (a small count is known to be small), or, while it may
        still be a small count (its lower end at most ``high``), to an interval narrower than
        ``min_width``. A cell that cannot be below ``high + 1`` reveals no small count."""
        inside = self.lower >= low and self.upper <= high
        return inside or (self.lower <= high and self.width < min_width)

    def __str__(self) -> str:
        upper = "no upper bound" if math.isinf(self.upper) else f"{self.upper:g}"
        return f"{self.lower:g} to {upper}"


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
    hidden = [c for c in cells if is_hidden(values[c])]
    if not hidden:
        return {}
    rows, kinds, slack = [], [], []
    for relation in relations:
        row = np.zeros(len(cells))
        for cell, coefficient in relation.terms:
            if cell not in index:
                raise ValueError(f"relation names {cell!r}, which is not a cell of the table")
            row[index[cell]] += coefficient
        rows.append(row)
        kinds.append(relation.kind)
        slack.append(relation.slack)
    lower = np.array([0.0 if is_hidden(values[c]) else float(values[c]) for c in cells])
    top = UNCAPPED if ceiling is None else float(ceiling)
    upper = np.array([top if is_hidden(values[c]) else float(values[c]) for c in cells])
    constraints = _constraints(np.array(rows), kinds, slack=slack) if rows else []
    bounds = Bounds(lower, upper)
    integrality = np.ones(len(cells))
    out = {}
    for cell in hidden:
        objective = np.zeros(len(cells))
        objective[index[cell]] = 1.0
        low = _optimum(objective, constraints, bounds, integrality, cell)
        high = -_optimum(-objective, constraints, bounds, integrality, cell)
        if ceiling is None and high >= UNCAPPED:
            high = math.inf
        out[cell] = Interval(cell, low, high)
    return out


def exposed_cells(
    intervals: Mapping[Hashable, Interval], low: int, high: int, min_width: float
) -> list[Interval]:
    """The suppressed cells a reader can pin down (see :meth:`Interval.exposed`)."""
    return [iv for iv in intervals.values() if iv.exposed(low, high, min_width)]


def is_hidden(value: float | None) -> bool:
    """A suppressed cell: no value, or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _constraints(
    matrix: np.ndarray, kinds: list[str], offsets: np.ndarray | None = None, slack=None
) -> list[LinearConstraint]:
    """``matrix @ x + offset`` is 0 (eq) or at most 0 (le), give or take each row's slack."""
    n = len(kinds)
    offsets = np.zeros(n) if offsets is None else np.asarray(offsets, float)
    slack = np.zeros(n) if slack is None else np.asarray(slack, float)
    eq = np.array([k == "eq" for k in kinds])
    lower = np.where(eq, -offsets - slack, -np.inf)
    upper = -offsets + slack
    return [LinearConstraint(matrix, lower, upper)]


def _optimum(objective, constraints, bounds, integrality, cell) -> float:
    result = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality)
    if not result.success:
        raise ValueError(
            f"no table fits the published values and relations (solving for {cell!r}: "
            f"{result.message})"
        )
    return float(round(result.fun))


def check_cells(relations: list[Relation], values: Mapping[Hashable, float | None]) -> None:
    """Refuse a relation naming a cell the table does not have: the audit must see it all."""
    for relation in relations:
        for cell, _ in relation.terms:
            if cell not in values:
                raise ValueError(f"relation names {cell!r}, which is not a cell of the table")


def groups(
    values: Mapping[Hashable, float | None], relations: Iterable[Relation]
) -> list[tuple[list[Hashable], list[Relation]]]:
    """The suppressed cells in independent groups, each with the relations that bind it.

    Published cells are constants, so two suppressed cells interact only through a relation
    naming both; each group can be audited on its own, which keeps every problem small.
    Relations with no suppressed cell constrain nothing and are left out.
    """
    parent: dict[Hashable, Hashable] = {}

    def find(cell: Hashable) -> Hashable:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    suppressed = [c for c, v in values.items() if is_hidden(v)]
    is_suppressed = set(suppressed)
    binding: list[tuple[Relation, list[Hashable]]] = []
    for relation in relations:
        hidden = [c for c, _ in relation.terms if c in is_suppressed]
        if not hidden:
            continue
        for cell in hidden:
            parent.setdefault(cell, cell)
        root = find(hidden[0])
        for cell in hidden[1:]:
            other = find(cell)
            if other != root:
                parent[other] = root
        binding.append((relation, hidden))
    for cell in suppressed:
        parent.setdefault(cell, cell)
    cells_of: dict[Hashable, list[Hashable]] = {}
    for cell in parent:
        cells_of.setdefault(find(cell), []).append(cell)
    relations_of: dict[Hashable, list[Relation]] = {root: [] for root in cells_of}
    for relation, hidden in binding:
        relations_of[find(hidden[0])].append(relation)
    return [(cells_of[root], relations_of[root]) for root in cells_of]


def _group_problem(
    cells: list[Hashable],
    relations: list[Relation],
    values: Mapping[Hashable, float | None],
    ceiling: float,
):
    """The group's relations over its suppressed cells alone: published cells become
    offsets."""
    index = {cell: i for i, cell in enumerate(cells)}
    rows, cols, coefs = [], [], []
    offsets = np.zeros(len(relations))
    for k, relation in enumerate(relations):
        for cell, coefficient in relation.terms:
            if cell in index:
                rows.append(k)
                cols.append(index[cell])
                coefs.append(coefficient)
            else:
                offsets[k] += coefficient * float(values[cell])
    # sparse: a group's relations name few of its cells each (duplicates are summed)
    matrix = sparse.csr_matrix((coefs, (rows, cols)), shape=(len(relations), len(cells)))
    kinds = [r.kind for r in relations]
    slack = [r.slack for r in relations]
    constraints = _constraints(matrix, kinds, offsets, slack) if relations else []
    bounds = Bounds(np.zeros(len(cells)), np.full(len(cells), ceiling))
    return constraints, bounds, np.ones(len(cells))


class _Problem:
    """One group's problem, for repeated solving with different objectives: the linear
    relaxation first (HiGHS's simplex, about twice as fast here), whose optimum is the
    integer optimum whenever the vertex it stops at is integral (as it is for parts-and-
    totals tables); integer programming only when it is not."""

    def __init__(self, constraints, bounds, integrality) -> None:
        self.constraints, self.bounds, self.integrality = constraints, bounds, integrality
        self.a_eq = self.b_eq = self.a_ub = self.b_ub = None
        if constraints:
            (c,) = constraints
            matrix = sparse.csr_matrix(c.A)  # already sparse: no copy of the values
            lb, ub = np.asarray(c.lb, float), np.asarray(c.ub, float)
            eq = lb == ub
            if eq.any():
                self.a_eq, self.b_eq = matrix[eq], ub[eq]
            upper = ~eq & np.isfinite(ub)
            lower = ~eq & np.isfinite(lb)
            parts = [matrix[upper], -matrix[lower]]
            self.a_ub = sparse.vstack(parts).tocsr()
            self.b_ub = np.concatenate([ub[upper], -lb[lower]])
            if self.a_ub.shape[0] == 0:
                self.a_ub = self.b_ub = None
        self.var_bounds = list(zip(bounds.lb, bounds.ub, strict=True))

    def fits(self, x: np.ndarray) -> bool:
        """Whether ``x`` satisfies every relation and bound (a valid witness)."""
        lb, ub = np.array(self.bounds.lb), np.array(self.bounds.ub)
        if (x < lb - 1e-9).any() or (x > ub + 1e-9).any():
            return False
        for c in self.constraints:
            ax = np.asarray(c.A @ x).ravel()
            if (ax < np.asarray(c.lb) - 1e-6).any() or (ax > np.asarray(c.ub) + 1e-6).any():
                return False
        return True

    def solve(self, objective: np.ndarray, cell: Hashable) -> np.ndarray:
        relaxed = linprog(
            objective,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=self.var_bounds,
            method="highs-ds",
        )
        if relaxed.success and np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-7):
            return np.round(relaxed.x)
        return _solve(objective, self.constraints, self.bounds, self.integrality, cell)


def _solve(objective, constraints, bounds, integrality, cell) -> np.ndarray:
    result = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality)
    if not result.success:
        raise ValueError(
            f"no table fits the published values and relations (solving for {cell!r}: "
            f"{result.message})"
        )
    return np.round(result.x)


_WITNESS_ROUNDS = 30


def _safe_all(lower: np.ndarray, upper: np.ndarray, low: int, high: int, min_width: float):
    """True where every interval containing ``lower..upper`` is not exposed: it is wide and
    not inside the band, or it reaches ``high + min_width`` (then the interval either
    starts above the band or is at least ``min_width`` wide)."""
    wide = (upper - lower >= min_width) & ((lower < low) | (upper > high))
    return wide | (upper >= high + min_width)


def _safe(lower: float, upper: float, low: int, high: int, min_width: float) -> bool:
    return bool(_safe_all(np.array([lower]), np.array([upper]), low, high, min_width)[0])


def _audit_group(
    cells: list[Hashable],
    bound: list[Relation],
    values: Mapping[Hashable, float | None],
    band: tuple[int, int, float],
    top: float,
    witness: Mapping[Hashable, float] | None,
    ceiling: float | None,
    seen: dict[Hashable, tuple[float, float]] | None = None,
) -> tuple[list[Interval], dict[Hashable, float], int]:
    """One group's exposed cells, the width proven for each cell, and the solves it took
    (``seen``: see :func:`audit`)."""
    low, high, min_width = band
    exposed: list[Interval] = []
    widths: dict[Hashable, float] = {}
    solves = 0
    problem = _Problem(*_group_problem(cells, bound, values, top))
    seen_low, seen_high = _first_seen(problem, cells, witness, seen)
    # Witnesses first: tables that push many unresolved cells to their ends at once
    # (random signs, seeded so the audit repeats exactly) settle most cells in a few
    # solves; only the cells they leave unsettled get their own two problems.
    rng = np.random.default_rng(0)
    unsettled = len(cells)
    for round_ in range(_WITNESS_ROUNDS):
        open_ = ~_safe_all(seen_low, seen_high, low, high, min_width)
        if open_.sum() < 2 or (round_ > 2 and open_.sum() > 0.98 * unsettled):
            break
        unsettled = int(open_.sum())
        # first push every unsettled cell up together (most hidden cells settle once a
        # table shows them above the band), then random directions
        up = round_ < 2
        direction = np.ones(len(cells)) if up else rng.choice([-1.0, 1.0], len(cells))
        weights = np.where(open_, direction, 0.0)
        for sign in (-1.0, 1.0):
            x = problem.solve(sign * weights, cells[0])
            solves += 1
            seen_low = np.minimum(seen_low, x)
            seen_high = np.maximum(seen_high, x)
    for i, cell in enumerate(cells):
        if _safe(seen_low[i], seen_high[i], low, high, min_width):
            widths[cell] = seen_high[i] - seen_low[i]
            continue
        objective = np.zeros(len(cells))
        objective[i] = 1.0
        ends = {}
        for sign in (-1.0, 1.0):
            x = problem.solve(sign * objective, cell)
            solves += 1
            seen_low = np.minimum(seen_low, x)
            seen_high = np.maximum(seen_high, x)
            ends[sign] = float(x[i])
            if _safe(seen_low[i], seen_high[i], low, high, min_width):
                break  # the largest value alone shows the cell safe
        if len(ends) == 1:
            widths[cell] = seen_high[i] - seen_low[i]
            continue
        lower, upper = ends[1.0], ends[-1.0]
        if ceiling is None and upper >= UNCAPPED:
            upper = math.inf
        interval = Interval(cell, lower, upper)
        widths[cell] = interval.width
        if interval.exposed(low, high, min_width):
            exposed.append(interval)
    if seen is not None and np.isfinite(seen_low).all():
        for cell, lo, hi in zip(cells, seen_low.tolist(), seen_high.tolist(), strict=True):
            was = seen.get(cell, (lo, hi))
            seen[cell] = (min(was[0], lo), max(was[1], hi))
    return exposed, widths, solves


def _first_seen(
    problem: _Problem,
    cells: list[Hashable],
    witness: Mapping[Hashable, float] | None,
    seen: dict[Hashable, tuple[float, float]] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """What each cell is already known to be able to take: the witness's value, when it fits
    the group, widened by the values ``seen`` in tables found earlier (which hold only
    beside the witness: they set every other cell to its value)."""
    low, high = np.full(len(cells), np.inf), np.full(len(cells), -np.inf)
    known = [witness.get(c) for c in cells] if witness is not None else [None]
    if not any(is_hidden(v) for v in known) and problem.fits(x := np.array(known, float)):
        low, high = x.copy(), x.copy()
        if seen:
            for i, cell in enumerate(cells):
                if cell in seen:
                    low[i] = min(low[i], seen[cell][0])
                    high[i] = max(high[i], seen[cell][1])
    return low, high


# Audits already done in this process, by their whole problem (the group's cells, relations
# and the published values they name): publishing a table audits it inside secondary
# suppression and again from the written frame, and the second finds the same problems.
_DONE: dict[tuple, tuple[list[Interval], dict[Hashable, float], int]] = {}


def _problem_key(cells, bound, values, band, top) -> tuple:
    published = tuple(
        tuple(float(values[c]) for c in r.cells if not is_hidden(values[c])) for r in bound
    )
    return (frozenset(cells), tuple(bound), published, band, top)


@dataclass
class AuditResult:
    """What :func:`audit` found: the exposed cells (exact intervals), how many suppressed
    cells it checked, and the narrowest width proven for each (a lower bound on the width
    where a solution already showed the cell safe)."""

    exposed: list[Interval]
    audited: int
    widths: dict[Hashable, float]
    solves: int


def audit(
    values: Mapping[Hashable, float | None],
    relations: Iterable[Relation],
    low: int,
    high: int,
    min_width: float,
    ceiling: float | None = None,
    known_safe: set[frozenset] | None = None,
    witness: Mapping[Hashable, float] | None = None,
    seen: dict[Hashable, tuple[float, float]] | None = None,
) -> AuditResult:
    """Every suppressed cell a reader can pin down, with its exact feasible interval.

    Cells are audited group by group (:func:`groups`). Every solution found is a table a
    reader cannot rule out, so the values it gives each cell widen what that cell is known
    to be able to take; once that alone shows a cell safe (:func:`_safe`), its own two
    problems are skipped. Exposed cells always get their exact interval.

    ``known_safe``: groups (as frozensets of cells) already audited with nothing exposed,
    skipped, and where each group found safe now is added (secondary suppression audits the
    same table again and again as it hides cells; only the groups that changed are solved).
    ``witness``: values of the hidden cells known to fit (the table before suppression); used
    only as one more table a reader cannot rule out, after checking that it fits.
    ``seen``: the least and greatest value each hidden cell took in tables found by earlier
    audits, widened in place by this one's. A caller passes it only while every such table
    (the witness elsewhere) still fits: the published values are the witness's, and no cell
    hidden then is shown now (hiding more cells only lets more tables fit).

    Raises:
        ValueError: When the published values contradict the relations, or a relation
            names an unknown cell.
    """
    relations = list(relations)
    check_cells(relations, values)
    top = UNCAPPED if ceiling is None else float(ceiling)
    exposed: list[Interval] = []
    widths: dict[Hashable, float] = {}
    solves = 0
    for cells, bound in groups(values, relations):
        members = frozenset(cells)
        if known_safe is not None and members in known_safe:
            continue
        key = _problem_key(cells, bound, values, (low, high, min_width), top)
        if key not in _DONE:
            if len(_DONE) > 10_000:
                _DONE.clear()
            _DONE[key] = _audit_group(
                cells, bound, values, (low, high, min_width), top, witness, ceiling, seen
            )
        group_exposed, group_widths, group_solves = _DONE[key]
        exposed += group_exposed
        widths.update(group_widths)
        solves += group_solves
        if known_safe is not None and not group_exposed:
            known_safe.add(members)
    return AuditResult(exposed, len(widths), widths, solves)
