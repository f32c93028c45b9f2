"""Exact Poisson ratio funnels and Dobson DSRs against PHEindicatormethods and FunnelPlotR."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from oversight.stats import DSR, byar_ci, dsr_dobson, ratio_funnel_limits

# PHEindicatormethods tests/testthat/testdata_funnel_ratio_outputs.csv: for each observed
# count O, the expected count E at which O sits on a limit and the ISR (per 100) there.
# Columns: O, lower_2s_exp_events, lower_2s_isr, upper_2s_exp_events, upper_2s_isr,
#             lower_3s_exp_events, lower_3s_isr, upper_3s_exp_events, upper_3s_isr
PHE_RATIO_TABLE = [
    (1, 5.571644585, 17.94802207, 0.025317898, 3949.774946,
     9.233410143, 10.83023482, 0.001000547, 99945.32721),
    (10, 18.39035799, 54.3763205, 4.795387629, 208.5337156,
     24.13397235, 41.43536693, 2.960519925, 337.778507),
    (100, 121.6268111, 82.21871402, 81.36400699, 122.9044681,
     134.9243187, 74.11562345, 71.92139974, 139.0406755),
    (716, 770.4222128, 92.93605352, 664.5083011, 107.7488421,
     802.60414, 89.20960712, 636.1521174, 112.5516964),
]  # fmt: skip


@pytest.mark.parametrize("row", PHE_RATIO_TABLE, ids=lambda r: f"O={r[0]}")
def test_exact_ratio_limits_match_phe_table(row: tuple[float, ...]) -> None:
    """At each tabulated expected count the exact limit equals the tabulated ISR. The
    table's E values carry 7 to 10 significant digits, hence rel=1e-5."""
    _, lo2_e, lo2, up2_e, up2, lo3_e, lo3, up3_e, up3 = row
    for confidence, (lo_e, lo, up_e, up) in (
        (0.95, (lo2_e, lo2, up2_e, up2)),
        (0.998, (lo3_e, lo3, up3_e, up3)),
    ):
        lower, _ = ratio_funnel_limits(lo_e, confidence, multiplier=100)
        _, upper = ratio_funnel_limits(up_e, confidence, multiplier=100)
        assert lower == pytest.approx(lo, rel=1e-5)
        assert upper == pytest.approx(up, rel=1e-5)


def test_exact_ratio_has_no_lower_limit_below_3_69_expected() -> None:
    """Under E = chi2.ppf(0.975, 2)/2 = 3.689 (the exact upper limit for 0 events, the
    Poisson table's 0 -> 3.689) no count is low enough: the lower limit is 0."""
    lower, upper = ratio_funnel_limits([1.0, 3.68, 3.70, 1000.0], 0.95)
    assert lower[0] == 0.0 and lower[1] == 0.0 and lower[2] > 0.0
    assert np.all(upper > 1.0) and 0.9 < lower[3] < 1.0 < upper[3] < 1.1


def test_funnelplotr_poisson_limits() -> None:
    """FunnelPlotR tests/testthat/test-poisson_limits.R, ``calculate_limits`` at
    number.seq = 15, 20, 30 with target 1:
    ll95 0.5596924 0.6108260 0.6746958; ul95 1.649348 1.544419 1.427562;
    ll99 0.3862650 0.4479107 0.5289724; ul99 2.082907 1.902094 1.702771."""
    e = [15.0, 20.0, 30.0]
    lo95, up95 = ratio_funnel_limits(e, 0.95, method="funnelplotr")
    lo998, up998 = ratio_funnel_limits(e, 0.998, method="funnelplotr")
    np.testing.assert_allclose(lo95, [0.5596924, 0.6108260, 0.6746958], atol=5e-8)
    np.testing.assert_allclose(up95, [1.649348, 1.544419, 1.427562], atol=5e-7)
    np.testing.assert_allclose(lo998, [0.3862650, 0.4479107, 0.5289724], atol=5e-8)
    np.testing.assert_allclose(up998, [2.082907, 1.902094, 1.702771], atol=5e-7)


def test_conventions_differ_and_keep_shape() -> None:
    """FunnelPlotR's limits are the interval of a count equal to E, PHE's invert the
    test: at E = 20 they differ in the second decimal, and both keep Series shape."""
    e = pd.Series([20.0, 200.0], index=["a", "b"])
    exact = ratio_funnel_limits(e)
    fpr = ratio_funnel_limits(e, method="funnelplotr")
    assert isinstance(exact[0], pd.Series) and list(exact[0].index) == ["a", "b"]
    assert abs(exact[0]["a"] - fpr[0]["a"]) > 0.01
    assert isinstance(ratio_funnel_limits(20.0)[0], float)
    with pytest.raises(ValueError, match="method"):
        ratio_funnel_limits(20.0, method="normal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        ratio_funnel_limits([0.0, 5.0])


# --- directly standardised rates ---------------------------------------------------------


# Down's syndrome births to mothers of birth order 5+, Michigan 1950-64, by maternal age
# (Fay & Feuer 1997, Table II; the example of R dsrTest and asht::wspoissonTest):
# cases, births (order 5+) and the standard (all live births).
DOWNS_CASES = [0, 8, 63, 112, 262, 295]
DOWNS_BIRTHS = [327, 30666, 123419, 149919, 104088, 34392]
DOWNS_STANDARD = [319933, 931318, 786511, 488235, 237863, 61313]


def test_dobson_matches_dsrtest_vignette() -> None:
    """R dsrTest vignette (inst/doc/dsrTest-example.html), ``dsrTest(Cases, Births,
    Standard, mult = 1e5, method = "dobson")``: "Dobson's method for Weighted Sum of
    Poissons with Exact two-sided Poisson test (central method) ... 95 percent confidence
    interval: 67.63284 83.86703 ... Directly standardized rate per 1e+05 75.52901".
    dsrTest feeds Dobson's formula exact Poisson limits, hence count_limits="exact"."""
    got = dsr_dobson(DOWNS_CASES, DOWNS_BIRTHS, DOWNS_STANDARD, count_limits="exact")
    assert got.value == pytest.approx(75.52901, abs=5e-6)
    assert got.lower == pytest.approx(67.63284, abs=5e-6)
    assert got.upper == pytest.approx(83.86703, abs=5e-6)
    # phe_dsr's Byar limits for the 740 events move the limits by under 1e-4 per 100,000
    byar = dsr_dobson(DOWNS_CASES, DOWNS_BIRTHS, DOWNS_STANDARD)
    assert byar.lower == pytest.approx(67.63284, abs=1e-3)
    assert byar.upper == pytest.approx(83.86703, abs=1e-3)


def test_single_stratum_dsr_is_the_byar_rate() -> None:
    """With one stratum the DSR is the crude rate and Dobson's limits reduce to Byar's
    limits of the count over the population: phe_rate's result for x >= 10 (Fingertips
    guidance, 'DSRs use Byar's CI method for numerators >= 10')."""
    got = dsr_dobson([65], [10_000], [1.0])
    lo, up = byar_ci(65)
    assert got.value == pytest.approx(650.0)
    assert got.lower == pytest.approx(lo / 10_000 * 100_000, rel=1e-12)
    assert got.upper == pytest.approx(up / 10_000 * 100_000, rel=1e-12)


def test_dobson_formula_on_two_strata() -> None:
    """phe_dsr's formula worked by hand. x = (10, 30), n = (1000, 2000), w = (3, 1):
    DSR = (3*0.01 + 1*0.015)/4 = 0.01125; var = (10*(3/1000)**2 + 30*(1/2000)**2)/16;
    limits = DSR + sqrt(var/40) * (Byar(40) - 40)."""
    got = dsr_dobson([10, 30], [1000, 2000], [3, 1], multiplier=1)
    var = (10 * (3 / 1000) ** 2 + 30 * (1 / 2000) ** 2) / 16
    z = norm.ppf(0.975)
    byar_lo = 40 * (1 - 1 / 360 - z / (3 * math.sqrt(40))) ** 3
    byar_up = 41 * (1 - 1 / 369 + z / (3 * math.sqrt(41))) ** 3
    assert got.value == pytest.approx(0.01125, rel=1e-12)
    assert got.lower == pytest.approx(0.01125 + math.sqrt(var / 40) * (byar_lo - 40))
    assert got.upper == pytest.approx(0.01125 + math.sqrt(var / 40) * (byar_up - 40))
    assert (got.total_count, got.total_pop) == (40.0, 3000.0)


def test_dsr_not_reported_below_ten_events() -> None:
    """phe_dsr: 'When the total count is < 10 DSRs are not reliable and will therefore not
    be calculated' (value and limits NA). Missing counts count as 0 (na.zero)."""
    got = dsr_dobson([4, np.nan, 5], [100, 100, 100], [1, 1, 1])
    assert isinstance(got, DSR) and got.total_count == 9.0
    assert math.isnan(got.value) and math.isnan(got.lower) and math.isnan(got.upper)
    shown = dsr_dobson([4, np.nan, 5], [100, 100, 100], [1, 1, 1], 0.95, 100_000, 0, "exact")
    assert shown.value == pytest.approx(3000.0) and shown.lower < 3000.0 < shown.upper


def test_dsr_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="one value per stratum"):
        dsr_dobson([1, 2], [10], [1, 1])
    with pytest.raises(ValueError, match="populations"):
        dsr_dobson([1, 2], [10, 0], [1, 1])
