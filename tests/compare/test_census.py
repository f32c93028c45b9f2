"""The open-children census carried from month end to month end (oversight.compare.census)
against counts worked out by hand, and against the census rebuilt from the frames at each date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.compare.census import ChildCensus, open_children, qualifying
from oversight.compare.metrics import Period, child_metrics

MONTH_ENDS = pd.to_datetime(["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"])

# Open from 28 days after the start until the day before the end.
CASELOAD = pd.DataFrame(
    [
        ("A", "CIN", "2023-12-01", None),  # open-ended: in every census
        ("B", "CP", "2024-01-10", "2024-03-31"),  # from 7 Feb; closes on the 31 March census
        ("C", "CIN", "2024-01-04", "2024-02-01"),  # 28 days exactly, closing as it qualifies
        ("D", "CIN", "2024-01-03", "2024-02-29"),  # 28 days on 31 January; closes 29 February
        ("E", "CIN", "2024-01-15", "2024-01-15"),  # opened and closed the same day
        ("F", "CIN", "2023-11-01", "2024-03-15"),  # two overlapping episodes: counted once
        ("F", "CLA", "2024-02-01", None),
        ("G", "CP", "2023-10-01", "2024-03-10"),  # closed and reopened the same day: the new
        ("G", "CLA", "2024-03-10", None),  # episode needs its own 28 days (7 April)
    ],
    columns=["child_id", "legal_status", "episode_start", "episode_end"],
).assign(
    worker_id="W1",
    team_type="cin_cp",
    episode_start=lambda f: pd.to_datetime(f["episode_start"]),
    episode_end=lambda f: pd.to_datetime(f["episode_end"]),
)

OVERSIGHT = pd.DataFrame(
    [
        ("A", "2024-01-03", "management_oversight"),  # 28 days before 31 January
        ("A", "2024-03-05", "case_supervision"),  # 26 days before 31 March, 56 before 30 April
        ("B", "2024-02-20", "decision"),  # not oversight
        ("D", "2024-01-31", "case_supervision"),  # on the census day itself
        ("F", "2024-02-01", "case_supervision"),  # after 31 January; 28 days before 29 Feb
        ("F", "2024-04-30", "management_oversight"),
        ("G", "2024-01-02", "management_oversight"),  # 29 days before 31 January
        ("G", "2024-03-20", "case_supervision"),  # 41 days before 30 April
        ("Z", "2024-01-20", "case_supervision"),  # a child with no episode
    ],
    columns=["child_id", "entry_date", "entry_type"],
).assign(entry_date=lambda f: pd.to_datetime(f["entry_date"]))


def test_month_end_counts_worked_by_hand() -> None:
    census = ChildCensus(CASELOAD, OVERSIGHT)
    # Open: 31 Jan A D F G; 29 Feb A B F G; 31 Mar A F; 30 Apr A F G.
    # Seen within 28 days: 31 Jan A D; 29 Feb F; 31 Mar A; 30 Apr F.
    assert census.counts(MONTH_ENDS, 28).tolist() == [[2, 4], [1, 4], [1, 2], [1, 3]]
    # Within 42 days G is also seen on 31 January (29 days) and 30 April (41 days).
    assert census.counts(MONTH_ENDS, 42).tolist() == [[3, 4], [1, 4], [1, 2], [2, 3]]


def test_days_since_and_rows_worked_by_hand() -> None:
    census = ChildCensus(CASELOAD, OVERSIGHT)
    kids, gap = census.gaps(pd.Timestamp("2024-02-29"))
    assert sorted(kids.index) == ["A", "B", "F", "G"]
    assert kids.loc["F", "legal_status"] == "CLA"  # the later of the two open episodes
    assert gap["A"] == 57.0 and gap["F"] == 28.0 and gap["G"] == 58.0
    assert np.isnan(gap["B"])  # only a decision, which is not oversight
    rows = census.rows(["2024-01", "2024-02"], MONTH_ENDS[:2], 28)
    assert [(r["period"], r["numerator"], r["denominator"]) for r in rows] == [
        ("2024-01", 2.0, 4.0),
        ("2024-02", 1.0, 4.0),
    ]


def test_month_counts_agree_with_the_census_of_each_period() -> None:
    census = ChildCensus(CASELOAD, OVERSIGHT)
    for end, (seen, open_) in zip(MONTH_ENDS, census.counts(MONTH_ENDS, 28), strict=True):
        month = Period(end.strftime("%Y-%m"), end.replace(day=1), end)
        rows = child_metrics(CASELOAD, OVERSIGHT, month, [28], breakdowns=False)
        assert [(r["numerator"], r["denominator"]) for r in rows] == [(seen, open_)]


def _rebuilt(caseload: pd.DataFrame, oversight: pd.DataFrame, census: pd.Timestamp, w: int):
    """The census at one date from the frames alone: (seen within ``w`` days, open)."""
    kids = open_children(caseload, census)
    entries = qualifying(oversight)
    last = entries[entries["entry_date"] <= census].groupby("child_id")["entry_date"].max()
    gap = (census - last.reindex(kids.index)).dt.days
    return float((gap <= w).sum()), float(len(kids))


def _random_frames(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Many short and long episodes of few children (overlaps, same-day and open-ended
    episodes, missing starts) and entries of every type, on whole days of 2023-2025."""
    rng = np.random.default_rng(seed)
    day0, n, m = pd.Timestamp("2023-01-01"), 400, 900
    start = rng.integers(0, 1000, n)
    length = rng.choice([0, 1, 27, 28, 29, 60, 200, 400], n)
    end = pd.Series(day0 + pd.to_timedelta(start + length, unit="D"))
    end[rng.random(n) < 0.3] = pd.NaT
    begin = pd.Series(day0 + pd.to_timedelta(start, unit="D"))
    begin[rng.random(n) < 0.02] = pd.NaT
    caseload = pd.DataFrame(
        {
            "child_id": pd.array([f"C{i}" for i in rng.integers(0, 120, n)], dtype="string"),
            "legal_status": "CIN",
            "episode_start": begin,
            "episode_end": end,
        }
    )
    oversight = pd.DataFrame(
        {
            "child_id": pd.array([f"C{i}" for i in rng.integers(0, 130, m)], dtype="string"),
            "entry_date": day0 + pd.to_timedelta(rng.integers(0, 1100, m), unit="D"),
            "entry_type": rng.choice(["case_supervision", "management_oversight", "decision"], m),
        }
    )
    return caseload, oversight


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_carried_census_equals_the_census_rebuilt_each_month(seed: int) -> None:
    caseload, oversight = _random_frames(seed)
    ends = pd.date_range("2023-01-31", "2025-12-31", freq="ME")
    census = ChildCensus(caseload, oversight)
    for w in (0, 28, 42):
        expected = [_rebuilt(caseload, oversight, c, w) for c in ends]
        assert [tuple(r) for r in census.counts(ends, w).tolist()] == expected
