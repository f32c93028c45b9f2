"""Report figures: IDs, data-driven alt text, what is drawn, and reproducible files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest

from oversight.figures.funnel import funnel_plot
from oversight.figures.grades import grade_distribution
from oversight.figures.links import link_plot
from oversight.figures.rank import caterpillar_plot
from oversight.figures.run.figures import build_all, headline_metrics
from oversight.figures.style import (
    DPI,
    FLAG_STYLES,
    FLAGS,
    OKABE_ITO,
    PAGE_WIDTH,
    FigureSpec,
    Marks,
    save,
)
from oversight.figures.table import is_region
from oversight.figures.trend import trend_small_multiples
from oversight.stats import funnel_limits

from .conftest import GRADES, LAS, PERIOD, REGION_VALUE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
METRIC = "staff_supervision_28d"
MARKS = Marks("Source: test table.", demo=False)


def lines_by_gid(fig) -> dict:
    return {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}


@pytest.fixture(scope="module")
def funnel(table, names):
    return funnel_plot(table, METRIC, PERIOD, names)


# --------------------------------------------------------------------------- IDs, text
def test_build_all_ids(table, names):
    built = build_all(table, PERIOD, names)
    ids = [spec.id for _, spec in built]
    expected = [f"FIG-{kind}-{m}" for m in headline_metrics() for kind in ("FUNNEL", "RANK")]
    assert ids == [*expected, "FIG-TREND-child_oversight_28d", "FIG-GRADES-audits"]
    assert len(headline_metrics()) == 5
    for fig, spec in built:
        assert isinstance(fig, matplotlib.figure.Figure)
        assert isinstance(spec, FigureSpec)
        assert spec.caption and spec.alt.endswith(".")
        assert fig.get_figwidth() == pytest.approx(PAGE_WIDTH)


def test_spec_is_frozen():
    spec = FigureSpec("FIG-X", "caption", "alt")
    with pytest.raises(AttributeError):
        spec.id = "other"  # type: ignore[misc]


def test_funnel_alt_names_outliers_and_region(funnel):
    _, spec = funnel
    assert spec.id == f"FIG-FUNNEL-{METRIC}"
    assert f"{100 * REGION_VALUE:.1f}%" == "73.8%"
    assert "region 73.8%" in spec.alt
    assert "Eastmoor 38.0% lies below the 99.8% limit" in spec.alt
    assert "Hartfield 95.0% lies above it" in spec.alt
    assert "for 6 LAs" in spec.alt and "2024-25" in spec.alt
    assert "2 other LAs lie between the 95% and 99.8% limits" in spec.alt
    for within in ("Southgate", "Kingsley", "Westbury", "Northam"):
        assert within not in spec.alt
    assert "PHEindicatormethods" in spec.caption and PERIOD in spec.caption


def test_funnel_alt_without_outliers(table, names):
    calm = table[~table["la_code"].isin(["E06000901", "E06000902"])]
    _, spec = funnel_plot(calm, METRIC, PERIOD, names)
    assert "no LA lies outside the 99.8% limits" in spec.alt
    assert "for 4 LAs" in spec.alt


def test_names_fall_back_to_codes(table):
    _, spec = funnel_plot(table, METRIC, PERIOD, {})
    assert "E06000901 38.0%" in spec.alt


def test_unknown_metric_or_period_raises(table, names):
    with pytest.raises(ValueError, match="no LA rows"):
        funnel_plot(table, METRIC, "2030-31", names)


@pytest.mark.parametrize(
    "plot, prefix", [(funnel_plot, "FIG-FUNNEL"), (caterpillar_plot, "FIG-RANK")]
)
def test_every_la_value_suppressed_gives_a_panel_that_says_so(table, names, plot, prefix):
    """A small run can have every LA's value of a metric hidden (c): the figure says so."""
    hidden = table.copy()
    rows = (hidden["metric"] == METRIC) & (hidden["period"] == PERIOD)
    hidden.loc[rows, ["numerator", "denominator", "value"]] = np.nan
    fig, spec = plot(hidden, METRIC, PERIOD, names)
    assert spec.id == f"{prefix}-{METRIC}"
    assert spec.alt.startswith("No chart: No LA's value for 2024-25 can be published")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("hidden by disclosure control" in t for t in texts)
    assert not any(ax.get_lines() for ax in fig.axes)


# --------------------------------------------------------------------------- funnel drawing
@pytest.mark.parametrize("confidence, tag", [(0.95, "95"), (0.998, "998")])
def test_funnel_limits_drawn_match_funnel_limits(funnel, confidence, tag):
    fig, _ = funnel
    lines = lines_by_gid(fig)
    lower, upper = lines[f"limit-{tag}-lower"], lines[f"limit-{tag}-upper"]
    x = np.asarray(lower.get_xdata(), float)
    assert len(x) >= 100 and np.all(np.diff(x) > 0)  # a smooth curve over a grid
    assert x.min() <= 100 and x.max() >= 400  # spans the LAs' denominators
    exp_lo, exp_hi = funnel_limits(REGION_VALUE, x, confidence)
    np.testing.assert_allclose(lower.get_ydata(), 100 * exp_lo, rtol=0, atol=1e-4)
    np.testing.assert_allclose(upper.get_ydata(), 100 * exp_hi, rtol=0, atol=1e-4)
    # At a given LA's denominator the curve passes through the limit within a hair.
    for d in (150, 300):
        lo, hi = funnel_limits(REGION_VALUE, d, confidence)
        assert np.interp(d, x, lower.get_ydata()) == pytest.approx(100 * lo, abs=0.02)
        assert np.interp(d, x, upper.get_ydata()) == pytest.approx(100 * hi, abs=0.02)
    assert lower.get_linestyle() != lines["centre"].get_linestyle()


def test_funnel_centre_line_and_points(funnel):
    fig, _ = funnel
    lines = lines_by_gid(fig)
    np.testing.assert_allclose(lines["centre"].get_ydata(), 100 * REGION_VALUE, atol=1e-3)
    for code, (_, d, n, flag) in LAS.items():
        pts = lines[f"points-{flag}"]
        xy = set(zip(pts.get_xdata(), np.round(pts.get_ydata(), 3), strict=True))
        assert (d, round(100 * n / d, 3)) in xy, code
    assert lines["limit-95-lower"].get_linestyle() != lines["limit-998-lower"].get_linestyle()


def test_funnel_labels_only_outside_998(funnel):
    fig, _ = funnel
    texts = {t.get_text() for t in fig.axes[0].texts if t.get_gid().startswith("label-")}
    assert texts == {"Eastmoor", "Hartfield"}


def test_missing_flags_are_computed_from_limits(table, names):
    blank = table.assign(funnel_flag="")
    fig, spec = funnel_plot(blank, METRIC, PERIOD, names)
    lines = lines_by_gid(fig)
    for flag in FLAGS:
        assert f"points-{flag}" in lines
    assert spec.alt == funnel_plot(table, METRIC, PERIOD, names)[1].alt


# --------------------------------------------------------------------------- greyscale
def test_flag_styles_differ_in_marker_and_colour():
    markers = [FLAG_STYLES[f].marker for f in FLAGS]
    colours = [FLAG_STYLES[f].colour for f in FLAGS]
    assert len(set(markers)) == len(FLAGS)  # shape alone tells the flags apart
    assert len(set(colours)) == len(FLAGS)
    okabe = {c.upper() for c in OKABE_ITO.values()}
    assert {c.upper() for c in colours} <= okabe


def test_drawn_markers_differ_by_flag(funnel, table, names):
    fig, _ = funnel
    lines = lines_by_gid(fig)
    drawn = {f: lines[f"points-{f}"].get_marker() for f in FLAGS}
    assert len(set(drawn.values())) == len(FLAGS)
    rank, _ = caterpillar_plot(table, METRIC, PERIOD, names)
    assert {f: lines_by_gid(rank)[f"points-{f}"].get_marker() for f in FLAGS} == drawn


def test_grade_hatches_differ(table):
    fig, _ = grade_distribution(table, PERIOD)
    ax = fig.axes[0]
    hatches = {}
    for container in ax.containers:
        grade = container.get_label()
        hatches[grade] = {bar.get_hatch() for bar in container}
        assert len(hatches[grade]) == 1
    assert len({h for hs in hatches.values() for h in hs}) == 4
    assert all(h for hs in hatches.values() for h in hs)


# --------------------------------------------------------------------------- other figures
def test_caterpillar(table, names):
    fig, spec = caterpillar_plot(table, METRIC, PERIOD, names)
    assert spec.id == f"FIG-RANK-{METRIC}"
    ax = fig.axes[0]
    order = [t.get_text() for t in ax.get_yticklabels()]
    values = {name: n / d for name, d, n, _ in LAS.values()}
    assert order == sorted(values, key=values.get)  # bottom to top: lowest to highest
    region = lines_by_gid(fig)["region"]
    np.testing.assert_allclose(region.get_xdata(), 100 * REGION_VALUE, atol=1e-3)
    bars = next(c for c in ax.containers if c.get_label() == "95% Wilson interval")
    segments = bars.lines[2][0].get_segments()
    rows = table[
        (table["metric"] == METRIC) & (table["period"] == PERIOD) & (table["breakdown"] == "all")
    ].set_index("la_code")
    by_name = {LAS[c][0]: rows.loc[c] for c in LAS}
    for y, name in enumerate(order):
        (x0, _), (x1, _) = segments[y]
        assert x0 == pytest.approx(100 * by_name[name]["lower95"])
        assert x1 == pytest.approx(100 * by_name[name]["upper95"])
    assert "region 73.8%" in spec.alt
    assert "highest Hartfield 95.0%, lowest Eastmoor 38.0%" in spec.alt
    assert "Wilson" in spec.caption and PERIOD in spec.caption


def test_trend_small_multiples(table, names):
    fig, spec = trend_small_multiples(table, names=names)
    assert spec.id == "FIG-TREND-child_oversight_28d"
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_lines()]
    assert len(panels) == len(LAS)
    assert [ax.get_title(loc="left") for ax in panels] == sorted(n for n, *_ in LAS.values())
    ylims = {ax.get_ylim() for ax in panels}
    assert len(ylims) == 1  # shared y axis
    for ax in panels:
        gids = [line.get_gid() for line in ax.get_lines()]
        assert "region" in gids and len(gids) == 2
        region = next(line for line in ax.get_lines() if line.get_gid() == "region")
        la = next(line for line in ax.get_lines() if line.get_gid() != "region")
        assert region.get_alpha() < 1 and len(la.get_xdata()) == 12
    monthly = table[
        (table["metric"] == "child_oversight_28d")
        & is_region(table["la_code"])
        & table["period"].str.match(r"^\d{4}-\d\d$")
        & (table["period"] != PERIOD)
    ]
    lo = monthly.loc[monthly["value"].idxmin()]
    assert f"{100 * lo['value']:.1f}%" in spec.alt
    assert "April 2024 to March 2025" in spec.alt and "6 LAs" in spec.alt


def test_grade_distribution(table):
    fig, spec = grade_distribution(table, PERIOD, names=None)
    assert spec.id == "FIG-GRADES-audits"
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert set(labels) == {"Management oversight", "Assessment", "Voice of the child"}
    for container in ax.containers:
        grade = int(container.get_label().split()[0])
        for bar, label in zip(container, labels, strict=True):
            domain = {
                "Management oversight": "management_oversight",
                "Assessment": "assessment",
                "Voice of the child": "voice_of_child",
            }[label]
            assert bar.get_width() == pytest.approx(GRADES[domain][grade - 1])
    assert (
        "management oversight: 10.0% inadequate, 30.0% requires improvement, "
        "50.0% good, 10.0% outstanding"
    ) in spec.alt
    assert "from 40.0% (voice of the child) to 70.0% (assessment)" in spec.alt
    assert "100 audits in each domain" in spec.alt


# --------------------------------------------------------------------------- saving
def test_save_is_reproducible_and_valid(table, names, tmp_path):
    outputs = []
    for run in ("a", "b"):
        fig, spec = funnel_plot(table, METRIC, PERIOD, names)
        meta = save(fig, spec, tmp_path / run, MARKS)
        outputs.append(meta)
    a, b = outputs
    assert (
        a
        == b
        == {
            "id": spec.id,
            "caption": spec.caption,
            "alt": spec.alt,
            "svg": f"{spec.id}.svg",
            "png": f"{spec.id}.png",
        }
    )
    for key in ("svg", "png"):
        first = (tmp_path / "a" / a[key]).read_bytes()
        assert first == (tmp_path / "b" / b[key]).read_bytes(), key
    svg = (tmp_path / "a" / a["svg"]).read_bytes()
    root = ET.fromstring(svg)
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    png = (tmp_path / "a" / a["png"]).read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    width = int.from_bytes(png[16:20], "big")
    assert width == round(PAGE_WIDTH * DPI)
    assert b"<dc:date>" not in svg
    assert matplotlib.get_backend().lower() == "agg"


def test_no_pyplot_figures_left_open(table, names, tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig, spec = grade_distribution(table, PERIOD)
    save(fig, spec, tmp_path, MARKS)
    assert plt.get_fignums() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{spec.id}.png", f"{spec.id}.svg"]


def _kpis(values: dict[str, float]):
    import pandas as pd

    return pd.DataFrame(
        {
            "la_code": list(values),
            "indicator": "rereferral_rate",
            "period": "2025",
            "value": list(values.values()),
            "lower95": np.nan,
        }
    )


def test_link_plot_correlates_the_las_that_have_both_values(table, names):
    # The indicator falls as the LAs' supervision rate (numerator / denominator) rises, so
    # Spearman's rho is exactly -1 over the six LAs.
    kpis = _kpis({code: 1 - n / d for code, (_name, d, n, _flag) in LAS.items()})
    _fig, spec = link_plot(
        table, kpis, METRIC, "rereferral_rate", PERIOD, "2025", "Re-referrals", names
    )
    assert spec.id == f"FIG-LINK-{METRIC}-rereferral_rate"
    assert "Spearman's rank correlation -1.00" in spec.caption
    assert "6 LAs). With 6 areas" in spec.caption


def test_link_plot_with_too_few_las_says_so_instead_of_failing(table, names):
    kpis = _kpis({"E06000901": 0.2, "E06000902": 0.3})  # only two LAs publish the indicator
    fig, spec = link_plot(
        table, kpis, METRIC, "rereferral_rate", PERIOD, "2025", "Re-referrals", names
    )
    assert "Only 2 LAs have both values: too few to compare" in spec.caption
    assert "No correlation is shown" in spec.caption and spec.alt.startswith("No chart")
    assert not fig.axes[0].axison
