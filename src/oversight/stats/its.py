"""Segmented regression for a single interrupted time series (ITS).

:func:`interrupted_time_series` fits a generalised linear model to one series observed
before and after an interruption (e.g. monthly counts in one local authority before and
after a new supervision template), following Wagner et al. (2002) and the tutorial of
Lopez Bernal, Cummins & Gasparrini (2017):

    g(E[Y_t]) = b0 + b1 (t - T) + b2 post_t + b3 (t - T) post_t  [+ Fourier terms]
                [+ log(offset_t)]

where ``T`` is the interruption (the first time value of the post period), ``post_t`` is 1
from ``T`` on and ``g`` is the logit (events out of trials) or log link (counts).

* Time is *centred at the interruption*, so ``exp(b0)`` is the odds / rate at ``T`` on
  the pre-interruption trend (the counterfactual at the interruption) and ``exp(b2)``
  (``level_change``) is the odds ratio / rate ratio of the step *at the first post time
  point*. Centring changes only the intercept, never the other coefficients.
* The slope-change term ``(t - T) post_t`` is 0 up to and including ``T`` (the convention
  of Linden's Stata ``itsa``). The corrigendum code of Lopez Bernal et al. uses
  ``I(time - 36):smokban`` with the first post month 37, i.e. ``(t - T + 1) post_t``: the
  slope change is the same, but its step is the one at ``T - 1`` and equals our
  ``level_change / slope_change``.
* With ``slope_change=False`` the slope term is dropped: the step-change-only model of the
  tutorial's main analysis, ``glm(aces ~ offset(log(stdpop)) + smokban + time)``.
* ``seasonal=K`` adds ``sin(2 pi k t / period)`` and ``cos(2 pi k t / period)`` for
  ``k = 1..K``, with ``t`` the time values themselves (so ``time`` must be in the units
  of ``period``, e.g. months for ``period=12``). R's ``tsModel::harmonic(x, nfreq,
  period)`` uses frequencies ``2**(k-1)`` (1, 2, 4, ...) instead of ``k``; the two agree
  for ``K <= 2``, which covers the tutorial's ``harmonic(month, 2, 12)``.

Families: ``"binomial"`` / ``"poisson"`` use the model-based variance; ``"quasibinomial"``
/ ``"quasipoisson"`` fit the same mean model and multiply the covariance by the Pearson
dispersion ``X2 / df_resid``, as R's quasi families do. The dispersion is taken from the
fit's ``pearson_chi2`` and applied here rather than through statsmodels'
``GLM.fit(scale="X2")``: with a two-column (events, non-events) binomial response,
statsmodels 0.15's ``GLM._estimate_x2_scale`` works on the proportions without the trial
counts and returns the dispersion divided by the number of trials (``pearson_chi2`` does
include them). For the Poisson families the two routes agree.

Standard errors: by default model-based (scaled for the quasi families). With
``hac_lags=L`` they are Newey-West heteroscedasticity-and-autocorrelation consistent
(statsmodels ``GLM.fit(cov_type="HAC", cov_kwds={"maxlags": L})``: Bartlett kernel, no
small-sample correction). In statsmodels 0.15 the HAC sandwich is built from
``model.score_obs`` and ``model.hessian``, both evaluated with the model's scale, so any
scale cancels (``statsmodels/base/covtype.py``, ``get_robustcov_results``, and
``stats/sandwich_covariance._get_sandwich_arrays``; checked numerically with
``GLM.fit(scale="X2", cov_type="HAC")``). The sandwich is already robust to
over-dispersion, so HAC standard errors are not multiplied by the dispersion and are the
same for a family and its quasi version; the Pearson dispersion is still reported. HAC
lags count rows, so the series should be equally spaced.

Intervals are Wald intervals ``exp(b -/+ z se)`` with normal quantiles and p-values are
two-sided normal (z) tests, as ``Epi::ci.exp`` computes them in the tutorial's R code.
(R's ``summary.glm`` uses t(df_resid) p-values for quasi families, so its p-values are
slightly larger in short series.)

Autocorrelation is checked on Pearson residuals, in time order: the Durbin-Watson
statistic, the lag-1 autocorrelation and the Ljung-Box test at lag ``min(12, n // 4)``
(no degrees of freedom subtracted for the regression).

References:
    Wagner AK, Soumerai SB, Zhang F, Ross-Degnan D (2002) Segmented regression analysis of
    interrupted time series studies in medication use research. J Clin Pharm Ther
    27:299-309.
    Lopez Bernal J, Cummins S, Gasparrini A (2017) Interrupted time series regression for
    the evaluation of public health interventions: a tutorial. Int J Epidemiol
    46:348-355; corrigendum (2021) Int J Epidemiol 50:1045. Code and data:
    github.com/gasparrini/2017_lopezbernal_IJE_codedata.
    Linden A (2015) Conducting interrupted time-series analysis for single- and
    multiple-group comparisons. Stata J 15:480-500.
    Newey WK, West KD (1987) A simple, positive semi-definite, heteroskedasticity and
    autocorrelation consistent covariance matrix. Econometrica 55:703-708.
    McCullagh P, Nelder JA (1989) Generalized linear models, 2nd edn, section 4.5
    (quasi-likelihood dispersion).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit
from scipy.stats import norm
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.stattools import durbin_watson
from statsmodels.tsa.stattools import acf

from oversight.stats.its_data import (
    LEVEL,
    SLOPE,
    TIME,
    check_options,
    design_matrix,
    prepare_series,
    resolve_family,
)

Family = Literal["binomial", "quasibinomial", "poisson", "quasipoisson"]
#: Ljung-Box is run at lag ``min(LJUNG_BOX_MAX_LAG, n // 4)``.
LJUNG_BOX_MAX_LAG = 12

_Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LevelEffect:
    """The step at the interruption on the natural scale (see
    :meth:`ITSResult.level_effect_on_scale`)."""

    counterfactual: float
    """Model prediction at the interruption without the step (pre-interruption trend)."""
    predicted: float
    """Model prediction at the interruption with the step."""
    difference: float
    """``predicted - counterfactual``."""
    lower: float
    upper: float
    """Delta-method Wald interval for ``difference``."""
    scale: str
    """What the numbers are: a proportion, or a rate per ``per`` units of the offset."""


@dataclass(frozen=True, eq=False)
class ITSResult:
    """Result of :func:`interrupted_time_series`. Ratios are ``exp(coefficient)``: odds
    ratios for the binomial families, rate ratios for the Poisson families."""

    family: str
    level_change: float
    """Ratio of the step at the interruption (first post time point)."""
    level_lower: float
    level_upper: float
    level_p: float
    slope_change: float
    """Ratio of the change in trend per time unit after the interruption (NaN when the
    model has no slope-change term)."""
    slope_lower: float
    slope_upper: float
    slope_p: float
    pre_slope: float
    """Ratio per time unit of the pre-interruption trend."""
    n: int
    n_pre: int
    n_post: int
    dispersion: float
    """Pearson chi-square / residual degrees of freedom."""
    autocorrelation: dict[str, float]
    """``durbin_watson``, ``lag1_autocorrelation``, ``ljung_box_stat``, ``ljung_box_p``
    and ``lags`` (the Ljung-Box lag), all on Pearson residuals in time order."""
    se_method: str
    table: pd.DataFrame
    """Every coefficient: ``term``, ``estimate`` (exp), ``lower``, ``upper``,
    ``p_value``, and the log-scale ``coef`` and ``std_error``."""
    alpha: float
    """Two-sided level of the intervals (0.05 gives 95% intervals)."""
    _x_step: _Array = field(repr=False)
    _params: _Array = field(repr=False)
    _cov: _Array = field(repr=False)

    def level_effect_on_scale(self, per: float = 1.0, alpha: float | None = None) -> LevelEffect:
        """The modelled step at the interruption as an absolute difference.

        Predictions are made at the interruption time (with its seasonal terms, if any),
        once with the step and once without (the pre-interruption trend extrapolated):
        proportions for the binomial families, rates per ``per`` units of the offset for
        the Poisson families (counts per time point when there is no offset). The interval
        for the difference uses the delta method with the fit's covariance (model-based or
        HAC): gradient ``h'(eta1) x1 - h'(eta0) x0``, with ``h`` the inverse link.

        Args:
            per: Multiplier for the reported values, e.g. ``100_000`` for a rate per
                100,000 population, or ``100`` for percentage points.
            alpha: Two-sided level of the interval; defaults to the fit's ``alpha``.

        Returns:
            :class:`LevelEffect`.
        """
        alpha = self.alpha if alpha is None else _check_alpha(alpha)
        x1 = self._x_step
        x0 = x1.copy()
        x0[_column_index(self.table, LEVEL)] = 0.0
        eta1, eta0 = float(x1 @ self._params), float(x0 @ self._params)
        if self.family.endswith("binomial"):
            p1, p0 = float(expit(eta1)), float(expit(eta0))
            d1, d0 = p1 * (1.0 - p1), p0 * (1.0 - p0)
            scale = "proportion" if per == 1 else f"proportion x {per:g}"
        else:
            p1, p0 = float(np.exp(eta1)), float(np.exp(eta0))
            d1, d0 = p1, p0
            scale = f"rate per {per:g} units of offset"
        grad = d1 * x1 - d0 * x0
        se = float(np.sqrt(grad @ self._cov @ grad))
        z = norm.ppf(1.0 - alpha / 2.0)
        diff = p1 - p0
        return LevelEffect(
            counterfactual=per * p0,
            predicted=per * p1,
            difference=per * diff,
            lower=float(per * (diff - z * se)),
            upper=float(per * (diff + z * se)),
            scale=scale,
        )


def _column_index(table: pd.DataFrame, term: str) -> int:
    return int(np.flatnonzero(table["term"].to_numpy() == term)[0])


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    return alpha


def _autocorrelation(resid: _Array) -> dict[str, float]:
    lags = min(LJUNG_BOX_MAX_LAG, resid.size // 4)
    lb = acorr_ljungbox(resid, lags=[lags], return_df=True)
    return {
        "durbin_watson": float(durbin_watson(resid)),
        "lag1_autocorrelation": float(acf(resid, nlags=1, fft=False)[1]),
        "ljung_box_stat": float(lb["lb_stat"].iloc[0]),
        "ljung_box_p": float(lb["lb_pvalue"].iloc[0]),
        "lags": lags,
    }


def _fit(
    design: pd.DataFrame,
    y: _Array,
    n_trials: _Array | None,
    exposure: _Array | None,
    family: str,
    hac_lags: int | None,
) -> tuple[Any, str]:
    """The GLM fit (events out of trials, or counts with the log offset) and how its
    standard errors are computed."""
    binomial = family.endswith("binomial")
    if binomial:
        assert n_trials is not None
        endog: _Array = np.column_stack([y, n_trials - y])
        glm_family: sm.families.Family = sm.families.Binomial()
    else:
        endog = y
        glm_family = sm.families.Poisson()
    model = sm.GLM(
        endog,
        design,
        family=glm_family,
        offset=None if exposure is None else np.log(exposure),
    )
    quasi = family.startswith("quasi")
    if hac_lags is None:
        fit = model.fit()
        se_method = "model-based" + (" (scaled by Pearson X2/df)" if quasi else "")
    else:
        fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": int(hac_lags)})
        se_method = f"HAC (Newey-West, Bartlett kernel, maxlags={int(hac_lags)})"
    if not getattr(fit, "converged", True):
        warnings.warn("GLM fit did not converge", RuntimeWarning, stacklevel=3)
    return fit, se_method


def _coefficients(terms: list[str], coef: _Array, cov: _Array, alpha: float) -> pd.DataFrame:
    """Every coefficient as a ratio with its Wald interval and p-value, and on the log
    scale."""
    se = np.sqrt(np.diag(cov))
    z = norm.ppf(1.0 - alpha / 2.0)
    return pd.DataFrame(
        {
            "term": terms,
            "estimate": np.exp(coef),
            "lower": np.exp(coef - z * se),
            "upper": np.exp(coef + z * se),
            "p_value": 2.0 * norm.sf(np.abs(coef / se)),
            "coef": coef,
            "std_error": se,
        }
    )


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    time: str,
    events: str,
    interruption: Any,
    trials: str | None = None,
    offset: str | None = None,
    family: Family | None = None,
    slope_change: bool = True,
    seasonal: int = 0,
    period: float = 12,
    hac_lags: int | None = None,
    alpha: float = 0.05,
) -> ITSResult:
    """Segmented GLM regression of one interrupted time series.

    See the module docstring for the model, its parameterisation and the standard errors.

    Args:
        data: One row per time point (any order; it is sorted by ``time``).
        time: Column of time values: numbers (e.g. month index 1, 2, ...) or a pandas
            ``Period`` column (converted to period ordinals). Unique; the trend is per
            unit of this column.
        events: Column of event counts (>= 0).
        interruption: First time value of the post-interruption period (a number, or a
            ``Period``/string for a Period column). The step is measured here.
        trials: Column of denominators for events-out-of-trials data (binomial families).
        offset: Column whose log is the offset of a Poisson model (e.g. population or
            children on caseload); None for no offset.
        family: ``"binomial"``, ``"quasibinomial"``, ``"poisson"`` or ``"quasipoisson"``;
            default ``"quasibinomial"`` with ``trials``, else ``"quasipoisson"``.
        slope_change: Include the change-in-slope term; False fits a step change only.
        seasonal: Number of Fourier harmonic pairs (sin/cos) for a season of length
            ``period``; 0 for none.
        period: Season length in time units (12 for monthly data).
        hac_lags: None for model-based standard errors (scaled by the Pearson dispersion
            for the quasi families); an integer for Newey-West HAC standard errors with that
            many lags (e.g. ``floor(4 (n/100)**(2/9))``, 3 for 5 years of months).
        alpha: Two-sided level of the Wald intervals (0.05 for 95%).

    Returns:
        :class:`ITSResult`.

    Raises:
        TypeError: If ``data`` is not a DataFrame.
        ValueError: On missing columns or values, negative events, non-positive trials or
            offsets, events above trials, duplicated time values, fewer than 3 time points
            on either side of the interruption, an unknown family or a family that does not
            match ``trials``/``offset``, invalid ``seasonal``/``period``/``hac_lags``/
            ``alpha``, or a design with too few points or collinear columns.

    References:
        Wagner et al. (2002); Lopez Bernal, Cummins & Gasparrini (2017, corrigendum 2021);
        Newey & West (1987). See the module docstring.
    """
    alpha = _check_alpha(alpha)
    family = resolve_family(family, trials, offset)
    t, point, y, n_trials, exposure = prepare_series(
        data, time, events, trials, offset, interruption
    )
    n = t.size
    check_options(seasonal, period, hac_lags, n)
    design = design_matrix(
        t, point, slope_change=slope_change, seasonal=int(seasonal), period=period
    )
    x = design.to_numpy()
    if x.shape[1] >= n:
        raise ValueError(f"{x.shape[1]} coefficients need more than {n} time points")
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise ValueError("design matrix is singular (are the seasonal terms collinear?)")

    fit, se_method = _fit(design, y, n_trials, exposure, family, hac_lags)
    quasi = family.startswith("quasi")
    dispersion = float(fit.pearson_chi2 / fit.df_resid)
    coef = np.asarray(fit.params, dtype=float)
    cov = np.asarray(fit.cov_params(), dtype=float)
    if quasi and hac_lags is None:
        cov = cov * dispersion
    table = _coefficients(list(design.columns), coef, cov, alpha)
    rows = table.set_index("term")

    def pick(term: str, column: str) -> float:
        return float(rows.at[term, column]) if term in rows.index else float("nan")

    # The design row at the interruption itself (it need not be an observed time point).
    x_step = design_matrix(
        np.array([point]), point, slope_change=slope_change, seasonal=int(seasonal), period=period
    ).to_numpy()[0]
    return ITSResult(
        family=family,
        level_change=pick(LEVEL, "estimate"),
        level_lower=pick(LEVEL, "lower"),
        level_upper=pick(LEVEL, "upper"),
        level_p=pick(LEVEL, "p_value"),
        slope_change=pick(SLOPE, "estimate"),
        slope_lower=pick(SLOPE, "lower"),
        slope_upper=pick(SLOPE, "upper"),
        slope_p=pick(SLOPE, "p_value"),
        pre_slope=pick(TIME, "estimate"),
        n=n,
        n_pre=int(np.sum(t < point)),
        n_post=int(np.sum(t >= point)),
        dispersion=dispersion,
        autocorrelation=_autocorrelation(np.asarray(fit.resid_pearson, dtype=float)),
        se_method=se_method,
        table=table,
        alpha=alpha,
        _x_step=np.asarray(x_step, dtype=float),
        _params=coef,
        _cov=cov,
    )
