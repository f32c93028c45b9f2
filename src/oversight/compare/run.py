"""The comparison stage's rules as functions, one per rule of ``rules/compare.smk``.

:func:`run_metrics_la` counts one LA's metrics, impact series and model units;
:func:`run_comparison` builds the regional comparison table, its heterogeneity and change;
:func:`run_oversight_model` fits the unit-level model across the region. The regional rules
leave out what the ledger marks unreliable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.compare.comparison import change, compare, heterogeneity
from oversight.compare.metrics import child_units, impact_series, la_metrics
from oversight.compare.model import oversight_model
from oversight.quality.exclusions import drop_for, unreliable


def read_parquets(datasets: Sequence[str], paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """One LA's harmonised datasets, by name (``datasets`` and ``paths`` in the same order)."""
    return {d: pd.read_parquet(path) for d, path in zip(datasets, paths, strict=True)}


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
    counts = la_metrics(frames, period_start, period_end, policy_days, list(windows))
    artefacts.write_csv(with_la_code(counts, la_code), out_counts)
    series = impact_series(frames, period_start, data_end, impact_outcomes)
    artefacts.write_csv(with_la_code(series, la_code), out_impact)
    units = child_units(frames, pd.Timestamp(period_end), model_window)
    artefacts.write_parquet(with_la_code(units, la_code), out_units)


def read_la_counts(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Every LA's metric counts as one table (LA codes and breakdowns as text)."""
    return pd.concat(
        [pd.read_csv(p, dtype={"la_code": str, "breakdown": str}) for p in paths],
        ignore_index=True,
    )


def run_comparison(
    *,
    counts: Sequence[str | Path],
    ledger: str | Path,
    region_code: str,
    year: str,
    change_from: str,
    change_to: str,
    comparator: str,
    out_metrics: str | Path,
    out_heterogeneity: str | Path,
    out_change: str | Path,
) -> None:
    """Rule ``comparison``: the regional comparison table of every LA's ``counts`` (against
    the ``comparator``), the heterogeneity between LAs in ``year`` and the change from
    ``change_from`` to ``change_to``."""
    # An LA's metrics built on a dataset the ledger marks unreliable are left out, so they
    # are in no funnel, ranking or regional total.
    bad = unreliable(artefacts.read_ledger(ledger))
    table = compare(drop_for(read_la_counts(counts), bad, "comparison"), region_code, comparator)
    artefacts.write_csv(table, out_metrics)
    artefacts.write_csv(heterogeneity(table, region_code, year), out_heterogeneity)
    artefacts.write_csv(change(table, change_from, change_to, region_code), out_change)


def run_oversight_model(
    *, units: Sequence[str | Path], ledger: str | Path, out: str | Path
) -> None:
    """Rule ``oversight_model``: the unit-level oversight model across the region's LAs
    (their model ``units``), without the LAs whose data the ledger marks unreliable."""
    frame = pd.concat([pd.read_parquet(p) for p in units], ignore_index=True)
    bad = unreliable(artefacts.read_ledger(ledger))
    artefacts.write_csv(oversight_model(drop_for(frame, bad, "model")), out)
