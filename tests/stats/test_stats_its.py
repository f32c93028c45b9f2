"""Interrupted time series (segmented GLM) against the Lopez Bernal et al. (2017) tutorial.

Reference: Lopez Bernal J, Cummins S, Gasparrini A (2017) Interrupted time series regression
for the evaluation of public health interventions: a tutorial. Int J Epidemiol 46:348-355
(corrigendum 2021, 50:1045). Data: ``fixtures/its/sicily.csv`` (see its README).

The reference values are those of the models in the tutorial's ``Rcode.R``
(github.com/gasparrini/2017_lopezbernal_IJE_codedata), which prints each model with
``round(ci.lin(model, Exp=T), 3)`` (Epi: ``exp(b)`` with ``exp(b -/+ qnorm(0.975) se)``), i.e.
to 3 decimals:

* ``model1`` ("Step 4"): ``glm(aces ~ offset(log(stdpop)) + smokban + time, family=poisson)``
  - smokban 0.894 (0.865-0.925), time 1.005 (1.004-1.006).
* ``model2`` ("Step 5a"): the same with ``family=quasipoisson`` - smokban 0.894
  (0.839-0.953); ``summary(model2)$dispersion`` 3.559.
* ``model3`` ("Step 5c"): ``model2`` + ``harmonic(month, 2, 12)`` - smokban 0.885
  (0.839-0.933), dispersion 2.262, ``exp(coef(model3)["time"] * 12)`` 1.067.
* ``model4`` ("additional material"): ``model3`` + a change in slope. The 2016 code uses
  ``smokban*time``; the 2020 code, after the corrigendum, ``I(time-36):smokban``. The slope
  change is 1.001 (0.998-1.005) in both; the corrigendum's smokban is 0.876 (0.827-0.929),
  the step at month 36, so the step at the interruption (month 37) is that times the slope
  change.

Models 1-3 are step-change-only, hence ``slope_change=False``. The values above were
computed from the code's formulas (deterministic GLM fits; R was not available to run the
script itself) and are compared at the 3 decimals the script prints.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import norm

from oversight.stats.its import ITSResult, interrupted_time_series

SICILY = pd.read_csv(Path(__file__).parent / "fixtures" / "its" / "sicily.csv")
SICILY_ARGS = {"time": "time", "events": "aces", "offset": "stdpop", "interruption": 37}


def rounded(*values: float) -> list[float]:
    return [round(float(v), 3) for v in values]


# --- the tutorial's models ------------------------------------------------------------------


def test_sicily_model1_poisson_step_change() -> None:
    """model1: Poisson, offset log(stdpop), step change only: RR 0.894 (0.865-0.925),
    trend 1.005 (1.004-1.006) per month."""
    res = interrupted_time_series(SICILY, family="poisson", slope_change=False, **SICILY_ARGS)
    assert rounded(res.level_change, res.level_lower, res.level_upper) == [0.894, 0.865, 0.925]
    time_row = res.table.set_index("term").loc["time"]
    assert rounded(res.pre_slope, time_row["lower"], time_row["upper"]) == [1.005, 1.004, 1.006]
    assert res.level_p < 0.001
    assert np.isnan(res.slope_change) and np.isnan(res.slope_p)
    assert (res.n, res.n_pre, res.n_post) == (59, 36, 23)
    assert res.se_method == "model-based"
    assert list(res.table["term"]) == ["intercept", "time", "level_change"]


def test_sicily_model2_quasipoisson() -> None:
    """model2: quasi-Poisson: RR 0.894 (0.839-0.953), dispersion 3.559."""
    res = interrupted_time_series(SICILY, family="quasipoisson", slope_change=False, **SICILY_ARGS)
    assert rounded(res.level_change, res.level_lower, res.level_upper) == [0.894, 0.839, 0.953]
    assert round(res.dispersion, 3) == 3.559


def test_sicily_model3_quasipoisson_with_two_harmonics() -> None:
    """model3: quasi-Poisson + harmonic(month, 2, 12): RR 0.885 (0.839-0.933), dispersion
    2.262, trend per year 1.067. Our Fourier terms use ``time``; for this series
    time - month is a multiple of 12, so the columns equal harmonic(month, 2, 12)'s."""
    res = interrupted_time_series(
        SICILY, family="quasipoisson", slope_change=False, seasonal=2, **SICILY_ARGS
    )
    assert rounded(res.level_change, res.level_lower, res.level_upper) == [0.885, 0.839, 0.933]
    assert round(res.dispersion, 3) == 2.262
    assert round(res.pre_slope**12, 3) == 1.067
    terms = res.table.set_index("term")
    # harmonic(month, 2, 12)1 (first sine) in ci.lin: 1.038 (1.018-1.058)
    assert rounded(*terms.loc["sin1", ["estimate", "lower", "upper"]]) == [1.038, 1.018, 1.058]
    assert list(terms.index) == [
        "intercept",
        "time",
        "level_change",
        "sin1",
        "cos1",
        "sin2",
        "cos2",
    ]


def test_sicily_model4_slope_change() -> None:
    """model4: slope change 1.001 (0.998-1.005). Our step is at the interruption (month
    37); the corrigendum code's smokban, 0.876 (0.827-0.929), is the step at month 36, so
    ours = theirs x slope change. Checked exactly against that model refitted here."""
    res = interrupted_time_series(SICILY, family="quasipoisson", seasonal=2, **SICILY_ARGS)
    assert rounded(res.slope_change, res.slope_lower, res.slope_upper) == [1.001, 0.998, 1.005]

    d = SICILY
    month = 2 * np.pi * d["month"].to_numpy() / 12
    x = np.column_stack(
        [
            np.ones(len(d)),
            d["smokban"],
            d["time"],
            (d["time"] - 36) * d["smokban"],  # I(time-36):smokban
            np.sin(month),
            np.sin(2 * month),
            np.cos(month),
            np.cos(2 * month),
        ]
    )
    corrigendum = sm.GLM(
        d["aces"], x, family=sm.families.Poisson(), offset=np.log(d["stdpop"])
    ).fit(scale="X2")
    b = np.asarray(corrigendum.params)
    ci = np.exp(np.asarray(corrigendum.conf_int())[1])
    assert rounded(np.exp(b[1]), *ci) == [0.876, 0.827, 0.929]
    assert res.level_change == pytest.approx(np.exp(b[1] + b[3]), rel=1e-8)
    assert res.slope_change == pytest.approx(np.exp(b[3]), rel=1e-8)
    # variance of b1 + b3, the step at month 37 in the corrigendum's parameterisation
    cov = np.asarray(corrigendum.cov_params())
    se = np.sqrt(cov[1, 1] + cov[3, 3] + 2 * cov[1, 3])
    assert res.level_lower == pytest.approx(np.exp(b[1] + b[3] - norm.ppf(0.975) * se), rel=1e-7)


def test_sicily_autocorrelation_and_hac() -> None:
    """Ljung-Box at lag min(12, 59 // 4) = 12 on Pearson residuals; HAC intervals differ
    from model-based ones, and (statsmodels 0.15) the scale cancels from the sandwich, so
    Poisson and quasi-Poisson HAC intervals are identical."""
    quasi = interrupted_time_series(
        SICILY, family="quasipoisson", slope_change=False, hac_lags=3, **SICILY_ARGS
    )
    plain = interrupted_time_series(
        SICILY, family="poisson", slope_change=False, hac_lags=3, **SICILY_ARGS
    )
    assert quasi.se_method == "HAC (Newey-West, Bartlett kernel, maxlags=3)"
    assert quasi.level_lower == pytest.approx(plain.level_lower, rel=1e-10)
    assert quasi.level_upper == pytest.approx(plain.level_upper, rel=1e-10)
    assert quasi.dispersion == pytest.approx(3.559, abs=5e-4)  # still reported
    ac = quasi.autocorrelation
    assert ac["lags"] == 12
    assert 0 < ac["durbin_watson"] < 4 and 0 <= ac["ljung_box_p"] <= 1


def test_sicily_level_effect_on_rate_scale() -> None:
    """Absolute step at month 37 per 100,000 (model1), checked against R's formula refitted
    here with the delta method written out: d = exp(eta1) - exp(eta0)."""
    res = interrupted_time_series(SICILY, family="poisson", slope_change=False, **SICILY_ARGS)
    eff = res.level_effect_on_scale(per=100_000)

    d = SICILY
    x = np.column_stack([np.ones(len(d)), d["smokban"], d["time"]])
    fit = sm.GLM(d["aces"], x, family=sm.families.Poisson(), offset=np.log(d["stdpop"])).fit()
    x1, x0 = np.array([1.0, 1.0, 37.0]), np.array([1.0, 0.0, 37.0])
    r1, r0 = np.exp(x1 @ fit.params), np.exp(x0 @ fit.params)
    grad = r1 * x1 - r0 * x0
    se = np.sqrt(grad @ np.asarray(fit.cov_params()) @ grad)
    z = norm.ppf(0.975)
    assert eff.counterfactual == pytest.approx(1e5 * r0, rel=1e-8)
    assert eff.predicted == pytest.approx(1e5 * r1, rel=1e-8)
    assert eff.difference == pytest.approx(1e5 * (r1 - r0), rel=1e-8)
    assert eff.lower == pytest.approx(1e5 * (r1 - r0 - z * se), rel=1e-7)
    assert eff.upper == pytest.approx(1e5 * (r1 - r0 + z * se), rel=1e-7)
    assert round(eff.difference, 1) == -24.7  # about 25 fewer ACEs per 100,000 a month


def test_period_time_column_matches_integer_time() -> None:
    """A monthly Period column and a Period/string interruption give the same trend and
    step. Period ordinals put January at a different phase from ``time`` (ordinal of
    2002-01 is a multiple of 12, time is 1), so the individual sin/cos coefficients differ
    while the fitted seasonal curve is the same."""
    d = SICILY.assign(
        period=pd.PeriodIndex.from_fields(year=SICILY["year"], month=SICILY["month"], freq="M")
    )
    by_period = interrupted_time_series(
        d, time="period", events="aces", offset="stdpop", interruption="2005-01", seasonal=2
    )
    by_index = interrupted_time_series(SICILY, seasonal=2, **SICILY_ARGS)
    cols = ["estimate", "lower", "upper", "p_value"]
    np.testing.assert_allclose(by_period.table[cols][:4], by_index.table[cols][:4], rtol=1e-7)
    assert by_period.dispersion == pytest.approx(by_index.dispersion, rel=1e-10)


# --- simulated series -----------------------------------------------------------------------


def planted_binomial(seed: int) -> pd.DataFrame:
    """36 months, 400 trials a month, p = 0.5 up to month 24, odds ratio 1.8 from 25."""
    rng = np.random.default_rng(seed)
    month = np.arange(1, 37)
    p = 1.0 / (1.0 + np.exp(-np.log(1.8) * (month >= 25)))
    return pd.DataFrame({"month": month, "trials": 400, "events": rng.binomial(400, p)})


def test_binomial_recovers_planted_step() -> None:
    """Over 300 seeds both intervals covered jointly in 93% of series; this seed is one."""
    data = planted_binomial(20240601)
    res = interrupted_time_series(
        data, time="month", events="events", trials="trials", interruption=25, family="binomial"
    )
    assert res.family == "binomial"
    assert res.level_lower < 1.8 < res.level_upper
    assert res.slope_lower < 1.0 < res.slope_upper
    assert (res.n_pre, res.n_post) == (24, 12)
    assert res.autocorrelation["lags"] == 36 // 4
    eff = res.level_effect_on_scale()
    assert eff.scale == "proportion"
    assert eff.counterfactual == pytest.approx(0.5, abs=0.03)
    assert eff.predicted == pytest.approx(1.8 / 2.8, abs=0.03)
    assert eff.lower < 1.8 / 2.8 - 0.5 < eff.upper


def test_quasibinomial_is_default_and_scales_intervals() -> None:
    """With trials the default family is quasibinomial: same estimates as binomial, log-scale
    standard errors multiplied by sqrt(Pearson X2 / df)."""
    data = planted_binomial(20240601)
    args = {"time": "month", "events": "events", "trials": "trials", "interruption": 25}
    quasi = interrupted_time_series(data, **args)
    plain = interrupted_time_series(data, family="binomial", **args)
    assert quasi.family == "quasibinomial"
    np.testing.assert_allclose(quasi.table["coef"], plain.table["coef"], rtol=1e-10)
    np.testing.assert_allclose(
        quasi.table["std_error"], plain.table["std_error"] * np.sqrt(plain.dispersion), rtol=1e-8
    )
    assert quasi.dispersion == pytest.approx(plain.dispersion, rel=1e-12)


def test_no_effect_gives_level_interval_containing_one() -> None:
    """Poisson counts on a gentle trend with no step (intervals covered 1 in 98% of 300
    seeds)."""
    rng = np.random.default_rng(7)
    t = np.arange(1, 49)
    data = pd.DataFrame({"t": t, "y": rng.poisson(300 * np.exp(0.003 * (t - 24)))})
    res = interrupted_time_series(data, time="t", events="y", interruption=25)
    assert res.family == "quasipoisson"
    assert res.level_lower < 1.0 < res.level_upper
    assert res.slope_lower < 1.0 < res.slope_upper


def ar1_counts(seed: int, n: int = 96, rho: float = 0.7, sd: float = 0.1) -> pd.DataFrame:
    """Poisson counts around 500 whose log-mean follows a stationary AR(1) process."""
    rng = np.random.default_rng(seed)
    e = np.empty(n)
    e[0] = rng.normal(0.0, sd / np.sqrt(1.0 - rho**2))
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0.0, sd)
    return pd.DataFrame({"t": np.arange(1, n + 1), "y": rng.poisson(500 * np.exp(e))})


def test_ar1_noise_widens_hac_intervals_and_is_detected() -> None:
    """Positively autocorrelated errors: HAC (6 lags) intervals are wider than model-based
    quasi-Poisson ones (in about 93% of 200 simulated series for the level change, 96% for
    the slope change, with these settings); Durbin-Watson and Ljung-Box flag the
    autocorrelation."""
    data = ar1_counts(12345)
    args = {"time": "t", "events": "y", "interruption": 49}
    model_based = interrupted_time_series(data, **args)
    hac = interrupted_time_series(data, hac_lags=6, **args)
    assert model_based.level_change == pytest.approx(hac.level_change, rel=1e-12)
    assert hac.level_upper / hac.level_lower > model_based.level_upper / model_based.level_lower
    assert hac.slope_upper / hac.slope_lower > model_based.slope_upper / model_based.slope_lower
    ac = model_based.autocorrelation
    assert ac["durbin_watson"] < 1.5
    assert ac["lag1_autocorrelation"] > 0.3
    assert ac["ljung_box_p"] < 0.01


def test_result_is_a_frozen_dataclass() -> None:
    res = interrupted_time_series(SICILY, **SICILY_ARGS)
    assert isinstance(res, ITSResult)
    with pytest.raises(AttributeError):
        res.level_change = 1.0  # type: ignore[misc]
    assert list(res.table.columns) == [
        "term",
        "estimate",
        "lower",
        "upper",
        "p_value",
        "coef",
        "std_error",
    ]


# --- input validation -----------------------------------------------------------------------

COUNTS = pd.DataFrame({"t": range(1, 11), "y": [5, 6, 7, 5, 6, 8, 9, 7, 8, 9]})
PROPS = COUNTS.assign(n=20)


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (COUNTS, {"events": "nope"}, "not in data"),
        (COUNTS, {"interruption": 3}, "at least 3 time points"),
        (COUNTS, {"interruption": 9}, "at least 3 time points"),
        (PROPS.assign(n=[20] * 9 + [0]), {"trials": "n"}, "trials .* must be positive"),
        (PROPS.assign(n=5), {"trials": "n"}, "must not exceed trials"),
        (COUNTS.assign(y=[5, -1, 7, 5, 6, 8, 9, 7, 8, 9]), {}, "non-negative"),
        (COUNTS.assign(y=[5, None, 7, 5, 6, 8, 9, 7, 8, 9]), {}, "missing values"),
        (COUNTS.assign(t=[1, 1, 2, 3, 4, 5, 6, 7, 8, 9]), {}, "unique"),
        (COUNTS.assign(pop=0.0), {"offset": "pop"}, "offset .* must be positive"),
        (COUNTS, {"family": "gaussian"}, "family must be one of"),
        (COUNTS, {"family": "binomial"}, "needs a trials column"),
        (PROPS, {"trials": "n", "family": "poisson"}, "trials is for the binomial"),
        (PROPS.assign(pop=1.0), {"trials": "n", "offset": "pop"}, "Poisson families only"),
        (COUNTS, {"seasonal": 6}, "period > 12"),
        (COUNTS, {"seasonal": -1}, "non-negative integer"),
        (COUNTS, {"hac_lags": -1}, "hac_lags"),
        (COUNTS, {"alpha": 1.5}, "alpha"),
        (COUNTS.assign(t=list("abcdefghij")), {"interruption": "f"}, "time must be numeric"),
    ],
)
def test_invalid_input_raises(data: pd.DataFrame, kwargs: dict, message: str) -> None:
    args = {"time": "t", "events": "y", "interruption": 6, **kwargs}
    with pytest.raises(ValueError, match=message):
        interrupted_time_series(data, **args)


def test_non_dataframe_raises() -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        interrupted_time_series(COUNTS.to_dict(), time="t", events="y", interruption=6)  # type: ignore[arg-type]


def test_too_many_terms_for_the_points_raises() -> None:
    """Six points and 4 + 2 x 2 coefficients cannot be fitted."""
    data = COUNTS.iloc[:6]
    with pytest.raises(ValueError, match="coefficients need more than 6"):
        interrupted_time_series(data, time="t", events="y", interruption=4, seasonal=2)
