"""Rule ``links`` as one function: one LA's datasets checked against each other."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.quality.lines import read_lines
from oversight.quality.links import Limits, link_summary


def read_parquets(datasets: Sequence[str], paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """One LA's harmonised datasets, by name (``datasets`` and ``paths`` in the same order)."""
    return {d: pd.read_parquet(path) for d, path in zip(datasets, paths, strict=True)}


def run_links(
    *,
    data: Sequence[str | Path],
    datasets: Sequence[str],
    lines: Sequence[str | Path],
    quality: Mapping[str, Any],
    examples: int,
    out_links: str | Path,
) -> None:
    """Rule ``links``: check the links between one LA's datasets (``data``, parquet files named
    by ``datasets``; ``lines``, their ingest ledger lines, say which files could not be used)
    and write the ``links.json`` summary (``examples`` rows shown per check; limits from the
    study's ``quality`` settings). Each dataset's status is judged from it by the rules
    ``dataset_ledger`` and ``quality_page`` (:func:`oversight.quality.links.with_status`)."""
    frames = read_parquets(datasets, data)
    limits = Limits.from_config(quality)
    artefacts.write_json(link_summary(frames, read_lines(lines), limits, examples), out_links)
