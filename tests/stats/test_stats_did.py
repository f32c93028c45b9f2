"""Staggered difference in differences (Callaway & Sant'Anna 2021) against R ``did``.

Reference data: ``mpdta`` (fixtures/did/mpdta.csv, provenance in fixtures/did/README.md).
Printed values come from the did package's README.md and vignette did-basics (4 decimals)
and Callaway's twfeweights README; full-precision analytic standard errors from R did
(``bstrap = FALSE``) as exported by d2cml-ai/csdid's csdid/test_csdid/r_ref/*.csv.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oversight.stats.did import DiDResult, staggered_did

MPDTA = Path(__file__).parent / "fixtures" / "did" / "mpdta.csv"
COLUMNS = {"unit": "countyreal", "time": "year", "group": "first_treat", "outcome": "lemp"}
PRINTED = 5.01e-5  # half a unit in the 4th decimal that did's summary() prints

# (group, time, ATT printed by did: README.md (est_method="reg") and did-basics (dr))
PRINTED_ATT_GT = [
    (2004, 2004, -0.0105),
    (2004, 2005, -0.0704),
    (2004, 2006, -0.1373),
    (2004, 2007, -0.1008),
    (2006, 2004, 0.0065),
    (2006, 2005, -0.0028),
    (2006, 2006, -0.0046),
    (2006, 2007, -0.0412),
    (2007, 2004, 0.0305),
    (2007, 2005, -0.0027),
    (2007, 2006, -0.0311),
    (2007, 2007, -0.0261),
]
# did-basics, summary(mw.attgt): bootstrap standard errors of the same cells (biters=1000).
PRINTED_BOOT_SE = [0.0243, 0.0331, 0.0412, 0.0358, 0.0230, 0.0210]
PRINTED_BOOT_SE += [0.0175, 0.0196, 0.0147, 0.0156, 0.0179, 0.0175]

# R did, bstrap=FALSE: ref_attgt.csv, scenario mpdta_nev_dr and mpdta_nyt_dr (att, se).
R_NEVER = [
    (-0.0105032462209624, 0.0232510363681664),
    (-0.0704231581031467, 0.0309847667572767),
    (-0.137258738889403, 0.0364356642876865),
    (-0.100811363085404, 0.0343592258346732),
    (0.00652011242423301, 0.0233268051418047),
    (-0.00275081875051882, 0.0195585610358817),
    (-0.00459460695286304, 0.0177551966592763),
    (-0.0412244715462175, 0.0202291807041068),
    (0.0305066555832928, 0.01503356028013),
    (-0.00272589288611625, 0.0163958328955344),
    (-0.0310871193896889, 0.0178775113133435),
    (-0.0260544107191966, 0.0166554353492522),
]
R_NOT_YET = [
    (-0.0193723636759221, 0.0223101128836806),
    (-0.0783190990620607, 0.0303902285433973),
    (-0.136274346328678, 0.03540338496891),
    (-0.100811363085404, 0.0343592258346732),
    (-0.00256255094261098, 0.0225302351453388),
    (-0.00193924609578875, 0.019042158605819),
    (0.00466087631997615, 0.0163355842468236),
    (-0.0412244715462175, 0.0202291807041068),
    (0.0297593647610311, 0.0145335416386514),
    (-0.0024106128000969, 0.0160312963755178),
    (-0.0310871193896889, 0.0178775113133435),
    (-0.0260544107191966, 0.0166554353492522),
]
# ref_aggte.csv: aggte(type = "simple" / "group" / "dynamic", bstrap = FALSE).
R_AGG = {
    "never_treated": {
        "simple": (-0.0399512751551763, 0.0120340127701854),
        "group": [
            (-0.0797491265747291, 0.0263677994350273),
            (-0.0229095392495403, 0.0167033302551619),
            (-0.0260544107191966, 0.0166554353492522),
        ],
        "group_average": (-0.0310182822287484, 0.0124460593209979),
        "dynamic": [
            (0.0305066555832928, 0.01503356028013),
            (-0.000563084626385429, 0.01329164473655),
            (-0.0244587449711696, 0.0142364022105193),
            (-0.0199318167892593, 0.0118263640580582),
            (-0.0509573670651939, 0.016893476268678),
            (-0.137258738889403, 0.0364356642876865),
            (-0.100811363085404, 0.0343592258346733),
        ],
        "event_average": (-0.0772398214573151, 0.0199649890618494),
        "wald": (7.79123662720035, 0.16812),
    },
    "not_yet_treated": {
        "simple": (-0.0397636256230437, 0.0120524247873419),
        "group": [
            (-0.0836942930380162, 0.0257015997680069),
            (-0.0182817976131207, 0.0159222358245001),
            (-0.0260544107191966, 0.0166554353492522),
        ],
        "group_average": (-0.030462228112565, 0.0125751201316818),
        "dynamic": [
            (0.0297593647610311, 0.0145335416386514),
            (-0.00244615388606511, 0.0131203504342708),
            (-0.0242689034145076, 0.0144636816758019),
            (-0.0189221990834249, 0.0120445686892691),
            (-0.0535893473848319, 0.016946385539125),
            (-0.136274346328678, 0.03540338496891),
            (-0.100811363085404, 0.0343592258346733),
        ],
        "event_average": (-0.0773993139705847, 0.0195601769463944),
        "wald": (7.79092771882739, 0.16814),
    },
}
R_EXACT = {"rtol": 1e-8, "atol": 1e-12}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(MPDTA)


@pytest.fixture(scope="module")
def never(mpdta: pd.DataFrame) -> DiDResult:
    return staggered_did(mpdta, **COLUMNS, bootstrap=999)


@pytest.fixture(scope="module")
def not_yet(mpdta: pd.DataFrame) -> DiDResult:
    return staggered_did(mpdta, **COLUMNS, control_group="not_yet_treated", bootstrap=0)


# --- mpdta: values printed by the did package -----------------------------------------------


def test_mpdta_att_gt_matches_printed_did_output(never: DiDResult) -> None:
    """README.md / did-basics ``summary(att_gt(...))``: ATT(2004, 2004) = -0.0105 ... and
    "P-value for pre-test of parallel trends assumption: 0.16812"."""
    got = never.att_gt
    assert list(zip(got.group, got.time, strict=True)) == [r[:2] for r in PRINTED_ATT_GT]
    np.testing.assert_allclose(got.att, [r[2] for r in PRINTED_ATT_GT], rtol=0, atol=PRINTED)
    assert got.post.tolist() == [t >= g for g, t, _ in PRINTED_ATT_GT]
    assert round(never.pretrend["p_value"], 5) == 0.16812
    assert never.pretrend["df"] == 5
    assert (never.n_units, never.n_groups, never.control_group) == (500, 3, "never_treated")


def test_mpdta_event_study_matches_printed_did_output(never: DiDResult) -> None:
    """README.md ``summary(aggte(out, type = "dynamic"))``: overall -0.0772; event times
    -3..3: 0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008."""
    es = never.event_study
    assert es.event_time.tolist() == [-3, -2, -1, 0, 1, 2, 3]
    printed = [0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008]
    np.testing.assert_allclose(es.att, printed, rtol=0, atol=PRINTED)
    assert never.event_average["att"] == pytest.approx(-0.0772, abs=PRINTED)


def test_mpdta_group_effects_match_printed_did_output(never: DiDResult) -> None:
    """README.md ``summary(aggte(out, type = "group"))``: overall -0.031 (printed to 3
    decimals); groups 2004/2006/2007: -0.0797, -0.0229, -0.0261. twfeweights README:
    ``sum(wO$wOgt * wO$attgt)`` = -0.03101828."""
    assert never.by_group.group.tolist() == [2004, 2006, 2007]
    np.testing.assert_allclose(
        never.by_group.att, [-0.0797, -0.0229, -0.0261], rtol=0, atol=PRINTED
    )
    assert never.group_average["att"] == pytest.approx(-0.03101828, abs=5e-9)


def test_mpdta_universal_base_matches_printed_twfeweights_output(mpdta: pd.DataFrame) -> None:
    """twfeweights README, ``att_gt(..., base_period = "universal")`` (7 digits in its
    ``twfe_weights`` table): the g-1 cells are 0 with NA standard errors; pre-period long
    differences -0.003769294, 0.002750819, 0.003306357, 0.033813012, 0.031087119; the
    post cells are unchanged; pre-test p-value 0.16812."""
    res = staggered_did(mpdta, **COLUMNS, base_period="universal", bootstrap=0)
    cells = res.att_gt.set_index(["group", "time"])
    for reference in [(2004, 2003), (2006, 2005), (2007, 2006)]:
        assert cells.loc[reference, "att"] == 0.0
        assert np.isnan(cells.loc[reference, "se"])
    printed = {
        (2006, 2003): -0.003769294,
        (2006, 2004): 0.002750819,
        (2007, 2003): 0.003306357,
        (2007, 2004): 0.033813012,
        (2007, 2005): 0.031087119,
        (2004, 2004): -0.010503246,
        (2006, 2007): -0.041224472,
        (2007, 2007): -0.026054411,
    }
    for key, value in printed.items():
        assert cells.loc[key, "att"] == pytest.approx(value, abs=5e-10)
    assert round(res.pretrend["p_value"], 5) == 0.16812
    assert res.event_study.set_index("event_time").loc[-1, "att"] == 0.0


def test_mpdta_twfe_matches_printed_fixest_output(never: DiDResult) -> None:
    """twfeweights README: ``fixest::feols(lemp ~ post | countyreal + year,
    cluster = "countyreal")`` prints Estimate -0.036549, Std. Error 0.013265."""
    assert never.twfe["coef"] == pytest.approx(-0.036549, abs=5e-7)
    assert never.twfe["se"] == pytest.approx(0.013265, abs=5e-7)
    assert never.twfe["lower"] < never.twfe["coef"] < never.twfe["upper"]


# --- mpdta: analytic standard errors of R did (bstrap = FALSE) --------------------------------


@pytest.mark.parametrize("control", ["never_treated", "not_yet_treated"])
def test_mpdta_matches_r_did_analytic_output(
    control: str, never: DiDResult, not_yet: DiDResult
) -> None:
    """All ATT(g, t), aggregations, analytic SEs and the Wald pre-test of R did
    (est_method = "dr", bstrap = FALSE) to full precision, for both comparison groups."""
    res = never if control == "never_treated" else not_yet
    cells = R_NEVER if control == "never_treated" else R_NOT_YET
    ref = R_AGG[control]
    np.testing.assert_allclose(res.att_gt[["att", "se"]].to_numpy(), cells, **R_EXACT)
    np.testing.assert_allclose([res.overall["att"], res.overall["se"]], ref["simple"], **R_EXACT)
    np.testing.assert_allclose(res.by_group[["att", "se"]].to_numpy(), ref["group"], **R_EXACT)
    np.testing.assert_allclose(
        [res.group_average["att"], res.group_average["se"]], ref["group_average"], **R_EXACT
    )
    np.testing.assert_allclose(res.event_study[["att", "se"]].to_numpy(), ref["dynamic"], **R_EXACT)
    np.testing.assert_allclose(
        [res.event_average["att"], res.event_average["se"]], ref["event_average"], **R_EXACT
    )
    assert res.pretrend["stat"] == pytest.approx(ref["wald"][0], rel=1e-9)
    assert round(res.pretrend["p_value"], 5) == ref["wald"][1]  # did rounds to 5 decimals


def test_pointwise_intervals_without_bootstrap(not_yet: DiDResult) -> None:
    """bootstrap=0: bands are att -/+ 1.96 se, and no bootstrap SEs are reported."""
    z = 1.959963984540054
    tab = not_yet.att_gt
    np.testing.assert_allclose(tab.lower, tab.att - z * tab.se)
    np.testing.assert_allclose(tab.upper, tab.att + z * tab.se)
    assert tab.se_boot.isna().all()
    assert not_yet.critical_values["att_gt"] == pytest.approx(z)
    o = not_yet.overall
    half = z * o["se"]
    assert (o["lower"], o["upper"]) == pytest.approx((o["att"] - half, o["att"] + half))


def test_mpdta_bootstrap_is_close_to_printed_did_bands(
    mpdta: pd.DataFrame, never: DiDResult
) -> None:
    """Multiplier bootstrap (Rademacher, as did/BMisc draw; fixed seed). Monte Carlo
    error allows only loose checks: bootstrap (interquartile-range) SEs within 15% of the
    analytic SEs and of did-basics' printed bootstrap SEs; the simultaneous critical value
    near the 2.67 implied by README's band for ATT(2004, 2004), [-0.0749, 0.0539] with SE
    0.0241."""
    tab = never.att_gt
    np.testing.assert_allclose(tab.se_boot, tab.se, rtol=0.15)
    np.testing.assert_allclose(tab.se_boot, PRINTED_BOOT_SE, rtol=0.15)
    crit = never.critical_values["att_gt"]
    assert abs(crit - (0.0539 + 0.0749) / 2 / 0.0241) < 0.15
    np.testing.assert_allclose(tab.upper - tab.att, crit * tab.se_boot)
    assert never.critical_values["by_group"] < never.critical_values["event_study"] < crit
    again = staggered_did(mpdta, **COLUMNS, bootstrap=999)
    pd.testing.assert_frame_equal(again.att_gt, tab)  # fixed seed: reproducible
    mammen = staggered_did(mpdta, **COLUMNS, bootstrap=499, multiplier="mammen")
    np.testing.assert_allclose(mammen.att_gt.se_boot, tab.se, rtol=0.15)


# --- options ----------------------------------------------------------------------------------


def test_equal_weights_and_unit_clusters_change_nothing(
    mpdta: pd.DataFrame, not_yet: DiDResult
) -> None:
    data = mpdta.assign(w=3.0, county=mpdta.countyreal)
    res = staggered_did(
        data, **COLUMNS, control_group="not_yet_treated", bootstrap=0, weights="w", cluster="county"
    )
    pd.testing.assert_frame_equal(res.att_gt, not_yet.att_gt)
    assert res.overall == pytest.approx(not_yet.overall)
    assert res.twfe == pytest.approx(not_yet.twfe)


def test_integer_weights_equal_duplicated_units(mpdta: pd.DataFrame) -> None:
    """A unit weight of 2 gives the point estimates of entering that unit twice."""
    heavy = mpdta.countyreal % 3 == 0
    weighted = staggered_did(
        mpdta.assign(w=np.where(heavy, 2.0, 1.0)), **COLUMNS, weights="w", bootstrap=0
    )
    copies = mpdta.loc[heavy].assign(countyreal=lambda d: -d.countyreal)
    duplicated = staggered_did(pd.concat([mpdta, copies]), **COLUMNS, bootstrap=0)
    np.testing.assert_allclose(weighted.att_gt.att, duplicated.att_gt.att, rtol=1e-12)
    assert weighted.overall["att"] == pytest.approx(duplicated.overall["att"], rel=1e-12)
    assert weighted.group_average["att"] == pytest.approx(
        duplicated.group_average["att"], rel=1e-12
    )
    assert weighted.twfe["coef"] == pytest.approx(duplicated.twfe["coef"], rel=1e-10)


def test_state_clusters_widen_standard_errors(mpdta: pd.DataFrame, never: DiDResult) -> None:
    """Clustering on the state (first two digits of the county FIPS code) keeps the point
    estimates and changes the standard errors to the cluster-sum form."""
    res = staggered_did(
        mpdta.assign(state=mpdta.countyreal // 1000), **COLUMNS, cluster="state", bootstrap=199
    )
    np.testing.assert_allclose(res.att_gt.att, never.att_gt.att)
    assert not np.allclose(res.att_gt.se, never.att_gt.se)
    assert res.twfe["coef"] == pytest.approx(never.twfe["coef"])
    assert np.isfinite(res.att_gt.se_boot).all()


# --- simulated panels -------------------------------------------------------------------------


def simulate(effect, n: int = 800, seed: int = 2024) -> pd.DataFrame:
    """Balanced panel 2001-2008: a third never treated, a third first treated in 2003 and
    a third in 2006; unit and year effects (parallel trends hold), N(0, 0.1) noise, and
    ``effect(e)`` added from event time e = 0 on."""
    rng = np.random.default_rng(seed)
    years = np.arange(2001, 2009)
    group = rng.choice([0, 2003, 2006], size=n)
    unit_effect = rng.normal(0.0, 1.0, n) + 0.5 * (group > 0)
    event = years[None, :] - group[:, None]
    treated = (group[:, None] > 0) & (event >= 0)
    y = (
        unit_effect[:, None]
        + 0.05 * (years[None, :] - years[0])
        + np.where(treated, effect(event), 0.0)
        + rng.normal(0.0, 0.1, (n, years.size))
    )
    return pd.DataFrame(
        {
            "la": np.repeat([f"la{i:03d}" for i in range(n)], years.size),
            "year": np.tile(years, n),
            "first_year": np.repeat(group, years.size).astype(float),
            "rate": y.ravel(),
        }
    ).replace({"first_year": {0.0: np.nan}})  # never treated as NaN


SIM = {"unit": "la", "time": "year", "group": "first_year", "outcome": "rate"}


def test_constant_effect_is_recovered() -> None:
    """Planted effect 0.1 for early and late adopters, 0 for the never treated."""
    res = staggered_did(simulate(lambda e: np.full(e.shape, 0.1)), **SIM, bootstrap=0)
    assert res.overall["lower"] < 0.1 < res.overall["upper"]
    assert res.group_average["lower"] < 0.1 < res.group_average["upper"]
    assert res.pretrend["p_value"] > 0.05
    assert res.n_groups == 2
    post = res.event_study.event_time >= 0
    assert np.all(np.abs(res.event_study.att[post] - 0.1) < 3 * res.event_study.se[post])


def test_twfe_is_biased_with_growing_effects_but_cs_is_not() -> None:
    """Effect 0.05 * (e + 1) grows with exposure. The simple-aggregate truth here is
    0.1515; Callaway-Sant'Anna gives 0.146 (CI covers it) while TWFE gives 0.094, more
    than 10 of its SEs below, because already-treated early adopters serve as controls
    for the late ones (Goodman-Bacon 2021)."""
    data = simulate(lambda e: 0.05 * (e + 1))
    res = staggered_did(data, **SIM, bootstrap=0)
    post = res.att_gt[res.att_gt.post]
    size = data.drop_duplicates("la").first_year.value_counts()
    truth = np.average(0.05 * (post.time - post.group + 1), weights=post.group.map(size))
    assert truth == pytest.approx(0.1515, abs=5e-5)
    assert res.overall["att"] == pytest.approx(0.1462, abs=5e-5)
    assert res.overall["lower"] < truth < res.overall["upper"]
    assert res.twfe["coef"] == pytest.approx(0.0940, abs=5e-5)
    assert truth - res.twfe["coef"] > 10 * res.twfe["se"]
    es = res.event_study.set_index("event_time")
    np.testing.assert_allclose(es.att.loc[0:5], 0.05 * np.arange(1, 7), atol=0.02)
    assert res.pretrend["p_value"] > 0.05


# --- input errors -----------------------------------------------------------------------------


def test_unbalanced_panel_raises_naming_first_gap(mpdta: pd.DataFrame) -> None:
    gaps = mpdta.drop(mpdta.index[(mpdta.countyreal == 8019) & (mpdta.year == 2005)])
    gaps = gaps.drop(gaps.index[(gaps.countyreal == 55137) & (gaps.year == 2003)])
    with pytest.raises(ValueError, match=r"unbalanced panel: unit 8019 .* year 2005"):
        staggered_did(gaps, **COLUMNS, bootstrap=0)
    missing_outcome = mpdta.assign(lemp=mpdta.lemp.where(mpdta.index != 12))
    with pytest.raises(ValueError, match="unit 8023"):
        staggered_did(missing_outcome, **COLUMNS, bootstrap=0)


def test_invalid_inputs_raise(mpdta: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="control_group"):
        staggered_did(mpdta, **COLUMNS, control_group="nevertreated")
    with pytest.raises(ValueError, match="base_period"):
        staggered_did(mpdta, **COLUMNS, base_period="fixed")
    with pytest.raises(ValueError, match="no column"):
        staggered_did(mpdta, **{**COLUMNS, "outcome": "employment"})
    drifting = mpdta.assign(first_treat=np.where(mpdta.index == 0, 2006, mpdta.first_treat))
    with pytest.raises(ValueError, match="constant within unit; unit 8001"):
        staggered_did(drifting, **COLUMNS, bootstrap=0)
    treated_only = mpdta.loc[mpdta.first_treat > 0]
    with pytest.raises(ValueError, match="no never-treated units"):
        staggered_did(treated_only, **COLUMNS, bootstrap=0)
    with pytest.raises(ValueError, match="positive"):
        staggered_did(mpdta.assign(w=0.0), **COLUMNS, weights="w", bootstrap=0)


def test_units_treated_in_first_period_are_dropped(mpdta: pd.DataFrame, never: DiDResult) -> None:
    """As did does: a group at or before the first period has no pre-period."""
    early = mpdta.loc[mpdta.countyreal == 8001].assign(countyreal=1, first_treat=2003)
    with pytest.warns(UserWarning, match="already treated in the first period"):
        res = staggered_did(pd.concat([mpdta, early]), **COLUMNS, bootstrap=0)
    assert res.n_units == 500
    pd.testing.assert_frame_equal(res.att_gt[["att", "se"]], never.att_gt[["att", "se"]])


def test_cells_without_comparison_units_are_left_out(mpdta: pd.DataFrame) -> None:
    """Not-yet-treated comparisons with no never-treated units run out of controls in the
    last periods: those ATT(g, t) are NaN and skipped by the aggregations (did: na.rm).
    The remaining placebo cells of 2006 and 2007 mirror each other (each is the other's
    control), so their covariance is singular and no Wald test is returned."""
    treated_only = mpdta.loc[mpdta.first_treat > 0]
    with pytest.warns(UserWarning) as record:
        res = staggered_did(treated_only, **COLUMNS, control_group="not_yet_treated", bootstrap=0)
    messages = " | ".join(str(w.message) for w in record)
    assert "no comparison units" in messages and "singular" in messages
    assert np.isnan(res.pretrend["p_value"])
    cells = res.att_gt.set_index(["group", "time"])
    assert np.isnan(cells.loc[(2007, 2007), "att"])
    assert np.isfinite(cells.loc[(2004, 2004), "att"])
    assert np.isfinite(res.overall["att"]) and np.isfinite(res.overall["se"])
    assert res.by_group.group.tolist() == [2004, 2006]


def test_pre_average_is_the_mean_pre_adoption_event_effect(never: DiDResult) -> None:
    """The README's event study prints e = -3, -2, -1 as 0.0305, -0.0006, -0.0245: their mean
    is the one-degree-of-freedom pre-trend check; it is small and not significant on mpdta,
    in line with the joint Wald test (p = 0.168)."""
    pre = never.pre_average
    assert pre["att"] == pytest.approx(np.mean([0.0305, -0.0006, -0.0245]), abs=1e-4)
    assert pre["lower"] < 0 < pre["upper"]
    assert pre["p_value"] > 0.05
