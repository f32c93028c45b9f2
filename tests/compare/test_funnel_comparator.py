"""Funnel flags: the configured comparator sets the centre line, and the over-dispersion
adjusted limits are used exactly when the LAs are over-dispersed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.compare.comparison import compare, funnel_for, heterogeneity, place
from oversight.disclosure.suppress import hide_long
from oversight.stats import funnel_limits, od_limits
from oversight.stats.overdispersion import overdispersion

REGION = "E12000008"
METRIC = "staff_supervision_28d"
# Five LAs near 60% and one large LA at 80%: the large LA carries the pooled value (76%)
# above every other LA; the median of the six values is (0.600 + 0.605) / 2 = 0.6025.
DOMINATED = ([600, 610, 590, 605, 595, 16000], [1000] * 5 + [20000])
# Six LAs whose spread is what chance gives (phi below (n - 1) / n).
HOMOGENEOUS = ([700, 702, 698, 701, 699, 700], [1000] * 6)


def _counts(numerators: list[int], denominators: list[int]) -> pd.DataFrame:
    rows = [
        (f"E0600000{i}", "2024-25", METRIC, "all", n, d)
        for i, (n, d) in enumerate(zip(numerators, denominators, strict=True))
    ]
    return pd.DataFrame(
        rows, columns=["la_code", "period", "metric", "breakdown", "numerator", "denominator"]
    )


def _year(table: pd.DataFrame) -> pd.DataFrame:
    return table[(table.metric == METRIC) & (table.la_code != REGION)].set_index("la_code")


def _expected(values, dens, centre, tau2):
    """Flags against PHE limits (tau2 None) or the arcsine-scale adjusted limits."""
    lims = {}
    for conf in (0.95, 0.998):
        if tau2 is None:
            lims[conf] = funnel_limits(centre, dens, conf)
        else:
            lims[conf] = od_limits(dens, tau2, conf, data_type="PR", target=centre)
    return place(values, *lims[0.95], *lims[0.998])


@pytest.mark.parametrize("comparator, centre", [("region", 0.76), ("la_median", 0.6025)])
def test_comparator_sets_the_centre_line(comparator: str, centre: float) -> None:
    table = compare(_counts(*DOMINATED), REGION, comparator)
    rows = table[table.metric == METRIC]
    assert (rows.funnel_comparator == comparator).all()
    assert rows.funnel_centre.to_numpy() == pytest.approx(np.full(len(rows), centre))


def test_region_comparator_puts_every_small_la_below_the_plain_limits() -> None:
    """Against the pooled 76% the five LAs near 60% all fall below the unadjusted 99.8%
    limit; against the median of the LAs none does."""
    region = _year(compare(_counts(*DOMINATED), REGION, "region"))
    median = _year(compare(_counts(*DOMINATED), REGION, "la_median"))
    small = [f"E0600000{i}" for i in range(5)]
    assert (region.loc[small, "funnel_flag_unadjusted"] == "low_998").all()
    assert not median.loc[small, "funnel_flag_unadjusted"].str.endswith("998").any()
    assert median.loc["E06000005", "funnel_flag_unadjusted"] == "high_998"


@pytest.mark.parametrize("comparator", ["region", "la_median"])
def test_overdispersed_flags_use_the_adjusted_limits(comparator: str) -> None:
    n, d = (np.asarray(x, float) for x in DOMINATED)
    year = _year(compare(_counts(*DOMINATED), REGION, comparator))
    centre = 0.76 if comparator == "region" else 0.6025
    od = overdispersion(n, d, data_type="PR", target=centre)
    assert od["tau2"] > 0
    assert (year.funnel_limits == "adjusted").all()
    assert year.funnel_tau2.iloc[0] == pytest.approx(od["tau2"], rel=1e-5)
    assert year.funnel_phi.iloc[0] == pytest.approx(od["phi"], rel=1e-5)
    values = n / d
    assert list(year.funnel_flag) == list(_expected(values, d, centre, od["tau2"]))
    assert list(year.funnel_flag_unadjusted) == list(_expected(values, d, centre, None))
    # The adjustment matters here: the two sets of flags differ.
    assert list(year.funnel_flag) != list(year.funnel_flag_unadjusted)


def test_flags_use_the_unadjusted_limits_when_not_overdispersed() -> None:
    n, d = (np.asarray(x, float) for x in HOMOGENEOUS)
    year = _year(compare(_counts(*HOMOGENEOUS), REGION, "la_median"))
    assert (year.funnel_limits == "unadjusted").all()
    assert (year.funnel_tau2 == 0).all()
    assert list(year.funnel_flag) == list(_expected(n / d, d, 0.7, None))
    assert (year.funnel_flag == year.funnel_flag_unadjusted).all()


def test_region_row_carries_the_funnel_but_no_flag() -> None:
    table = compare(_counts(*DOMINATED), REGION, "la_median")
    region = table[(table.metric == METRIC) & (table.la_code == REGION)].iloc[0]
    assert region.funnel_flag == "" and region.funnel_flag_unadjusted == ""
    assert region.funnel_centre == pytest.approx(0.6025)
    assert region.value == pytest.approx(0.76)


def test_few_las_give_no_adjustment() -> None:
    funnel = funnel_for(np.array([10.0, 90.0]), np.array([100.0, 100.0]), "la_median", 0.5)
    assert not funnel.adjusted and funnel.tau2 == 0 and np.isnan(funnel.phi)
    assert funnel.centre == pytest.approx(0.5)


def test_unknown_comparator_is_refused() -> None:
    with pytest.raises(ValueError, match="comparator"):
        compare(_counts(*DOMINATED), REGION, "england")


def test_heterogeneity_counts_before_and_after() -> None:
    table = compare(_counts(*DOMINATED), REGION, "region")
    row = heterogeneity(table, REGION, "2024-25").set_index("metric").loc[METRIC]
    year = _year(table)
    assert row.comparator == "region" and row.funnel_limits == "adjusted" and row.overdispersed
    assert row.outside_998 == year.funnel_flag_unadjusted.str.endswith("998").sum() == 6
    assert row.outside_998_adjusted == year.funnel_flag.str.endswith("998").sum()
    assert row.outside_998_adjusted < row.outside_998


def _hidden(comparator: str, code: str) -> pd.DataFrame:
    counts = pd.concat(
        [_counts(*DOMINATED), _counts(*HOMOGENEOUS).assign(period="2023-24")], ignore_index=True
    )
    table = compare(counts, REGION, comparator)
    shown = hide_long(table, {(code, "2024-25", METRIC, "all", "numerator")})
    return shown[shown.metric == METRIC]


def test_a_hidden_row_hides_phi_tau2_and_both_its_flags() -> None:
    """phi and tau2 are computed from every LA: with the other rows published they would be
    one equation in the hidden count, so they are hidden on every row of its funnel."""
    rows = _hidden("la_median", "E06000002")
    this_year = rows[rows.period == "2024-25"]
    assert (this_year[["funnel_phi", "funnel_tau2"]] == "c").all().all()
    row = this_year[this_year.la_code == "E06000002"].iloc[0]
    assert row.funnel_flag == "c" and row.funnel_flag_unadjusted == "c"
    other = rows[rows.period == "2023-24"]
    assert not (other[["funnel_centre", "funnel_phi", "funnel_flag_unadjusted"]] == "c").any().any()


@pytest.mark.parametrize(
    "comparator, code, hidden",
    [
        ("la_median", "E06000002", False),  # 59%: below the two middle values (60%, 60.5%)
        ("la_median", "E06000000", True),  # 60%: a middle value, the median is built on it
        ("la_median", "E06000003", True),  # 60.5%: the other middle value
        ("region", "E06000002", False),  # the region's value is still published
        ("region", REGION, True),  # the region's own row hidden: its value is the centre
    ],
)
def test_the_centre_is_hidden_only_when_built_on_a_hidden_value(
    comparator: str, code: str, hidden: bool
) -> None:
    this_year = _hidden(comparator, code).query("period == '2024-25'")
    assert (this_year["funnel_centre"] == "c").all() == hidden
    assert (this_year["funnel_centre"] == "c").any() == hidden
