"""Figures of the network's questions: years on the x axis, DfE source notes, no demo mark."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from oversight.figures.ids import S47_LATEST_ID, S47_TREND_ID, network_ids
from oversight.figures.network import (
    _isolated,
    dfe_marks,
    indicator_small_multiples,
    kpi_time_series,
    latest_dot_plot,
)
from oversight.figures.style import notes, save
from oversight.published.network import Minute

NAMES = {"A1": "Avon", "B2": "Bath", "C3": "Crewe"}
REGION = "South East"
YEARS = list(range(2013, 2021))
C4 = "DfE, Children in need, table C4"


def _kpis(indicator: str = "s47_icpc_conversion", scale: float = 1.0) -> pd.DataFrame:
    """Three LAs over 2013-2020, England and region on every row; Crewe suppressed in 2016."""
    rows = []
    for k, code in enumerate(NAMES):
        for i, year in enumerate(YEARS):
            value = None if (code == "C3" and year == 2016) else scale * (0.2 + 0.05 * k + 0.01 * i)
            rows.append(
                {
                    "la_code": code,
                    "la_name": NAMES[code],
                    "period": str(year),
                    "indicator": indicator,
                    "value": value,
                    "england": scale * 0.3,
                    "region": scale * (0.25 + 0.004 * i),
                    "neighbours": scale * 0.28,
                }
            )
    return pd.DataFrame(rows)


def _x_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


def test_trend_panels_have_years_on_the_x_axis() -> None:
    fig, spec = indicator_small_multiples(
        _kpis(), "s47_icpc_conversion", "S47 to ICPC", NAMES, region=REGION
    )
    assert spec.id == S47_TREND_ID
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["Avon", "Bath", "Crewe"]
    for ax in panels:
        labels = _x_labels(ax)
        assert labels and all(re.fullmatch(r"20\d\d", t) for t in labels)
        assert labels[-1] == "2020"  # the latest year is always labelled
    assert "2013 to 2020" in spec.caption


def test_kpi_series_axis_and_values() -> None:
    fig, spec = kpi_time_series(
        _kpis("caseload_fte", 50), "caseload_fte", "Caseload", NAMES, False, region=REGION
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "DfE reporting year"
    assert _x_labels(ax) == ["2014", "2016", "2018", "2020"]
    assert spec.id == "FIG-KPI-caseload_fte"
    # England flat at 50 x 0.3 = 15.0; the region 50 x 0.25 = 12.5 in 2013, 50 x 0.278 in 2020.
    assert "England went from 15.0 to 15.0" in spec.alt
    assert "South East from 12.5 to 13.9" in spec.alt


def test_latest_dot_plot_sorted_with_minutes_bands() -> None:
    minute = Minute("m", "says", "s47_icpc_conversion", 0.26, 0.015)
    fig, spec = latest_dot_plot(
        _kpis(), "s47_icpc_conversion", "S47", NAMES, [minute], region=REGION
    )
    ax = fig.axes[0]
    assert spec.id == S47_LATEST_ID
    # 2020 values: Avon 0.27, Bath 0.32, Crewe 0.37; lowest at the bottom.
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Avon", "Bath", "Crewe"]
    labels = [h.get_label() for h in ax.get_legend_handles_labels()[0]]
    assert "Minutes: 26% ± 1.5 points" in labels


@pytest.mark.parametrize("build", ["trend", "latest", "kpi"])
def test_saved_images_carry_the_dfe_source_and_no_demo_mark(tmp_path, build) -> None:
    kpis = _kpis()
    fig, spec = {
        "trend": lambda: indicator_small_multiples(
            kpis, "s47_icpc_conversion", "S47", NAMES, region=REGION
        ),
        "latest": lambda: latest_dot_plot(kpis, "s47_icpc_conversion", "S47", NAMES, region=REGION),
        "kpi": lambda: kpi_time_series(kpis, "s47_icpc_conversion", "S47", NAMES, region=REGION),
    }[build]()
    entry = save(fig, spec, tmp_path, dfe_marks(C4, YEARS))
    svg = (tmp_path / entry["svg"]).read_text(encoding="utf-8")
    note = " ".join(
        re.search(r"<g id=\"source-note\"><title>(.*?)</title>", svg, re.S).group(1).split()
    )
    assert note.startswith("Source: DfE, Children in need, table C4, reporting years 2013 to 2020")
    assert "real LAs, not the study's synthetic data" in note
    assert 'id="demo-mark"' not in svg and notes()["demo_mark"] not in svg
    assert (tmp_path / entry["png"]).stat().st_size > 0


def test_figure_ids_for_the_rule() -> None:
    network = {"kpis": [{"indicator": "caseload_fte"}]}
    assert network_ids(network) == [S47_TREND_ID, S47_LATEST_ID, "FIG-KPI-caseload_fte"]


def test_a_year_between_missing_years_is_drawn_as_a_point() -> None:
    values = pd.Series({2013: 0.1, 2015: 0.2, 2017: 0.3, 2018: 0.4})  # 2014 and 2016 missing
    assert list(_isolated(values, range(2013, 2019)).index) == [2013, 2015]


def test_the_region_is_named_as_the_study_names_it() -> None:
    """No region is written into the figures: the caller's name is in the text and legend."""
    fig, spec = kpi_time_series(
        _kpis("caseload_fte", 50), "caseload_fte", "Caseload", NAMES, False, region="North West"
    )
    assert "North West from 12.5 to 13.9" in spec.alt
    assert "England and the North West as bold lines" in spec.caption
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "North West" in legend and "South East" not in " ".join([spec.alt, spec.caption])


def test_alt_text_keeps_the_capitals_of_a_label_inside_its_sentence() -> None:
    """Only the label's first letter is lowered: "(FTE)" and "31 March" stay as written (a
    screen reader reads "fte" as a word)."""
    label = "Cases per case-holding social worker (FTE) on 31 March"
    _, spec = kpi_time_series(
        _kpis("caseload_fte", 50), "caseload_fte", label, NAMES, False, region=REGION
    )
    assert "Line chart of cases per case-holding social worker (FTE) on 31 March from" in spec.alt
    _, spec = indicator_small_multiples(
        _kpis(), "s47_icpc_conversion", "S47 enquiries (ICPC)", NAMES, region=REGION
    )
    assert "Small multiples of s47 enquiries (ICPC) for 3 LAs" in spec.alt
