"""Internal-consistency reliability: Cronbach's alpha with Feldt's interval."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import f

from oversight.stats._arrays import check_confidence

NanPolicy = Literal["pairwise", "listwise"]


def cronbach_alpha(
    items: npt.ArrayLike | pd.DataFrame,
    nan_policy: NanPolicy = "pairwise",
    confidence: float = 0.95,
) -> tuple[float, tuple[float, float]]:
    """Cronbach's alpha for a respondents x items table, with Feldt's confidence interval.

    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` where ``C`` is the item covariance
    matrix (``pandas.DataFrame.cov``, ddof 1). With ``nan_policy="pairwise"`` each
    covariance uses the respondents who answered both items; ``"listwise"`` first drops
    respondents with any missing item. The interval is Feldt's F-based one::

        lower = 1 - (1 - alpha) * F.isf(a/2, n - 1, (n - 1)(k - 1))
        upper = 1 - (1 - alpha) * F.isf(1 - a/2, n - 1, (n - 1)(k - 1))

    with ``a = 1 - confidence`` and ``n`` the number of respondents (after listwise
    deletion). This reproduces ``pingouin.cronbach_alpha`` (whose results are checked
    against R ``psych::alpha``).

    Args:
        items: Respondents in rows, items in columns; NaN for missing answers.
        nan_policy: "pairwise" (default) or "listwise".
        confidence: Two-sided confidence level of the interval.

    Returns:
        ``(alpha, (lower, upper))``.

    Raises:
        ValueError: On an unknown policy or fewer than two items or respondents.

    References:
        Cronbach LJ (1951) Coefficient alpha and the internal structure of tests.
        Psychometrika 16:297-334. Feldt LS (1965) The approximate sampling distribution of
        Kuder-Richardson reliability coefficient twenty. Psychometrika 30:357-370. Feldt LS,
        Woodruff DJ, Salih FA (1987) Statistical inference for coefficient alpha. Appl
        Psychol Meas 11:93-103. pingouin ``cronbach_alpha``.
    """
    confidence = check_confidence(confidence)
    if nan_policy not in ("pairwise", "listwise"):
        raise ValueError(f"nan_policy must be 'pairwise' or 'listwise', got {nan_policy!r}")
    data = pd.DataFrame(items).astype(float)
    if nan_policy == "listwise":
        data = data.dropna(axis=0, how="any")
    n, k = data.shape
    if k < 2 or n < 2:
        raise ValueError("at least two items and two respondents are required")

    cov = data.cov().to_numpy()
    alpha = float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))
    tail = (1.0 - confidence) / 2.0
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = float(1.0 - (1.0 - alpha) * f.isf(tail, df1, df2))
    upper = float(1.0 - (1.0 - alpha) * f.isf(1.0 - tail, df1, df2))
    return alpha, (lower, upper)
