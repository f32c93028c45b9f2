"""Per-LA numerators and denominators of the comparative metrics (definitions: metrics.yaml).

Each function takes one LA's harmonised frames and returns long rows
``period, metric, breakdown, numerator, denominator``. Periods are the study year, its
quarters (census on the quarter's last day) and, for the child-level trend, each month.
Intervals, the region and funnel positions are added later (:mod:`oversight.comparison`),
from these counts alone, so the regional roll-up never needs unit-level data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

COLUMNS = ["period", "metric", "breakdown", "numerator", "denominator"]
OVERSIGHT_TYPES = ("case_supervision", "management_oversight")
ELIGIBLE_LOOKBACK = pd.Timedelta(days=365)
MIN_OPEN = pd.Timedelta(days=28)


@cache
def definitions() -> dict[str, dict]:
    return yaml.safe_load(resources.files("oversight").joinpath("metrics.yaml").read_text())


@dataclass(frozen=True)
class Period:
    """A reporting period: events between ``start`` and ``end``; census on ``end``."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp


def periods(start: str, end: str, months: bool = False) -> list[Period]:
    """The study year and its quarters (or its months)."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    year = f"{s.year}-{str(s.year + 1)[2:]}"
    out = [Period(year, s, e)]
    step = 1 if months else 3
    bounds = pd.date_range(s, e + pd.Timedelta(days=1), freq=f"{step}MS")
    for i, lo in enumerate(bounds[:-1]):
        hi = bounds[i + 1] - pd.Timedelta(days=1)
        label = lo.strftime("%Y-%m") if months else f"{year} Q{i + 1}"
        out.append(Period(label, lo, hi))
    return out[1:] if months else out


def _rows(period: str, metric: str, groups: dict[str, tuple[float, float]]) -> list[dict]:
    return [
        {"period": period, "metric": metric, "breakdown": b, "numerator": n, "denominator": d}
        for b, (n, d) in groups.items()
    ]


def _split(flags: pd.Series, by: dict[str, pd.Series]) -> dict[str, tuple[float, float]]:
    """Counts of True among non-missing flags: overall and for each breakdown value."""
    known = flags.dropna().astype(bool)
    out = {"all": (float(known.sum()), float(known.size))}
    for name, series in by.items():
        keys = series.reindex(known.index)
        for value, part in known.groupby(keys, sort=True):
            out[f"{name}={value}"] = (float(part.sum()), float(part.size))
    return out


def _yes_no(series: pd.Series) -> pd.Series:
    return series.map({True: "yes", False: "no"}).astype("string")


# ----------------------------------------------------------------------- staff level
def worker_attributes(sup: pd.DataFrame) -> pd.DataFrame:
    """Each worker's role, agency and NQSW status, from their latest session."""
    latest = sup.sort_values(["worker_id", "session_date"]).groupby("worker_id").tail(1)
    latest = latest.set_index("worker_id")
    return pd.DataFrame(
        {
            "role": latest["worker_role"],
            "agency": _yes_no(latest["agency"]),
            "nqsw": _yes_no(latest["nqsw"]),
        }
    )


def eligible_workers(sup: pd.DataFrame, census: pd.Timestamp) -> pd.Index:
    """Workers with any supervision record in the year to the census date."""
    recent = sup[
        (sup["session_date"] <= census) & (sup["session_date"] > census - ELIGIBLE_LOOKBACK)
    ]
    return pd.Index(recent["worker_id"].unique(), name="worker_id")


def days_since(
    events: pd.DataFrame, key: str, date: str, census: pd.Timestamp, ids: pd.Index
) -> pd.Series:
    """Days from each id's last event on or before the census to the census (NaN: none)."""
    before = events[events[date] <= census]
    last = before.groupby(key)[date].max().reindex(ids)
    return (census - last).dt.days.astype("float")


def staff_metrics(
    sup: pd.DataFrame, period: Period, policy_days: int, windows: list[int]
) -> list[dict]:
    census = period.end
    ids = eligible_workers(sup, census)
    attrs = worker_attributes(sup).reindex(ids)
    by = {"role": attrs["role"], "agency": attrs["agency"], "nqsw": attrs["nqsw"]}
    personal = sup[sup["session_type"] == "personal"]
    held = personal[personal["status"] == "held"]
    gap = days_since(held, "worker_id", "session_date", census, ids)
    rows: list[dict] = []
    for w in windows:
        rows += _rows(period.label, f"staff_supervision_{w}d", _split(gap <= w, by))
    rows += _rows(period.label, "staff_supervision_policy", _split(gap <= policy_days, by))
    in_period = personal[personal["session_date"].between(period.start, period.end)]
    days = (period.end - period.start).days + 1
    due = len(ids) * days / policy_days
    n_held = float((in_period["status"] == "held").sum())
    rows += _rows(period.label, "sessions_held_vs_due", {"all": (n_held, round(due, 1))})
    rows += _rows(
        period.label, "supervision_cancelled", _split(in_period["status"] == "cancelled", {})
    )
    held_p = in_period[in_period["status"] == "held"]
    long = (held_p["duration_min"] >= 90).astype("boolean")
    long[held_p["duration_min"].isna()] = pd.NA
    rows += _rows(period.label, "supervision_90min_plus", _split(long, {}))
    return rows


def reflection_metrics(sup: pd.DataFrame, period: Period) -> list[dict]:
    """The study's hypothesis: part 1 on case supervision, part 2 on personal supervision."""
    in_period = sup[
        sup["session_date"].between(period.start, period.end) & (sup["status"] == "held")
    ]
    case = in_period[in_period["session_type"] == "case"]
    personal = in_period[in_period["session_type"] == "personal"]
    rows = _rows(
        period.label, "part1_family_reflection", _split(case["family_reflection_recorded"], {})
    )
    rows += _rows(
        period.label,
        "part2_practitioner_reflection",
        _split(personal["practitioner_reflection_recorded"], {}),
    )
    ids = eligible_workers(sup, period.end)
    any_rec = in_period["family_reflection_recorded"].fillna(False).astype(bool) | in_period[
        "practitioner_reflection_recorded"
    ].fillna(False).astype(bool)
    recorded = in_period.loc[any_rec, "worker_id"].unique()
    neither = pd.Series(~ids.isin(recorded), index=ids)
    rows += _rows(period.label, "neither_reflection", _split(neither, {}))
    return rows


# ----------------------------------------------------------------------- child level
def open_children(caseload: pd.DataFrame, census: pd.Timestamp) -> pd.DataFrame:
    """Children open at the census date and open for at least 28 days (one row each)."""
    open_ = caseload[
        (caseload["episode_start"] <= census - MIN_OPEN)
        & (caseload["episode_end"].isna() | (caseload["episode_end"] > census))
    ]
    return open_.sort_values("episode_start").groupby("child_id").tail(1).set_index("child_id")


def child_gaps(
    caseload: pd.DataFrame, oversight: pd.DataFrame, census: pd.Timestamp
) -> tuple[pd.DataFrame, pd.Series]:
    kids = open_children(caseload, census)
    entries = oversight[oversight["entry_type"].isin(OVERSIGHT_TYPES)]
    return kids, days_since(entries, "child_id", "entry_date", census, kids.index)


def child_metrics(
    caseload: pd.DataFrame,
    oversight: pd.DataFrame,
    period: Period,
    windows: list[int],
    breakdowns: bool = True,
) -> list[dict]:
    kids, gap = child_gaps(caseload, oversight, period.end)
    by = (
        {"legal_status": kids["legal_status"], "team_type": kids["team_type"]} if breakdowns else {}
    )
    rows: list[dict] = []
    for w in windows:
        rows += _rows(period.label, f"child_oversight_{w}d", _split(gap <= w, by))
    return rows


def rationale_metrics(oversight: pd.DataFrame, period: Period) -> list[dict]:
    in_period = oversight[oversight["entry_date"].between(period.start, period.end)]
    return _rows(
        period.label,
        "oversight_rationale",
        _split(in_period["rationale_recorded"], {"entry_type": in_period["entry_type"]}),
    )


# ----------------------------------------------------------------------- audits
def audit_metrics(audits: pd.DataFrame, period: Period) -> list[dict]:
    a = audits[audits["audit_date"].between(period.start, period.end)]
    good = (a["grade"] >= 3).astype("boolean")
    mo = a["domain"] == "management_oversight"
    rows = _rows(period.label, "audit_mo_good", _split(good[mo], {}))
    split = _split(good, {"domain": a["domain"]})
    rows += _rows(
        period.label, "audit_good_or_better", {k: v for k, v in split.items() if k != "all"}
    )
    for domain, part in a.groupby("domain", sort=True):
        counts = part["grade"].value_counts()
        rows += _rows(
            period.label,
            "audit_grade_share",
            {
                f"domain={domain};grade={g}": (float(counts.get(g, 0)), float(len(part)))
                for g in (1, 2, 3, 4)
            },
        )
    moderated = a[a["moderated_grade"].notna()]
    down = moderated["moderated_grade"] < moderated["grade"]
    rows += _rows(period.label, "moderation_downgraded", _split(down.astype("boolean"), {}))
    table = pd.crosstab(moderated["grade"], moderated["moderated_grade"])
    rows += _rows(
        period.label,
        "moderation_pairs",
        {
            f"auditor={i};moderator={j}": (
                float(table.at[i, j]) if i in table.index and j in table.columns else 0.0,
                np.nan,
            )
            for i in (1, 2, 3, 4)
            for j in (1, 2, 3, 4)
        },
    )
    return rows


def la_metrics(
    frames: dict[str, pd.DataFrame], start: str, end: str, policy_days: int, windows: list[int]
) -> pd.DataFrame:
    """Every metric for one LA: the year, its quarters, and the monthly child-level trend."""
    sup, case, over, aud = (frames[k] for k in ("supervision", "caseload", "oversight", "audits"))
    rows: list[dict] = []
    for period in periods(start, end):
        rows += staff_metrics(sup, period, policy_days, windows)
        rows += reflection_metrics(sup, period)
        rows += child_metrics(case, over, period, windows)
        rows += rationale_metrics(over, period)
        rows += audit_metrics(aud, period)
    for month in periods(start, end, months=True):
        rows += child_metrics(case, over, month, windows[:1], breakdowns=False)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["metric", "period", "breakdown"], kind="stable").reset_index(drop=True)


def child_units(frames: dict[str, pd.DataFrame], census: pd.Timestamp, window: int) -> pd.DataFrame:
    """One row per open child at the census for the unit-level model: outcome and covariates
    (legal status, team type, the allocated worker's caseload)."""
    kids, gap = child_gaps(frames["caseload"], frames["oversight"], census)
    open_all = frames["caseload"][
        (frames["caseload"]["episode_start"] <= census)
        & (frames["caseload"]["episode_end"].isna() | (frames["caseload"]["episode_end"] > census))
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
