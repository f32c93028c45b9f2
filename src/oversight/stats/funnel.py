"""Control limits for proportion funnel plots, as PHEindicatormethods computes them.

PHEindicatormethods (``calculate_funnel_limits(statistic = "proportion")``, formerly
``phe_funnels``, and ``assign_funnel_significance``) derives proportion limits from its
internal ``sigma_adjustment(p, population, average_proportion, side)``, labelled method
"Wilson" in its output. That quadratic-root expression simplifies algebraically to::

    baseline +/- z * sqrt(baseline * (1 - baseline) / denominator)

i.e. the acceptance region of the score (Wilson) test of H0: p = baseline: a unit lies
inside the limits exactly when its Wilson interval contains the baseline. It is *not* the
exact (beta/binomial) method. Limits are clipped to [0, 1] as the R package clips to
[0, 100 %]. The equivalence is checked against the package's published test table in
``tests/stats/test_stats_funnel.py``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from oversight.stats._arrays import ArrayLike, Result, as_float, check_confidence, like
from oversight.stats.overdispersion import od_limits


def funnel_limits(
    baseline: float, denominator: ArrayLike, confidence: float
) -> tuple[Result, Result]:
    """Funnel-plot control limits for a proportion around ``baseline``.

    Matches PHEindicatormethods' proportion funnels: ``confidence=0.95`` gives its
    "2s" (0.025/0.975) limits and ``confidence=0.998`` its "3s" (0.001/0.999) limits.
    The baseline is normally the pooled proportion ``sum(numerator) / sum(denominator)``.

    Args:
        baseline: Target proportion in [0, 1].
        denominator: Unit denominators (> 0); vectorised.
        confidence: Two-sided coverage of the limits, e.g. 0.95 or 0.998.

    Returns:
        ``(lower, upper)`` proportions in [0, 1], shaped like ``denominator``.

    Raises:
        ValueError: If the baseline is outside [0, 1] or a denominator is not positive.

    References:
        PHEindicatormethods (R), ``R/Funnels.R``: ``sigma_adjustment``,
        ``calculate_funnel_limits``; Fingertips public health technical guidance.
        Spiegelhalter DJ (2005) Funnel plots for comparing institutional performance.
        Stat Med 24:1185-1202 (normal approximation to the binomial, section A.1.1).
    """
    confidence = check_confidence(confidence)
    p0 = float(baseline)
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"baseline must lie in [0, 1], got {p0}")
    n = as_float(denominator)
    if np.any(n <= 0):
        raise ValueError("denominators must be positive")
    z = norm.ppf(1.0 - (1.0 - confidence) / 2.0)
    half_width = z * np.sqrt(p0 * (1.0 - p0) / n)
    lower = np.clip(p0 - half_width, 0.0, 1.0)
    upper = np.clip(p0 + half_width, 0.0, 1.0)
    return like(lower, denominator), like(upper, denominator)


def control_limits(
    centre: float, denominator: ArrayLike, confidence: float, tau2: float | None = None
) -> tuple[Result, Result]:
    """The funnel limits a comparison uses: PHEindicatormethods' limits (:func:`funnel_limits`)
    when ``tau2`` is None, else Spiegelhalter's over-dispersion-adjusted limits around the
    same centre (arcsine scale, additive ``tau2``; :func:`oversight.stats.od_limits`)."""
    if tau2 is None:
        return funnel_limits(centre, denominator, confidence)
    return od_limits(denominator, tau2, confidence, data_type="PR", target=centre)
