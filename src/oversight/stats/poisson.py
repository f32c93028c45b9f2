"""Poisson-based limits for standardised ratios and directly standardised rates.

* :func:`ratio_funnel_limits` - control limits for an indirectly standardised ratio
  (observed / expected) plotted against the expected count, in the two conventions users
  of the R packages meet:

  - ``method="exact"``: PHEindicatormethods (``calculate_funnel_limits(statistic =
    "ratio")``). At expected count ``E`` the limits are the observed counts ``O`` whose
    exact Poisson interval just reaches ``E`` (the exact test of ``mean = E`` inverted),
    divided by ``E``::

        lower: chi2.ppf(1 - a/2, 2 O + 2) / 2 = E     upper: chi2.ppf(a/2, 2 O) / 2 = E

    solved for a continuous ``O`` (``scipy.special.chdtriv``). The package tabulates the
    same curve the other way round, as ``E`` for each integer ``O``
    (``tests/testthat/testdata_funnel_ratio_outputs.csv``). A lower ``O`` below 0 (``E``
    under about 3.69 at 95 %) means no lower limit: 0 is returned.
  - ``method="funnelplotr"``: FunnelPlotR's unadjusted ``"SR"`` limits
    (``calculate_limits`` with ``draw_adjusted = FALSE``), the exact interval of a count
    equal to ``E``, divided by ``E``::

        lower = chi2.ppf(a/2, 2 E) / 2 / E      upper = chi2.ppf(1 - a/2, 2 E + 2) / 2 / E

  ``target`` is the centre line (1 for a standardised ratio; for ``"exact"`` the Poisson
  mean is then ``target * E``, FunnelPlotR multiplies its limits by it) and
  ``multiplier`` the reporting scale (100 for PHE's ISR per 100).

* :func:`dsr_dobson` - a directly standardised rate with Dobson's confidence interval on
  Byar's limits for the total count, as ``PHEindicatormethods::phe_dsr``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import chdtriv
from scipy.stats import chi2

from oversight.stats._arrays import ArrayLike, Result, as_float, check_confidence, like
from oversight.stats.proportions import BYAR_EXACT_BELOW, PoissonMethod, byar_ci

RatioMethod = Literal["exact", "funnelplotr"]


def ratio_funnel_limits(
    expected: ArrayLike,
    confidence: float = 0.95,
    method: RatioMethod = "exact",
    target: float = 1.0,
    multiplier: float = 1.0,
) -> tuple[Result, Result]:
    """Funnel limits for an observed / expected ratio at the given expected counts.

    Args:
        expected: Expected counts ``E`` (> 0), the funnel's x axis; vectorised.
        confidence: Two-sided coverage: 0.95 gives PHE's "2s" (0.025/0.975) limits and
            0.998 its "3s" (0.001/0.999) limits.
        method: ``"exact"`` (PHEindicatormethods) or ``"funnelplotr"`` (module notes).
        target: Centre line on the ratio scale (1: observed equal to expected).
        multiplier: Reporting scale of the ratio (100 for an ISR per 100).

    Returns:
        ``(lower, upper)`` on the ratio scale, shaped like ``expected``.

    Raises:
        ValueError: On an unknown method, a non-positive target or expected count.

    References:
        PHEindicatormethods (R), ``R/Funnels.R`` (``calculate_funnel_limits``) and its
        test table ``testdata_funnel_ratio_outputs.csv``. FunnelPlotR (R),
        ``R/calculate_limits.R`` and ``tests/testthat/test-poisson_limits.R``.
        Spiegelhalter DJ (2005) Funnel plots for comparing institutional performance.
        Stat Med 24:1185-1202 (exact Poisson limits, appendix A.1.2).
    """
    confidence = check_confidence(confidence)
    if method not in ("exact", "funnelplotr"):
        raise ValueError(f"method must be 'exact' or 'funnelplotr', got {method!r}")
    if not (target > 0 and multiplier > 0):
        raise ValueError(f"target and multiplier must be positive, got {target}, {multiplier}")
    e = as_float(expected)
    if np.any(~(e > 0)):
        raise ValueError("expected counts must be positive")
    tail = (1.0 - confidence) / 2.0
    if method == "funnelplotr":
        lower = target * chi2.ppf(tail, 2.0 * e) / 2.0 / e
        upper = target * chi2.ppf(1.0 - tail, 2.0 * e + 2.0) / 2.0 / e
    else:
        mean = target * e
        # degrees of freedom v with P(chi2_v <= 2 mean) = p, i.e. chi2.ppf(p, v) = 2 mean
        lower_count = np.clip(chdtriv(1.0 - tail, 2.0 * mean) / 2.0 - 1.0, 0.0, None)
        upper_count = chdtriv(tail, 2.0 * mean) / 2.0
        lower, upper = lower_count / e, upper_count / e
    return like(multiplier * lower, expected), like(multiplier * upper, expected)


@dataclass(frozen=True)
class DSR:
    """A directly standardised rate (per ``multiplier``) with its confidence limits.

    ``value``, ``lower`` and ``upper`` are NaN when ``total_count`` is below the
    minimum count (PHEindicatormethods: "dsr NA for total count < 10")."""

    value: float
    lower: float
    upper: float
    total_count: float
    total_pop: float
    confidence: float


def dsr_dobson(
    count: ArrayLike,
    population: ArrayLike,
    standard: ArrayLike,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    min_count: float = BYAR_EXACT_BELOW,
    count_limits: PoissonMethod = "byar",
) -> DSR:
    """Directly standardised rate with Dobson's interval, as ``PHEindicatormethods::phe_dsr``.

    For strata ``i`` with events ``x_i``, population ``n_i`` and standard population
    ``w_i`` (all aligned by position)::

        DSR   = sum(w_i x_i / n_i) / sum(w_i)
        var   = sum(x_i (w_i / n_i)**2) / sum(w_i)**2
        O     = sum(x_i)
        limit = DSR + sqrt(var / O) * (O_limit - O)

    where ``O_limit`` is Byar's lower or upper limit for the total count ``O`` (Dobson et
    al. 1991). Missing counts count as 0, as ``phe_dsr``'s ``na.zero``. Below
    ``min_count`` total events (default 10) the rate is not reported (NaN), as
    ``phe_dsr`` does; ``min_count=0`` reports every rate. ``count_limits`` chooses the
    count limits fed to Dobson's formula: ``"byar"`` (``phe_dsr``), or ``"exact"`` /
    ``"phe_rate"`` (exact below 10) from :func:`oversight.stats.byar_ci`.

    Args:
        count: Events per stratum (>= 0; NaN for none recorded).
        population: Population per stratum (> 0).
        standard: Standard population per stratum, e.g. the 2013 European Standard
            Population's 19 five-year age bands.
        confidence: Two-sided confidence level.
        multiplier: Rate per this many (100,000 as ``phe_dsr``).
        min_count: Smallest total count for which a rate is reported.
        count_limits: Poisson limits used for the total count (above).

    Returns:
        A :class:`DSR`.

    Raises:
        ValueError: On mismatched lengths, negative counts or non-positive populations.

    References:
        Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991) Confidence intervals for
        weighted sums of Poisson parameters. Stat Med 10:457-462. Breslow NE, Day NE
        (1987) Statistical methods in cancer research, vol. II. PHEindicatormethods (R),
        ``R/DSR.R``. Fingertips public health technical guidance (DSR). R dsrTest
        (``method = "dobson"``, exact count limits: ``count_limits="exact"``).
    """
    confidence = check_confidence(confidence)
    x, n, w = (as_float(v).ravel() for v in (count, population, standard))
    if not x.size == n.size == w.size:
        raise ValueError("count, population and standard must have one value per stratum")
    x = np.where(np.isnan(x), 0.0, x)
    if np.any(x < 0):
        raise ValueError("counts must be non-negative")
    if np.any(~(n > 0)):
        raise ValueError("populations must be positive")
    total = float(x.sum())
    value = float(np.sum(w * x / n) / w.sum())
    if total < min_count or total == 0:
        return DSR(np.nan, np.nan, np.nan, total, float(n.sum()), confidence)
    var = float(np.sum(x * (w / n) ** 2) / w.sum() ** 2)
    low_count, high_count = byar_ci(total, confidence, method=count_limits)
    scale = np.sqrt(var / total)
    lower = value + scale * (float(low_count) - total)
    upper = value + scale * (float(high_count) - total)
    return DSR(
        value * multiplier,
        lower * multiplier,
        upper * multiplier,
        total,
        float(n.sum()),
        confidence,
    )
