"""Per-LA numerators and denominators of the comparative metrics (definitions: metrics.yaml).

Each function takes one LA's harmonised frames and returns long rows
``period, metric, breakdown, numerator, denominator``. Periods are the study year, its
quarters (census on the quarter's last day) and, for the child-level trend, each month.
Intervals, the region and funnel positions are added later (:mod:`oversight.compare.comparison`),
from these counts alone, so the regional roll-up never needs unit-level data.

Each count is the size of a set of units (workers, children or records);
:func:`oversight.compare.members.members` lists the units behind one cell, with the harmonised
row that decided each unit's outcome, so an auditor can trace a figure back to the raw file and
row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from oversight.compare.census import ChildCensus
from oversight.config import config_file, load_yaml

COLUMNS = ["period", "metric", "breakdown", "numerator", "denominator"]
ELIGIBLE_LOOKBACK = pd.Timedelta(days=365)
# Columns no count reads (the rows' lineage, free text): left out before the many selections
# of rows by period, which then copy less.
UNCOUNTED = ("la_code", "source_file", "source_row", "record_text")


@cache
def definitions() -> dict[str, dict]:
    return load_yaml(config_file("config/metrics.yaml"))


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


# A metric's cells: breakdown label -> the units counted in its denominator, as flags
# (True: counted in the numerator) indexed by unit (worker id, child id or row label).
Cells = dict[str, pd.Series]


def _groups(flags: pd.Series, by: dict[str, pd.Series]) -> Cells:
    """The non-missing flags: overall and for each breakdown value."""
    known = flags.dropna().astype(bool)
    out = {"all": known}
    for name, series in by.items():
        keys = series.reindex(known.index)
        for value, part in known.groupby(keys, sort=True):
            out[f"{name}={value}"] = part
    return out


def _counts(cells: Cells) -> dict[str, tuple[float, float]]:
    return {b: (float(part.sum()), float(part.size)) for b, part in cells.items()}


def _cell_rows(period: str, metrics: dict[str, Cells]) -> list[dict]:
    rows: list[dict] = []
    for metric, cells in metrics.items():
        rows += _rows(period, metric, _counts(cells))
    return rows


def counted(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames without the columns no count reads (:data:`UNCOUNTED`)."""
    return {
        k: f if f is None else f.drop(columns=[c for c in UNCOUNTED if c in f])
        for k, f in frames.items()
    }


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


def lookback(sup: pd.DataFrame, census: pd.Timestamp) -> pd.DataFrame:
    """Supervision records (of any kind) in the year to the census date."""
    return sup[(sup["session_date"] <= census) & (sup["session_date"] > census - ELIGIBLE_LOOKBACK)]


def eligible_workers(sup: pd.DataFrame, census: pd.Timestamp) -> pd.Index:
    """Workers with any supervision record in the year to the census date."""
    recent = lookback(sup, census)
    return pd.Index(recent["worker_id"].unique(), name="worker_id")


def days_since(
    events: pd.DataFrame, key: str, date: str, census: pd.Timestamp, ids: pd.Index
) -> pd.Series:
    """Days from each id's last event on or before the census to the census (NaN: none)."""
    before = events[events[date] <= census]
    last = before.groupby(key)[date].max().reindex(ids)
    return (census - last).dt.days.astype("float")


def held_personal(sup: pd.DataFrame) -> pd.DataFrame:
    """Personal supervision sessions that were held."""
    personal = sup[sup["session_type"] == "personal"]
    return personal[personal["status"] == "held"]


def _personal_in_period(sup: pd.DataFrame, period: Period) -> pd.DataFrame:
    personal = sup[sup["session_type"] == "personal"]
    return personal[personal["session_date"].between(period.start, period.end)]


def _staff_cells(
    sup: pd.DataFrame, period: Period, policy_days: int, windows: list[int]
) -> dict[str, Cells]:
    """Eligible workers, by worker id: last held personal supervision within each window."""
    census = period.end
    ids = eligible_workers(sup, census)
    attrs = worker_attributes(sup).reindex(ids)
    by = {"role": attrs["role"], "agency": attrs["agency"], "nqsw": attrs["nqsw"]}
    gap = days_since(held_personal(sup), "worker_id", "session_date", census, ids)
    out = {f"staff_supervision_{w}d": _groups(gap <= w, by) for w in windows}
    out["staff_supervision_policy"] = _groups(gap <= policy_days, by)
    return out


def _session_cells(sup: pd.DataFrame, period: Period) -> dict[str, Cells]:
    """Personal sessions in the period, by row: cancelled; held and 90 minutes or more."""
    in_period = _personal_in_period(sup, period)
    held_p = in_period[in_period["status"] == "held"]
    long = (held_p["duration_min"] >= 90).astype("boolean")
    long[held_p["duration_min"].isna()] = pd.NA
    return {
        "supervision_cancelled": _groups(in_period["status"] == "cancelled", {}),
        "supervision_90min_plus": _groups(long, {}),
    }


def staff_metrics(
    sup: pd.DataFrame, period: Period, policy_days: int, windows: list[int]
) -> list[dict]:
    rows = _cell_rows(period.label, _staff_cells(sup, period, policy_days, windows))
    ids = eligible_workers(sup, period.end)
    in_period = _personal_in_period(sup, period)
    days = (period.end - period.start).days + 1
    due = len(ids) * days / policy_days
    n_held = float((in_period["status"] == "held").sum())
    rows += _rows(period.label, "sessions_held_vs_due", {"all": (n_held, round(due, 1))})
    rows += _cell_rows(period.label, _session_cells(sup, period))
    return rows


def held_in_period(sup: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Sessions of any kind held in the period."""
    return sup[sup["session_date"].between(period.start, period.end) & (sup["status"] == "held")]


def any_reflection(sessions: pd.DataFrame) -> pd.Series:
    """Whether each session records a family or a practitioner reflection."""
    return sessions["family_reflection_recorded"].fillna(False).astype(bool) | sessions[
        "practitioner_reflection_recorded"
    ].fillna(False).astype(bool)


def _reflection_cells(sup: pd.DataFrame, period: Period) -> dict[str, Cells]:
    """Held sessions in the period by row (parts 1 and 2); eligible workers by id (neither)."""
    in_period = held_in_period(sup, period)
    case = in_period[in_period["session_type"] == "case"]
    personal = in_period[in_period["session_type"] == "personal"]
    ids = eligible_workers(sup, period.end)
    recorded = in_period.loc[any_reflection(in_period), "worker_id"].unique()
    neither = pd.Series(~ids.isin(recorded), index=ids)
    return {
        "part1_family_reflection": _groups(case["family_reflection_recorded"], {}),
        "part2_practitioner_reflection": _groups(personal["practitioner_reflection_recorded"], {}),
        "neither_reflection": _groups(neither, {}),
    }


def reflection_metrics(sup: pd.DataFrame, period: Period) -> list[dict]:
    """The study's hypothesis: part 1 on case supervision, part 2 on personal supervision."""
    return _cell_rows(period.label, _reflection_cells(sup, period))


# ----------------------------------------------------------------------- child level
def _child_cells(
    caseload: pd.DataFrame,
    oversight: pd.DataFrame,
    period: Period,
    windows: list[int],
    breakdowns: bool = True,
    children: ChildCensus | None = None,
) -> dict[str, Cells]:
    """Open children, by child id: last oversight entry within each window (``children``:
    the census arrays of these frames, when already built)."""
    children = children if children is not None else ChildCensus(caseload, oversight)
    kids, gap = children.gaps(period.end)
    by = (
        {"legal_status": kids["legal_status"], "team_type": kids["team_type"]} if breakdowns else {}
    )
    return {f"child_oversight_{w}d": _groups(gap <= w, by) for w in windows}


def child_metrics(
    caseload: pd.DataFrame,
    oversight: pd.DataFrame,
    period: Period,
    windows: list[int],
    breakdowns: bool = True,
    children: ChildCensus | None = None,
) -> list[dict]:
    cells = _child_cells(caseload, oversight, period, windows, breakdowns, children)
    return _cell_rows(period.label, cells)


def _rationale_cells(oversight: pd.DataFrame, period: Period) -> dict[str, Cells]:
    """Oversight entries in the period, by row: rationale recorded."""
    in_period = oversight[oversight["entry_date"].between(period.start, period.end)]
    return {
        "oversight_rationale": _groups(
            in_period["rationale_recorded"], {"entry_type": in_period["entry_type"]}
        )
    }


def rationale_metrics(oversight: pd.DataFrame, period: Period) -> list[dict]:
    return _cell_rows(period.label, _rationale_cells(oversight, period))


# ----------------------------------------------------------------------- audits
def _audits_in_period(audits: pd.DataFrame, period: Period) -> pd.DataFrame:
    return audits[audits["audit_date"].between(period.start, period.end)]


def _audit_cells(audits: pd.DataFrame, period: Period) -> dict[str, Cells]:
    """Domain grades of audits in the period, by row."""
    a = _audits_in_period(audits, period)
    good = (a["grade"] >= 3).astype("boolean")
    mo = a["domain"] == "management_oversight"
    out = {"audit_mo_good": _groups(good[mo], {})}
    # Moderation moves grades (mostly down): the final grade is the moderator's where there is one.
    final = a["moderated_grade"].fillna(a["grade"])
    out["audit_mo_good_moderated"] = _groups((final >= 3).astype("boolean")[mo], {})
    split = _groups(good, {"domain": a["domain"]})
    out["audit_good_or_better"] = {k: v for k, v in split.items() if k != "all"}
    out["audit_grade_share"] = _grade_shares(a)
    moderated = a[a["moderated_grade"].notna()]
    down = moderated["moderated_grade"] < moderated["grade"]
    out["moderation_downgraded"] = _groups(down.astype("boolean"), {})
    if sends(audits, "learning_conversation"):
        out["audit_learning_conversation"] = _groups(_per_audit(a, "learning_conversation"), {})
    return out


def _grade_shares(a: pd.DataFrame) -> Cells:
    """Each domain's rows, by row: graded 1, 2, 3 or 4 (an ungraded row in no numerator)."""
    out: Cells = {}
    for domain, part in a.groupby("domain", sort=True):
        grades = part["grade"].to_numpy(dtype="float", na_value=np.nan)
        for g in (1, 2, 3, 4):
            out[f"domain={domain};grade={g}"] = pd.Series(grades == g, index=part.index)
    return out


def sends(frame: pd.DataFrame | None, field: str) -> bool:
    """Whether the LA sends an optional field: some row holds a value. An LA that does not
    has no rows for the metrics built on it (not zeros)."""
    return frame is not None and field in frame and bool(frame[field].notna().any())


def _per_audit(a: pd.DataFrame, field: str) -> pd.Series:
    """An attribute of each audit (repeated on its domain rows): its first known value,
    indexed by the audit's first row."""
    first = a.drop_duplicates("audit_id")
    value = a.groupby("audit_id", sort=False)[field].first()
    return pd.Series(
        value.reindex(first["audit_id"]).to_numpy(), index=first.index, dtype="boolean"
    )


# ----------------------------------------------------------------------- strategy discussions
PARTNERS = {
    "strategy_police_attended": "police_attended",
    "strategy_health_attended": "health_attended",
    "strategy_education_attended": "education_attended",
}


def _strategy_cells(strat: pd.DataFrame | None, period: Period) -> dict[str, Cells]:
    """Strategy discussions in the period, by row: each partner's attendance where the LA
    sends it, and all three partners where it sends all three (known for all three)."""
    if strat is None or strat.empty:
        return {}
    s = strat[strat["discussion_date"].between(period.start, period.end)]
    out = {m: _groups(s[f], {}) for m, f in PARTNERS.items() if sends(strat, f)}
    if len(out) == len(PARTNERS):
        flags = s[list(PARTNERS.values())].astype("boolean")
        # All three known to attend: yes; any known absent: no (even if another is blank);
        # otherwise unknown, and left out of the denominator.
        absent = (~flags).fillna(False).any(axis=1)
        every = pd.Series(pd.NA, index=s.index, dtype="boolean")
        every[flags.notna().all(axis=1)] = True
        every[absent] = False
        out["strategy_all_partners"] = _groups(every, {})
    return out


def strategy_metrics(strat: pd.DataFrame | None, period: Period) -> list[dict]:
    return _cell_rows(period.label, _strategy_cells(strat, period))


def audit_metrics(audits: pd.DataFrame, period: Period) -> list[dict]:
    rows = _cell_rows(period.label, _audit_cells(audits, period))
    a = _audits_in_period(audits, period)
    # Each (auditor, moderator) pair of grades counted where both are known.
    auditor = a["grade"].to_numpy(dtype="float", na_value=np.nan)
    moderator = a["moderated_grade"].to_numpy(dtype="float", na_value=np.nan)
    rows += _rows(
        period.label,
        "moderation_pairs",
        {
            f"auditor={i};moderator={j}": (float(((auditor == i) & (moderator == j)).sum()), np.nan)
            for i in (1, 2, 3, 4)
            for j in (1, 2, 3, 4)
        },
    )
    return rows


def la_metrics(
    frames: dict[str, pd.DataFrame],
    start: str,
    end: str,
    policy_days: int,
    windows: list[int],
    children: ChildCensus | None = None,
) -> pd.DataFrame:
    """Every metric for one LA: the year, its quarters, and the monthly child-level trend
    (``children``: the census arrays of its caseload and oversight, when already built)."""
    frames = counted(frames)
    sup, case, over, aud = (frames[k] for k in ("supervision", "caseload", "oversight", "audits"))
    children = children if children is not None else ChildCensus(case, over)
    rows: list[dict] = []
    for period in periods(start, end):
        rows += staff_metrics(sup, period, policy_days, windows)
        rows += reflection_metrics(sup, period)
        rows += child_metrics(case, over, period, windows, children=children)
        rows += rationale_metrics(over, period)
        rows += audit_metrics(aud, period)
        rows += strategy_metrics(frames.get("strategy_discussions"), period)
    months = periods(start, end, months=True)
    for w in windows[:1]:
        rows += children.rows([m.label for m in months], [m.end for m in months], w)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["metric", "period", "breakdown"], kind="stable").reset_index(drop=True)


def impact_series(
    frames: dict[str, pd.DataFrame],
    start: str,
    end: str,
    outcomes: Iterable[str],
    children: ChildCensus | None = None,
) -> pd.DataFrame:
    """Monthly numerators and denominators of the outcomes the templates may move (the
    impact plan's ``outcomes``, config/impact.yaml), from the start of the study to the end of
    the data (the baseline year and the follow-up months): child-level oversight at each
    month end, reflection among the month's held sessions, audit grades of the month
    (``children``: the census arrays of its caseload and oversight, when already built).
    """
    frames = counted(frames)
    sup, case, over, aud = (frames[k] for k in ("supervision", "caseload", "oversight", "audits"))
    months = periods(start, end, months=True)
    children = children if children is not None else ChildCensus(case, over)
    rows = children.rows([m.label for m in months], [m.end for m in months], 28)
    for month in months:
        rows += reflection_metrics(sup, month)
        rows += audit_metrics(aud, month)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out = out[out["metric"].isin(list(outcomes)) & (out["breakdown"] == "all")]
    return out.sort_values(["metric", "period"], kind="stable").reset_index(drop=True)


# Metrics whose units are records: the harmonised dataset they are rows of.
EVENT_DATASETS = {
    "supervision_cancelled": "supervision",
    "supervision_90min_plus": "supervision",
    "part1_family_reflection": "supervision",
    "part2_practitioner_reflection": "supervision",
    "oversight_rationale": "oversight",
    "audit_mo_good": "audits",
    "audit_mo_good_moderated": "audits",
    "audit_good_or_better": "audits",
    "audit_grade_share": "audits",
    "moderation_downgraded": "audits",
    "audit_learning_conversation": "audits",
    "strategy_police_attended": "strategy_discussions",
    "strategy_health_attended": "strategy_discussions",
    "strategy_education_attended": "strategy_discussions",
    "strategy_all_partners": "strategy_discussions",
}


# A family of metrics worked out together: their names, and the function giving their cells.
Family = tuple[list[str], Callable[[], dict[str, Cells]]]


def cell_families(
    frames: dict[str, pd.DataFrame],
    start: str,
    end: str,
    policy_days: int,
    windows: list[int],
    period: str,
) -> tuple[Period, list[Family]]:
    """The period labelled ``period`` (the study year, a quarter or a month between ``start``
    and ``end``) and the families of :func:`la_metrics` counted in it that have unit records,
    each worked out only when called. Raises ``KeyError`` for a period with no cells."""
    sup, case, over, aud = (frames[k] for k in ("supervision", "caseload", "oversight", "audits"))
    strat = frames.get("strategy_discussions")
    main = {p.label: p for p in periods(start, end)}
    monthly = {p.label: p for p in periods(start, end, months=True)}
    child = [f"child_oversight_{w}d" for w in windows]
    if period in main:
        p = main[period]
        staff = [f"staff_supervision_{w}d" for w in windows]
        return p, [
            (
                [*staff, "staff_supervision_policy"],
                lambda: _staff_cells(sup, p, policy_days, windows),
            ),
            (["supervision_cancelled", "supervision_90min_plus"], lambda: _session_cells(sup, p)),
            (
                ["part1_family_reflection", "part2_practitioner_reflection", "neither_reflection"],
                lambda: _reflection_cells(sup, p),
            ),
            (child, lambda: _child_cells(case, over, p, windows)),
            (["oversight_rationale"], lambda: _rationale_cells(over, p)),
            (
                [m for m, d in EVENT_DATASETS.items() if d == "audits"],
                lambda: _audit_cells(aud, p),
            ),
            ([*PARTNERS, "strategy_all_partners"], lambda: _strategy_cells(strat, p)),
        ]
    if period in monthly:
        p = monthly[period]
        return p, [(child[:1], lambda: _child_cells(case, over, p, windows[:1], breakdowns=False))]
    known = ", ".join([*main, *monthly])
    raise KeyError(f"no period {period!r} between {start} and {end} (known: {known})")
