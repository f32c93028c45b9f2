"""Inter-rater agreement: Cohen's kappa, Fleiss' kappa and Krippendorff's alpha."""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm
from statsmodels.stats import inter_rater

from oversight.stats._arrays import check_confidence

KappaWeights = Literal["linear", "quadratic"]
Level = Literal["nominal", "ordinal", "interval", "ratio"]


class KappaResult(NamedTuple):
    """Cohen's kappa with its large-sample standard errors and test of kappa = 0."""

    kappa: float
    se: float
    """Asymptotic standard error (Fleiss, Cohen & Everitt 1969)."""
    lower: float
    upper: float
    se0: float
    """Standard error under H0: kappa = 0."""
    z: float
    """``kappa / se0``."""
    pvalue: float
    """Two-sided p-value for H0: kappa = 0."""


def cohen_kappa(
    table: npt.ArrayLike | pd.DataFrame,
    weights: KappaWeights | None = None,
    confidence: float = 0.95,
) -> KappaResult:
    """Cohen's kappa for two raters from a k x k contingency table.

    Computed with ``statsmodels.stats.inter_rater.cohens_kappa``. Rows are rater 1's
    categories and columns rater 2's, in the same (ordered) category order. With
    ``weights`` the categories are scored 0..k-1 and disagreements weighted by ``|i - j|``
    ("linear", Cicchetti-Allison) or ``(i - j)**2`` ("quadratic", Fleiss-Cohen). The
    interval is ``kappa +/- z * se`` with the large-sample variance of Fleiss, Cohen &
    Everitt (1969), as SAS PROC FREQ reports it.

    Args:
        table: Square table of counts (array or DataFrame).
        weights: None (unweighted), "linear" or "quadratic".
        confidence: Two-sided confidence level of the interval.

    Returns:
        :class:`KappaResult`.

    Raises:
        ValueError: If the table is not square, has negative counts, or ``weights`` is
            not recognised.

    References:
        Cohen J (1960) A coefficient of agreement for nominal scales. Educ Psychol Meas
        20:37-46. Cohen J (1968) Weighted kappa. Psychol Bull 70:213-220. Fleiss JL,
        Cohen J, Everitt BS (1969) Large sample standard errors of kappa and weighted
        kappa. Psychol Bull 72:323-327.
    """
    confidence = check_confidence(confidence)
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError("table must be a square k x k array of counts")
    if np.any(counts < 0):
        raise ValueError("table counts must be non-negative")
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    res = inter_rater.cohens_kappa(counts, wt=weights)
    delta = norm.ppf(1.0 - (1.0 - confidence) / 2.0) * res.std_kappa
    return KappaResult(
        kappa=float(res.kappa),
        se=float(res.std_kappa),
        lower=float(res.kappa - delta),
        upper=float(res.kappa + delta),
        se0=float(res.std_kappa0),
        z=float(res.z_value),
        pvalue=float(res.pvalue_two_sided),
    )


def fleiss_kappa(counts: npt.ArrayLike | pd.DataFrame) -> float:
    """Fleiss' kappa for many raters from a subjects x categories table of counts.

    Each row gives how many raters put that subject in each category; every row must sum
    to the same number of raters. Computed with
    ``statsmodels.stats.inter_rater.fleiss_kappa`` (``method="fleiss"``).

    Args:
        counts: Subjects x categories counts.

    Returns:
        Fleiss' kappa.

    Raises:
        ValueError: On a non-2-D table, negative counts or unequal raters per subject.

    References:
        Fleiss JL (1971) Measuring nominal scale agreement among many raters. Psychol
        Bull 76:378-382.
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2:
        raise ValueError("counts must be a 2-D subjects x categories table")
    if np.any(table < 0):
        raise ValueError("counts must be non-negative")
    raters = table.sum(axis=1)
    if not np.allclose(raters, raters[0]):
        raise ValueError("every subject must be rated by the same number of raters")
    return float(inter_rater.fleiss_kappa(table, method="fleiss"))


def _squared_differences(
    values: npt.NDArray[np.float64], n_c: npt.NDArray[np.float64], level: Level
) -> npt.NDArray[np.float64]:
    """Krippendorff's difference function delta^2 between every pair of values."""
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        total = c + k
        return np.divide((c - k) ** 2, total**2, out=np.zeros_like(total), where=total != 0)
    # ordinal: sum of the marginals from c to k, less half of the two end marginals
    cum = np.concatenate([[0.0], np.cumsum(n_c)])
    i = np.arange(values.size)
    lo, hi = np.minimum.outer(i, i), np.maximum.outer(i, i)
    between = cum[hi + 1] - cum[lo]
    return (between - (n_c[lo] + n_c[hi]) / 2.0) ** 2


def krippendorff_alpha(
    reliability_data: npt.ArrayLike | pd.DataFrame, level: Level = "nominal"
) -> float:
    """Krippendorff's alpha from a raters x units matrix, by the coincidence-matrix method.

    Following Krippendorff (2011): values ``c`` in unit ``u`` are counted (``n_uc``);
    units with fewer than two values are not pairable and are dropped; the coincidence
    matrix is ``o_ck = sum_u (n_uc n_uk - [c == k] n_uc) / (m_u - 1)``; with marginals
    ``n_c`` and total ``n``::

        alpha = 1 - (n - 1) * sum(o_ck d_ck) / sum(n_c n_k d_ck)

    where ``d_ck`` is the squared difference of the chosen level of measurement
    (nominal, ordinal - from the marginal frequencies -, interval, ratio).

    Args:
        reliability_data: Raters in rows, units in columns, NaN (or ``pd.NA``) where a
            rater did not code a unit. Values must be numeric; for "ordinal" only their
            order matters.
        level: "nominal", "ordinal", "interval" or "ratio".

    Returns:
        Alpha; NaN when there is no variation among the pairable values (0 / 0).

    Raises:
        ValueError: On an unknown level, non-2-D data, negative values at ratio level, or
            no unit coded by at least two raters.

    References:
        Krippendorff K (2011) Computing Krippendorff's alpha-reliability. Annenberg School
        for Communication, University of Pennsylvania. Hayes AF, Krippendorff K (2007)
        Answering the call for a standard reliability measure for coding data. Commun
        Methods Meas 1:77-89.
    """
    if level not in ("nominal", "ordinal", "interval", "ratio"):
        raise ValueError(f"unknown level of measurement {level!r}")
    if isinstance(reliability_data, pd.DataFrame):
        data = reliability_data.to_numpy(dtype=float, na_value=np.nan)
    else:
        data = np.asarray(reliability_data, dtype=float)
    if data.ndim != 2:
        raise ValueError("reliability_data must be a 2-D raters x units matrix")
    values = np.unique(data[~np.isnan(data)])
    if level == "ratio" and np.any(values < 0):
        raise ValueError("ratio-level values must be non-negative")

    # n_uc: how many raters gave unit u the value c (units x values).
    n_uc = (data.T[:, :, None] == values[None, None, :]).sum(axis=1).astype(float)
    m_u = n_uc.sum(axis=1)
    pairable = m_u >= 2
    if not pairable.any():
        raise ValueError("no unit was coded by at least two raters")
    n_uc, m_u = n_uc[pairable], m_u[pairable]

    weighted = n_uc / (m_u - 1.0)[:, None]
    coincidences = weighted.T @ n_uc - np.diag(weighted.sum(axis=0))
    n_c = coincidences.sum(axis=0)
    n = n_c.sum()
    delta2 = _squared_differences(values, n_c, level)
    expected = (np.outer(n_c, n_c) * delta2).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1.0) * (coincidences * delta2).sum() / expected)
