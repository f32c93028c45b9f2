"""The data of one interrupted time series for
:func:`oversight.stats.its.interrupted_time_series`: the family and options checked, the
columns validated and put in time order, and the segmented-regression design matrix."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

FAMILIES: tuple[str, ...] = ("binomial", "quasibinomial", "poisson", "quasipoisson")

#: Fewest time points allowed on either side of the interruption.
MIN_POINTS_PER_SEGMENT = 3

_Array = npt.NDArray[np.float64]

# Names of the model's terms (the rows of ITSResult.table).
INTERCEPT, TIME, LEVEL, SLOPE = "intercept", "time", "level_change", "slope_change"


def resolve_family(family: str | None, trials: str | None, offset: str | None) -> str:
    """The family asked for, or the default for the data (events out of trials, or counts),
    checked against ``trials`` and ``offset``."""
    if family is None:
        family = "quasibinomial" if trials is not None else "quasipoisson"
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if family.endswith("binomial"):
        if trials is None:
            raise ValueError(f"family {family!r} needs a trials column (events out of trials)")
        if offset is not None:
            raise ValueError("offset applies to the Poisson families only")
    elif trials is not None:
        raise ValueError(f"trials is for the binomial families; family {family!r} models counts")
    return family


def _time_values(column: pd.Series, interruption: Any) -> tuple[_Array, float]:
    """Numeric time values and interruption; a Period column becomes period ordinals."""
    if isinstance(column.dtype, pd.PeriodDtype):
        freq = column.dtype.freq
        values = np.array([p.ordinal for p in column], dtype=float)
        point = interruption if isinstance(interruption, pd.Period) else None
        point = pd.Period(interruption, freq=freq) if point is None else point.asfreq(freq)
        return values, float(point.ordinal)
    if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
        raise ValueError(
            "time must be numeric (e.g. months since the start) or a pandas Period column, "
            f"got dtype {column.dtype}"
        )
    try:
        point = float(interruption)
    except (TypeError, ValueError):
        raise ValueError(f"interruption must be a time value, got {interruption!r}") from None
    return column.to_numpy(dtype=float), point


def prepare_series(
    data: pd.DataFrame,
    time: str,
    events: str,
    trials: str | None,
    offset: str | None,
    interruption: Any,
) -> tuple[_Array, float, _Array, _Array | None, _Array | None]:
    """Validate the columns and return ``(t, T, events, trials, offset)`` in time order."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a pandas DataFrame")
    columns = [c for c in (time, events, trials, offset) if c is not None]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"column(s) not in data: {missing}")
    frame = data[columns]
    if frame.isna().any().any():
        bad = [c for c in columns if frame[c].isna().any()]
        raise ValueError(f"missing values in column(s): {bad}")
    t, point = _time_values(frame[time], interruption)
    if not np.all(np.isfinite(t)):
        raise ValueError("time values must be finite")
    order = np.argsort(t, kind="stable")
    t = t[order]
    if np.any(np.diff(t) == 0):
        raise ValueError("time values must be unique (one row per time point)")

    def numeric(name: str) -> _Array:
        try:
            values = frame[name].to_numpy(dtype=float)[order]
        except (TypeError, ValueError):
            raise ValueError(f"column {name!r} must be numeric") from None
        if not np.all(np.isfinite(values)):
            raise ValueError(f"column {name!r} must be finite")
        return values

    y = numeric(events)
    if np.any(y < 0):
        raise ValueError(f"events ({events!r}) must be non-negative counts")
    n_trials = None
    if trials is not None:
        n_trials = numeric(trials)
        if np.any(n_trials <= 0):
            raise ValueError(f"trials ({trials!r}) must be positive")
        if np.any(y > n_trials):
            raise ValueError(f"events ({events!r}) must not exceed trials ({trials!r})")
    exposure = None
    if offset is not None:
        exposure = numeric(offset)
        if np.any(exposure <= 0):
            raise ValueError(f"offset ({offset!r}) must be positive (its log is the offset)")

    n_pre, n_post = int(np.sum(t < point)), int(np.sum(t >= point))
    if min(n_pre, n_post) < MIN_POINTS_PER_SEGMENT:
        raise ValueError(
            f"need at least {MIN_POINTS_PER_SEGMENT} time points on each side of the "
            f"interruption, got {n_pre} before and {n_post} from {interruption!r} on"
        )
    return t, point, y, n_trials, exposure


def design_matrix(
    t: _Array, point: float, *, slope_change: bool, seasonal: int, period: float
) -> pd.DataFrame:
    """The design matrix: intercept, centred time, step, slope change, Fourier pairs."""
    post = (t >= point).astype(float)
    columns: dict[str, _Array] = {
        INTERCEPT: np.ones_like(t),
        TIME: t - point,
        LEVEL: post,
    }
    if slope_change:
        columns[SLOPE] = (t - point) * post
    for k in range(1, seasonal + 1):
        angle = 2.0 * np.pi * k * t / period
        columns[f"sin{k}"] = np.sin(angle)
        columns[f"cos{k}"] = np.cos(angle)
    return pd.DataFrame(columns)


def check_options(seasonal: int, period: float, hac_lags: int | None, n: int) -> None:
    """Reject seasonal terms, periods and HAC lags the series cannot support."""
    if isinstance(seasonal, bool) or not isinstance(seasonal, int | np.integer) or seasonal < 0:
        raise ValueError(f"seasonal must be a non-negative integer, got {seasonal!r}")
    if seasonal and not 2 * seasonal < period:
        raise ValueError(
            f"seasonal={seasonal} harmonic pairs need period > {2 * seasonal}, got {period}"
        )
    if hac_lags is not None and (
        isinstance(hac_lags, bool)
        or not isinstance(hac_lags, int | np.integer)
        or not 0 <= hac_lags < n
    ):
        raise ValueError(f"hac_lags must be None or an integer in [0, {n}), got {hac_lags!r}")
