"""Rule ``comparison`` as one function: the regional comparison table of every LA's metric
counts, the heterogeneity between LAs and the change between two years, leaving out what the
ledger marks unreliable."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.compare.comparison import change, compare, heterogeneity
from oversight.quality.exclusions import drop_for, unreliable


def read_la_counts(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Every LA's metric counts as one table (LA codes and breakdowns as text)."""
    return pd.concat(
        [pd.read_csv(p, dtype={"la_code": str, "breakdown": str}) for p in paths],
        ignore_index=True,
    )


def run_comparison(
    *,
    counts: Sequence[str | Path],
    ledger: artefacts.Ledgers,
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
