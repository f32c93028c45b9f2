"""What a reader can use to work out a hidden cell: a published table as the audit sees it.

:func:`relations_for` turns one published table and its catalogue entry
(``config/tables.yaml``) into an :class:`~oversight.disclosure.cells.AuditTable`: every
count cell with its published value (``None`` where it shows ``c``) and every linear relation
between cells that a reader knows, as declared in the catalogue and, for the metrics table
(here), in ``metrics.yaml`` (``disclosure:``); wide count tables and matrices are read by
:mod:`oversight.disclosure.table_relations`. Secondary suppression
(:mod:`oversight.disclosure.suppress`) and the attacker's audit
(:mod:`oversight.disclosure.audit`) both work from it.

Cells are named by tuples: ``(la_code, period, metric, breakdown, column)`` in the metrics
table (``column`` is ``numerator``, ``denominator`` or ``complement``, the count not meeting
the metric), ``(row, column)`` in a wide table, ``(row code, column code)`` in a matrix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.audit import Relation, at_most, sums_to
from oversight.disclosure.cells import AuditTable, Cell, level_weight, published_value
from oversight.disclosure.table_relations import counts_relations, matrix_relations


def relations_for(
    name: str,
    frame: pd.DataFrame,
    spec: dict[str, Any],
    region_code: str,
    truth: pd.DataFrame | None = None,
) -> AuditTable:
    """The cells and relations of one published table (``frame``, hidden cells ``c``).

    ``truth`` is the table before suppression, when known (at publication): totals that a
    table's ``lines`` say are published elsewhere are read from it, and a breakdown whose
    parts do not add up to its total (a unit without the attribute) becomes "at most"
    instead of "equal". Without it, the relations are those a reader can see.
    """
    method = spec["disclosure"]["method"]
    if method == "long_metrics":
        return metrics_relations(frame, region_code, truth)
    if method == "counts":
        return counts_relations(frame, spec["disclosure"], region_code, truth)
    if method == "matrix":
        return matrix_relations(frame, spec["disclosure"])
    return AuditTable()


# ------------------------------------------------------------------ the metrics table
KEYS = ["la_code", "period", "metric", "breakdown"]
COUNT_COLUMNS = ("numerator", "denominator")


def _dimension(breakdown: str) -> str:
    return breakdown.rsplit("=", 1)[0] if "=" in breakdown else ""


def _bindings(breakdown: str) -> dict[str, str]:
    """``domain=a;grade=3`` -> ``{domain: a, grade: 3, breakdown: domain=a;grade=3}``."""
    out = {"breakdown": breakdown}
    for part in breakdown.split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key] = value
    return out


def _count_columns(metric: str) -> tuple[str, ...]:
    """The columns of a metric that count people or records (not a ratio's sessions due,
    not an agreement statistic's missing numerator)."""
    d = definitions().get(metric, {})
    derived = d.get("disclosure", {}).get("derived", {})
    columns = [c for c in COUNT_COLUMNS if c not in derived]
    if d.get("kind") == "agreement":
        columns = [c for c in columns if c != "numerator"]
    return tuple(columns)


@dataclass(frozen=True)
class _Periods:
    year: str | None
    quarters: list[str]  # in order
    months: dict[str, list[str]]  # quarter -> its months in order


def _periods(labels: list[str]) -> _Periods:
    """The study year, its quarters (``<year> Qn``) and its months (``YYYY-MM``)."""
    quarters = sorted(p for p in labels if re.fullmatch(r".+ Q\d", p))
    years = {q.rsplit(" ", 1)[0] for q in quarters}
    year = next(iter(years)) if len(years) == 1 and next(iter(years)) in labels else None
    months = sorted(p for p in labels if p not in quarters and p != year)
    by_quarter: dict[str, list[str]] = {q: [] for q in quarters}
    if months and quarters:
        first = pd.Period(months[0], "M")
        for m in months:
            i = (pd.Period(m, "M") - first).n // 3
            if i < len(quarters):
                by_quarter[quarters[i]].append(m)
    return _Periods(year, quarters, by_quarter)


def metrics_relations(
    frame: pd.DataFrame, region_code: str, truth: pd.DataFrame | None = None
) -> AuditTable:
    """The long metrics table (``la_code, period, metric, breakdown, numerator,
    denominator``): each row's counts and its complement (denominator - numerator), and the
    relations: numerator at most denominator; each dimension's parts add up to ``all``; the
    LAs add up to the region; periods as ``metrics.yaml`` declares (quarters to the year for
    counts of events, the year equal to its last quarter for counts at a census date); the
    metrics' own relations (nested windows, shared denominators, grade shares)."""
    out = AuditTable()
    rows = frame.reset_index(drop=True)
    keys = list(zip(*(rows[k].astype(str) for k in KEYS), strict=True))
    true_rows = None
    if truth is not None:
        t = truth.reset_index(drop=True)
        true_rows = {
            key: (float(n), float(d))
            for key, n, d in zip(
                zip(*(t[k].astype(str) for k in KEYS), strict=True),
                pd.to_numeric(t["numerator"], errors="coerce"),
                pd.to_numeric(t["denominator"], errors="coerce"),
                strict=True,
            )
        }
    for key, num, den in zip(keys, rows["numerator"], rows["denominator"], strict=True):
        la, period, metric, breakdown = key
        columns = _count_columns(metric)
        label = f"la_code {la}, period {period}, metric {metric}, breakdown {breakdown}"
        shown = {"numerator": published_value(num), "denominator": published_value(den)}
        for col in columns:
            if shown[col] is ...:
                continue
            out.values[(*key, col)] = shown[col]
            out.labels[(*key, col)] = f"{label}, {col}"
            out.choosable.add((*key, col))
        n, d = (*key, "numerator"), (*key, "denominator")
        if n in out.values and d in out.values:
            out.relations.append(at_most(n, d))
            comp = (*key, "complement")
            both = out.values[n] is not None and out.values[d] is not None
            out.values[comp] = out.values[d] - out.values[n] if both else None
            out.labels[comp] = f"{label}, denominator - numerator"
            out.derived[comp] = [n, d]
            out.relations.append(sums_to(d, [n, comp]))
        if n in out.values and d in out.values:
            out.together.setdefault(d, []).append(n)
        derived = definitions().get(metric, {}).get("disclosure", {}).get("derived", {})
        for col in derived:
            # the derived value, and the row's value computed with it, go with their count
            if n in out.values:
                out.together.setdefault(derived_source(key, col), []).append(n)
            if shown[col] not in (None, ...):
                out.reveals.append((f"{label}, {col}", derived_source(key, col)))
    _breakdown_relations(out, keys, true_rows)
    _region_relations(out, keys, region_code)
    _period_relations(out, keys)
    _declared_relations(out, keys, true_rows, region_code)
    _weigh(out, keys, region_code)
    out.reveals = [(what, source) for what, source in out.reveals if source in out.values]
    return out


def derived_source(key: tuple[str, str, str, str], column: str) -> Cell:
    """The count cell a derived column of a metrics row is computed from (``metrics.yaml``
    ``disclosure.derived``): published only while that count is."""
    la, period, metric, breakdown = key
    term = definitions()[metric]["disclosure"]["derived"][column]
    return (
        la,
        period,
        term.get("metric", metric),
        term.get("breakdown", breakdown),
        term.get("column", column),
    )


def _breakdown_relations(out: AuditTable, keys: list[tuple], true_rows: dict | None) -> None:
    """Each dimension's parts add up to the ``all`` row (at most, where the truth shows a
    unit without the attribute)."""
    lines: dict[tuple, list[str]] = {}
    for la, period, metric, breakdown in keys:
        if breakdown != "all":
            lines.setdefault((la, period, metric, _dimension(breakdown)), []).append(breakdown)
    for (la, period, metric, _), parts in lines.items():
        for col in COUNT_COLUMNS:
            total = (la, period, metric, "all", col)
            cells = [(la, period, metric, b, col) for b in parts]
            if total not in out.values or any(c not in out.values for c in cells):
                continue
            exact = True
            if true_rows is not None:
                i = COUNT_COLUMNS.index(col)
                whole = true_rows[(la, period, metric, "all")][i]
                exact = whole == sum(true_rows[(la, period, metric, b)][i] for b in parts)
            if exact:
                out.relations.append(sums_to(total, cells))
            else:
                terms = (*tuple((c, 1.0) for c in cells), (total, -1.0))
                out.relations.append(Relation(terms, "le"))


def _region_relations(out: AuditTable, keys: list[tuple], region_code: str) -> None:
    """Each LA's cell adds up, over the LAs, to the region's."""
    lines: dict[tuple, list[str]] = {}
    for la, period, metric, breakdown in keys:
        if la != region_code:
            lines.setdefault((period, metric, breakdown), []).append(la)
    for (period, metric, breakdown), las in lines.items():
        for col in COUNT_COLUMNS:
            total = (region_code, period, metric, breakdown, col)
            cells = [(la, period, metric, breakdown, col) for la in las]
            if total in out.values and all(c in out.values for c in cells):
                out.relations.append(sums_to(total, cells))


def _period_relations(out: AuditTable, keys: list[tuple]) -> None:
    """Quarters add up to the year (and months to their quarter) for counts of events; the
    year equals its last quarter (and a quarter its last month) for counts at a census."""
    periods = _periods(sorted({k[1] for k in keys}))
    if periods.year is None:
        return
    present = {(la, metric, breakdown) for la, _, metric, breakdown in keys}
    for la, metric, breakdown in present:
        modes = definitions().get(metric, {}).get("disclosure", {}).get("periods", {})
        for col, mode in modes.items():

            def cell(p: str, la=la, metric=metric, breakdown=breakdown, col=col):
                c = (la, p, metric, breakdown, col)
                return c if c in out.values else None

            year = cell(periods.year)
            quarters = [cell(q) for q in periods.quarters]
            if mode == "additive":
                if year and quarters and all(quarters):
                    out.relations.append(sums_to(year, quarters))
                for q, months in periods.months.items():
                    cells = [cell(m) for m in months]
                    if cell(q) and len(months) == 3 and all(cells):
                        out.relations.append(sums_to(cell(q), cells))
            elif mode == "census":
                if year and quarters and quarters[-1]:
                    out.relations.append(sums_to(year, [quarters[-1]]))
                for q, months in periods.months.items():
                    if cell(q) and len(months) == 3 and cell(months[-1]):
                        out.relations.append(sums_to(cell(q), [cell(months[-1])]))


def _term(term: dict, metric: str, col: str, bind: dict[str, str]) -> tuple[str, str, str]:
    breakdown = str(term.get("breakdown", "{breakdown}"))
    try:
        breakdown = breakdown.format(**bind)
    except KeyError:
        return ("", "", "")
    return term.get("metric", metric), breakdown, term.get("column", col)


def _policy_window(out: AuditTable, la: str, year: str, rel: dict, true_rows) -> str | None:
    """The metric whose window is the LA's policy window, read from the sessions due
    (eligible workers x days / window) and the eligible workers of the year."""
    ratio = (la, year, rel["ratio"], "all")
    workers = out.values.get((la, year, "staff_supervision_policy", "all", "denominator"))
    due = None
    if true_rows is not None and ratio in true_rows:
        due = true_rows[ratio][1]
        workers = true_rows.get((la, year, "staff_supervision_policy", "all"), (0, workers))[1]
    if not due or not workers:
        return None
    days = 365.25
    window = min(rel["windows"], key=lambda w: abs(days * workers / due - float(w)))
    if abs(days * workers / due - float(window)) > 1:
        return None
    return rel["windows"][window]


def _declared_relations(
    out: AuditTable, keys: list[tuple], true_rows: dict | None, region_code: str = ""
) -> None:
    """The relations each metric declares in ``metrics.yaml`` (``disclosure.relations``).

    The policy window (``kind: window``) is one LA's: the region's policy count mixes its
    LAs' windows, so its sessions due name no window even when their ratio happens to lie
    near one (4 LAs with 28, 56, 28 and 42 days gave the region 42.1 days, and the false
    "region within policy = region within 42 days" made the relations contradict the
    table, so every cell tied to it looked pinned). Where the truth is known, an equality
    it contradicts is no relation a reader can use and is left out."""
    periods = _periods(sorted({k[1] for k in keys}))
    for la, period, metric, breakdown in keys:
        declared = definitions().get(metric, {}).get("disclosure", {}).get("relations", [])
        bind = _bindings(breakdown)
        for rel in declared:
            col = rel["column"]
            this = (la, period, metric, breakdown, col)
            if this not in out.values:
                continue
            if rel["kind"] == "window":
                if la == region_code or not periods.year:
                    continue
                other = _policy_window(out, la, periods.year, rel, true_rows)
                if other is None:
                    continue
                that = (la, period, other, breakdown, col)
                if that in out.values and _holds(true_rows, this, that):
                    out.relations.append(sums_to(this, [that]))
                continue
            if rel["kind"] == "sum":
                parts = [(la, period, *_term(t, metric, col, bind)) for t in rel["parts"]]
                if all(p in out.values for p in parts):
                    out.relations.append(sums_to(this, parts))
                continue
            that = (la, period, *_term(rel["other"], metric, col, bind))
            if that not in out.values or that == this:
                continue
            if rel["kind"] == "equal":
                if _holds(true_rows, this, that):
                    out.relations.append(sums_to(this, [that]))
            else:
                out.relations.append(at_most(this, that))


def _holds(true_rows: dict | None, this: Cell, that: Cell) -> bool:
    """Whether two cells are equal in the truth (True when the truth is not known)."""
    if true_rows is None:
        return True
    i, j = COUNT_COLUMNS.index(this[4]), COUNT_COLUMNS.index(that[4])
    return true_rows[this[:4]][i] == true_rows[that[:4]][j]


_PERIOD_LEVEL = {"month": 0, "quarter": 1, "year": 2}


def _weigh(out: AuditTable, keys: list[tuple], region_code: str) -> None:
    """Each choosable cell's weight (:attr:`AuditTable.weights`) from its level: ``all``
    over a breakdown, the year over a quarter over a month, the region over an LA."""
    periods = _periods(sorted({k[1] for k in keys}))
    for cell in out.choosable:
        la, period, _, breakdown, _ = cell
        if period == periods.year:
            p = _PERIOD_LEVEL["year"]
        elif period in periods.quarters:
            p = _PERIOD_LEVEL["quarter"]
        else:
            p = _PERIOD_LEVEL["month"]
        levels = p + (breakdown == "all") + (la == region_code)
        out.weights[cell] = level_weight(levels)
