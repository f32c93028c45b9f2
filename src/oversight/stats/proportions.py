"""Confidence intervals for proportions and counts.

* :func:`wilson_ci` - Wilson score interval for a binomial proportion.
* :func:`byar_ci` - limits for a Poisson count. ``method="phe_rate"`` (default) is the
  PHE rule: exact limits below 10 events, Byar's approximation from 10 upwards;
  ``method="byar"`` applies Byar's formula at every count, as PHEindicatormethods'
  ``byars_lower``/``byars_upper`` do (a negative lower limit becomes missing);
  ``method="exact"`` uses the exact limits at every count.

Inputs are aligned positionally (pandas indexes are not aligned, only carried through).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.stats import chi2, norm
from statsmodels.stats.proportion import proportion_confint

from oversight.stats._arrays import ArrayLike, Result, as_float, check_confidence, like

#: Counts below this use exact Poisson limits, as PHEindicatormethods' ``phe_rate`` does.
BYAR_EXACT_BELOW = 10

PoissonMethod = Literal["phe_rate", "byar", "exact"]


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


def byar_ci(
    count: ArrayLike, confidence: float = 0.95, method: PoissonMethod = "phe_rate"
) -> tuple[Result, Result]:
    """Confidence limits for an observed Poisson count, as PHEindicatormethods computes them.

    Byar's approximation (Breslow & Day 1987)::

        lower = O * (1 - 1/(9 O) - z / (3 sqrt(O)))**3
        upper = (O + 1) * (1 - 1/(9 (O + 1)) + z / (3 sqrt(O + 1)))**3

    and the exact limits from the Poisson-chi-square link (Armitage & Berry 2002)::

        lower = chi2.ppf(alpha/2, 2 O) / 2     (0 when O = 0)
        upper = chi2.ppf(1 - alpha/2, 2 O + 2) / 2

    with ``z = norm.ppf(1 - alpha/2)`` and ``alpha = 1 - confidence``. ``method`` picks
    the convention:

    * ``"phe_rate"`` (default): exact below 10 events, Byar from 10 upwards - the rule of
      ``PHEindicatormethods::phe_rate`` and the Fingertips technical guidance.
    * ``"byar"``: Byar's formula at every count, as the package's ``byars_lower`` and
      ``byars_upper`` give it (and as ``phe_dsr`` feeds it to Dobson's method). At small
      counts or high confidence Byar's lower limit turns negative (e.g. 1 event at
      99.8 %) and at 0 events it is undefined: ``byars_lower`` returns ``NA`` for these,
      here NaN. The upper limit is always defined (0 events: about 3.67 at 95 %).
    * ``"exact"``: the exact limits at every count.

    Divide the limits by a denominator to get rate limits.

    Args:
        count: Observed number of events (>= 0; need not be an integer).
        confidence: Two-sided confidence level.
        method: "phe_rate", "byar" or "exact" (above).

    Returns:
        ``(lower, upper)`` limits for the expected count, shaped like ``count``.

    Raises:
        ValueError: On a negative count or an unknown method.

    References:
        Breslow NE, Day NE (1987) Statistical methods in cancer research, vol. II. IARC.
        Armitage P, Berry G (2002) Statistical methods in medical research, 4th edn.
        PHEindicatormethods (R), ``R/Rates.R`` and ``R/utils.R``.
    """
    confidence = check_confidence(confidence)
    if method not in ("phe_rate", "byar", "exact"):
        raise ValueError(f"method must be 'phe_rate', 'byar' or 'exact', got {method!r}")
    o = as_float(count)
    if np.any(o < 0):
        raise ValueError("count must be non-negative")
    byar_lower, byar_upper = _byar(o, confidence)
    exact_lower, exact_upper = _exact(o, confidence)
    if method == "byar":
        lower, upper = byar_lower, byar_upper
    elif method == "exact":
        lower, upper = exact_lower, exact_upper
    else:
        small = o < BYAR_EXACT_BELOW
        lower = np.where(small, exact_lower, byar_lower)
        upper = np.where(small, exact_upper, byar_upper)
    return like(lower, count), like(upper, count)


def _byar(o: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Byar's limits; NaN where the lower limit is negative or undefined (O = 0)."""
    z = norm.ppf(1.0 - (1.0 - confidence) / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))) ** 3
        lower = np.where((o > 0) & (lower >= 0), lower, np.nan)
        upper = (o + 1.0) * (1.0 - 1.0 / (9.0 * (o + 1.0)) + z / (3.0 * np.sqrt(o + 1.0))) ** 3
    return lower, upper


def _exact(o: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson limits from the chi-square quantiles."""
    alpha = 1.0 - confidence
    with np.errstate(invalid="ignore"):
        # chi2 with 0 degrees of freedom is a point mass at 0 (R returns 0; scipy NaN).
        lower = np.where(o == 0, 0.0, chi2.ppf(alpha / 2.0, 2.0 * o) / 2.0)
    upper = chi2.ppf(1.0 - alpha / 2.0, 2.0 * o + 2.0) / 2.0
    return lower, upper
