"""What the demo planted, as the truth file (``demo_truth.json``) records it for the tests.

The pipeline never reads the truth.
"""

from __future__ import annotations

from typing import Any

from oversight.demo import profiles
from oversight.demo.rates import (
    TEMPLATE_EFFECTS,
    Adoption,
    Rates,
    expected_within,
    pattern_shares,
    shifted,
)
from oversight.demo.study import Window


def header(seed: int, window: Window) -> dict[str, Any]:
    """The truth file's header: the seed, the window, the planted effects and what each rate
    means; ``authorities`` is filled in LA by LA."""
    return {
        "seed": seed,
        "note": "Synthetic demo data truth; read by the tests, never by the pipeline.",
        "period": [str(window.period_start.date()), str(window.period_end.date())],
        "data_end": str(window.data_end.date()),
        "template_effects": TEMPLATE_EFFECTS,
        "censuses": [str(c.date()) for c in window.censuses],
        "definitions": {
            "staff_supervision_W": "workers whose last held personal supervision on or "
            "before the census is within W days (census - date <= W), at the year-end "
            "census",
            "child_oversight_W": "children open at the census and open >= 28 days with a "
            "case-supervision or management-oversight entry within W days, year-end census",
            "part1_family_reflection": "held case supervisions recording family reflection",
            "part2_practitioner_reflection": "held personal supervisions recording the "
            "practitioner's own reflection",
            "audit_mo_good_or_better": "management-oversight domain graded good or better "
            "(auditor grade)",
            "reflection": "held case and personal sessions: never_reflect is the share of "
            "workers recording no reflection; cells are each session type's marginal chance "
            "of recording part 1 (family) and part 2 (own), before adoption; patterns are "
            "the expected shares of neither / part 1 only / part 2 only / both",
            "optional": "which LAs send the optional fields and dataset, and the rates "
            "they were drawn from",
        },
        "outliers": {"low": profiles.outlier("low"), "high": profiles.outlier("high")},
        "authorities": {},
    }


def reflection(rates: Rates) -> dict[str, Any]:
    """The planted reflection recording: cells and the expected patterns per session type
    before adoption."""
    cells = {
        "case": {"part1": rates.part1, "part2": rates.part2_case},
        "personal": {"part1": rates.part1_personal, "part2": rates.part2},
    }
    return {
        "never_reflect": rates.never_reflect,
        "cells": cells,
        "patterns": {
            kind: pattern_shares(c["part1"], c["part2"], rates.never_reflect)
            for kind, c in cells.items()
        },
    }


def impact(rates: Rates, adoption: Adoption) -> dict[str, Any]:
    """Per outcome: the adoption month and the planted odds ratio, with the monthly
    probability before and after (their difference is the effect on the treated)."""
    baseline = {
        "child_oversight_28d": rates.child_28,
        "part1_family_reflection": rates.part1,
        "part2_practitioner_reflection": rates.part2,
        "audit_mo_good": rates.audit_mo_good,
    }
    out = {}
    for template, outcomes in TEMPLATE_EFFECTS.items():
        start = getattr(adoption, template)
        for outcome, ratio in outcomes.items():
            ratio = ratio if start is not None else 1.0
            pre = baseline[outcome]
            post = float(shifted(pre, ratio))
            out[outcome] = {
                "template": template,
                "adopted": start.strftime("%Y-%m") if start is not None else None,
                "odds_ratio": ratio,
                "pre": pre,
                "post": post,
                "difference": post - pre,
            }
    return out


def headline_rates(rates: Rates, policy: int, child: dict, window: Window) -> dict[str, float]:
    """The LA's planted headline rates, and the expected year-end child-level rates."""
    year_end = child[str(window.period_end.date())]
    return {
        "staff_supervision_28": rates.staff_28,
        "staff_supervision_42": float(expected_within(rates.staff_28, 42)),
        "staff_supervision_policy": float(expected_within(rates.staff_28, policy)),
        "child_oversight_28": year_end["28"],
        "child_oversight_42": year_end["42"],
        "child_oversight_probability": rates.child_28,
        "part1_family_reflection": rates.part1,
        "part2_practitioner_reflection": rates.part2,
        "audit_mo_good_or_better": rates.audit_mo_good,
        "rationale_recorded": rates.rationale,
    }
