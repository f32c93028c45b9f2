"""Over-dispersion adjustment for funnel plots (Spiegelhalter 2005), as in FunnelPlotR.

This follows NHS-R Community ``FunnelPlotR`` (0.6.0; functions ``transformed_zscore``,
``winsorisation``, ``truncation``, ``phi_func``, ``tau_func`` and ``calculate_limits``):

1. Transform each unit and form a raw z-score ``z = (Y - target) / s``:

   * ``data_type="SR"`` (indirectly standardised ratio O/E), ``method="SHMI"``:
     ``Y = log(O/E)``, ``s = 1/sqrt(E)``, target 0 (NHS Digital SHMI). With
     ``shmi_rounding`` the expected counts are first rounded to 2 decimals, as
     FunnelPlotR's default ``SHMI_rounding = TRUE`` does.
   * ``data_type="SR"``, ``method="CQC"``: ``Y = sqrt(O/E)``, ``s = 1/(2 sqrt(E))``,
     target 1 (Spiegelhalter's square-root transform).
   * ``data_type="PR"`` (proportion): ``Y = asin(sqrt(O/n))``, ``s = 1/(2 sqrt(n))``,
     target ``asin(sqrt(sum O / sum n))``. ``method`` does not apply (FunnelPlotR always
     winsorises proportions).

2. Limit the influence of outliers: SHMI *truncates* (drops units whose rank-group
   ``floor(rank * k / (N + 1))`` with ``k = 1/trim`` is the first or last, NHS Digital's
   rule); the other cases *winsorise* z at its ``trim`` and ``1 - trim`` quantiles
   (R's default type-7 quantile).

3. ``phi = sum(zw**2) / n`` over the retained units, and the DerSimonian-Laird-type
   additive variance ``tau2 = max(0, (n phi - (n - 1)) / (sum w - sum w**2 / sum w))``
   with ``w = 1/s**2`` (zero when ``n phi < n - 1``).

4. Over-dispersed limits use ``sqrt(s**2 + tau2)`` on the transformed scale.

5. The rule for using them (:func:`overdispersed`): under the null hypothesis of no
   between-unit variation ``n phi`` is approximately chi-squared with ``n - 1`` degrees of
   freedom, so its expectation is ``n - 1``. The data are over-dispersed, and the adjusted
   limits are the ones to use, when ``n phi`` exceeds that expectation, i.e. exactly when
   ``tau2 > 0``. This is FunnelPlotR's behaviour (its adjusted limits equal the unadjusted
   ones when ``tau2 = 0``); no significance test is applied on top, since a random-effects
   estimate of zero already returns the unadjusted limits (the chi-squared p-value is
   reported beside phi for readers who want one).

Deliberate differences from FunnelPlotR, documented so results can be reconciled:

* Normal quantiles come from ``scipy.stats.norm.ppf`` rather than the literals
  1.959964/3.090232 (differences below 1e-6 relative).
* CQC limits are by default back-transformed by squaring,
  ``(1 +/- z sqrt(s**2 + tau2))**2``, as the square-root transform requires (Spiegelhalter
  2005), with a negative lower root clipped to 0. FunnelPlotR (``calculate_limits``,
  ``sr_method = "CQC"``, ``draw_adjusted = TRUE``) plots ``1 +/- z sqrt(s**2 + tau2)``
  without squaring and without clipping; ``cqc_limits="unsquared"`` reproduces that.
  Squaring widens the limits (upper by about ``(z sqrt(...))**2``), so fewer units fall
  outside them than on FunnelPlotR's plot.
* Units with a missing z-score (NaN input, zero denominator) are left out of the quantiles,
  ranks and sums instead of being ranked last.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import norm, rankdata

from oversight.stats._arrays import ArrayLike, Result, as_float, check_confidence, like

DataType = Literal["SR", "PR"]
Method = Literal["SHMI", "CQC"]
CQCLimits = Literal["squared", "unsquared"]

_Array = npt.NDArray[np.float64]


def _transform(
    o: _Array, e: _Array, data_type: DataType, method: Method, target: float | None = None
) -> tuple[_Array, _Array, float, float]:
    """Return ``(Y, s, target on the transformed scale, target on the natural scale)``;
    a proportion's target is the pooled proportion unless one is given."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if data_type == "PR":
            if target is None:
                valid = np.isfinite(o) & np.isfinite(e) & (e > 0)
                target = float(o[valid].sum() / e[valid].sum())
            return np.arcsin(np.sqrt(o / e)), 1.0 / (2.0 * np.sqrt(e)), _asin_sqrt(target), target
        if method == "SHMI":
            return np.log(o / e), 1.0 / np.sqrt(e), 0.0, 1.0
        return np.sqrt(o / e), 1.0 / (2.0 * np.sqrt(e)), 1.0, 1.0


def _asin_sqrt(p: float) -> float:
    return float(np.arcsin(np.sqrt(p)))


def _winsorise(z: _Array, trim: float) -> tuple[_Array, npt.NDArray[np.bool_]]:
    """Clamp z to its trim/1-trim type-7 quantiles; flag units at or beyond them."""
    # Quantiles of the finite scores: interpolating towards an infinite score gives NaN.
    lz, uz = np.quantile(z[np.isfinite(z)], [trim, 1.0 - trim], method="linear")
    with np.errstate(invalid="ignore"):
        trimmed = ~np.isnan(z) & ~((z > lz) & (z < uz))
    return np.clip(z, lz, uz), trimmed


def _truncate(z: _Array, trim: float) -> tuple[_Array, npt.NDArray[np.bool_]]:
    """NHS Digital SHMI truncation: drop the outer rank groups (set their z to NaN)."""
    present = ~np.isnan(z)  # -inf (nothing observed) is ranked lowest, as in R
    trimmed = np.zeros(z.shape, dtype=bool)
    if trim > 0:
        k = 1.0 / trim
        ranks = rankdata(z[present], method="average")
        group = np.floor(ranks * k / (ranks.size + 1))
        trimmed[present] = ~((group > 0) & (group < k - 1))
    return np.where(trimmed, np.nan, z), trimmed


def _tau2(n: int, phi: float, s: _Array) -> float:
    """Additive between-unit variance from phi (FunnelPlotR ``tau_func``)."""
    if s.size == 0 or n * phi < n - 1:
        return 0.0
    w = 1.0 / s**2
    return max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum()))


def _od_limits(
    s: _Array,
    tau2: float,
    confidence: float,
    data_type: DataType,
    method: Method,
    target: float,
    cqc_limits: CQCLimits = "squared",
) -> tuple[_Array, _Array]:
    """Limits ``target -/+ z sqrt(s**2 + tau2)`` built on the transformed scale and
    returned on the ratio / proportion scale (CQC: squared, or as FunnelPlotR plots them)."""
    z = norm.ppf(1.0 - (1.0 - check_confidence(confidence)) / 2.0)
    spread = z * np.sqrt(s**2 + tau2)
    if data_type == "PR":
        theta = _asin_sqrt(target)
        # Clipping the angle keeps sin^2 monotone: FunnelPlotR sets such limits to 0 / 1.
        lower = np.sin(np.clip(theta - spread, 0.0, np.pi / 2)) ** 2
        upper = np.sin(np.clip(theta + spread, 0.0, np.pi / 2)) ** 2
        return lower, upper
    if method == "SHMI":
        return np.exp(-spread), np.exp(spread)
    if cqc_limits == "unsquared":
        return 1.0 - spread, 1.0 + spread
    return np.clip(1.0 - spread, 0.0, None) ** 2, (1.0 + spread) ** 2


def overdispersed(phi: float, n_used: int) -> bool:
    """Whether the over-dispersion-adjusted limits apply: ``n phi`` above ``n - 1``, the
    chi-squared expectation under no between-unit variation (equivalently ``tau2 > 0``;
    module notes, step 5). Needs at least two units; a missing phi is never over-dispersed."""
    return n_used >= 2 and bool(np.isfinite(phi)) and n_used * phi > n_used - 1


def _check_options(data_type: str, method: str, cqc_limits: str = "squared") -> None:
    if data_type not in ("SR", "PR"):
        raise ValueError(f"data_type must be 'SR' or 'PR', got {data_type!r}")
    if method not in ("SHMI", "CQC"):
        raise ValueError(f"method must be 'SHMI' or 'CQC', got {method!r}")
    if cqc_limits not in ("squared", "unsquared"):
        raise ValueError(f"cqc_limits must be 'squared' or 'unsquared', got {cqc_limits!r}")


def od_limits(
    denominator: ArrayLike,
    tau2: float,
    confidence: float,
    *,
    data_type: DataType = "SR",
    method: Method = "SHMI",
    target: float | None = None,
    cqc_limits: CQCLimits = "squared",
) -> tuple[Result, Result]:
    """Over-dispersion-adjusted funnel limits for given denominators.

    Use it to draw smooth limits from the ``tau2`` returned by :func:`overdispersion`
    (``tau2=0`` gives the unadjusted normal-approximation limits on the transformed scale).

    Args:
        denominator: Expected counts (``"SR"``) or unit sizes (``"PR"``), > 0.
        tau2: Between-unit variance on the transformed scale.
        confidence: Two-sided coverage, e.g. 0.95 or 0.998.
        data_type: ``"SR"`` (standardised ratio, target 1) or ``"PR"`` (proportion).
        method: ``"SHMI"`` (log scale) or ``"CQC"`` (square-root scale); SR only.
        target: Baseline proportion, required for ``"PR"``; must be 1 or None for SR.
        cqc_limits: For CQC, ``"squared"`` (back-transformed, default) or
            ``"unsquared"`` (FunnelPlotR's plotted limits; module notes).

    Returns:
        ``(lower, upper)`` on the ratio / proportion scale, shaped like ``denominator``.

    References:
        Spiegelhalter DJ (2005) Funnel plots for comparing institutional performance.
        Stat Med 24:1185-1202. FunnelPlotR ``calculate_limits`` (see module notes).
    """
    _check_options(data_type, method, cqc_limits)
    if data_type == "PR":
        if target is None or not 0.0 <= target <= 1.0:
            raise ValueError("target proportion in [0, 1] is required for data_type='PR'")
    elif target not in (None, 1, 1.0):
        raise ValueError("standardised ratios are plotted around a target of 1")
    if tau2 < 0:
        raise ValueError("tau2 must be non-negative")
    n = as_float(denominator)
    if np.any(n <= 0):
        raise ValueError("denominators must be positive")
    s = 1.0 / np.sqrt(n) if (data_type == "SR" and method == "SHMI") else 0.5 / np.sqrt(n)
    lower, upper = _od_limits(
        s, tau2, confidence, data_type, method, 1.0 if target is None else target, cqc_limits
    )
    return like(lower, denominator), like(upper, denominator)


def overdispersion(
    numerator: ArrayLike,
    denominator: ArrayLike,
    method: Method = "SHMI",
    trim: float = 0.1,
    *,
    data_type: DataType = "SR",
    shmi_rounding: bool = True,
    target: float | None = None,
    cqc_limits: CQCLimits = "squared",
) -> dict[str, Any]:
    """Spiegelhalter (2005) over-dispersion estimates and adjusted z-scores, as FunnelPlotR.

    See the module docstring for the transforms and the few documented departures from
    FunnelPlotR. Inputs are one row per unit (already aggregated).

    Args:
        numerator: Observed counts O (>= 0).
        denominator: Expected counts E for ``"SR"``, or unit sizes n for ``"PR"`` (> 0).
        method: ``"SHMI"`` (log transform, truncation) or ``"CQC"`` (square-root
            transform, winsorisation); only used when ``data_type="SR"``.
        trim: Fraction trimmed at *each* end before estimating phi (0 <= trim < 0.5).
        data_type: ``"SR"`` for indirectly standardised ratios, ``"PR"`` for proportions.
        shmi_rounding: Round E to 2 decimals for SR/SHMI (FunnelPlotR's default).
        target: Centre line for ``"PR"`` (a proportion in [0, 1]); the pooled proportion
            ``sum O / sum n`` when None, as FunnelPlotR. Given, the z-scores, phi and
            tau2 are measured around it, as Spiegelhalter (2005) does for an external
            target (a comparator such as the median of the units' values).
        cqc_limits: How CQC limits are returned: ``"squared"`` (default) or
            ``"unsquared"`` as FunnelPlotR plots them (see :func:`od_limits`).

    Returns:
        A dict with

        * ``phi`` - dispersion ratio, mean squared retained (winsorised) z-score;
        * ``tau2`` - additive between-unit variance on the transformed scale;
        * ``n_used`` - number of units retained in the phi/tau2 estimates;
        * ``target`` - centre line (1 for SR; for PR the given target or the pooled
          proportion);
        * ``z`` - raw per-unit z-scores;
        * ``z_winsorised`` - winsorised z (CQC, PR) or truncated z with NaN for dropped
          units (SHMI);
        * ``trimmed`` - boolean, units winsorised or truncated;
        * ``z_adjusted`` - additive random-effects z, ``(Y - target) / sqrt(s**2 + tau2)``;
        * ``z_phi`` - multiplicatively adjusted z, ``z / sqrt(phi)``;
        * ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998`` - per-unit
          over-dispersed limits on the ratio / proportion scale (see :func:`od_limits`).

        Per-unit values are shaped like the inputs.

    Raises:
        ValueError: On invalid options, negative counts, proportions above 1, or when no
            unit has a finite z-score.

    References:
        Spiegelhalter DJ (2005) Funnel plots for comparing institutional performance.
        Stat Med 24:1185-1202. Spiegelhalter DJ (2005) Handling over-dispersion of
        performance indicators. Qual Saf Health Care 14:347-351. DerSimonian R, Laird N
        (1986) Meta-analysis in clinical trials. Control Clin Trials 7:177-188.
        NHS Digital SHMI methodology. FunnelPlotR (R), ``R/od_adjustment.R``.
    """
    _check_options(data_type, method, cqc_limits)
    if not 0.0 <= trim < 0.5:
        raise ValueError(f"trim must lie in [0, 0.5), got {trim}")
    o, e = np.broadcast_arrays(as_float(numerator), as_float(denominator))
    if o.ndim != 1:
        raise ValueError("numerator and denominator must be one-dimensional (one value per unit)")
    if np.any(o < 0) or np.any(e < 0):
        raise ValueError("numerator and denominator must be non-negative")
    if data_type == "PR" and np.any(o > e):
        raise ValueError("numerator must not exceed denominator for proportions")
    if target is not None and (data_type != "PR" or not 0.0 <= target <= 1.0):
        raise ValueError("a target is a proportion in [0, 1] and only for data_type='PR'")
    if data_type == "SR" and method == "SHMI" and shmi_rounding:
        e = np.round(e, 2)

    y, s, target_t, target = _transform(o, e, data_type, method, target)
    with np.errstate(invalid="ignore"):
        z = (y - target_t) / s
    if np.isnan(z).all():
        raise ValueError("no unit has a z-score")

    if data_type == "SR" and method == "SHMI":
        zw, trimmed = _truncate(z, trim)
    else:
        zw, trimmed = _winsorise(z, trim)
    kept = ~np.isnan(zw)
    n_used = int(kept.sum())
    phi = float(np.sum(zw[kept] ** 2) / n_used)
    tau2 = _tau2(n_used, phi, s[kept])

    with np.errstate(invalid="ignore", divide="ignore"):
        z_adjusted = (y - target_t) / np.sqrt(s**2 + tau2)
        z_phi = z / np.sqrt(phi)
    limits = {}
    for label, confidence in (("95", 0.95), ("998", 0.998)):
        lower, upper = _od_limits(s, tau2, confidence, data_type, method, target, cqc_limits)
        limits[f"lower_{label}"], limits[f"upper_{label}"] = lower, upper

    return {
        "phi": phi,
        "tau2": tau2,
        "n_used": n_used,
        "target": target,
        "z": like(z, numerator, denominator),
        "z_winsorised": like(zw, numerator, denominator),
        "trimmed": like(trimmed, numerator, denominator),
        "z_adjusted": like(z_adjusted, numerator, denominator),
        "z_phi": like(z_phi, numerator, denominator),
        **{key: like(value, numerator, denominator) for key, value in limits.items()},
    }
