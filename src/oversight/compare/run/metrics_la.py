"""Rule ``metrics_la`` as one function: one LA's metric counts, impact series and model
units."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.compare.census import ChildCensus, child_units
from oversight.compare.metrics import impact_series, la_metrics


def read_parquets(datasets: Sequence[str], paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """One LA's harmonised datasets, by name (``datasets`` and ``paths`` in the same order).
    Read on one thread: the files are small, and a pool of decoding threads spends several
    times the CPU of the decoding itself."""
    return {
        d: pd.read_parquet(path, use_threads=False) for d, path in zip(datasets, paths, strict=True)
    }


def with_la_code(frame: pd.DataFrame, la_code: str) -> pd.DataFrame:
    """``frame`` with the LA's code as its first column."""
    frame.insert(0, "la_code", la_code)
    return frame


def run_metrics_la(
    *,
    data: Sequence[str | Path],
    datasets: Sequence[str],
    la_code: str,
    policy_days: int,
    period_start: str,
    period_end: str,
    data_end: str,
    windows: Iterable[int],
    model_window: int,
    impact_outcomes: Iterable[str],
    out_counts: str | Path,
    out_units: str | Path,
    out_impact: str | Path,
) -> None:
    """Rule ``metrics_la``: one LA's metric counts over the study period, the monthly series
    of the impact outcomes up to the end of the data, and the model units (children open at
    the end of the period)."""
    frames = read_parquets(datasets, data)
    # The census arrays are built once and serve all three outputs.
    children = ChildCensus(frames["caseload"], frames["oversight"])
    counts = la_metrics(frames, period_start, period_end, policy_days, list(windows), children)
    artefacts.write_csv(with_la_code(counts, la_code), out_counts)
    series = impact_series(frames, period_start, data_end, impact_outcomes, children)
    artefacts.write_csv(with_la_code(series, la_code), out_impact)
    units = child_units(frames, pd.Timestamp(period_end), model_window, children)
    artefacts.write_parquet(with_la_code(units, la_code), out_units)
