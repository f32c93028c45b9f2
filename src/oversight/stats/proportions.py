"""Confidence intervals for proportions and counts.

* :func:`wilson_ci` - Wilson score interval for a binomial proportion.
* :func:`byar_ci` - PHE method for a Poisson count: exact limits below 10 events,
  Byar's approximation from 10 upwards.

Inputs are aligned positionally (pandas indexes are not aligned, only carried through).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2, norm
from statsmodels.stats.proportion import proportion_confint

from oversight.stats._arrays import ArrayLike, Result, as_float, check_confidence, like

#: Counts below this use exact Poisson limits, as PHEindicatormethods' ``phe_rate`` does.
BYAR_EXACT_BELOW = 10


def wilson_ci(
    numerator: ArrayLike, denominator: ArrayLike, confidence: float = 0.95
) -> tuple[Result, Result]:
    """Wilson score confidence interval for the proportion ``numerator / denominator``.

    The interval inverts the score test (Wilson 1927; Newcombe 1998, method 3, without
    continuity correction). Computed with
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

    Args:
        numerator: Number of units with the attribute (0 <= numerator <= denominator).
        denominator: Number of units. A denominator of 0 gives NaN limits.
        confidence: Two-sided confidence level, e.g. 0.95 or 0.998.

    Returns:
        ``(lower, upper)`` on the proportion scale (0-1), shaped like the inputs.

    Raises:
        ValueError: On negative counts or a numerator above its denominator.

    References:
        Wilson EB (1927) Probable inference, the law of succession, and statistical
        inference. JASA 22:209-212.
        Newcombe RG (1998) Two-sided confidence intervals for the single proportion:
        comparison of seven methods. Stat Med 17:857-872.
    """
    confidence = check_confidence(confidence)
    x, n = np.broadcast_arrays(as_float(numerator), as_float(denominator))
    if np.any(x < 0) or np.any(n < 0):
        raise ValueError("numerator and denominator must be non-negative")
    if np.any(x > n):
        raise ValueError("numerator must not exceed denominator")
    empty = n == 0
    # statsmodels divides by n; give it a harmless 1 where n == 0 and blank those after.
    lower, upper = proportion_confint(
        x, np.where(empty, 1.0, n), alpha=1.0 - confidence, method="wilson"
    )
    lower = np.where(empty, np.nan, lower)
    upper = np.where(empty, np.nan, upper)
    return like(lower, numerator, denominator), like(upper, numerator, denominator)


def byar_ci(count: ArrayLike, confidence: float = 0.95) -> tuple[Result, Result]:
    """Confidence limits for an observed Poisson count, as PHEindicatormethods computes them.

    For counts of 10 or more, Byar's approximation (Breslow & Day 1987)::

        lower = O * (1 - 1/(9 O) - z / (3 sqrt(O)))**3
        upper = (O + 1) * (1 - 1/(9 (O + 1)) + z / (3 sqrt(O + 1)))**3

    and below 10 the exact limits from the Poisson-chi-square link (Armitage & Berry
    2002)::

        lower = chi2.ppf(alpha/2, 2 O) / 2     (0 when O = 0)
        upper = chi2.ppf(1 - alpha/2, 2 O + 2) / 2

    with ``z = norm.ppf(1 - alpha/2)`` and ``alpha = 1 - confidence``. This is the rule of
    ``PHEindicatormethods::phe_rate`` (``byars_lower``/``byars_upper`` for x >= 10) and the
    Fingertips technical guidance. Divide the limits by a denominator to get rate limits.

    Args:
        count: Observed number of events (>= 0; need not be an integer).
        confidence: Two-sided confidence level.

    Returns:
        ``(lower, upper)`` limits for the expected count, shaped like ``count``.

    Raises:
        ValueError: On a negative count.

    References:
        Breslow NE, Day NE (1987) Statistical methods in cancer research, vol. II. IARC.
        Armitage P, Berry G (2002) Statistical methods in medical research, 4th edn.
        PHEindicatormethods (R), ``R/Rates.R`` and ``R/utils.R``.
    """
    confidence = check_confidence(confidence)
    o = as_float(count)
    if np.any(o < 0):
        raise ValueError("count must be non-negative")
    alpha = 1.0 - confidence
    z = norm.ppf(1.0 - alpha / 2.0)
    small = o < BYAR_EXACT_BELOW
    with np.errstate(divide="ignore", invalid="ignore"):
        byar_lower = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))) ** 3
        byar_upper = (o + 1.0) * (1.0 - 1.0 / (9.0 * (o + 1.0)) + z / (3.0 * np.sqrt(o + 1.0))) ** 3
        # chi2 with 0 degrees of freedom is a point mass at 0 (R returns 0; scipy NaN).
        exact_lower = np.where(o == 0, 0.0, chi2.ppf(alpha / 2.0, 2.0 * o) / 2.0)
    exact_upper = chi2.ppf(1.0 - alpha / 2.0, 2.0 * o + 2.0) / 2.0
    lower = np.where(small, exact_lower, byar_lower)
    upper = np.where(small, exact_upper, byar_upper)
    return like(lower, count), like(upper, count)
