"""The network's questions: the minutes matched to the real DfE release, and the KPI text.

Every expected number below was computed by hand from rows of
``data/raw/published/dfe/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv``
(columns ``ICPC`` / ``Section47``), not by the code under test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.published.network import (
    Minute,
    load_network,
    match_minutes,
    minutes,
    minutes_table,
    nearest,
)
from oversight.report.findings import Context
from oversight.report.findings_network import describe_trend, latest_standing, network_finding
from tests.published.test_kpis import table  # noqa: F401 (the KPI table from the raw releases)
from tests.report import invariants

LOW = Minute("low", "74% do not reach conference", "s47_icpc_conversion", 0.26, 0.015)
THIRTY = Minute("thirty", "about 30% reach conference", "s47_icpc_conversion", 0.30, 0.015)


def test_config_holds_the_minutes_statements() -> None:
    found = {m.id: m for m in minutes(load_network())}
    assert (found["low_conversion"].value, found["low_conversion"].tolerance) == (0.26, 0.015)
    assert "74%" in found["low_conversion"].says
    assert found["about_thirty"].value == 0.30


def test_26_percent_in_2025_is_buckinghamshire(table) -> None:  # noqa: F811
    hits = match_minutes(table, LOW)
    latest = hits[hits["latest"]]
    # 2025, Buckinghamshire (E06000060): ICPC 710, Section47 2605.
    assert latest["la_name"].tolist() == ["Buckinghamshire"]
    assert latest["period"].tolist() == ["2025"]
    assert latest["value"].iloc[0] == pytest.approx(710 / 2605, abs=1e-6)


def test_26_percent_in_earlier_years(table) -> None:  # noqa: F811
    hits = match_minutes(table, LOW)
    years = hits.groupby("la_name")["period"].apply(sorted).to_dict()
    # Kent: 1573/6015, 1705/6614, 1498/5764, 1696/6646 and 1783/7265 (0.2454, 0.0146 away).
    assert years["Kent"] == ["2019", "2020", "2021", "2022", "2023"]
    # Portsmouth: 197/756, 259/977, 287/1079, 338/1294, 276/1013; not 2024 (341/1417 = 0.2407).
    assert years["Portsmouth"] == ["2013", "2014", "2015", "2020", "2023"]
    # Medway: 312/1215 and 463/1735; not 2021 (267/1282 = 0.2083).
    assert years["Medway"] == ["2022", "2023"]
    kent_2023 = hits[(hits["la_name"] == "Kent") & (hits["period"] == "2023")].iloc[0]
    assert kent_2023["value"] == pytest.approx(1783 / 7265, abs=1e-6)
    assert len(hits) == 22


def test_about_30_percent_in_2025_matches_seven_las_nearest_first(table) -> None:  # noqa: F811
    latest = match_minutes(table, THIRTY).query("latest")
    # West Sussex 859/2901 = 0.2961 is the nearest; Reading 358/1139 = 0.3143 the farthest.
    assert latest["la_name"].iloc[0] == "West Sussex"
    assert latest["value"].iloc[0] == pytest.approx(859 / 2901, abs=1e-6)
    assert latest["la_name"].iloc[-1] == "Reading"
    assert len(latest) == 7


def test_no_match_says_so_and_names_the_nearest(table) -> None:  # noqa: F811
    far = Minute("far", "90% reach conference", "s47_icpc_conversion", 0.90, 0.01)
    assert match_minutes(table, far).empty
    # East Sussex 2025: 786/1283 = 0.6126, the highest.
    assert nearest(table, far, "2025")["la_name"] == "East Sussex"


def test_finding_names_the_las_the_minutes_discuss(table) -> None:  # noqa: F811
    names = dict(zip(table["la_code"], table["la_name"], strict=False))
    ctx = Context("2024-25", "E12000008", names | {"E12000008": "South East"}, frozenset())
    tables = {"kpis": table.drop(columns=["numerator", "denominator"]).astype(str)}
    text = network_finding(tables, ctx, "F-NET-01").text
    assert "In 2025, one LA is in that range: Buckinghamshire (27.3%)" in text
    assert "West Sussex (29.6%)" in text
    assert "not the study's synthetic data" in text
    cin = network_finding(tables, ctx, "F-NET-05").text
    assert cin.startswith("Length of child in need plans cannot be reported")


def test_trend_text_on_a_hand_built_series() -> None:
    series = pd.Series({2013: 0.30, 2016: 0.235, 2020: 0.31, 2025: 0.284})
    assert describe_trend(series, True) == (
        "30.0% in 2013 and 28.4% in 2025 (down), lowest 23.5% in 2016 and highest 31.0% in 2020"
    )
    assert describe_trend(pd.Series({2017: 18.1, 2025: 15.6}), False) == (
        "18.1 in 2017 and 15.6 in 2025 (down)"
    )
    assert describe_trend(pd.Series({2017: 0.2, 2025: 0.202}), True) == (
        "20.0% in 2017 and 20.2% in 2025 (about the same)"
    )
    assert describe_trend(pd.Series(dtype=float), True) == "not published in any year"


def test_latest_standing_on_hand_built_rows() -> None:
    rows = pd.DataFrame(
        {
            "la_code": ["A", "B", "C", "D"],
            "period": ["2025"] * 4,
            "value": [0.10, 0.30, 0.20, None],
            "england": [0.25] * 4,
            "neighbours": [0.05, 0.35, 0.10, 0.2],
        }
    )
    ctx = Context("2024-25", "R", {"A": "Avon", "B": "Bath", "C": "Crewe"}, frozenset())
    assert latest_standing(rows, "2025", True, ctx) == (
        "In 2025 the 3 LAs with a published value ranged from 10.0% (Avon) to 30.0% (Bath); "
        "one LA was above England (25.0%) and two LAs at or below it; two LAs were above "
        "their ten statistical neighbours' average; DfE suppressed the value of one LA "
        "(shown as c)."
    )


def test_minutes_table_holds_every_match_and_says_when_none(table) -> None:  # noqa: F811
    far = Minute("far", "90% reach conference", "s47_icpc_conversion", 0.90, 0.01)
    out = minutes_table(table, [LOW, far])
    low = out[out["minute"] == "low"]
    assert len(low) == 22 and low["complement"].unique().tolist() == [0.74]
    assert low.loc[low["latest"].astype(bool), "la_name"].tolist() == ["Buckinghamshire"]
    none = out[out["minute"] == "far"]
    assert len(none) == 1 and none["la_code"].isna().all()


def test_every_number_in_the_network_findings_is_a_cell(table) -> None:  # noqa: F811
    names = dict(zip(table["la_code"], table["la_name"], strict=False))
    ctx = Context("2024-25", "E12000008", names | {"E12000008": "South East"}, frozenset())
    kpis = table.drop(columns=["numerator", "denominator"])
    tables = {
        "kpis": kpis.astype(str),
        "network_minutes": minutes_table(table, minutes(load_network())).astype(str),
    }
    ids = {"TAB-KPIS": "kpis", "TAB-NET-MINUTES": "network_minutes"}
    numeric = {"kpis": kpis, "network_minutes": minutes_table(table, minutes(load_network()))}
    for fid in ("F-NET-01", "F-NET-02", "F-NET-03", "F-NET-04", "F-NET-05"):
        finding = network_finding(tables, ctx, fid).as_dict()
        assert invariants.numbers_from_cells(finding, numeric, ids) == []
