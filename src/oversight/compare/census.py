"""The open-children census: which children are open at a census date, how long since each
was last overseen, and the counts at successive month ends carried forward without going
back to the caseload.

A child is in the census at date ``c`` while one of its episodes has been open for 28 days
(``episode_start + 28 days <= c < episode_end``, an open-ended episode never closing), and is
seen within ``w`` days while it also has a qualifying oversight entry ``x`` with
``x <= c < x + (w + 1) days`` (the whole days from its last entry to the census at most
``w``). Each child's episodes, and each child's entries, are merged into disjoint half-open
spells once; the spells where a child is both open and seen are their overlaps. The count at
every month end is then the spells opened by that date less those closed by it (two binary
searches in the sorted openings and closings).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import pandas as pd

OVERSIGHT_TYPES = ("case_supervision", "management_oversight")
MIN_OPEN = pd.Timedelta(days=28)
NEVER = np.iinfo(np.int64).max
DAY = pd.Timedelta(days=1).value

# Spells: (child code, start, end) arrays, times as int64 nanoseconds, half-open [start, end).
Spells = tuple[np.ndarray, np.ndarray, np.ndarray]


def open_children(caseload: pd.DataFrame, census: pd.Timestamp) -> pd.DataFrame:
    """Children open at the census date and open for at least 28 days (one row each)."""
    open_ = caseload[
        (caseload["episode_start"] <= census - MIN_OPEN)
        & (caseload["episode_end"].isna() | (caseload["episode_end"] > census))
    ]
    return open_.sort_values("episode_start").groupby("child_id").tail(1).set_index("child_id")


def qualifying(oversight: pd.DataFrame) -> pd.DataFrame:
    """Entries that count as oversight of a child: case supervision, management oversight."""
    return oversight[oversight["entry_type"].isin(OVERSIGHT_TYPES)]


def nanoseconds(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates as int64 nanoseconds, and where each is known (not NaT)."""
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]")
    return values.view(np.int64), ~np.isnat(values)


def _edges(codes: np.ndarray, start: np.ndarray, end: np.ndarray, *, joins: bool) -> tuple:
    """The spells' openings (+1) and closings (-1) in order of child, then time; at equal
    times openings first when touching spells join (a union), closings first when they do
    not (an overlap). Returns codes, times, steps and the depth after each step."""
    codes = np.concatenate([codes, codes])
    times = np.concatenate([start, end])
    steps = np.concatenate([np.ones(start.size, np.int64), -np.ones(end.size, np.int64)])
    tie = -steps if joins else steps
    order = np.lexsort((tie, times, codes))
    codes, times, steps = codes[order], times[order], steps[order]
    # Each child's steps sum to zero, so the running sum is each child's own depth.
    return codes, times, steps, np.cumsum(steps)


def union(codes: np.ndarray, start: np.ndarray, end: np.ndarray) -> Spells:
    """Each child's spells merged: disjoint, and apart (touching spells join)."""
    keep = start < end
    codes, times, steps, depth = _edges(codes[keep], start[keep], end[keep], joins=True)
    opens = (steps == 1) & (depth == 1)
    closes = (steps == -1) & (depth == 0)
    return codes[opens], times[opens], times[closes]


def overlap(first: Spells, second: Spells) -> Spells:
    """For each child, the times inside both sets of spells (each set disjoint and apart)."""
    codes, times, steps, depth = _edges(
        *(np.concatenate([a, b]) for a, b in zip(first, second, strict=True)), joins=False
    )
    opens = (steps == 1) & (depth == 2)
    closes = (steps == -1) & (depth == 1)
    return codes[opens], times[opens], times[closes]


def in_force(spells: Spells, dates: np.ndarray) -> np.ndarray:
    """How many spells hold at each date: those opened on or before it less those closed on
    or before it (a child counts once, its spells being disjoint)."""
    opened = np.searchsorted(np.sort(spells[1]), dates, side="right")
    closed = np.searchsorted(np.sort(spells[2]), dates, side="right")
    return opened - closed


class ChildCensus:
    """One LA's episodes and qualifying oversight entries as arrays built once (children as
    integer codes, entries in order of child then date), for the census at any date."""

    def __init__(self, caseload: pd.DataFrame, oversight: pd.DataFrame) -> None:
        self.caseload = caseload
        ids = pd.concat([caseload["child_id"], oversight["child_id"]], ignore_index=True)
        codes, uniques = pd.factorize(ids)
        self._ids = pd.Index(uniques)
        self._episode_codes = codes[: len(caseload)]
        dates, known = nanoseconds(oversight["entry_date"])
        codes = codes[len(caseload) :]
        counts = oversight["entry_type"].isin(OVERSIGHT_TYPES).to_numpy(dtype=bool)
        keep = counts & known & (codes >= 0)
        order = np.lexsort((dates[keep], codes[keep]))
        self._entry_codes, self._entry_dates = codes[keep][order], dates[keep][order]
        self._seen: dict[int, Spells] = {}

    @cached_property
    def open(self) -> Spells:
        """Each child's spells in the census (from 28 days into an episode to its end)."""
        start, start_known = nanoseconds(self.caseload["episode_start"])
        end, end_known = nanoseconds(self.caseload["episode_end"])
        keep = start_known & (self._episode_codes >= 0)
        end = np.where(end_known, end, NEVER)
        return union(self._episode_codes[keep], start[keep] + MIN_OPEN.value, end[keep])

    def seen(self, window: int) -> Spells:
        """Each child's spells within ``window`` whole days of a qualifying entry: an entry
        opens a spell unless the child's previous one (all spells being as long) still holds."""
        if window not in self._seen:
            codes, dates, span = self._entry_codes, self._entry_dates, (window + 1) * DAY
            new = np.ones(codes.size, bool)
            new[1:] = (codes[1:] != codes[:-1]) | (dates[1:] > dates[:-1] + span)
            first = np.flatnonzero(new)
            last = np.append(first[1:] - 1, codes.size - 1) if first.size else first
            self._seen[window] = (codes[first], dates[first], dates[last] + span)
        return self._seen[window]

    def counts(self, censuses: Sequence[pd.Timestamp], window: int) -> np.ndarray:
        """Per census date (rows): children seen within ``window`` days, children open."""
        dates = np.array([pd.Timestamp(c).value for c in censuses], dtype=np.int64)
        seen = in_force(overlap(self.open, self.seen(window)), dates)
        return np.column_stack([seen, in_force(self.open, dates)]).astype(float)

    def rows(self, labels: Sequence[str], censuses: Sequence[pd.Timestamp], window: int) -> list:
        """The ``child_oversight_<window>d`` count rows (overall) of each labelled period,
        counted at its census date."""
        metric = f"child_oversight_{window}d"
        return [
            {"period": p, "metric": metric, "breakdown": "all", "numerator": n, "denominator": d}
            for p, (n, d) in zip(labels, self.counts(censuses, window), strict=True)
        ]

    def days_since(self, census: pd.Timestamp, ids: pd.Index) -> pd.Series:
        """Whole days from each child's last qualifying entry on or before the census to the
        census (NaN: none), indexed by ``ids``."""
        c = pd.Timestamp(census).value
        before = self._entry_dates <= c
        codes, dates = self._entry_codes[before], self._entry_dates[before]
        last = np.flatnonzero(np.append(codes[1:] != codes[:-1], True)) if codes.size else codes
        days = np.full(len(self._ids) + 1, np.nan)  # the extra slot: a child never coded
        days[codes[last]] = (c - dates[last]) // DAY
        return pd.Series(days[self._ids.get_indexer(ids)], index=ids, dtype="float")

    def gaps(self, census: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
        """The children open at the census (one row each) and their days since oversight."""
        kids = open_children(self.caseload, census)
        return kids, self.days_since(census, kids.index)


def child_units(
    frames: dict[str, pd.DataFrame],
    census: pd.Timestamp,
    window: int,
    children: ChildCensus | None = None,
) -> pd.DataFrame:
    """One row per open child at the census for the unit-level model: outcome and covariates
    (legal status, team type, the allocated worker's caseload)."""
    if children is None:
        children = ChildCensus(frames["caseload"], frames["oversight"])
    kids, gap = children.gaps(census)
    case = frames["caseload"]
    open_all = case[
        (case["episode_start"] <= census)
        & (case["episode_end"].isna() | (case["episode_end"] > census))
    ]
    load = open_all.groupby("worker_id").size()
    return pd.DataFrame(
        {
            "within_window": (gap <= window).astype(int).to_numpy(),
            "legal_status": kids["legal_status"].to_numpy(),
            "team_type": kids["team_type"].to_numpy(),
            "worker_caseload": kids["worker_id"].map(load).astype("float").to_numpy(),
        }
    )
