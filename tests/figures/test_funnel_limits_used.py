"""The funnel plot draws the limits the flags use: adjusted for over-dispersion (with the
unadjusted ones faintly behind) when the LAs are over-dispersed, unadjusted alone when not,
around the table's comparator; legend, caption and alt text say which."""

from __future__ import annotations

import re

import matplotlib.colors
import numpy as np
import pandas as pd
import pytest

from oversight.compare.comparison import compare
from oversight.figures.funnel import funnel_plot
from oversight.figures.style import marks_for, save
from oversight.stats import funnel_limits, od_limits
from oversight.stats.overdispersion import overdispersion

REGION = "E12000008"  # the South East's GSS code, as in config/config.yaml
METRIC = "child_oversight_28d"
PERIOD = "2024-25"
# Five LAs near 60% and one large LA at 80% (median of the values 0.6025, pooled 0.76).
DOMINATED = ([600, 610, 590, 605, 595, 16000], [1000] * 5 + [20000])
HOMOGENEOUS = ([700, 702, 698, 701, 699, 700], [1000] * 6)


def _table(counts: tuple[list[int], list[int]], comparator: str) -> pd.DataFrame:
    rows = [
        (f"E0600000{i}", PERIOD, METRIC, "all", n, d)
        for i, (n, d) in enumerate(zip(*counts, strict=True))
    ]
    frame = pd.DataFrame(
        rows, columns=["la_code", "period", "metric", "breakdown", "numerator", "denominator"]
    )
    return compare(frame, REGION, comparator)


def _lines(fig) -> dict:
    return {line.get_gid(): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


@pytest.fixture(scope="module")
def adjusted():
    table = _table(DOMINATED, "la_median")
    row = table[(table.metric == METRIC) & (table.la_code != REGION)].iloc[0]
    assert row.funnel_limits == "adjusted" and row.funnel_tau2 > 0
    return table, row, funnel_plot(table, METRIC, PERIOD)


@pytest.mark.parametrize("confidence, tag", [(0.95, "95"), (0.998, "998")])
def test_adjusted_limits_are_the_main_ones(adjusted, confidence: float, tag: str) -> None:
    _, row, (fig, _) = adjusted
    lines = _lines(fig)
    for side, index in (("lower", 0), ("upper", 1)):
        main = lines[f"limit-{tag}-{side}"]
        faint = lines[f"limit-{tag}-{side}-unadjusted"]
        x = np.asarray(main.get_xdata(), float)
        want = od_limits(x, row.funnel_tau2, confidence, data_type="PR", target=row.funnel_centre)
        np.testing.assert_allclose(main.get_ydata(), 100 * want[index], atol=1e-6)
        plain = funnel_limits(row.funnel_centre, x, confidence)
        np.testing.assert_allclose(faint.get_ydata(), 100 * plain[index], atol=1e-6)
        # The adjusted limits lie outside the plain ones; the plain ones are drawn faintly.
        wider = np.asarray(main.get_ydata()) - np.asarray(faint.get_ydata())
        assert (wider < 0).all() if side == "lower" else (wider > 0).all()
        assert faint.get_linewidth() < main.get_linewidth()
        light = np.mean(matplotlib.colors.to_rgb(faint.get_color()))
        assert light > np.mean(matplotlib.colors.to_rgb(main.get_color()))
        assert faint.get_zorder() < main.get_zorder()


def test_centre_line_is_the_median_of_the_las(adjusted) -> None:
    _, row, (fig, _) = adjusted
    assert row.funnel_centre == pytest.approx(0.6025)
    np.testing.assert_allclose(_lines(fig)["centre"].get_ydata(), 60.25, atol=1e-9)
    texts = _legend_texts(fig)
    assert "Median of the 6 LAs (60.2%)" in texts
    assert "Limits before adjustment" in texts
    assert "99.8% limits (adjusted)" in texts and "95% limits (adjusted)" in texts


def test_caption_and_alt_say_which_limits(adjusted) -> None:
    _, row, (_, spec) = adjusted
    assert "the median of the 6 LAs (60.2%)" in spec.caption
    assert f"phi = {row.funnel_phi:.1f}" in spec.caption
    assert "faint grey curves are the limits before adjustment" in spec.caption
    assert "centre line median of the 6 LAs 60.2%" in spec.alt
    assert "limits adjusted for over-dispersion" in spec.alt
    assert re.search(r"before the adjustment \d+ LAs? lay outside the 99.8% limits", spec.alt)


def test_svg_holds_both_limit_sets(adjusted, tmp_path) -> None:
    table, _, _ = adjusted
    fig, spec = funnel_plot(table, METRIC, PERIOD)
    saved = save(fig, spec, tmp_path, marks_for("comparison", False, period=PERIOD))
    svg = (tmp_path / saved["svg"]).read_text()
    for tag in ("95", "998"):
        for side in ("lower", "upper"):
            assert f'id="limit-{tag}-{side}"' in svg
            assert f'id="limit-{tag}-{side}-unadjusted"' in svg


def test_no_faint_limits_when_not_overdispersed() -> None:
    table = _table(HOMOGENEOUS, "region")
    fig, spec = funnel_plot(table, METRIC, PERIOD)
    lines = _lines(fig)
    assert not [g for g in lines if g.endswith("-unadjusted")]
    x = np.asarray(lines["limit-998-lower"].get_xdata(), float)
    lo, _ = funnel_limits(4200 / 6000, x, 0.998)
    np.testing.assert_allclose(lines["limit-998-lower"].get_ydata(), 100 * lo, atol=1e-6)
    assert "Region (70.0%)" in _legend_texts(fig)
    assert "Limits before adjustment" not in _legend_texts(fig)
    assert "the regional value (70.0%)" in spec.caption
    assert "not over-dispersed" in spec.caption and "unadjusted limits" in spec.alt


def test_hidden_phi_and_tau2_are_estimated_from_the_published_las(adjusted) -> None:
    """Disclosure control hides phi and tau2 when one LA's count is hidden: the limits are
    then drawn with the tau2 of the LAs whose counts are published, and the caption says so."""
    table, row, _ = adjusted
    shown = table.copy()
    shown[["funnel_phi", "funnel_tau2"]] = np.nan
    hidden = shown["la_code"] == "E06000002"
    shown.loc[hidden, ["numerator", "value", "funnel_flag"]] = np.nan
    fig, spec = funnel_plot(shown, METRIC, PERIOD)
    keep = [i for i in range(6) if i != 2]
    n = np.asarray(DOMINATED[0], float)[keep]
    d = np.asarray(DOMINATED[1], float)[keep]
    tau2 = overdispersion(n, d, data_type="PR", target=row.funnel_centre)["tau2"]
    line = _lines(fig)["limit-998-upper"]
    x = np.asarray(line.get_xdata(), float)
    want = od_limits(x, tau2, 0.998, data_type="PR", target=row.funnel_centre)[1]
    np.testing.assert_allclose(line.get_ydata(), 100 * want, atol=1e-6)
    assert "drawn from the LAs whose counts are published" in spec.caption
    assert "phi =" not in spec.caption


def test_hidden_centre_falls_back_to_the_region_and_says_so(adjusted) -> None:
    table, _, _ = adjusted
    shown = table.assign(funnel_centre=np.nan)
    fig, spec = funnel_plot(shown, METRIC, PERIOD)
    np.testing.assert_allclose(_lines(fig)["centre"].get_ydata(), 76.0, atol=1e-9)
    assert not [g for g in _lines(fig) if g.endswith("-unadjusted")]
    assert "The centre line the flags use is not published" in spec.caption
    assert "not over-dispersed" not in spec.caption
