"""Cronbach's alpha and Feldt interval against pingouin's documented examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.stats import cronbach_alpha

# pingouin dataset "cronbach_wide_missing" (src/pingouin/datasets/cronbach_wide_missing.csv):
# 12 respondents x 11 binary items, NaN = missing.
N = np.nan
WIDE_MISSING = pd.DataFrame(
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
        [N, 0, 1, 1, N, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0],
        [0, 1, N, 0, 1, 1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
        [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0],
        [1, 0, 0, 1, 0, 1, 0, 0, N, 0, 0],
        [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    ],
    columns=[f"Q{i}" for i in range(1, 12)],
)

# pingouin dataset "cronbach_alpha" (Likert items, long format in the package), pivoted to
# 15 subjects x 10 items.
LIKERT = np.array(
    [
        [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
        [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
        [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
        [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
        [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
        [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
        [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
        [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
        [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
        [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
    ]
).T


def _check(result: tuple[float, tuple[float, float]], alpha: float, ci: tuple[float, float]):
    got_alpha, got_ci = result
    assert got_alpha == pytest.approx(alpha, abs=1e-9)
    # pingouin rounds the Feldt limits to 3 decimals
    assert got_ci == pytest.approx(ci, abs=5e-4 + 1e-12)


def test_pairwise_matches_pingouin_and_psych() -> None:
    """pingouin.cronbach_alpha docstring: (0.732660835214447, [0.435, 0.909]);
    "In R: psych::alpha(data, use='pairwise')"."""
    _check(cronbach_alpha(WIDE_MISSING), 0.732660835214447, (0.435, 0.909))


def test_listwise_matches_pingouin() -> None:
    """pingouin docstring (pingouin-stats.org, ``pingouin.cronbach_alpha``)::

        >>> # In R: psych:alpha(data, use="complete.obs")
        >>> pg.cronbach_alpha(data=data, nan_policy='listwise')
        (0.8016949152542373, array([0.581, 0.933]))

    pingouin reads ``n, k = data.shape`` before dropping incomplete rows, so Feldt's
    degrees of freedom use all 12 respondents although alpha uses the 9 complete ones."""
    _check(cronbach_alpha(WIDE_MISSING, "listwise"), 0.8016949152542373, (0.581, 0.933))


def test_listwise_complete_respondents_interval_is_wider() -> None:
    """``interval_n="complete"`` uses the 9 complete respondents: same alpha, Feldt's
    interval with df (8, 80) instead of pingouin's (11, 110), so strictly wider."""
    alpha, (lo, hi) = cronbach_alpha(WIDE_MISSING, "listwise", interval_n="complete")
    assert alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert lo < 0.581 - 5e-4 and hi > 0.933 + 5e-4
    # without missing values the two conventions coincide
    assert cronbach_alpha(LIKERT, interval_n="complete") == cronbach_alpha(LIKERT)


def test_median_imputed_matches_pingouin() -> None:
    """pingouin docstring, data.fillna(data.median()): (0.7380191693290734, [0.447, 0.911])."""
    filled = WIDE_MISSING.fillna(WIDE_MISSING.median())
    _check(cronbach_alpha(filled), 0.7380191693290734, (0.447, 0.911))


def test_likert_matches_pingouin() -> None:
    """pingouin docstring, 'cronbach_alpha' dataset: (0.5917188485995826, [0.195, 0.84]);
    pingouin's tests note alpha = 0.592 agrees with R psych. Plain ndarray input."""
    _check(cronbach_alpha(LIKERT), 0.5917188485995826, (0.195, 0.840))


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        cronbach_alpha(WIDE_MISSING, "drop")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cronbach_alpha(np.ones((5, 1)))
    with pytest.raises(ValueError, match="interval_n"):
        cronbach_alpha(WIDE_MISSING, interval_n="used")  # type: ignore[arg-type]
