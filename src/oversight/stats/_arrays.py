"""Array plumbing shared by the statistics modules.

Every public function accepts scalars, sequences, numpy arrays or pandas Series and
returns results in the shape of its input: a float for scalar input, a Series (with the
input's index) when any input is a Series, otherwise an ndarray.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike: TypeAlias = float | int | Sequence[float] | npt.NDArray[np.number] | pd.Series
"""Numeric input accepted by the vectorised functions."""

Result: TypeAlias = float | npt.NDArray[np.float64] | pd.Series
"""Output mirroring the input: float, ndarray or Series."""


def as_float(x: ArrayLike) -> npt.NDArray[np.float64]:
    """Return ``x`` as a float ndarray; pandas missing values (``pd.NA``) become NaN."""
    if isinstance(x, pd.Series | pd.Index):
        return x.to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(x, dtype=float)


def like(values: npt.NDArray[np.float64], *inputs: ArrayLike) -> Result:
    """Shape ``values`` after the inputs: Series if any input is one, float if all scalar."""
    for template in inputs:
        if isinstance(template, pd.Series):
            return pd.Series(np.broadcast_to(values, template.shape), index=template.index)
    if values.ndim == 0:
        return float(values)
    return values


def check_confidence(confidence: float) -> float:
    """Validate a two-sided confidence level in (0, 1) and return it as a float."""
    confidence = float(confidence)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    return confidence
