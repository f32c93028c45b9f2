"""Metrics on the optional fields, on small frames whose answers are worked out by hand: an LA
that does not send a field has no rows for its metrics (not zeros)."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.compare.members import members
from oversight.compare.metrics import Period, audit_metrics, definitions, strategy_metrics

Q1 = Period("2024-25 Q1", pd.Timestamp("2024-04-01"), pd.Timestamp("2024-06-30"))
NEW = [
    "audit_learning_conversation",
    "strategy_police_attended",
    "strategy_health_attended",
    "strategy_education_attended",
    "strategy_all_partners",
]


def _audits(learning: list | None) -> pd.DataFrame:
    """Four audits, two domain rows each; A4 falls after Q1."""
    rows = []
    for audit, day in (("A1", "2024-04-10"), ("A2", "2024-05-10"), ("A3", "2024-06-10")):
        for domain in ("management_oversight", "planning"):
            rows.append((audit, f"C{audit}", day, "routine", domain, 3, pd.NA))
    rows += [("A4", "CA4", "2024-07-10", "routine", d, 2, pd.NA) for d in ("planning",)]
    frame = pd.DataFrame(
        rows,
        columns=[
            "audit_id",
            "child_id",
            "audit_date",
            "audit_type",
            "domain",
            "grade",
            "moderated_grade",
        ],
    )
    frame["audit_date"] = pd.to_datetime(frame["audit_date"])
    frame["grade"] = frame["grade"].astype("Int64")
    frame["moderated_grade"] = frame["moderated_grade"].astype("Int64")
    frame["source_file"] = "audits.csv"
    frame["source_row"] = range(2, len(frame) + 2)
    if learning is not None:
        frame["learning_conversation"] = pd.array(learning, dtype="boolean")
    return frame


def _value(rows: list[dict], metric: str) -> tuple[float, float]:
    hit = [r for r in rows if r["metric"] == metric and r["breakdown"] == "all"]
    assert len(hit) == 1, metric
    return hit[0]["numerator"], hit[0]["denominator"]


def test_learning_conversation_counts_audits_not_domain_rows() -> None:
    # A1 yes on both rows; A2 known on its second row only; A3 blank; A4 after the quarter
    audits = _audits([True, True, pd.NA, False, pd.NA, pd.NA, True])
    rows = audit_metrics(audits, Q1)
    assert _value(rows, "audit_learning_conversation") == (1, 2)  # A1 of A1, A2


@pytest.mark.parametrize("learning", [None, [pd.NA] * 7])
def test_no_learning_conversation_rows_for_an_la_that_does_not_send_it(learning) -> None:
    rows = audit_metrics(_audits(learning), Q1)
    assert not [r for r in rows if r["metric"] == "audit_learning_conversation"]
    assert _value(rows, "audit_mo_good") == (3, 3)  # the other audit metrics are unchanged


def _strategy(education: list | None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C3", "C4", "C5"],
            "discussion_date": pd.to_datetime(
                ["2024-04-02", "2024-05-02", "2024-06-02", "2024-06-30", "2024-07-01"]
            ),
            "police_attended": pd.array([True, True, False, pd.NA, True], dtype="boolean"),
            "health_attended": pd.array([True, False, True, True, True], dtype="boolean"),
            "source_file": "strategy.csv",
            "source_row": [2, 3, 4, 5, 6],
        }
    )
    frame["education_attended"] = pd.array(
        education if education is not None else [pd.NA] * 5, dtype="boolean"
    )
    return frame


def test_partner_attendance_on_a_hand_computed_quarter() -> None:
    # Q1 holds C1..C4 (C5 is in July). C1: all three; C2: health absent; C3: police absent,
    # education unknown (still "not all": a partner was known absent); C4: police unknown,
    # others present (unknown, left out).
    rows = strategy_metrics(_strategy([True, True, pd.NA, True, False]), Q1)
    assert _value(rows, "strategy_police_attended") == (2, 3)  # C1, C2 of C1..C3
    assert _value(rows, "strategy_health_attended") == (3, 4)  # C1, C3, C4
    assert _value(rows, "strategy_education_attended") == (3, 3)  # C1, C2, C4
    assert _value(rows, "strategy_all_partners") == (1, 3)  # C1 of C1, C2, C3


def test_no_rows_for_a_partner_the_la_does_not_record_nor_for_all_three() -> None:
    rows = strategy_metrics(_strategy(None), Q1)
    assert {r["metric"] for r in rows} == {"strategy_police_attended", "strategy_health_attended"}


@pytest.mark.parametrize("frame", [None, _strategy([True] * 5).iloc[:0]])
def test_no_strategy_rows_for_an_la_without_the_dataset(frame) -> None:
    assert strategy_metrics(frame, Q1) == []


def test_new_metrics_are_defined_with_additive_disclosure() -> None:
    defs = definitions()
    for metric in NEW:
        assert defs[metric]["kind"] == "proportion"
        periods = defs[metric]["disclosure"]["periods"]
        assert periods == {"numerator": "additive", "denominator": "additive"}


def test_members_of_a_strategy_cell_are_its_rows() -> None:
    """Each discussion counted in the cell, with the raw row that decided it."""
    frames = {
        "supervision": pd.DataFrame(),
        "caseload": pd.DataFrame(),
        "oversight": pd.DataFrame(),
        "audits": _audits(None),
        "strategy_discussions": _strategy([True, True, pd.NA, True, False]),
    }
    got = members(
        frames, "2024-04-01", "2025-03-31", 28, [28], "2024-25 Q1", "strategy_police_attended"
    )
    assert got["source_row"].tolist() == [2, 3, 4]
    assert got["in_numerator"].tolist() == [True, True, False]
    assert set(got["dataset"]) == {"strategy_discussions"}
