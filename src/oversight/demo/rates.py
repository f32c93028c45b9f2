"""The rates planted in each demo LA, and the templates' planted effects.

Every LA shares a regional rate except one clearly low and one clearly high outlier
(``profiles.yaml``), so the comparative statistics have a known answer. From the month an LA
adopts a template, the outcomes it targets move by a planted odds ratio
(:data:`TEMPLATE_EFFECTS`); LAs that do not adopt, and every LA before adopting, keep their
baseline rates.

Staff-level supervision: at each quarter-end census every worker's last *held personal*
supervision is placed ``g`` days before the census, with ``g`` uniform on 0..28 with
probability ``p`` (compliant at 28 days) and uniform on 29..75 otherwise. "Within W days"
means ``census - last date <= W``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Odds ratios planted from the month a template is adopted, by template and outcome.
TEMPLATE_EFFECTS = {
    "part1": {"child_oversight_28d": 1.6, "part1_family_reflection": 2.2, "audit_mo_good": 1.8},
    "part2": {"part2_practitioner_reflection": 2.2},
}
# Paired survey items: how far (on the 0-1 latent scale) the "discussed" side sits above the
COMPLIANT_GAPS = (0, 28)  # inclusive
NONCOMPLIANT_GAPS = (29, 75)  # inclusive


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


NOT_ADOPTED = Adoption()  # an LA that adopts neither template


def shifted(p: float | np.ndarray, odds_ratio: float | np.ndarray) -> np.ndarray:
    """A probability moved by an odds ratio."""
    p = np.asarray(p, dtype=float)
    odds = p / (1 - p) * odds_ratio
    return odds / (1 + odds)


def planted_rates(outlier: str | None, rng: np.random.Generator) -> Rates:
    """Regional rates with small jitter; an outlier LA (``low`` or ``high``) far from them."""
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
    if outlier == "low":
        rates.staff_28, rates.child_28, rates.audit_mo_good = 0.38, 0.30, 0.22
    if outlier == "high":
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
