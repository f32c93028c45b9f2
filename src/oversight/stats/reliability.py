"""Internal-consistency reliability: Cronbach's alpha with Feldt's interval."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import f

from oversight.stats._arrays import check_confidence

NanPolicy = Literal["pairwise", "listwise"]
IntervalN = Literal["all", "complete"]


def cronbach_alpha(
    items: npt.ArrayLike | pd.DataFrame,
    nan_policy: NanPolicy = "pairwise",
    confidence: float = 0.95,
    interval_n: IntervalN = "all",
) -> tuple[float, tuple[float, float]]:
    """Cronbach's alpha for a respondents x items table, with Feldt's confidence interval.

    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` where ``C`` is the item covariance
    matrix (``pandas.DataFrame.cov``, ddof 1). With ``nan_policy="pairwise"`` each
    covariance uses the respondents who answered both items; ``"listwise"`` first drops
    respondents with any missing item. The interval is Feldt's F-based one::

        lower = 1 - (1 - alpha) * F.isf(a/2, n - 1, (n - 1)(k - 1))
        upper = 1 - (1 - alpha) * F.isf(1 - a/2, n - 1, (n - 1)(k - 1))

    with ``a = 1 - confidence``, ``k`` the number of items and ``n`` a number of
    respondents chosen by ``interval_n``:

    * ``"all"`` (default, pingouin's convention): every row of the table, *including* rows
      that listwise deletion drops. ``pingouin.cronbach_alpha`` takes ``n, k = data.shape``
      before it drops incomplete rows, so its documented listwise example prints
      ``(0.8016949152542373, array([0.581, 0.933]))`` for 12 rows of which 9 are complete.
    * ``"complete"``: only the respondents used for alpha (after listwise deletion), a
      wider and more conservative interval (the same example gives about [0.533, 0.947]).

    Without missing values, or with ``nan_policy="pairwise"``, both give the same
    interval. pingouin rounds its limits to 3 decimals; these are not rounded.

    Args:
        items: Respondents in rows, items in columns; NaN for missing answers.
        nan_policy: "pairwise" (default) or "listwise".
        confidence: Two-sided confidence level of the interval.
        interval_n: Respondent count used in Feldt's degrees of freedom: "all" rows
            (pingouin) or the "complete" ones kept by listwise deletion.

    Returns:
        ``(alpha, (lower, upper))``.

    Raises:
        ValueError: On an unknown policy or ``interval_n``, or fewer than two items or
            respondents.

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
    if interval_n not in ("all", "complete"):
        raise ValueError(f"interval_n must be 'all' or 'complete', got {interval_n!r}")
    data = pd.DataFrame(items).astype(float)
    n_all = data.shape[0]
    if nan_policy == "listwise":
        data = data.dropna(axis=0, how="any")
    n, k = data.shape
    if k < 2 or n < 2:
        raise ValueError("at least two items and two respondents are required")
    if interval_n == "all":
        n = n_all

    cov = data.cov().to_numpy()
    alpha = float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))
    tail = (1.0 - confidence) / 2.0
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = float(1.0 - (1.0 - alpha) * f.isf(tail, df1, df2))
    upper = float(1.0 - (1.0 - alpha) * f.isf(1.0 - tail, df1, df2))
    return alpha, (lower, upper)
