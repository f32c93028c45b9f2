"""Cohen's kappa, Fleiss' kappa and Krippendorff's alpha against published values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.stats import cohen_kappa, fleiss_kappa, krippendorff_alpha

# --- Cohen's kappa ----------------------------------------------------------------------

# 3 x 3 agreement table with SAS PROC FREQ printouts, as reproduced in statsmodels'
# statsmodels/stats/tests/test_inter_rater.py (TestUnweightedCohens/TestWeightedCohens).
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


def test_cohen_unweighted_matches_sas() -> None:
    """SAS "Simple Kappa Coefficient": kappa 0.4842, ASE 0.1380, 95% CL 0.2137-0.7547;
    H0 test: ASE 0.1484, Z 3.2626, two-sided p 0.0011 (4 decimals)."""
    res = cohen_kappa(SAS_TABLE)
    got = [res.kappa, res.se, res.lower, res.upper, res.se0, res.z, res.pvalue]
    expected = [0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626, 0.0011]
    np.testing.assert_allclose(got, expected, rtol=0, atol=5e-5)


def test_cohen_linear_weights_match_sas() -> None:
    """SAS "Weighted Kappa Coefficient" (Cicchetti-Allison = linear weights): kappa
    0.4701, ASE 0.1457, 95% CL 0.1845-0.7558; H0: ASE 0.1426, Z 3.2971, p 0.0010."""
    res = cohen_kappa(SAS_TABLE, weights="linear")
    got = [res.kappa, res.se, res.lower, res.upper, res.se0, res.z, res.pvalue]
    expected = [0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 3.2971, 0.0010]
    np.testing.assert_allclose(got, expected, rtol=0, atol=5e-5)


# R package irr, dataset `anxiety` (20 subjects), raters 2 and 3; category 5 is unused, so
# R's kappa2 works on the 5 observed levels, as a crosstab of the ratings does.
ANXIETY_RATER2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
ANXIETY_RATER3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]


@pytest.mark.parametrize(
    ("weights", "kappa", "z"),
    [
        (None, -0.006289308, -0.0604067),
        ("linear", 0.1459075, 1.282472),
        ("quadratic", 0.2520325, 1.437451),
    ],
)
def test_cohen_matches_r_irr_kappa2(weights: str | None, kappa: float, z: float) -> None:
    """R irr::kappa2(anxiety[, 2:3], weight = "unweighted"/"equal"/"squared") output as
    printed in statsmodels' test_inter_rater.py (7 significant digits)."""
    levels = sorted(set(ANXIETY_RATER2) | set(ANXIETY_RATER3))
    table = pd.crosstab(
        pd.Categorical(ANXIETY_RATER2, categories=levels),
        pd.Categorical(ANXIETY_RATER3, categories=levels),
        dropna=False,
    )
    res = cohen_kappa(table, weights=weights)
    # R prints 7 significant digits, i.e. a relative precision of about 1e-6
    assert res.kappa == pytest.approx(kappa, rel=1e-6)
    assert res.z == pytest.approx(z, rel=1e-6)


def test_cohen_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        cohen_kappa([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError):
        cohen_kappa(SAS_TABLE, weights="cubic")  # type: ignore[arg-type]


# --- Fleiss' kappa -----------------------------------------------------------------------


def test_fleiss_wikipedia_example() -> None:
    """Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories,
    kappa = 0.210 (3 decimals)."""
    counts = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    assert fleiss_kappa(counts) == pytest.approx(0.210, abs=5e-4)


# Fleiss (1971) Psychol Bull 76:378, Table 1: 30 patients, 6 psychiatrists, 5 diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other); the
# per-rater layout is R irr's `diagnoses` data set.
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4],
    [2, 2, 2, 5, 5, 5],
    [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5],
    [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4],
    [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3],
    [1, 4, 4, 4, 4, 4],
    [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5],
    [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4],
    [2, 2, 4, 5, 5, 5],
    [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4],
    [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3],
    [5, 5, 5, 5, 5, 5],
]


def test_fleiss_1971_diagnoses() -> None:
    """Fleiss (1971): overall kappa = 0.430; R irr::kappam.fleiss(diagnoses) prints
    0.4302445 (as quoted in statsmodels' test_inter_rater.py). Tolerance 5e-8."""
    ratings = np.array(DIAGNOSES)
    counts = np.stack([(ratings == c).sum(axis=1) for c in range(1, 6)], axis=1)
    assert counts.sum(axis=0).tolist() == [26, 26, 30, 55, 43]  # Fleiss' column totals
    assert fleiss_kappa(counts) == pytest.approx(0.4302445, abs=5e-8)
    assert fleiss_kappa(counts) == pytest.approx(0.430, abs=5e-4)


def test_fleiss_rejects_unequal_raters() -> None:
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 2], [2, 2]])


# --- Krippendorff's alpha ----------------------------------------------------------------

N = np.nan
# Krippendorff (2011) "Computing Krippendorff's alpha-reliability", section C: 4 observers
# x 12 units with missing values.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(
    ("level", "alpha"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_worked_example(level: str, alpha: float) -> None:
    """Krippendorff (2011) prints alpha = .743 (nominal), .815 (ordinal), .849
    (interval) and .797 (ratio) for this matrix. The ordinal and ratio values are also
    asserted in fast-krippendorff's tests (pln-fing-udelar/fast-krippendorff,
    tests/test_krippendorff.py), which cite the paper's page 8; nominal and interval are as
    given in the brief and asserted by other implementations' tests."""
    assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(alpha, abs=5e-4)


# Reliability data of fast-krippendorff's tests and docstring (3 coders x 15 units).
FAST_KRIPPENDORFF = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]


@pytest.mark.parametrize(("level", "alpha"), [("nominal", 0.691358), ("interval", 0.810845)])
def test_krippendorff_matches_fast_krippendorff(level: str, alpha: float) -> None:
    """fast-krippendorff test_nominal_metric_reliability_data (0.691358) and
    test_interval_metric (0.810845), rounded to 6 decimals."""
    assert krippendorff_alpha(FAST_KRIPPENDORFF, level) == pytest.approx(alpha, abs=5e-7)


def test_krippendorff_accepts_dataframe_with_pandas_missing() -> None:
    """Same data as a nullable-integer DataFrame (pd.NA for missing) gives the same alpha."""
    frame = pd.DataFrame(KRIPPENDORFF_2011).astype("Int64")
    assert krippendorff_alpha(frame, "nominal") == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_edge_cases() -> None:
    assert np.isnan(krippendorff_alpha([[1, 1], [1, 1]]))
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, N], [N, 2]])
    with pytest.raises(ValueError):
        krippendorff_alpha(KRIPPENDORFF_2011, "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        krippendorff_alpha([[-1, 2], [1, 2]], "ratio")
