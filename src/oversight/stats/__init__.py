"""Statistics for comparing local authorities' children's-social-care metrics.

Each function documents the paper or reference package it reproduces; the tests in
``tests/stats`` check them against published values.

Names are imported on first use, so a job that needs one module (the ingest, the
questionnaire) does not load statsmodels, matplotlib or the difference-in-differences code.
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it. The over-dispersion function shares its
# module's name, so it is imported from oversight.stats.overdispersion, never from here.
_EXPORTS = {
    "DSR": "oversight.stats.poisson",
    "DiDResult": "oversight.stats.did",
    "ITSResult": "oversight.stats.its",
    "KappaResult": "oversight.stats.agreement",
    "LevelEffect": "oversight.stats.its",
    "byar_ci": "oversight.stats.proportions",
    "cohen_kappa": "oversight.stats.agreement",
    "cronbach_alpha": "oversight.stats.reliability",
    "dsr_dobson": "oversight.stats.poisson",
    "fleiss_kappa": "oversight.stats.agreement",
    "funnel_limits": "oversight.stats.funnel",
    "interrupted_time_series": "oversight.stats.its",
    "krippendorff_alpha": "oversight.stats.agreement",
    "od_limits": "oversight.stats.overdispersion",
    "ratio_funnel_limits": "oversight.stats.poisson",
    "staggered_did": "oversight.stats.did",
    "wilson_ci": "oversight.stats.proportions",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
