"""The balanced panel behind :func:`oversight.stats.did.staggered_did`: the long data
checked (columns, duplicates, unit-constant group, weight and cluster, balance) and reshaped
to one row per unit."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Panel:
    """A balanced panel in wide form: one row per unit, one column per period."""

    times: npt.NDArray
    y: FloatArray
    """(n units, T periods) outcomes."""
    g: FloatArray
    """First treated period per unit, 0 for never treated."""
    w: FloatArray
    """Unit weights (all 1 without weights)."""
    cluster: npt.NDArray[np.intp]
    """Cluster code per unit, 0..n_clusters-1 (the unit itself without ``cluster``)."""
    n_clusters: int

    @property
    def n(self) -> int:
        return self.y.shape[0]


def prepare_panel(
    data: pd.DataFrame,
    unit: str,
    time: str,
    group: str,
    outcome: str,
    weights: str | None,
    cluster: str | None,
) -> Panel:
    """Validate the long panel and reshape it to one row per unit."""
    frame = _long_frame(data, unit, time, group, outcome, weights, cluster)
    per_unit = [group] + [c for c in (weights, cluster) if c is not None]
    _check_constant_within_unit(frame, unit, per_unit)
    units = np.sort(frame[unit].unique())
    times = np.sort(frame[time].unique())
    _check_balanced(frame, unit, time, outcome, units, times)

    y = frame.pivot(index=unit, columns=time, values=outcome).loc[units, times]
    per = frame.groupby(unit, sort=True).first().loc[units]
    g = per[group].to_numpy(dtype=float)
    w = per[weights].to_numpy(dtype=float) if weights is not None else np.ones(len(units))
    if not np.all(np.isfinite(w) & (w > 0)):
        raise ValueError(f"{weights!r} must be positive and finite")

    t_first, t_last = float(times[0]), float(times[-1])
    g = np.where(g > t_last, 0.0, g)  # treated after the panel ends: never treated here
    early = (g > 0) & (g <= t_first)
    if early.any():
        warnings.warn(
            f"dropped {int(early.sum())} unit(s) already treated in the first period "
            f"({time} {_plain(times[0])!r}): they have no pre-treatment period",
            stacklevel=3,
        )
    keep = ~early
    if not np.any(g[keep] > 0):
        raise ValueError("no treated group with a pre-treatment period")
    if cluster is not None:
        codes, uniques = pd.factorize(per[cluster].to_numpy()[keep], sort=True)
        n_clusters = len(uniques)
    else:
        codes, n_clusters = np.arange(int(keep.sum())), int(keep.sum())
    return Panel(
        times=times,
        y=y.to_numpy(dtype=float)[keep],
        g=g[keep],
        w=w[keep],
        cluster=np.asarray(codes, dtype=np.intp),
        n_clusters=n_clusters,
    )


def _long_frame(
    data: pd.DataFrame,
    unit: str,
    time: str,
    group: str,
    outcome: str,
    weights: str | None,
    cluster: str | None,
) -> pd.DataFrame:
    """The columns used, checked: present, units and periods given, groups numeric (0 for
    never treated) and not negative, one row per unit and period."""
    columns = [unit, time, group, outcome] + [c for c in (weights, cluster) if c is not None]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"data has no column(s) {missing}")
    frame = data[list(dict.fromkeys(columns))].copy()
    if frame[unit].isna().any() or frame[time].isna().any():
        raise ValueError(f"{unit!r} and {time!r} must not be missing")
    frame[group] = pd.to_numeric(frame[group]).fillna(0).astype(float)
    if (frame[group] < 0).any():
        raise ValueError(f"{group!r} must be a period, 0 or NaN (never treated)")
    duplicated = frame.duplicated([unit, time])
    if duplicated.any():
        row = frame.loc[duplicated].iloc[0]
        raise ValueError(
            f"unit {_plain(row[unit])!r} has more than one row for {time} {_plain(row[time])!r}"
        )
    return frame


def _check_constant_within_unit(frame: pd.DataFrame, unit: str, per_unit: list[str]) -> None:
    """Group, weight and cluster describe a unit: none may vary across its periods."""
    varying = frame.groupby(unit, sort=True)[per_unit].nunique(dropna=False).gt(1)
    for column in per_unit:
        if varying[column].any():
            first = varying.index[varying[column]][0]
            raise ValueError(
                f"{column!r} must be constant within unit; unit {_plain(first)!r} varies"
            )


def _check_balanced(
    frame: pd.DataFrame,
    unit: str,
    time: str,
    outcome: str,
    units: npt.NDArray,
    times: npt.NDArray,
) -> None:
    """Every unit has an outcome in every period, else name the first gap."""
    observed = frame.loc[frame[outcome].notna()].set_index([unit, time]).index
    full = pd.MultiIndex.from_product([units, times], names=[unit, time])
    absent = full.difference(observed)
    if len(absent) > 0:
        first_unit, first_time = absent[0]
        raise ValueError(
            f"unbalanced panel: unit {_plain(first_unit)!r} has no {outcome!r} for {time} "
            f"{_plain(first_time)!r} ({len(absent)} unit-periods missing); staggered_did "
            "needs a balanced panel"
        )


def _plain(value: object) -> object:
    """A numpy scalar as the Python scalar it holds (for readable messages)."""
    return value.item() if isinstance(value, np.generic) else value
