"""Spiegelhalter (2005) over-dispersion, FunnelPlotR-style.

Neither FunnelPlotR's tests nor its documentation print phi/tau2 values for data that can
be reproduced here (its examples use the COUNT package's `medpar` data and a fitted
Poisson model; its unit tests only check types and lengths). These tests therefore check
(1) a small case worked by hand from the formulas of Spiegelhalter (2005), and (2) agreement
with an independent, loop-based re-implementation of the published algorithm - R's type-7
quantile and average ranks written out by hand - on FunnelPlotR's own unit-test data and
on a 20-unit proportion data set.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from oversight.stats import od_limits
from oversight.stats.overdispersion import overdispersion

# --- (1) worked by hand --------------------------------------------------------------------

# Perfect squares keep the square-root transform exact: z = 2 (sqrt(O) - sqrt(E)).
HAND_O = [16, 9, 25, 36]
HAND_E = [9, 16, 25, 25]


def test_cqc_hand_worked_without_trimming() -> None:
    """z = 2(sqrt O - sqrt E) = [2, -2, 0, 2]; phi = (4 + 4 + 0 + 4) / 4 = 3.
    w = 1/s^2 = 4E = [36, 64, 100, 100]: sum w = 300, sum w^2 = 25392,
    tau2 = (4 * 3 - 3) / (300 - 25392/300) = 9 / 215.36 (Spiegelhalter 2005, eq. for the
    additive random-effects variance)."""
    res = overdispersion(HAND_O, HAND_E, method="CQC", trim=0.0)
    np.testing.assert_allclose(res["z"], [2, -2, 0, 2], atol=1e-12)
    assert res["phi"] == pytest.approx(3.0, abs=1e-12)
    assert res["tau2"] == pytest.approx(9 / 215.36, abs=1e-12)
    assert res["z_phi"][0] == pytest.approx(2 / math.sqrt(3), abs=1e-12)
    expected_adjusted = (4 / 3 - 1) / math.sqrt(1 / 36 + 9 / 215.36)
    assert res["z_adjusted"][0] == pytest.approx(expected_adjusted, abs=1e-12)


def test_cqc_hand_worked_with_10_percent_winsorising() -> None:
    """Sorted z = [-2, 0, 2, 2]. Type-7 10% quantile: h = 3 * 0.1 = 0.3, -2 + 0.3 * 2 =
    -1.4; 90%: h = 2.7, 2 + 0.7 * 0 = 2. The -2 becomes -1.4:
    phi = (1.96 + 4 + 0 + 4) / 4 = 2.49, tau2 = (4 * 2.49 - 3) / 215.36 = 6.96 / 215.36."""
    res = overdispersion(HAND_O, HAND_E, method="CQC", trim=0.1)
    np.testing.assert_allclose(res["z_winsorised"], [2, -1.4, 0, 2], atol=1e-12)
    assert res["phi"] == pytest.approx(2.49, abs=1e-12)
    assert res["tau2"] == pytest.approx(6.96 / 215.36, abs=1e-12)
    # units at or beyond the quantiles are flagged, as FunnelPlotR's `winsorised` column
    assert list(res["trimmed"]) == [True, True, False, True]


def test_no_overdispersion_gives_zero_tau2() -> None:
    """n phi < n - 1 gives tau2 = 0 (FunnelPlotR tau_func); O = E gives z = 0, phi = 0."""
    res = overdispersion([10, 20, 30], [10, 20, 30], method="CQC")
    assert res["phi"] == 0.0 and res["tau2"] == 0.0


# --- (2) independent re-implementation -------------------------------------------------------


def _type7_quantile(values: list[float], p: float) -> float:
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def _average_ranks(values: list[float]) -> list[float]:
    return [1 + sum(w < v for w in values) + (sum(w == v for w in values) - 1) / 2 for v in values]


def _reference(
    o: list[float], e: list[float], data_type: str, method: str, trim: float
) -> dict[str, object]:
    """Spiegelhalter (2005) / NHS Digital SHMI steps, one unit at a time."""
    if data_type == "PR":
        target_t = math.asin(math.sqrt(sum(o) / sum(e)))
        y = [math.asin(math.sqrt(oi / ei)) for oi, ei in zip(o, e, strict=True)]
        s = [1 / (2 * math.sqrt(ei)) for ei in e]
    elif method == "SHMI":
        target_t = 0.0
        y = [math.log(oi / ei) for oi, ei in zip(o, e, strict=True)]
        s = [1 / math.sqrt(ei) for ei in e]
    else:
        target_t = 1.0
        y = [math.sqrt(oi / ei) for oi, ei in zip(o, e, strict=True)]
        s = [1 / (2 * math.sqrt(ei)) for ei in e]
    z = [(yi - target_t) / si for yi, si in zip(y, s, strict=True)]

    if data_type == "SR" and method == "SHMI":
        k = 1 / trim
        groups = [math.floor(r * k / (len(z) + 1)) for r in _average_ranks(z)]
        kept = [0 < g < k - 1 for g in groups]
        zw = [zi if keep else None for zi, keep in zip(z, kept, strict=True)]
    else:
        lz, uz = _type7_quantile(z, trim), _type7_quantile(z, 1 - trim)
        zw = [min(max(zi, lz), uz) for zi in z]
    used = [(zi, si) for zi, si in zip(zw, s, strict=True) if zi is not None]
    n = len(used)
    phi = sum(zi**2 for zi, _ in used) / n
    w = [1 / si**2 for _, si in used]
    if n * phi < n - 1:
        tau2 = 0.0
    else:
        tau2 = max(0.0, (n * phi - (n - 1)) / (sum(w) - sum(wi**2 for wi in w) / sum(w)))
    z_adjusted = [(yi - target_t) / math.sqrt(si**2 + tau2) for yi, si in zip(y, s, strict=True)]
    return {"z": z, "z_winsorised": zw, "phi": phi, "tau2": tau2, "z_adjusted": z_adjusted}


def _compare(got: dict[str, object], ref: dict[str, object]) -> None:
    assert got["phi"] == pytest.approx(ref["phi"], rel=1e-12)
    assert got["tau2"] == pytest.approx(ref["tau2"], rel=1e-10, abs=1e-15)
    np.testing.assert_allclose(got["z"], ref["z"], rtol=1e-12)
    zw = np.array([np.nan if v is None else v for v in ref["z_winsorised"]], dtype=float)
    np.testing.assert_allclose(got["z_winsorised"], zw, rtol=1e-12)
    np.testing.assert_allclose(got["z_adjusted"], ref["z_adjusted"], rtol=1e-10)


# FunnelPlotR tests/testthat/test-OD_adjust_func.R data (6 units, O and E).
FPR_O = [100, 150, 180, 80, 120, 225]
FPR_E = [108, 112, 165, 95, 100, 220]


@pytest.mark.parametrize("method", ["SHMI", "CQC"])
def test_funnelplotr_unit_test_data(method: str) -> None:
    """Standardised ratios: SHMI (log, truncation) and CQC (square root, winsorising)."""
    got = overdispersion(FPR_O, FPR_E, method=method, trim=0.1)
    _compare(got, _reference(FPR_O, FPR_E, "SR", method, 0.1))


# 20 hypothetical local authorities: workers supervised within the window / workers.
LA_NUM = [38, 102, 61, 255, 40, 17, 88, 150, 73, 29, 190, 55, 12, 230, 66, 99, 47, 140, 81, 25]
LA_DEN = [45, 120, 80, 300, 60, 30, 95, 210, 90, 33, 220, 70, 20, 260, 85, 118, 50, 170, 99, 41]


def test_proportions_against_reference() -> None:
    """Arcsine-square-root transform around the pooled proportion, 10% winsorising."""
    got = overdispersion(LA_NUM, LA_DEN, data_type="PR", trim=0.1)
    ref = _reference(LA_NUM, LA_DEN, "PR", "SHMI", 0.1)
    _compare(got, ref)
    assert got["target"] == pytest.approx(sum(LA_NUM) / sum(LA_DEN), rel=1e-15)
    assert got["tau2"] > 0  # these data are over-dispersed


def test_shmi_truncation_drops_two_units_each_end_of_twenty() -> None:
    """NHS Digital truncation with N = 20, k = 10: rank groups floor(r * 10 / 21) are 0 for
    ranks 1-2 and 9 for ranks 19-20, so exactly 4 units are dropped."""
    got = overdispersion(LA_NUM, LA_DEN, method="SHMI", trim=0.1)
    _compare(got, _reference(LA_NUM, LA_DEN, "SR", "SHMI", 0.1))
    assert got["n_used"] == 16 and int(np.sum(got["trimmed"])) == 4
    z = np.asarray(got["z"])
    dropped = np.sort(np.argsort(z)[[0, 1, -2, -1]])
    assert np.flatnonzero(got["trimmed"]).tolist() == dropped.tolist()


def test_shmi_rounds_expected_to_two_decimals() -> None:
    """FunnelPlotR's SHMI_rounding = TRUE: E = 10.004 is used as 10.00."""
    rounded = overdispersion([12, 8, 11], [10.004, 9.0, 10.0], trim=0.1)
    assert rounded["z"][0] == pytest.approx(math.sqrt(10) * math.log(12 / 10), rel=1e-12)
    raw = overdispersion([12, 8, 11], [10.004, 9.0, 10.0], trim=0.1, shmi_rounding=False)
    assert raw["z"][0] == pytest.approx(math.sqrt(10.004) * math.log(12 / 10.004), rel=1e-12)


# --- limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data_type", "method", "o", "e"),
    [("SR", "SHMI", FPR_O, FPR_E), ("SR", "CQC", FPR_O, FPR_E), ("PR", "SHMI", LA_NUM, LA_DEN)],
)
def test_limits_agree_with_adjusted_z(data_type: str, method: str, o: list, e: list) -> None:
    """A unit lies outside its over-dispersed 95% / 99.8% limits exactly when its
    additive-adjusted z exceeds 1.96 / 3.09 in absolute value (the limits are the
    back-transformed z-thresholds, Spiegelhalter 2005); od_limits gives the same limits."""
    res = overdispersion(o, e, method=method, trim=0.1, data_type=data_type)
    ratio = np.asarray(o, dtype=float) / np.asarray(e, dtype=float)
    for label, z_crit in (("95", 1.959963984540054), ("998", 3.090232306167813)):
        lower, upper = np.asarray(res[f"lower_{label}"]), np.asarray(res[f"upper_{label}"])
        outside = (ratio < lower) | (ratio > upper)
        assert outside.tolist() == (np.abs(res["z_adjusted"]) > z_crit).tolist()
        target = res["target"] if data_type == "PR" else None
        smooth = od_limits(
            e,
            res["tau2"],
            0.95 if label == "95" else 0.998,
            data_type=data_type,
            method=method,
            target=target,
        )
        np.testing.assert_allclose(smooth, (lower, upper), rtol=1e-12)


def test_shmi_limits_formula() -> None:
    """SHMI limits exp(+/- z sqrt(1/E + tau2)) (FunnelPlotR calculate_limits) with the
    exact normal quantile; FunnelPlotR's literal 1.959964 differs by < 1e-6 relative."""
    lower, upper = od_limits([25.0, 400.0], 0.01, 0.95)
    expected = np.exp(1.959964 * np.sqrt(1 / np.array([25.0, 400.0]) + 0.01))
    np.testing.assert_allclose(upper, expected, rtol=1e-6)
    np.testing.assert_allclose(lower, 1 / expected, rtol=1e-6)


def test_series_in_series_out_and_validation() -> None:
    index = [f"LA{i}" for i in range(len(LA_NUM))]
    res = overdispersion(
        pd.Series(LA_NUM, index=index), pd.Series(LA_DEN, index=index), data_type="PR"
    )
    assert isinstance(res["z"], pd.Series) and list(res["z"].index) == index
    with pytest.raises(ValueError):
        overdispersion([5, 3], [4, 4], data_type="PR")
    with pytest.raises(ValueError):
        overdispersion(FPR_O, FPR_E, method="NHS")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        overdispersion(FPR_O, FPR_E, trim=0.5)
    with pytest.raises(ValueError):
        od_limits([10, 20], 0.1, 0.95, data_type="PR")


def test_cqc_unsquared_limits_as_funnelplotr_plots_them() -> None:
    """FunnelPlotR R/calculate_limits.R, sr_method "CQC", draw_adjusted = TRUE::

        s <- 1/(2*sqrt(number.seq))
        multiplier * (1 - (1.959964 * sqrt((s^2 + tau2))))   # and 1 + ...; 3.090232

    cqc_limits="unsquared" gives exactly these (the literal quantiles differ from
    norm.ppf by under 1e-6); the default squares them back from the root scale."""
    e = np.array([4.0, 25.0, 400.0])
    tau2 = 0.01
    s2 = (1 / (2 * np.sqrt(e))) ** 2
    for confidence, z in ((0.95, 1.959964), (0.998, 3.090232)):
        lower, upper = od_limits(e, tau2, confidence, method="CQC", cqc_limits="unsquared")
        np.testing.assert_allclose(lower, 1 - z * np.sqrt(s2 + tau2), rtol=1e-6)
        np.testing.assert_allclose(upper, 1 + z * np.sqrt(s2 + tau2), rtol=1e-6)
        sq_lower, sq_upper = od_limits(e, tau2, confidence, method="CQC")
        np.testing.assert_allclose(sq_upper, upper**2, rtol=1e-12)
        np.testing.assert_allclose(sq_lower, np.clip(lower, 0, None) ** 2, rtol=1e-12)
    # E = 4, 99.8 %: FunnelPlotR's lower limit is negative and is not clipped
    assert od_limits(4.0, 0.2, 0.998, method="CQC", cqc_limits="unsquared")[0] < 0
    res = overdispersion(HAND_O, HAND_E, method="CQC", trim=0.0, cqc_limits="unsquared")
    sr = 1 / (2 * np.sqrt(np.array(HAND_E, dtype=float)))
    np.testing.assert_allclose(
        res["upper_95"], 1 + norm.ppf(0.975) * np.sqrt(sr**2 + res["tau2"]), rtol=1e-12
    )
    with pytest.raises(ValueError, match="cqc_limits"):
        od_limits(e, tau2, 0.95, method="CQC", cqc_limits="root")  # type: ignore[arg-type]
