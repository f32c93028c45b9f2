"""Statistics for comparing local authorities' children's-social-care metrics.

Each function documents the paper or reference package it reproduces; the tests in
``tests/stats`` check them against published values.
"""

from oversight.stats.agreement import KappaResult, cohen_kappa, fleiss_kappa, krippendorff_alpha
from oversight.stats.did import DiDResult, staggered_did
from oversight.stats.funnel import funnel_limits
from oversight.stats.its import ITSResult, LevelEffect, interrupted_time_series
from oversight.stats.overdispersion import od_limits, overdispersion
from oversight.stats.proportions import byar_ci, wilson_ci
from oversight.stats.reliability import cronbach_alpha

__all__ = [
    "DiDResult",
    "ITSResult",
    "KappaResult",
    "LevelEffect",
    "byar_ci",
    "cohen_kappa",
    "cronbach_alpha",
    "fleiss_kappa",
    "funnel_limits",
    "interrupted_time_series",
    "krippendorff_alpha",
    "od_limits",
    "overdispersion",
    "staggered_did",
    "wilson_ci",
]
