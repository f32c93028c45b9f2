"""The over-dispersion adjustment the funnels use, against a published reference.

Spiegelhalter's additive random-effects tau2 (2005, "Handling over-dispersion of performance
indicators") is the DerSimonian-Laird estimate. On the BCG vaccine trials (Colditz et al.
1994; metafor's ``dat.bcg``, log risk ratios) metafor's own tests, checked against Stata's
``metan``, publish Q = 152.23 (fixed-effect estimate -0.4303), tau2 = 0.3088 and the
random-effects estimate -0.714 (95% CI -1.064 to -0.364). Written as standardised ratios
around the fixed-effect estimate (E = 1/v, O = E exp(y - mu)), with no trimming,
:func:`overdispersion` must give n phi = Q and that tau2, and its 99.8% limits must be
``exp(-/+ 3.0902 sqrt(v + tau2))`` on the ratio scale.
"""

from __future__ import annotations

import numpy as np
import pytest

from oversight.stats import funnel_limits, od_limits
from oversight.stats.funnel import control_limits
from oversight.stats.overdispersion import overdispersed, overdispersion

# tpos, tneg, cpos, cneg of the 13 trials (metafor dat.bcg, Colditz et al. 1994, Table 1).
BCG = np.array(
    [
        (4, 119, 11, 128),
        (6, 300, 29, 274),
        (3, 228, 11, 209),
        (62, 13536, 248, 12619),
        (33, 5036, 47, 5761),
        (180, 1361, 372, 1079),
        (8, 2537, 10, 619),
        (505, 87886, 499, 87892),
        (29, 7470, 45, 7232),
        (17, 1699, 65, 1600),
        (186, 50448, 141, 27197),
        (5, 2493, 3, 2338),
        (27, 16886, 29, 17825),
    ],
    dtype=float,
)
Z998 = 3.090232306167813


def _bcg() -> tuple[np.ndarray, np.ndarray]:
    """Log risk ratios and their variances, as metafor's escalc(measure='RR')."""
    a, b, c, d = BCG.T
    y = np.log((a / (a + b)) / (c / (c + d)))
    v = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return y, v


@pytest.fixture(scope="module")
def bcg() -> dict:
    y, v = _bcg()
    w = 1 / v
    mu = float((w * y).sum() / w.sum())
    e = w  # E = 1/v gives s = 1/sqrt(E) = sqrt(v) on the log scale
    o = e * np.exp(y - mu)
    res = overdispersion(o, e, method="SHMI", trim=0.0, shmi_rounding=False)
    return {"y": y, "v": v, "mu": mu, "res": res}


def test_fixed_effect_estimate_is_the_published_one(bcg) -> None:
    assert bcg["mu"] == pytest.approx(-0.4303, abs=5e-5)


def test_phi_is_q_over_n_and_tau2_is_dersimonian_laird(bcg) -> None:
    res = bcg["res"]
    assert res["n_used"] == 13
    assert 13 * res["phi"] == pytest.approx(152.2330, abs=5e-4)
    assert res["tau2"] == pytest.approx(0.3088, abs=5e-5)
    assert overdispersed(res["phi"], res["n_used"])


def test_random_effects_estimate_with_that_tau2_is_the_published_one(bcg) -> None:
    """The tau2 is the one that gives metafor's and Stata's random-effects answer."""
    w = 1 / (bcg["v"] + bcg["res"]["tau2"])
    est = float((w * bcg["y"]).sum() / w.sum())
    se = float(np.sqrt(1 / w.sum()))
    assert est == pytest.approx(-0.714, abs=5e-4)
    assert est - 1.959964 * se == pytest.approx(-1.064, abs=5e-4)
    assert est + 1.959964 * se == pytest.approx(-0.364, abs=5e-4)


def test_adjusted_limits_widen_by_tau2(bcg) -> None:
    """99.8% limits exp(-/+ z sqrt(v + tau2)) with the published tau2 (to its 4 decimals)."""
    res, v = bcg["res"], bcg["v"]
    np.testing.assert_allclose(res["upper_998"], np.exp(Z998 * np.sqrt(v + 0.3088)), rtol=2e-4)
    np.testing.assert_allclose(res["lower_998"], np.exp(-Z998 * np.sqrt(v + 0.3088)), rtol=2e-4)
    # Unadjusted limits (tau2 = 0) are exp(-/+ z sqrt(v)): the adjustment is what widens them.
    lo0, hi0 = od_limits(1 / v, 0.0, 0.998)
    np.testing.assert_allclose(hi0, np.exp(Z998 * np.sqrt(v)), rtol=1e-9)
    assert (res["upper_998"] > hi0).all() and (res["lower_998"] < lo0).all()


# --- the rule ------------------------------------------------------------------------------


def test_overdispersed_when_n_phi_exceeds_its_chi_squared_expectation() -> None:
    """n phi is chi-squared on n - 1 df without over-dispersion: expectation n - 1."""
    assert not overdispersed(18 / 19, 19)
    assert overdispersed(18 / 19 + 1e-9, 19)
    assert not overdispersed(0.5, 19)
    assert overdispersed(20.4, 19)
    assert not overdispersed(5.0, 1)  # one unit: nothing to compare
    assert not overdispersed(float("nan"), 19)


@pytest.mark.parametrize(
    "o, n",
    [
        ([700, 702, 698, 701, 699, 700], [1000] * 6),  # binomial-like: phi < (n-1)/n
        ([600, 610, 590, 605, 595, 16000], [1000] * 5 + [20000]),  # one large outlying unit
        ([30, 45, 60, 20, 80, 55, 41], [100, 120, 150, 90, 160, 130, 110]),
    ],
)
def test_rule_agrees_with_tau2(o: list, n: list) -> None:
    """The limits are adjusted exactly when the random-effects variance is positive."""
    res = overdispersion(o, n, data_type="PR")
    assert overdispersed(res["phi"], res["n_used"]) == (res["tau2"] > 0)


def test_target_moves_the_z_scores_and_phi() -> None:
    o, n = [600, 610, 590, 605, 595, 16000], [1000] * 5 + [20000]
    pooled = overdispersion(o, n, data_type="PR")
    assert pooled["target"] == pytest.approx(19000 / 25000)
    median = overdispersion(o, n, data_type="PR", target=0.6025)
    assert median["target"] == 0.6025
    z = (np.arcsin(np.sqrt(0.6)) - np.arcsin(np.sqrt(0.6025))) * 2 * np.sqrt(1000)
    assert median["z"][0] == pytest.approx(z, abs=1e-12)
    assert median["phi"] != pytest.approx(pooled["phi"], rel=0.1)
    with pytest.raises(ValueError, match="target"):
        overdispersion(o, n, data_type="SR", target=0.5)


def test_control_limits_pick_the_limits() -> None:
    d = np.array([100.0, 1000.0, 5000.0])
    np.testing.assert_allclose(control_limits(0.6, d, 0.998), funnel_limits(0.6, d, 0.998))
    lo, hi = control_limits(0.6, d, 0.998, tau2=0.002)
    theta = np.arcsin(np.sqrt(0.6))
    spread = Z998 * np.sqrt(1 / (4 * d) + 0.002)
    np.testing.assert_allclose(lo, np.sin(theta - spread) ** 2, rtol=1e-12)
    np.testing.assert_allclose(hi, np.sin(theta + spread) ** 2, rtol=1e-12)
