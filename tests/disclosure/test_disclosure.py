"""Disclosure control on adversarial tables: no hidden cell can be recovered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oversight.disclosure.audit import audit
from oversight.disclosure.relations import metrics_relations
from oversight.disclosure.suppress import (
    primary,
    protect,
    protect_counts,
    protect_long,
    round_total,
    secondary,
)


def _frame(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        index=[f"r{i}" for i in range(len(rows))],
        columns=[f"k{j}" for j in range(len(rows[0]))],
    )


def _no_line_with_one_hidden(mask: pd.DataFrame) -> bool:
    return (mask.sum(axis=1) != 1).all() and (mask.sum(axis=0) != 1).all()


def test_small_counts_are_hidden_zeros_are_not() -> None:
    t = _frame([[0, 3, 40], [12, 7, 0]])
    m = primary(t)
    assert m.to_numpy().tolist() == [[False, True, False], [False, False, False]]


def test_single_hidden_cell_gets_the_smallest_partner_in_row_and_column() -> None:
    # r0: 3 is hidden; without a partner, r0's total (3 + 40 + 9 = 52) reveals it.
    t = _frame([[3, 40, 9], [20, 30, 15], [11, 50, 60]])
    shown, totals = protect(t)
    mask = shown == "c"
    assert mask.loc["r0", "k2"]  # smallest visible non-zero in r0 (9 < 40)
    assert mask.loc["r2", "k0"] or mask.loc["r1", "k0"]  # column k0 gets a partner too
    assert _no_line_with_one_hidden(mask)
    assert totals == {"rows": [], "columns": []}


def test_chain_reaction_across_rows_and_columns() -> None:
    t = _frame([[2, 50, 50, 50], [50, 50, 50, 4], [50, 50, 50, 50], [50, 50, 50, 50]])
    mask = secondary(t, primary(t))
    assert _no_line_with_one_hidden(mask)
    assert mask.to_numpy().sum() >= 4


def test_a_lone_hidden_cell_with_no_partner_flags_its_total() -> None:
    t = _frame([[0, 0, 3], [10, 20, 30]])
    shown, totals = protect(t)
    # r0 has only zeros besides the 3: its total would show 3, so it must be hidden.
    assert totals["rows"] == ["r0"]
    assert shown.loc["r0", "k2"] == "c"


def test_hidden_cells_cannot_be_recovered_by_subtraction() -> None:
    """An attacker knows every visible cell and every row and column total. A hidden cell is
    recoverable exactly when it is fixed by those linear equations: when its unit vector lies
    in the row space of the equations over the hidden cells. None may be."""
    t = _frame([[4, 15, 22], [9, 2, 30], [25, 18, 1]])
    mask = secondary(t, primary(t)).to_numpy()
    cells = list(zip(*np.where(mask), strict=True))
    assert len(cells) >= 4
    equations = []
    for i in range(t.shape[0]):
        equations.append([1.0 if c[0] == i else 0.0 for c in cells])
    for j in range(t.shape[1]):
        equations.append([1.0 if c[1] == j else 0.0 for c in cells])
    a = np.array(equations)
    rank = np.linalg.matrix_rank(a)
    for k in range(len(cells)):
        unit = np.eye(len(cells))[k]
        assert np.linalg.matrix_rank(np.vstack([a, unit])) > rank, cells[k]


def test_rounding_large_totals() -> None:
    # to the nearest 10 above 1,000, halves up (config/dfe_conventions.yaml)
    assert round_total(1234) == 1230 and round_total(999) == 999 and round_total(1235) == 1240
    assert round_total(1234, base=5) == 1235 and round_total(1225, base=10, above=2000) == 1225


def _long(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["la_code", "period", "metric", "breakdown", "numerator", "denominator", "value"],
    )


def test_long_table_primary_complement_and_secondary() -> None:
    rows = [
        # LA A: role parts 3 (small) and 40 -> the 40 must hide too, or all(43) - 40 gives 3
        ("A", "y", "m", "all", 43, 60, 43 / 60),
        ("A", "y", "m", "role=sw", 3, 10, 0.3),
        ("A", "y", "m", "role=tm", 40, 50, 0.8),
        # LA B: 98 of 100: the 2 who do not meet it are disclosive too
        ("B", "y", "m", "all", 98, 100, 0.98),
        ("B", "y", "m", "role=sw", 50, 51, 50 / 51),
        ("B", "y", "m", "role=tm", 48, 49, 48 / 49),
        ("R", "y", "m", "all", 141, 160, 141 / 160),
        ("R", "y", "m", "role=sw", 53, 61, 53 / 61),
        ("R", "y", "m", "role=tm", 88, 99, 88 / 99),
    ]
    out = protect_long(_long(rows), "R").set_index(["la_code", "breakdown"])
    assert out.loc[("A", "role=sw"), "status"] == "c"
    assert out.loc[("A", "role=sw"), "numerator"] == "c"
    assert out.loc[("A", "role=sw"), "value"] == "c"
    assert out.loc[("A", "role=tm"), "status"] == "c"  # secondary, within LA A
    assert out.loc[("B", "all"), "status"] == "c"  # 100 - 98 = 2
    assert out.loc[("B", "role=sw"), "status"] == "c"  # 51 - 50 = 1
    # Across LAs: B's role=sw hidden and A's role=sw hidden -> two hidden in that line, fine;
    # no LA-line or region-line is left with exactly one hidden part.
    parts = out.reset_index()
    parts = parts[parts.la_code != "R"]
    for _, g in parts[parts.breakdown != "all"].groupby("la_code"):
        assert (g.status == "c").sum() != 1
    for _, g in parts.groupby("breakdown"):
        assert (g.status == "c").sum() != 1


def test_wide_counts_hide_the_count_and_what_gives_it_away() -> None:
    t = pd.DataFrame(
        {
            "la_code": ["A", "B", "C", "D"],
            "respondents": [3, 40, 12, 0],
            "eligible": [30, 90, 4, 10],
            "response_rate": [0.1, 40 / 90, 3.0, 0.0],
        }
    )
    shown, mask = protect_counts(
        t, ["respondents", "eligible"], {"respondents": ["response_rate"]}, lines=[[]]
    )
    # A's 3 respondents and its rate are hidden; C's 4 eligible is hidden, its rate is not
    # derived from eligible alone here (declared dependants only).
    assert shown.loc[0, "respondents"] == "c" and shown.loc[0, "response_rate"] == "c"
    assert shown.loc[2, "eligible"] == "c"
    # The region total of respondents (55) is published elsewhere: one hidden respondent count
    # would be 55 - 40 - 12 - 0; the smallest visible non-zero (C's 12) is hidden as partner.
    assert shown.loc[2, "respondents"] == "c"
    assert shown.loc[1, "respondents"] == 40 and shown.loc[3, "respondents"] == 0
    assert mask["respondents"].sum() == 2


def test_wide_counts_secondary_within_groups_and_no_recovery() -> None:
    """Parts within each source add to the source's total: no group keeps one hidden part, and
    for each group the hidden cells' sum is not pinned to one cell (at least two unknowns)."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = rng.integers(2, 8)
        t = pd.DataFrame(
            {
                "source": rng.choice(["x", "y", "z"], size=n),
                "n_units": rng.choice([0, 1, 2, 4, 5, 6, 9, 30, 200], size=n),
            }
        )
        shown, mask = protect_counts(t, ["n_units"], lines=[["source"]])
        for key, g in mask.assign(source=t["source"]).groupby("source"):
            if g["n_units"].sum() == 1:
                # allowed only when no visible non-zero partner exists: then that total is
                # itself a small count (every other part is zero) and is never published
                others = t.loc[g.index[~g["n_units"]], "n_units"]
                assert (others == 0).all(), key
        small = t["n_units"].between(1, 5)
        assert mask.loc[small, "n_units"].all()
        assert not (shown.loc[~mask["n_units"], "n_units"].astype(int).between(1, 5)).any()


def test_region_rows_are_totals_not_parts_of_a_line() -> None:
    t = pd.DataFrame(
        {
            "la_code": ["A", "B", "C", "R"],
            "code": ["x", "x", "x", "x"],
            "n_units": [3, 40, 12, 55],
        }
    )
    shown, _ = protect_counts(t, ["n_units"], lines=[["code"]], totals=t["la_code"] == "R")
    # A's 3 is hidden; its partner is C's 12 (not the region's 55, which stays published)
    assert shown["n_units"].tolist() == ["c", 40, "c", 55]


def test_a_lone_hidden_part_with_zero_partners_keeps_its_total() -> None:
    """A has 40 of 42 (the 2 not meeting it are disclosive); B and C have 0. The region's
    40 would give A's 40 away, but that is no small count: A's 2 is protected by hiding A's
    denominator with B's (detail), and the region's row, a costly total, stays published."""
    rows = [
        ("A", "y", "m", "all", 40, 42, 40 / 42),
        ("B", "y", "m", "all", 0, 50, 0.0),
        ("C", "y", "m", "all", 0, 60, 0.0),
        ("R", "y", "m", "all", 40, 152, 40 / 152),
    ]
    table = _long(rows)
    out = protect_long(table, "R")
    shown = out.set_index("la_code")
    assert shown.loc["A", "status"] == "c" and shown.loc["A", "denominator"] == "c"
    assert shown.loc["R", "numerator"] == 40 and shown.loc["R", "denominator"] == 152
    cells = metrics_relations(out, "R", truth=table)
    assert not audit(cells.values, cells.relations, 1, 5, 5).exposed


def test_wide_counts_hide_the_region_row_when_no_partner_exists() -> None:
    t = pd.DataFrame(
        {
            "la_code": ["A", "B", "R"],
            "code": ["x", "x", "x"],
            "n_units": [4, 0, 4],
            "units_total": [30, 3, 33],
        }
    )
    # B's 3 units in all is hidden; A's 30 is its partner; the region's 33 stays (a total).
    shown, _ = protect_counts(
        t, ["n_units", "units_total"], lines=[["code"]], totals=t["la_code"] == "R"
    )
    assert shown["n_units"].tolist() == ["c", 0, "c"]
    assert shown["units_total"].tolist() == ["c", "c", 33]
