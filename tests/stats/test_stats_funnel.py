"""Proportion funnel limits against PHEindicatormethods' published test tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.stats import funnel_limits, wilson_ci

# Rows of PHEindicatormethods tests/testthat/testdata_funnel_prop_outputs.csv (the expected
# output of calculate_funnel_limits/phe_funnels on testdata_funnel_prop_inputs.csv), in
# percent: population, lower 2s (0.025), upper 2s, lower 3s (0.001), upper 3s. The
# baseline column of that file is 80.642448 for every row.
PHE_BASELINE_PERCENT = 80.642448
PHE_FUNNEL_ROWS = [
    (1, 3.204264, 100, 0, 100),
    (2, 25.885383, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (4, 41.923356, 100, 19.594903, 100),
    (5, 46.011039, 100, 26.039864, 100),
    (10, 56.154344, 100, 42.03259, 100),
    (16, 61.282902, 100, 50.118675, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (45, 69.098645, 92.186251, 62.441586, 98.843309),
    (102, 72.974925, 88.309971, 68.553233, 92.731663),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (9998, 79.867989, 81.416907, 79.421375, 81.863521),
    (99108, 80.396467, 80.888428, 80.254616, 81.03028),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


def test_matches_phe_funnel_output_table() -> None:
    """PHEindicatormethods testdata_funnel_prop_outputs.csv, printed to 6 decimals of a
    percent; tolerance 1e-6 percentage points (clipping to [0, 100] included)."""
    table = np.array(PHE_FUNNEL_ROWS, dtype=float)
    population = table[:, 0]
    baseline = PHE_BASELINE_PERCENT / 100
    lower_2s, upper_2s = funnel_limits(baseline, population, 0.95)
    lower_3s, upper_3s = funnel_limits(baseline, population, 0.998)
    got = np.column_stack([lower_2s, upper_2s, lower_3s, upper_3s]) * 100
    np.testing.assert_allclose(got, table[:, 1:], rtol=0, atol=1e-6)


# Rows of PHEindicatormethods tests/testthat/testdata_funnel_prop_inputs.csv with the
# significance the package assigns (phe_funnel_significance/assign_funnel_significance)
# against the pooled average of the whole file (80.642448 %).
PHE_SIGNIFICANCE_ROWS = [
    ("South Gloucestershire PCT", 50050.7443, 61921, "Not significant"),
    ("West Norfolk PCT", 26789.2380, 33012, "High (0.025)"),
    ("North Tees PCT", 36850.0492, 45449, "High (0.025)"),
    ("Mid-Hampshire PCT", 34502.0685, 42485, "High (0.025)"),
    ("North Devon PCT", 30277.5312, 37828, "Low (0.025)"),
    ("Hartlepool PCT", 17321.4088, 21587, "Not significant"),
    ("Norwich PCT", 24803.6256, 31824, "Low (0.001)"),
    ("New Forest PCT", 35078.4880, 41980, "High (0.001)"),
    ("Heywood and Middleton PCT", 14493.3552, 17964, "Not significant"),
    ("Sheffield West PCT", 23910.2469, 29457, "High (0.025)"),
]


def test_reproduces_phe_significance_labels() -> None:
    """Classifying units with the 95% and 99.8% limits reproduces the labels in
    PHEindicatormethods' funnel input test file, including the 0.025-level borderline
    areas; also exercises the pandas Series path."""
    data = pd.DataFrame(PHE_SIGNIFICANCE_ROWS, columns=["area", "x", "n", "expected"])
    data = data.set_index("area")
    p = data["x"] / data["n"]
    baseline = PHE_BASELINE_PERCENT / 100
    lower_2s, upper_2s = funnel_limits(baseline, data["n"], 0.95)
    lower_3s, upper_3s = funnel_limits(baseline, data["n"], 0.998)
    assert isinstance(lower_2s, pd.Series) and lower_2s.index.equals(data.index)
    label = np.select(
        [p < lower_3s, p < lower_2s, p > upper_3s, p > upper_2s],
        ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"],
        "Not significant",
    )
    assert list(label) == list(data["expected"])


@pytest.mark.parametrize("n", [20, 57, 300, 4000])
def test_limits_are_where_the_wilson_interval_touches_the_baseline(n: int) -> None:
    """Independent check of the method label "Wilson": an observed proportion on a
    control limit has a Wilson score interval whose far end equals the baseline
    (Wilson 1927 score-test inversion), computed here with wilson_ci."""
    baseline = 0.35
    lower, upper = funnel_limits(baseline, n, 0.95)
    assert wilson_ci(upper * n, n)[0] == pytest.approx(baseline, abs=1e-12)
    assert wilson_ci(lower * n, n)[1] == pytest.approx(baseline, abs=1e-12)


def test_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError):
        funnel_limits(1.2, 100, 0.95)
    with pytest.raises(ValueError):
        funnel_limits(0.5, [100, 0], 0.95)
    with pytest.raises(ValueError):
        funnel_limits(0.5, 100, 1.0)
