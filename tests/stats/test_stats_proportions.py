"""Wilson and Byar/exact Poisson intervals against published values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gamma, norm

from oversight.stats import byar_ci, wilson_ci


def test_wilson_65_of_100() -> None:
    """65/100 at 95%: 0.5525-0.7364 (the brief's worked value; Newcombe 1998 method 3)."""
    lower, upper = wilson_ci(65, 100)
    assert lower == pytest.approx(0.5525, abs=5e-5)
    assert upper == pytest.approx(0.7364, abs=5e-5)


@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_newcombe_1998_table(x: int, n: int, lower: float, upper: float) -> None:
    """Newcombe RG (1998) Stat Med 17:857, Table II, method 3 (score, no continuity
    correction), 95% limits printed to 4 decimals."""
    got = wilson_ci(x, n)
    assert got == pytest.approx((lower, upper), abs=5e-5)


def test_wilson_statsmodels_r_reference() -> None:
    """19/38: 0.348499283643951-0.651500716356049, statsmodels' test value checked against
    R (statsmodels/stats/tests/test_proportion.py::test_confint_proportion_wilson_clip)."""
    assert wilson_ci(19, 38) == pytest.approx((0.348499283643951, 0.651500716356049), abs=1e-12)


def test_wilson_vectorised_series_and_zero_denominator() -> None:
    """Series in, Series out (index kept); denominator 0 gives NaN, as specified."""
    num = pd.Series([65, 0, 81], index=["a", "b", "c"])
    den = pd.Series([100, 0, 263], index=["a", "b", "c"])
    lower, upper = wilson_ci(num, den)
    assert isinstance(lower, pd.Series) and list(lower.index) == ["a", "b", "c"]
    assert np.isnan(lower["b"]) and np.isnan(upper["b"])
    assert lower["a"] == pytest.approx(0.5525, abs=5e-5)
    assert upper["c"] == pytest.approx(0.3662, abs=5e-5)
    arr_lower, _ = wilson_ci(np.array([65, 81]), np.array([100, 263]))
    assert isinstance(arr_lower, np.ndarray)


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson_ci(5, 4)
    with pytest.raises(ValueError):
        wilson_ci(-1, 4)
    with pytest.raises(ValueError):
        wilson_ci(1, 4, confidence=95)


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (5, 1.623, 11.668), (9, 4.115, 17.085)],
)
def test_exact_poisson_limits_below_ten(count: int, lower: float, upper: float) -> None:
    """Below 10 events PHEindicatormethods uses exact Poisson limits. 95% values of the
    standard exact (Garwood 1936) Poisson table, to 3 decimals: 0 -> 0-3.689 (also quoted
    in the R epitools ``pois.exact`` documentation), 1 -> 0.0253-5.572, 5 -> 1.623-11.668,
    9 -> 4.115-17.085."""
    assert byar_ci(count) == pytest.approx((lower, upper), abs=5e-4)


def test_byar_is_wilson_hilferty_chi_square_approximation() -> None:
    """No printed Byar value was found in PHEindicatormethods' text sources (its test
    values live in an .xlsx), so this checks the formula independently: Byar's limits are
    the Wilson-Hilferty cube-root approximation to the chi-square quantiles of the exact
    method (Breslow & Day 1987, vol. II, ch. 2)::

        lower = chi2_{2O}(a/2) / 2,  upper = chi2_{2O+2}(1 - a/2) / 2,
        chi2_v(p) ~ v (1 - 2/(9v) + z_p sqrt(2/(9v)))**3
    """
    counts = np.array([10, 11, 25, 65, 100, 1045, 10000], dtype=float)
    for confidence in (0.95, 0.998):
        a = 1 - confidence

        def wilson_hilferty(v: np.ndarray, p: float) -> np.ndarray:
            return v * (1 - 2 / (9 * v) + norm.ppf(p) * np.sqrt(2 / (9 * v))) ** 3

        expected_lower = wilson_hilferty(2 * counts, a / 2) / 2
        expected_upper = wilson_hilferty(2 * counts + 2, 1 - a / 2) / 2
        lower, upper = byar_ci(counts, confidence)
        np.testing.assert_allclose(lower, expected_lower, rtol=1e-12)
        np.testing.assert_allclose(upper, expected_upper, rtol=1e-12)


def test_byar_within_published_accuracy_of_exact() -> None:
    """PHE Technical Guide - Confidence Intervals (2018), Appendix 1: for 95% intervals
    Byar's method is within 0.2% of the exact value for numerators of 10 or more. Exact
    limits here come from the gamma distribution (a different route from the chi-square
    code path)."""
    counts = np.arange(10, 2001, dtype=float)
    lower, upper = byar_ci(counts, 0.95)
    exact_lower = gamma.ppf(0.025, counts)
    exact_upper = gamma.ppf(0.975, counts + 1)
    assert np.all(np.abs(lower / exact_lower - 1) < 0.002)
    assert np.all(np.abs(upper / exact_upper - 1) < 0.002)


def test_byar_switches_method_at_ten_and_keeps_shape() -> None:
    """x = 10 uses Byar (lower 4.787, below the exact 4.795 of the Poisson table)."""
    lower, _ = byar_ci(pd.Series([9, 10], index=["p", "q"]))
    assert isinstance(lower, pd.Series)
    assert lower["q"] == pytest.approx(10 * (1 - 1 / 90 - norm.ppf(0.975) / (3 * 10**0.5)) ** 3)
    assert lower["p"] == pytest.approx(4.115, abs=5e-4)
    assert isinstance(byar_ci(65)[0], float)
    with pytest.raises(ValueError):
        byar_ci(-1)


def test_byar_at_small_counts_as_phe_byars_functions() -> None:
    """PHEindicatormethods R/utils.R ``byars_lower``: ``x*(1-1/(9*x)-z/(3*sqrt(x)))^3``
    with ``byars_lower[byars_lower < 0] <- NA`` ("If the confidence level is very close to
    1 or the number of events is very small Byar's method is inaccurate and may return a
    negative number"); ``byars_upper`` is ``(x+1)*(1-1/(9*(x+1))+z/(3*sqrt(x+1)))^3`` at
    every count. method="byar" gives these; the default keeps phe_rate's exact limits."""
    z95, z998 = norm.ppf(0.975), norm.ppf(0.999)
    lower, upper = byar_ci([0, 1, 5], 0.95, method="byar")
    assert np.isnan(lower[0])  # 0 * (-inf)**3 is undefined, as in R
    assert lower[1] == pytest.approx((1 - 1 / 9 - z95 / 3) ** 3, rel=1e-12)  # 0.01307
    assert lower[2] == pytest.approx(5 * (1 - 1 / 45 - z95 / (3 * 5**0.5)) ** 3, rel=1e-12)
    assert upper[0] == pytest.approx((1 - 1 / 9 + z95 / 3) ** 3, rel=1e-12)  # 3.668 < 3.689
    # one event at 99.8 %: 1 - 1/9 - 3.0902/3 < 0, so the lower limit is missing
    lower998, _ = byar_ci([1, 2, 3], 0.998, method="byar")
    assert 1 - 1 / 9 - z998 / 3 < 0 and np.isnan(lower998[0])
    assert np.isnan(lower998[1]) == (1 - 1 / 18 - z998 / (3 * 2**0.5) < 0)
    # phe_rate's default is unchanged and switches to Byar from 10 events
    assert byar_ci(5)[0] == pytest.approx(1.623, abs=5e-4)
    assert byar_ci(10, method="byar") == byar_ci(10)


def test_exact_method_at_every_count() -> None:
    """method="exact": the exact limits above 10 too, e.g. 65 events (Garwood limits
    50.17-82.85 as the gamma quantiles give them)."""
    lower, upper = byar_ci(65, method="exact")
    assert lower == pytest.approx(gamma.ppf(0.025, 65), rel=1e-10)
    assert upper == pytest.approx(gamma.ppf(0.975, 66), rel=1e-10)
    with pytest.raises(ValueError, match="method"):
        byar_ci(65, method="wilson")  # type: ignore[arg-type]
