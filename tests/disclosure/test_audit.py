"""The attacker's audit (oversight.disclosure.audit): each suppressed cell's feasible interval,
checked on the leaks found in the published metrics table and on tables with known answers."""

from __future__ import annotations

import itertools
import math

import pytest

from oversight.disclosure.audit import (
    _DONE,
    at_most,
    audit,
    exposed_cells,
    feasible_intervals,
    sums_to,
)

PROTECT = {"low": 1, "high": 5, "min_width": 3}


def test_a_breakdown_total_gives_away_its_one_hidden_part() -> None:
    """E06000037, 2024-25, staff_supervision_28d denominators: all = 116, social workers 19,
    senior practitioners 83, managers 12, 'other' hidden: 116 - (19 + 83 + 12) = 2."""
    values = {"all": 116, "sw": 19, "sp": 83, "tm": 12, "other": None}
    intervals = feasible_intervals(values, [sums_to("all", ["sw", "sp", "tm", "other"])])
    assert (intervals["other"].lower, intervals["other"].upper) == (2, 2)
    assert [iv.cell for iv in exposed_cells(intervals, **PROTECT)] == ["other"]


def test_quarters_that_add_up_to_the_year_give_away_a_hidden_quarter() -> None:
    """E06000036 supervision_cancelled: the year 36, Q1-Q3 13, 9 and 10, so Q4 = 4."""
    values = {"year": 36, "q1": 13, "q2": 9, "q3": 10, "q4": None}
    intervals = feasible_intervals(values, [sums_to("year", ["q1", "q2", "q3", "q4"])])
    assert (intervals["q4"].lower, intervals["q4"].upper) == (4, 4)
    assert exposed_cells(intervals, **PROTECT)


def test_a_second_hidden_part_protects_the_first() -> None:
    values = {"all": 116, "sw": 19, "sp": 83, "tm": None, "other": None}
    intervals = feasible_intervals(values, [sums_to("all", ["sw", "sp", "tm", "other"])])
    assert (intervals["other"].lower, intervals["other"].upper) == (0, 14)
    assert (intervals["tm"].lower, intervals["tm"].upper) == (0, 14)
    assert exposed_cells(intervals, **PROTECT) == []


def test_a_numerator_is_capped_by_its_denominator() -> None:
    """A hidden numerator of a shown denominator of 4 can only be 0 to 4: narrower than the
    protection width of 5 values, so exposed even though 0 is possible."""
    values = {"num": None, "den": 4}
    intervals = feasible_intervals(values, [at_most("num", "den")])
    assert (intervals["num"].lower, intervals["num"].upper) == (0, 4)
    assert exposed_cells(intervals, low=1, high=5, min_width=5)
    assert not exposed_cells(intervals, low=1, high=5, min_width=4)


def test_relations_combine_across_dimensions() -> None:
    """A 2 x 2 table with margins: hiding one interior cell alone is undone by either margin;
    hiding all four interior cells leaves each a range set by its row and column totals."""
    grid = {("a", 1): 3, ("a", 2): 7, ("b", 1): 20, ("b", 2): 30}
    margins = {("a", "all"): 10, ("b", "all"): 50, ("all", 1): 23, ("all", 2): 37}
    relations = [sums_to((r, "all"), [(r, 1), (r, 2)]) for r in "ab"]
    relations += [sums_to(("all", c), [("a", c), ("b", c)]) for c in (1, 2)]
    one_hidden = {**grid, **margins, ("a", 1): None}
    assert feasible_intervals(one_hidden, relations)[("a", 1)].width == 0
    all_hidden = {**dict.fromkeys(grid), **margins}
    intervals = feasible_intervals(all_hidden, relations)
    # (a,1) = x, (a,2) = 10 - x, (b,1) = 23 - x, (b,2) = 27 + x; all >= 0, so x in 0..10.
    assert (intervals[("a", 1)].lower, intervals[("a", 1)].upper) == (0, 10)
    assert (intervals[("b", 2)].lower, intervals[("b", 2)].upper) == (27, 37)


def test_the_intervals_equal_a_brute_force_search() -> None:
    """Every integer table of two hidden parts and a hidden nested count, enumerated: the
    solver's bounds are exactly the smallest and largest values that fit."""
    values = {"all": 9, "p1": None, "p2": None, "p3": 2, "nested": None}
    relations = [sums_to("all", ["p1", "p2", "p3"]), at_most("nested", "p1")]
    fits = [
        (p1, p2, n)
        for p1, p2, n in itertools.product(range(10), repeat=3)
        if p1 + p2 + 2 == 9 and n <= p1
    ]
    intervals = feasible_intervals(values, relations)
    for position, cell in enumerate(["p1", "p2", "nested"]):
        seen = [f[position] for f in fits]
        assert (intervals[cell].lower, intervals[cell].upper) == (min(seen), max(seen)), cell


def test_a_cell_nothing_caps_is_unbounded_above() -> None:
    intervals = feasible_intervals({"a": None, "b": 3}, [at_most("b", "a")])
    assert intervals["a"].lower == 3 and math.isinf(intervals["a"].upper)
    capped = feasible_intervals({"a": None, "b": 3}, [at_most("b", "a")], ceiling=50)
    assert capped["a"].upper == 50


def test_published_values_that_contradict_the_relations_are_an_error() -> None:
    with pytest.raises(ValueError, match="no table fits"):
        feasible_intervals(
            {"all": 10, "p1": 8, "p2": 5, "p3": None}, [sums_to("all", ["p1", "p2", "p3"])]
        )
    with pytest.raises(ValueError, match="not a cell of the table"):
        feasible_intervals({"all": 10, "p1": None}, [sums_to("all", ["p1", "p9"])])


def test_values_seen_in_earlier_audits_change_no_finding() -> None:
    """Tables found while auditing with fewer cells hidden still fit once more are hidden:
    carried into the next audit they settle cells without solving, and the exposed cells
    and their exact intervals are those found from scratch."""
    truth = {"all": 20, "a": 2, "b": 9, "c": 6, "d": 3, "q": 12, "r": 8}
    relations = [sums_to("all", ["a", "b", "c", "d"]), sums_to("all", ["q", "r"])]
    seen: dict = {}
    steps = [{"a", "b"}, {"a", "b", "d"}, {"a", "b", "d", "q", "r"}]
    for hidden in steps:
        shown = {c: (None if c in hidden else v) for c, v in truth.items()}
        _DONE.clear()
        fresh = audit(shown, relations, 1, 5, 3, witness=truth)
        _DONE.clear()
        carried = audit(shown, relations, 1, 5, 3, witness=truth, seen=seen)
        assert sorted(map(repr, carried.exposed)) == sorted(map(repr, fresh.exposed))
        assert [(iv.cell, iv.lower, iv.upper) for iv in carried.exposed] == [
            (iv.cell, iv.lower, iv.upper) for iv in fresh.exposed
        ]
    assert set(seen) == {"a", "b", "d", "q", "r"}
    assert seen["a"][0] <= truth["a"] <= seen["a"][1]
