"""Regressions from real runs: a false relation that made every headline row look pinned
(4 LAs), and a run stopped on a cell nothing could protect (2 LAs)."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.disclosure.audit import sums_to
from oversight.disclosure.cells import AuditTable
from oversight.disclosure.relations import metrics_relations
from oversight.disclosure.secondary import Band, secondary_by_relations
from oversight.errors import DisclosureError

DAYS = 365.25


def _staff_rows(la: str, workers: int, window: int, met: dict[int, int]) -> list[tuple]:
    rows = []
    for period in ("2024-25", "2024-25 Q4"):
        for metric, n in (
            ("staff_supervision_28d", met[28]),
            ("staff_supervision_42d", met[42]),
            ("staff_supervision_policy", met[window]),
        ):
            rows.append((la, period, metric, "all", n, workers))
        rows.append((la, period, "sessions_held_vs_due", "all", 200, DAYS * workers / window))
    return rows


def _frame(rows: list[tuple]) -> pd.DataFrame:
    t = pd.DataFrame(
        rows, columns=["la_code", "period", "metric", "breakdown", "numerator", "denominator"]
    )
    t["value"] = t["numerator"] / t["denominator"]
    return t


def test_the_region_has_no_policy_window_and_every_relation_holds_in_the_truth() -> None:
    """A (10 workers, 28-day window) and B (20 workers, 56 days): the region's sessions due
    work out at exactly 42 days, but its policy count mixes 28 and 56 days and is not its
    42-day count. Declaring it equal made the relations contradict the table, so the
    audit found every cell tied to it pinned and hid the headline rows of every LA."""
    a = _staff_rows("A", 10, 28, {28: 6, 42: 8, 56: 9})
    b = _staff_rows("B", 20, 56, {28: 10, 42: 14, 56: 17})
    region = []
    for ra, rb in zip(a, b, strict=True):
        region.append(("R", ra[1], ra[2], "all", ra[4] + rb[4], ra[5] + rb[5]))
    days = DAYS * 30 / region[3][5]
    assert abs(days - 42) < 1e-9  # the region's ratio names the 42-day window
    table = _frame(a + b + region)
    cells = metrics_relations(table, "R", truth=table)
    for rel in cells.relations:
        total = sum(cells.values[c] * k for c, k in rel.terms)
        assert (abs(total) <= rel.slack) if rel.kind == "eq" else total <= rel.slack, rel
    # the LAs' windows are still relations a reader can use
    pairs = {
        tuple(sorted((c[0], c[2]) for c in rel.cells))
        for rel in cells.relations
        if rel.kind == "eq" and len(rel.terms) == 2 and rel.cells[0][4] == "numerator"
    }
    assert (("A", "staff_supervision_28d"), ("A", "staff_supervision_policy")) in pairs
    assert not any(p[0][0] == "R" and p[0][1] != p[1][1] and "policy" in p[1][1] for p in pairs)


def test_detail_is_hidden_before_totals() -> None:
    """A small role count in a line whose total is published: the partner is another role
    (a breakdown cell), never the LA's or the region's yearly ``all`` row."""
    rows = []
    for la, parts in (("A", (3, 40, 30)), ("B", (20, 25, 30))):
        for period in ("2024-25", "2024-25 Q4"):
            rows.append((la, period, "oversight_rationale", "all", sum(parts), 120))
            for role, n in zip(("x", "y", "z"), parts, strict=True):
                rows.append((la, period, "oversight_rationale", f"role={role}", n, 40))
    region = (
        _frame(rows)
        .groupby(["period", "metric", "breakdown"], as_index=False)[["numerator", "denominator"]]
        .sum()
    )
    region.insert(0, "la_code", "R")
    table = pd.concat([_frame(rows), region.assign(value=0.5)], ignore_index=True)
    cells = metrics_relations(table, "R", truth=table)
    start = {c for c in cells.choosable if cells.values[c] == 3}
    hidden = secondary_by_relations(cells, start, Band())
    assert not any(c[3] == "all" for c in hidden if c[4] != "complement")


def test_a_cell_a_reader_works_out_as_zero_is_published_not_a_stop() -> None:
    """Kent's 0 audits in a quarter: every cell around it hidden, and the relations alone
    (a row absent from one metric, present in another) still give the 0 away. Hiding more
    cannot help, and a zero is no small count: it is published and the run goes on."""
    t = AuditTable()
    t.values = {"x": 10.0, "y": 10.0, "a": 0.0, "z": 7.0}
    t.choosable = {"x", "y", "a", "z"}
    t.relations = [sums_to("x", ["y", "a"]), sums_to("x", ["y"]), sums_to("z", ["y", "a"])]
    hidden = secondary_by_relations(t, {"a"}, Band())
    assert "a" not in hidden


def test_a_small_count_nothing_can_protect_still_stops() -> None:
    t = AuditTable()
    t.values = {"a": 3.0, "b": 3.0}
    t.choosable = {"a"}  # b is published elsewhere
    t.relations = [sums_to("a", ["b"])]
    with pytest.raises(DisclosureError, match="no cell is left to hide"):
        secondary_by_relations(t, {"a"}, Band())
