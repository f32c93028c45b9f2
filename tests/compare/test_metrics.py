"""Metric definitions on small frames whose answers are worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.compare.metrics import (
    Period,
    audit_metrics,
    child_metrics,
    periods,
    reflection_metrics,
    staff_metrics,
)
from tests.helpers import SUP_FIELDS

Q1 = Period("2024-25 Q1", pd.Timestamp("2024-04-01"), pd.Timestamp("2024-06-30"))


def _sup(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=SUP_FIELDS)
    frame["session_date"] = pd.to_datetime(frame["session_date"])
    frame["duration_min"] = frame["duration_min"].astype("Int64")
    for col in ("agency", "nqsw", "family_reflection_recorded", "practitioner_reflection_recorded"):
        frame[col] = frame[col].astype("boolean")
    return frame


SUP = _sup(
    [
        # W1: last held personal 10 June -> 20 days before the census
        ("W1", "social_worker", False, True, "2024-05-12", "personal", 60, "held", None, True),
        ("W1", "social_worker", False, True, "2024-06-10", "personal", 95, "held", None, False),
        ("W1", "social_worker", False, True, "2024-06-20", "case", 30, "held", True, None),
        # W2: last held personal 20 May -> 41 days; a later personal session was cancelled
        ("W2", "team_manager", True, False, "2024-05-20", "personal", 90, "held", None, False),
        (
            "W2",
            "team_manager",
            True,
            False,
            "2024-06-25",
            "personal",
            None,
            "cancelled",
            None,
            None,
        ),
        ("W2", "team_manager", True, False, "2024-06-02", "case", 45, "held", False, None),
        # W3: exactly 28 days -> within 28 days (census - date <= 28)
        ("W3", "social_worker", False, False, "2024-06-02", "personal", 45, "held", None, None),
        # W4: only a case supervision: eligible, never personally supervised
        ("W4", "social_worker", False, False, "2024-06-28", "case", 30, "held", False, None),
        # W5: nothing in the year to the census: not eligible
        ("W5", "social_worker", False, False, "2023-05-01", "personal", 60, "held", None, True),
    ]
)


def _value(rows: list[dict], metric: str, breakdown: str = "all") -> tuple[float, float]:
    hit = [r for r in rows if r["metric"] == metric and r["breakdown"] == breakdown]
    assert len(hit) == 1, (metric, breakdown)
    return hit[0]["numerator"], hit[0]["denominator"]


def test_staff_supervision_windows() -> None:
    rows = staff_metrics(SUP, Q1, policy_days=56, windows=[28, 42])
    assert _value(rows, "staff_supervision_28d") == (2, 4)  # W1 (20 d), W3 (28 d)
    assert _value(rows, "staff_supervision_42d") == (3, 4)  # + W2 (41 d)
    assert _value(rows, "staff_supervision_policy") == (3, 4)
    assert _value(rows, "staff_supervision_28d", "role=team_manager") == (0, 1)
    assert _value(rows, "staff_supervision_28d", "agency=no") == (2, 3)
    assert _value(rows, "staff_supervision_42d", "nqsw=yes") == (1, 1)


def test_sessions_cancelled_long_and_due() -> None:
    rows = staff_metrics(SUP, Q1, policy_days=28, windows=[28])
    assert _value(rows, "supervision_cancelled") == (1, 5)  # 5 personal sessions in Q1
    assert _value(rows, "supervision_90min_plus") == (2, 4)  # 95 and 90 of 60, 95, 90, 45
    held, due = _value(rows, "sessions_held_vs_due")
    assert held == 4 and due == pytest.approx(4 * 91 / 28, abs=0.05)


def test_reflection_part1_part2_and_neither() -> None:
    rows = reflection_metrics(SUP, Q1)
    assert _value(rows, "part1_family_reflection") == (1, 3)  # W1 yes; W2, W4 no
    assert _value(rows, "part2_practitioner_reflection") == (1, 3)  # W1 May yes; June, W2 no
    assert _value(rows, "neither_reflection") == (3, 4)  # only W1 recorded either


def test_child_oversight_counts_only_supervision_and_oversight_entries() -> None:
    caseload = pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C3", "C4"],
            "worker_id": ["W1"] * 4,
            "legal_status": ["CIN", "CP", "CIN", "CLA"],
            "team_type": ["assessment", "cin_cp", "assessment", "cla"],
            "episode_start": pd.to_datetime(
                ["2024-01-01", "2023-09-01", "2024-06-15", "2024-01-01"]
            ),
            "episode_end": pd.to_datetime([None, None, None, "2024-06-20"]),
        }
    )
    oversight = pd.DataFrame(
        {
            "child_id": ["C1", "C2", "C2", "C3", "C4"],
            "entry_date": pd.to_datetime(
                ["2024-06-05", "2024-05-01", "2024-06-29", "2024-06-20", "2024-06-10"]
            ),
            "entry_type": [
                "management_oversight",
                "case_supervision",
                "decision",
                "management_oversight",
                "management_oversight",
            ],
            "rationale_recorded": pd.array([True, False, True, True, True], dtype="boolean"),
        }
    )
    rows = child_metrics(caseload, oversight, Q1, [28, 42])
    # C3 has been open under 28 days and C4 closed before the census: not eligible.
    assert _value(rows, "child_oversight_28d") == (1, 2)  # C1 (25 days); C2's decision
    assert _value(rows, "child_oversight_42d") == (1, 2)  # C2's last oversight: 60 days
    assert _value(rows, "child_oversight_28d", "legal_status=CP") == (0, 1)


def test_audit_grades_and_moderation() -> None:
    audits = pd.DataFrame(
        {
            "audit_id": ["A1"] * 2 + ["A2"] * 2 + ["A3"] * 2,
            "child_id": ["C1"] * 2 + ["C2"] * 2 + ["C3"] * 2,
            "audit_date": pd.to_datetime(["2024-05-01"] * 6),
            "audit_type": ["routine"] * 6,
            "domain": ["management_oversight", "planning"] * 3,
            "grade": pd.array([3, 2, 4, 3, 1, 2], dtype="Int64"),
            "moderated_grade": pd.array([2, 2, 4, None, None, None], dtype="Int64"),
        }
    )
    rows = audit_metrics(audits, Q1)
    assert _value(rows, "audit_mo_good") == (2, 3)
    assert _value(rows, "audit_good_or_better", "domain=planning") == (1, 3)
    assert _value(rows, "audit_grade_share", "domain=planning;grade=2") == (2, 3)
    assert _value(rows, "moderation_downgraded") == (1, 3)
    assert _value(rows, "moderation_pairs", "auditor=3;moderator=2")[0] == 1


def test_periods_of_the_study_year() -> None:
    ps = periods("2024-04-01", "2025-03-31")
    assert [p.label for p in ps] == [
        "2024-25",
        "2024-25 Q1",
        "2024-25 Q2",
        "2024-25 Q3",
        "2024-25 Q4",
    ]
    assert ps[2].start == pd.Timestamp("2024-07-01") and ps[2].end == pd.Timestamp("2024-09-30")
    months = periods("2024-04-01", "2025-03-31", months=True)
    assert len(months) == 12 and months[-1].end == pd.Timestamp("2025-03-31")
