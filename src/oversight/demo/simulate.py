"""Synthetic populations in the common schema, drawn from the rates planted in each LA.

Volumes follow the real 2024-25 figures of the LA whose volumes a demo LA takes (children in
need during the year and at 31 March, child protection and looked-after counts, social-worker
FTE, agency rate). Every date comes from the study :class:`~oversight.demo.study.Window`
passed in: the extracts run on past the study year to ``window.data_end``, the follow-up
months in which some LAs adopt the part 1 and part 2 supervision templates
(:mod:`oversight.demo.rates`).

Staff-level supervision: at each quarter-end census every worker's last *held personal*
supervision is placed ``g`` days before the census (:func:`oversight.demo.rates.expected_within`);
earlier sessions fill the quarter. Child-level oversight works the same way for children open
at the census and open for at least 28 days, counting case-supervision and management-oversight
entries (decisions do not count).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from oversight.demo.rates import (
    COMPLIANT_GAPS,
    NONCOMPLIANT_GAPS,
    NOT_ADOPTED,
    Adoption,
    Rates,
    reflection_probabilities,
    shifted,
)
from oversight.demo.study import Window

# "recorded" side. Practitioners' own feelings and biases are discussed far more than recorded.
COMPARE_GAP = {
    "family_capacity": 0.15,
    "family_prognosis": 0.2,
    "own_feelings": 0.35,
    "own_bias": 0.35,
    "default": 0.2,
}

DOMAINS = [
    "management_oversight",
    "supervision",
    "planning",
    "voice_of_child",
    "assessment",
    "partnership",
    "recording",
]
ROLES = ["social_worker", "senior_practitioner", "team_manager", "service_manager", "other"]
ROLE_P = [0.68, 0.18, 0.10, 0.02, 0.02]


def _gap(rng: np.random.Generator, compliant: np.ndarray) -> np.ndarray:
    a = rng.integers(COMPLIANT_GAPS[0], COMPLIANT_GAPS[1] + 1, size=compliant.size)
    b = rng.integers(NONCOMPLIANT_GAPS[0], NONCOMPLIANT_GAPS[1] + 1, size=compliant.size)
    return np.where(compliant, a, b)


def _ids(rng: np.random.Generator, n: int, style: str) -> np.ndarray:
    """Raw identifiers in a system's own style (never sequential, never reused)."""
    numbers = rng.choice(np.arange(100000, 999999), size=n, replace=False)
    if style == "numeric":
        return np.array([f"9{x:07d}" for x in numbers])
    return np.array([f"{style}{x:06d}" for x in numbers])


def workers(ref: dict[str, str], rng: np.random.Generator, id_style: str) -> pd.DataFrame:
    n = max(12, round(float(ref["sw_fte_inpost_sep2025"]) * 1.1))
    agency_rate = float(ref["agency_rate_fte_2025"] or 0) / 100
    return pd.DataFrame(
        {
            "worker_id": _ids(rng, n, id_style),
            "worker_role": rng.choice(ROLES, size=n, p=ROLE_P),
            "agency": rng.random(n) < agency_rate,
            "nqsw": rng.random(n) < 0.12,
        }
    )


def supervision(
    staff: pd.DataFrame,
    rates: Rates,
    rng: np.random.Generator,
    window: Window,
    adoption: Adoption = NOT_ADOPTED,
    extra: np.random.Generator | None = None,
) -> pd.DataFrame:
    """Sessions per worker: anchored personal supervisions, case and group supervision.

    Every held case and personal session records both reflection flags. A worker records
    no reflection at all with probability ``never_reflect`` (drawn from ``extra``, the LA's
    second stream); the others record each part with the session's chance divided by the
    share of recording workers, so each cell's marginal rate is as planted.
    """
    rows: list[tuple] = []
    n = len(staff)
    prev = window.period_start - pd.Timedelta(days=1)
    censuses = window.censuses
    for census in censuses:
        gaps = _gap(rng, rng.random(n) < rates.staff_28)
        for w in range(n):
            anchor = census - pd.Timedelta(days=int(gaps[w]))
            rows.append((w, anchor, "personal", "held"))
            d = anchor - pd.Timedelta(days=int(rng.integers(26, 35)))
            while d > prev:
                rows.append((w, d, "personal", "held"))
                d -= pd.Timedelta(days=int(rng.integers(26, 35)))
            if rng.random() < 0.12:
                span = (census - prev).days
                rows.append(
                    (
                        w,
                        prev + pd.Timedelta(days=int(rng.integers(1, span + 1))),
                        "personal",
                        "cancelled",
                    )
                )
        prev = census
    months = pd.date_range(window.period_start, window.data_end, freq="MS")
    for w in range(n):
        for m in months:
            status = "held" if rng.random() < 0.92 else "cancelled"
            rows.append((w, m + pd.Timedelta(days=int(rng.integers(0, 27))), "case", status))
        for q in range(len(censuses)):
            day = months[q * 3] + pd.Timedelta(days=int(rng.integers(30, 80)))
            rows.append((w, day, "group", "held"))
    frame = pd.DataFrame(rows, columns=["w", "session_date", "session_type", "status"])
    recorder = np.ones(n, dtype=bool)
    if extra is not None:
        recorder = extra.random(n) >= rates.never_reflect
    records = recorder[frame["w"].to_numpy()]
    frame = pd.concat([staff.iloc[frame["w"]].reset_index(drop=True), frame], axis=1)
    frame = frame.drop(columns="w")
    held = frame["status"] == "held"
    size = len(frame)
    mean = frame["session_type"].map({"personal": 80, "case": 45, "group": 90})
    duration = np.clip(rng.normal(mean, 22), 10, 180).round().astype("int64")
    frame["duration_min"] = pd.array(np.where(held, duration, 0), dtype="Int64")
    frame.loc[~held, "duration_min"] = pd.NA
    recorded = held & frame["session_type"].isin(["case", "personal"])
    p1, p2 = reflection_probabilities(frame["session_type"], frame["session_date"], rates, adoption)
    keep = 1 - rates.never_reflect
    fam = pd.array(records & (rng.random(size) < p1 / keep), dtype="boolean")
    prac = pd.array(records & (rng.random(size) < p2 / keep), dtype="boolean")
    frame["family_reflection_recorded"] = pd.array([pd.NA] * size, dtype="boolean")
    frame["practitioner_reflection_recorded"] = pd.array([pd.NA] * size, dtype="boolean")
    frame.loc[recorded, "family_reflection_recorded"] = fam[recorded.to_numpy()]
    frame.loc[recorded, "practitioner_reflection_recorded"] = prac[recorded.to_numpy()]
    return frame.sort_values(
        ["session_date", "worker_id", "session_type"], kind="stable"
    ).reset_index(drop=True)


def children(
    ref: dict[str, str],
    staff: pd.DataFrame,
    rng: np.random.Generator,
    id_style: str,
    window: Window,
) -> pd.DataFrame:
    # Children in need during 2024-25, plus the new episodes of the follow-up months.
    n_year = int(ref["cin_children_during_year_2024_25"])
    n = round(n_year * (0.55 + 0.45 * window.days / 365))
    n_open = int(ref["cin_at_31mar_2025"])
    cp = float(ref["cpp_at_31mar_2025"]) / n_open
    cla = float(ref["cla_at_31mar_2025"]) / n_open
    status = rng.choice(
        ["CIN", "CP", "CLA", "care_leaver"], size=n, p=[1 - cp - cla - 0.05, cp, cla, 0.05]
    )
    before = rng.random(n) < 0.55 * n_year / n
    start_old = window.period_start - pd.to_timedelta(rng.integers(1, 4 * 365, size=n), unit="D")
    # New episodes keep arriving through the follow-up months.
    start_new = window.period_start + pd.to_timedelta(
        rng.integers(0, window.days - 15, size=n), unit="D"
    )
    start = np.where(before, start_old, start_new)
    open_at_end = np.zeros(n, dtype=bool)
    open_at_end[rng.choice(n, size=n_open, replace=False)] = True
    length = pd.to_timedelta(rng.integers(14, 365, size=n), unit="D")
    end = pd.Series(pd.to_datetime(start) + length)
    end = end.where(~open_at_end & (end <= window.data_end))
    # Teams follow legal status loosely, as in practice (not one-to-one, so a model can
    # tell legal status and team apart).
    team = {
        "CIN": ["front_door", "assessment", "cin_cp", "disabled_children"],
        "CP": ["cin_cp"] * 6 + ["assessment", "disabled_children"],
        "CLA": ["cla"] * 6 + ["disabled_children", "other"],
        "care_leaver": ["care_leavers"] * 8 + ["cla"],
    }
    return pd.DataFrame(
        {
            "child_id": _ids(rng, n, id_style),
            "worker_id": rng.choice(staff["worker_id"].to_numpy(), size=n),
            "legal_status": status,
            "team_type": [rng.choice(team[s]) for s in status],
            "episode_start": pd.to_datetime(start).astype("datetime64[s]"),
            "episode_end": pd.to_datetime(end).astype("datetime64[s]"),
        }
    )


def oversight(
    kids: pd.DataFrame,
    rates: Rates,
    rng: np.random.Generator,
    window: Window,
    adoption: Adoption = NOT_ADOPTED,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Entries on children's files, and the expected child-level rates they were drawn from.

    At every month end each eligible child (open, and open for 28 days) is compliant with
    probability ``q``: its last oversight entry of the month lies 0..G days before the month
    end (G = 28, or one less than the month's length), else it has no entry that month. Months
    are at least 28 days long, so the 28-day rate is ``q`` at every month end (February's window
    reaches 31 January), and the W-day rate is ``q + (1 - q) q P(last month's entry within W
    days)``, worked out per child below.
    """
    parts = []
    prev = window.period_start - pd.Timedelta(days=1)
    start = kids["episode_start"]
    end = kids["episode_end"]
    expected: dict[str, dict[str, float]] = {}
    q_prev = rates.child_28
    was_eligible = np.zeros(len(kids), dtype=bool)
    prev_span = 0
    for census in window.month_ends():
        # The month's compliance probability: the baseline, moved once the template is in.
        month_start = census - pd.offsets.MonthBegin(1)
        q = float(
            shifted(rates.child_28, adoption.odds_ratio("child_oversight_28d", month_start))[0]
        )
        length = (census - prev).days
        span = min(28, length - 1)  # compliant gaps 0..span stay inside this month
        eligible = (
            (start <= census - pd.Timedelta(days=28)) & (end.isna() | (end > census))
        ).to_numpy()
        idx = np.flatnonzero(eligible)
        comp = rng.random(idx.size) < q
        gaps = rng.integers(0, span + 1, size=idx.size)
        anchor = census - pd.to_timedelta(gaps, unit="D")
        kinds = rng.choice(["case_supervision", "management_oversight"], size=idx.size)
        parts.append(
            pd.DataFrame({"i": idx[comp], "entry_date": anchor[comp], "entry_type": kinds[comp]})
        )
        lo = np.maximum(start.iloc[idx].to_numpy(), np.datetime64(prev))
        room = (anchor.to_numpy() - lo).astype("timedelta64[D]").astype(int) - 1
        fill = comp & (room >= 1) & (rng.random(idx.size) < 0.15)
        offset = (rng.random(idx.size) * np.maximum(room, 1)).astype(int) + 1
        parts.append(
            pd.DataFrame(
                {
                    "i": idx[fill],
                    "entry_date": (lo + offset.astype("timedelta64[D]"))[fill],
                    "entry_type": rng.choice(
                        ["case_supervision", "management_oversight"], size=idx.size
                    )[fill],
                }
            )
        )
        expected[str(census.date())] = _expected(q, q_prev, length, prev_span, was_eligible[idx])
        was_eligible = eligible
        prev_span = span
        q_prev = q
        prev = census
    parts.append(_decisions(kids, rng, window))
    frame = pd.concat(parts, ignore_index=True)
    frame["child_id"] = kids["child_id"].to_numpy()[frame["i"]]
    frame["entry_date"] = pd.to_datetime(frame["entry_date"]).astype("datetime64[s]")
    frame["rationale_recorded"] = pd.array(
        rng.random(len(frame)) < rates.rationale, dtype="boolean"
    )
    frame = frame.drop(columns="i")[["child_id", "entry_date", "entry_type", "rationale_recorded"]]
    frame = frame.sort_values(["entry_date", "child_id", "entry_type"], kind="stable")
    return frame.reset_index(drop=True), expected


def _expected(
    q: float, q_prev: float, length: int, prev_span: int, was_eligible: np.ndarray
) -> dict[str, float | int]:
    """The expected 28- and 42-day rates at one month end, for the eligible children
    (``was_eligible``: whether each was eligible at the month end before)."""
    out: dict[str, float | int] = {"eligible": int(was_eligible.size), "probability": q}
    for days in (28, 42):
        # Last month's gaps that still fall within the window (February's 28-day window
        # reaches back to 31 January).
        reach = max(0, days - length + 1)
        carry = min(reach, prev_span + 1) / (prev_span + 1) if prev_span else 0.0
        p_w = q + (1 - q) * q_prev * carry * was_eligible
        out[str(days)] = float(np.mean(p_w)) if was_eligible.size else q
    return out


def _decisions(kids: pd.DataFrame, rng: np.random.Generator, window: Window) -> pd.DataFrame:
    """Decisions: recorded any time in the episode; they do not count as oversight entries."""
    start = kids["episode_start"]
    end = kids["episode_end"]
    lo = np.maximum(start.to_numpy(), np.datetime64(window.period_start))
    hi = np.where(end.isna(), np.datetime64(window.data_end), end.to_numpy())
    span = (hi - lo).astype("timedelta64[D]").astype(int)
    has = (span > 0) & (rng.random(len(kids)) < 0.4)
    when = lo + (rng.random(len(kids)) * np.maximum(span, 1)).astype("timedelta64[D]")
    idx = np.flatnonzero(has)
    return pd.DataFrame({"i": idx, "entry_date": when[has], "entry_type": "decision"})


def audits(
    kids: pd.DataFrame,
    rates: Rates,
    rng: np.random.Generator,
    id_style: str,
    window: Window,
    adoption: Adoption = NOT_ADOPTED,
) -> pd.DataFrame:
    """Audits of a sample of the children, each grading every domain."""
    n = max(15, round(len(kids) * 0.025 * window.days / 365))
    ids = _ids(rng, n, id_style)
    child = rng.choice(kids["child_id"].to_numpy(), size=n, replace=False)
    dates = window.period_start + pd.to_timedelta(rng.integers(0, window.days, size=n), unit="D")
    p_mo = shifted(rates.audit_mo_good, adoption.odds_ratio("audit_mo_good", pd.Series(dates)))
    kind = rng.choice(["routine", "thematic", "multi_agency"], size=n, p=[0.7, 0.2, 0.1])
    moderated = rng.random(n) < 0.35
    rows = []
    for a in range(n):
        for domain in DOMAINS:
            p_good = p_mo[a] if domain == "management_oversight" else 0.6
            good = rng.random() < p_good
            grade = (4 if rng.random() < 0.2 else 3) if good else (2 if rng.random() < 0.75 else 1)
            mod = pd.NA
            if moderated[a]:
                mod = max(1, grade - 1) if rng.random() < 0.2 else grade
            rows.append((ids[a], child[a], dates[a], kind[a], domain, grade, mod))
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
    frame["audit_date"] = frame["audit_date"].astype("datetime64[s]")
    frame["moderated_grade"] = frame["moderated_grade"].astype("Int64")
    return frame


def survey(
    staff: pd.DataFrame,
    rates: Rates,
    items: list[dict[str, Any]],
    points: int,
    rng: np.random.Generator,
    id_style: str,
    extra: np.random.Generator | None = None,
) -> pd.DataFrame:
    """Respondents (a share of the workforce) answering every item on ``points`` positions.

    Each respondent has one latent view per construct; an item is that view plus item noise,
    so items of one construct hang together (Cronbach's alpha about 0.8 to 0.9), as real
    scales do. Reverse-worded items are answered the other way round. Paired items (``compare``
    in config/survey.yaml) are drawn from ``extra``, the LA's second stream: the side saying a
    thing is discussed sits above the view and the side saying it is recorded below it, by
    :data:`COMPARE_GAP` for the pair, so discussed > recorded on average.
    """
    n = max(10, round(len(staff) * rng.uniform(0.35, 0.55)))
    frame = pd.DataFrame(
        {
            "respondent_id": _ids(rng, n, id_style),
            "role": rng.choice(staff["worker_role"].to_numpy(), size=n),
        }
    )
    paired = [it for it in items if it.get("compare")]
    items = [it for it in items if not it.get("compare")]
    views = {
        c: rng.normal(rates.survey_mean, 0.22, size=n)
        for c in sorted({it["construct"] for it in items})
    }
    if paired and extra is not None:
        for c in sorted({it["construct"] for it in paired}):
            views[c] = extra.normal(rates.survey_mean, 0.22, size=n)
        for item in paired:
            compare = item["compare"]
            gap = COMPARE_GAP.get(compare["pair"], COMPARE_GAP["default"])
            shift = gap / 2 if compare["side"] == "discussed" else -gap / 2
            latent = views[item["construct"]] + shift + extra.normal(0, 0.2, size=n)
            answer = (np.clip(latent, 0, 0.999) * points).astype(int) + 1
            skipped = extra.random(n) < 0.03
            frame[item["id"]] = pd.array(np.where(skipped, 0, answer), dtype="Int64")
            frame.loc[skipped, item["id"]] = pd.NA
    for item in items:
        latent = views[item["construct"]] + rng.normal(0, 0.2, size=n)
        if item.get("reverse"):
            latent = 1 - latent
        answer = (np.clip(latent, 0, 0.999) * points).astype(int) + 1
        skipped = rng.random(n) < 0.03
        frame[item["id"]] = pd.array(np.where(skipped, 0, answer), dtype="Int64")
        frame.loc[skipped, item["id"]] = pd.NA
    return frame
