"""Rule ``links`` as one function: one LA's datasets checked against each other, each given
its status in the LA's ledger."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.quality.links import OK, Limits, report

log = logging.getLogger("links")


def read_parquets(datasets: Sequence[str], paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """One LA's harmonised datasets, by name (``datasets`` and ``paths`` in the same order)."""
    return {d: pd.read_parquet(path) for d, path in zip(datasets, paths, strict=True)}


def read_ingest_ledger(path: str | Path) -> pd.DataFrame:
    """An LA's ingest ledger as the links check reads it: LA codes and file problems as text,
    an empty cell as an empty string (no missing values)."""
    return pd.read_csv(path, dtype={"la_code": str, "file_problem": str}, keep_default_na=False)


def log_statuses(ledger: pd.DataFrame) -> None:
    """Warn in the job's log of every dataset whose status is not ``ok``."""
    for line in ledger.itertuples():
        if line.status != OK:
            log.warning("%s %s: %s", line.la_code, line.dataset, line.status)


def run_links(
    *,
    data: Sequence[str | Path],
    datasets: Sequence[str],
    ledger: str | Path,
    quality: Mapping[str, Any],
    examples: int,
    out_ledger: str | Path,
    out_links: str | Path,
) -> None:
    """Rule ``links``: check the links between one LA's datasets (``data``, parquet files named
    by ``datasets``) and write its ledger with each dataset's status, and the ``links.json``
    summary (``examples`` rows shown per check; limits from the study's ``quality`` settings)."""
    frames = read_parquets(datasets, data)
    limits = Limits.from_config(quality)
    lines, summary = report(frames, read_ingest_ledger(ledger), limits, examples)
    artefacts.write_csv(lines, out_ledger)
    artefacts.write_json(summary, out_links)
    log_statuses(lines)
