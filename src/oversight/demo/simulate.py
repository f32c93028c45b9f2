"""Synthetic populations in the common schema, with the truth they were drawn from.

Volumes follow each LA's real 2024-25 figures (children in need during the year and at 31
March, child protection and looked-after counts, social-worker FTE, agency rate). Rates are
planted per LA: every LA shares a regional rate except one clearly low and one clearly high
outlier, so the comparative statistics have a known answer.

The extracts run on past the study year to ``DATA_END``: the follow-up months in which some
LAs adopt the part 1 and part 2 supervision templates. From the month an LA adopts a template,
the outcomes it targets move by a planted odds ratio (:data:`TEMPLATE_EFFECTS`); LAs that
do not adopt, and every LA before adopting, keep their baseline rates. The study year itself is
untouched by the templates (none is adopted before April 2025).

Staff-level supervision: at each quarter-end census every worker's last *held personal*
supervision is placed ``g`` days before the census, with ``g`` uniform on 0..28 with
probability ``p`` (compliant at 28 days) and uniform on 29..75 otherwise; earlier sessions fill
the quarter. Child-level oversight works the same way for children open at the census and open
for at least 28 days, counting case-supervision and management-oversight entries (decisions do
not count). "Within W days" means ``census - last date <= W``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

PERIOD_START = pd.Timestamp("2024-04-01")
PERIOD_END = pd.Timestamp("2025-03-31")
DATA_END = pd.Timestamp("2025-12-31")  # the follow-up months run on to here
CENSUSES = list(pd.date_range(PERIOD_START, DATA_END, freq="QE"))
WINDOW_DAYS = (DATA_END - PERIOD_START).days + 1


def set_window(data_end: pd.Timestamp) -> None:
    """Run the extracts on to ``data_end`` instead (the benchmark's multi-year data)."""
    global DATA_END, CENSUSES, WINDOW_DAYS
    DATA_END = pd.Timestamp(data_end)
    CENSUSES = list(pd.date_range(PERIOD_START, DATA_END, freq="QE"))
    WINDOW_DAYS = (DATA_END - PERIOD_START).days + 1


# Odds ratios planted from the month a template is adopted, by template and outcome.
TEMPLATE_EFFECTS = {
    "part1": {"child_oversight_28d": 1.6, "part1_family_reflection": 2.2, "audit_mo_good": 1.8},
    "part2": {"part2_practitioner_reflection": 2.2},
}
# Paired survey items: how far (on the 0-1 latent scale) the "discussed" side sits above the
# "recorded" side. Practitioners' own feelings and biases are discussed far more than recorded.
COMPARE_GAP = {
    "family_capacity": 0.15,
    "family_prognosis": 0.2,
    "own_feelings": 0.35,
    "own_bias": 0.35,
    "default": 0.2,
}
COMPLIANT_GAPS = (0, 28)  # inclusive
NONCOMPLIANT_GAPS = (29, 75)  # inclusive
LOW_OUTLIER = "slough"
HIGH_OUTLIER = "hampshire"
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


@dataclass
class Rates:
    staff_28: float
    child_28: float
    part1: float
    part2: float
    audit_mo_good: float
    rationale: float
    survey_mean: float
    # Reflection recording beyond the two headline cells (:func:`plant_reflection`).
    never_reflect: float = 0.0  # share of workers whose supervisors never record a reflection
    part1_personal: float = 0.0  # family reflection noted in a personal supervision record
    part2_case: float = 0.0  # own reflection noted in a case supervision record (child's file)


@dataclass(frozen=True)
class Adoption:
    """The first day of the month an LA adopted each template (None: not adopted)."""

    part1: pd.Timestamp | None = None
    part2: pd.Timestamp | None = None

    def odds_ratio(self, outcome: str, when: pd.Series | pd.Timestamp) -> np.ndarray:
        """The planted odds ratio for ``outcome`` at each date (1 before adoption)."""
        when = pd.to_datetime(pd.Series(when)).to_numpy()
        out = np.ones(len(when))
        for template, start in (("part1", self.part1), ("part2", self.part2)):
            ratio = TEMPLATE_EFFECTS[template].get(outcome)
            if start is not None and ratio is not None:
                out = np.where(when >= np.datetime64(start), out * ratio, out)
        return out


def shifted(p: float | np.ndarray, odds_ratio: float | np.ndarray) -> np.ndarray:
    """A probability moved by an odds ratio."""
    p = np.asarray(p, dtype=float)
    odds = p / (1 - p) * odds_ratio
    return odds / (1 + odds)


def planted_rates(slug: str, rng: np.random.Generator) -> Rates:
    """Regional rates with small jitter; the two outlier LAs far from them."""
    jitter = rng.uniform(-0.02, 0.02, size=4)
    rates = Rates(
        staff_28=0.70 + jitter[0],
        child_28=0.62 + jitter[1],
        part1=float(rng.uniform(0.25, 0.45)),
        part2=float(rng.uniform(0.10, 0.25)),
        audit_mo_good=0.55 + jitter[2],
        rationale=float(rng.uniform(0.5, 0.8)),
        survey_mean=float(rng.uniform(0.45, 0.65)),
    )
    if slug == LOW_OUTLIER:
        rates.staff_28, rates.child_28, rates.audit_mo_good = 0.38, 0.30, 0.22
    if slug == HIGH_OUTLIER:
        rates.staff_28, rates.child_28, rates.audit_mo_good = 0.95, 0.90, 0.85
    return rates


# Most held sessions record neither reflection; part 1 mostly in case records, part 2 rarely
# and sometimes in a case record (on the child's file). Workers whose supervisors never record
# a reflection make "neither, all year" a real group; kept small, so the session-level rates
# stay close to binomial (their intervals are Wilson intervals).
NEVER_REFLECT = (0.03, 0.10)
PART1_PERSONAL = (0.03, 0.12)
PART2_CASE = (0.01, 0.08)
MAX_RECORDER_P = 0.9  # a recording worker's chance stays below this after adoption


def plant_reflection(rates: Rates, rng: np.random.Generator) -> None:
    """Draw the LA's reflection-recording rates beyond the headline cells (in place)."""
    rates.never_reflect = float(rng.uniform(*NEVER_REFLECT))
    rates.part1_personal = float(rng.uniform(*PART1_PERSONAL))
    rates.part2_case = float(rng.uniform(*PART2_CASE))
    highest = max(
        float(shifted(rates.part1, TEMPLATE_EFFECTS["part1"]["part1_family_reflection"])),
        float(shifted(rates.part2, TEMPLATE_EFFECTS["part2"]["part2_practitioner_reflection"])),
    )
    rates.never_reflect = min(rates.never_reflect, 1 - highest / MAX_RECORDER_P)


def reflection_probabilities(
    session_type: pd.Series, dates: pd.Series, rates: Rates, adoption: Adoption
) -> tuple[np.ndarray, np.ndarray]:
    """Each session's marginal chance of recording part 1 and part 2 (0 for group sessions).

    The templates move the headline cells (part 1 in case records, part 2 in personal ones)
    by their planted odds ratios from adoption; the other two cells keep the baseline.
    """
    case = (session_type == "case").to_numpy()
    personal = (session_type == "personal").to_numpy()
    p1 = shifted(rates.part1, adoption.odds_ratio("part1_family_reflection", dates))
    p2 = shifted(rates.part2, adoption.odds_ratio("part2_practitioner_reflection", dates))
    fam = np.where(case, p1, np.where(personal, rates.part1_personal, 0.0))
    prac = np.where(personal, p2, np.where(case, rates.part2_case, 0.0))
    return fam, prac


def pattern_shares(p_fam: float, p_prac: float, never: float) -> dict[str, float]:
    """Expected shares of a session type's held sessions recording neither, part 1 only,
    part 2 only and both, given the marginal chances and the never-recording share."""
    keep = 1 - never
    a, b = p_fam / keep, p_prac / keep
    return {
        "neither": never + keep * (1 - a) * (1 - b),
        "part1_only": keep * a * (1 - b),
        "part2_only": keep * (1 - a) * b,
        "both": keep * a * b,
    }


def _gap(rng: np.random.Generator, compliant: np.ndarray) -> np.ndarray:
    a = rng.integers(COMPLIANT_GAPS[0], COMPLIANT_GAPS[1] + 1, size=compliant.size)
    b = rng.integers(NONCOMPLIANT_GAPS[0], NONCOMPLIANT_GAPS[1] + 1, size=compliant.size)
    return np.where(compliant, a, b)


def expected_within(
    p: float, window: int, max_gap: np.ndarray | int = NONCOMPLIANT_GAPS[1]
) -> np.ndarray | float:
    """P(last date within ``window`` days) under the gap model; ``max_gap`` truncates the
    non-compliant gaps (a child whose episode began less than 75 days before the census)."""
    lo_c, hi_c = COMPLIANT_GAPS
    lo_n, hi_n = NONCOMPLIANT_GAPS
    p_c = (min(window, hi_c) - lo_c + 1) / (hi_c - lo_c + 1)
    upper = np.minimum(np.minimum(window, hi_n), max_gap)
    p_n = np.clip(upper - lo_n + 1, 0, None) / (hi_n - lo_n + 1)
    return p * p_c + (1 - p) * p_n


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
    adoption: Adoption = Adoption(),
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
    prev = PERIOD_START - pd.Timedelta(days=1)
    for census in CENSUSES:
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
    months = pd.date_range(PERIOD_START, DATA_END, freq="MS")
    for w in range(n):
        for m in months:
            status = "held" if rng.random() < 0.92 else "cancelled"
            rows.append((w, m + pd.Timedelta(days=int(rng.integers(0, 27))), "case", status))
        for q in range(len(CENSUSES)):
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
    ref: dict[str, str], staff: pd.DataFrame, rng: np.random.Generator, id_style: str
) -> pd.DataFrame:
    # Children in need during 2024-25, plus the new episodes of the follow-up months.
    n_year = int(ref["cin_children_during_year_2024_25"])
    n = round(n_year * (0.55 + 0.45 * WINDOW_DAYS / 365))
    n_open = int(ref["cin_at_31mar_2025"])
    cp = float(ref["cpp_at_31mar_2025"]) / n_open
    cla = float(ref["cla_at_31mar_2025"]) / n_open
    status = rng.choice(
        ["CIN", "CP", "CLA", "care_leaver"], size=n, p=[1 - cp - cla - 0.05, cp, cla, 0.05]
    )
    before = rng.random(n) < 0.55 * n_year / n
    start_old = PERIOD_START - pd.to_timedelta(rng.integers(1, 4 * 365, size=n), unit="D")
    # New episodes keep arriving through the follow-up months.
    start_new = PERIOD_START + pd.to_timedelta(rng.integers(0, WINDOW_DAYS - 15, size=n), unit="D")
    start = np.where(before, start_old, start_new)
    open_at_end = np.zeros(n, dtype=bool)
    open_at_end[rng.choice(n, size=n_open, replace=False)] = True
    length = pd.to_timedelta(rng.integers(14, 365, size=n), unit="D")
    end = pd.Series(pd.to_datetime(start) + length)
    end = end.where(~open_at_end & (end <= DATA_END))
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


def month_ends() -> list[pd.Timestamp]:
    return list(pd.date_range(PERIOD_START, DATA_END, freq="ME"))


def oversight(
    kids: pd.DataFrame, rates: Rates, rng: np.random.Generator, adoption: Adoption = Adoption()
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
    prev = PERIOD_START - pd.Timedelta(days=1)
    start = kids["episode_start"]
    end = kids["episode_end"]
    expected: dict[str, dict[str, float]] = {}
    q_prev = rates.child_28
    was_eligible = np.zeros(len(kids), dtype=bool)
    prev_span = 0
    for census in month_ends():
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
        rates_w: dict[str, float | int] = {"eligible": int(idx.size), "probability": q}
        for window in (28, 42):
            # Last month's gaps that still fall within the window (February's 28-day window
            # reaches back to 31 January).
            reach = max(0, window - length + 1)
            carry = min(reach, prev_span + 1) / (prev_span + 1) if prev_span else 0.0
            p_w = q + (1 - q) * q_prev * carry * was_eligible[idx]
            rates_w[str(window)] = float(np.mean(p_w)) if idx.size else q
        expected[str(census.date())] = rates_w
        was_eligible = eligible
        prev_span = span
        q_prev = q
        prev = census
    # Decisions: recorded any time in the episode; they do not count as oversight entries.
    lo = np.maximum(start.to_numpy(), np.datetime64(PERIOD_START))
    hi = np.where(end.isna(), np.datetime64(DATA_END), end.to_numpy())
    span = (hi - lo).astype("timedelta64[D]").astype(int)
    has = (span > 0) & (rng.random(len(kids)) < 0.4)
    when = lo + (rng.random(len(kids)) * np.maximum(span, 1)).astype("timedelta64[D]")
    idx = np.flatnonzero(has)
    parts.append(pd.DataFrame({"i": idx, "entry_date": when[has], "entry_type": "decision"}))
    frame = pd.concat(parts, ignore_index=True)
    frame["child_id"] = kids["child_id"].to_numpy()[frame["i"]]
    frame["entry_date"] = pd.to_datetime(frame["entry_date"]).astype("datetime64[s]")
    frame["rationale_recorded"] = pd.array(
        rng.random(len(frame)) < rates.rationale, dtype="boolean"
    )
    frame = frame.drop(columns="i")[["child_id", "entry_date", "entry_type", "rationale_recorded"]]
    frame = frame.sort_values(["entry_date", "child_id", "entry_type"], kind="stable")
    return frame.reset_index(drop=True), expected


def audits(
    kids: pd.DataFrame,
    rates: Rates,
    rng: np.random.Generator,
    id_style: str,
    adoption: Adoption = Adoption(),
) -> pd.DataFrame:
    n = max(15, round(len(kids) * 0.025 * WINDOW_DAYS / 365))
    ids = _ids(rng, n, id_style)
    child = rng.choice(kids["child_id"].to_numpy(), size=n, replace=False)
    dates = PERIOD_START + pd.to_timedelta(rng.integers(0, WINDOW_DAYS, size=n), unit="D")
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
