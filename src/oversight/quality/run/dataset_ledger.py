"""Rule ``dataset_ledger`` as one function: every LA's ledger line of one dataset, judged."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.quality.lines import read_json, read_lines
from oversight.quality.links import OK, Limits, with_status
from oversight.quality.pages import combine_ledgers

log = logging.getLogger("dataset_ledger")


def log_statuses(ledger: pd.DataFrame) -> None:
    """Warn in the job's log of every line whose status is not ``ok``."""
    for line in ledger.itertuples():
        if line.status != OK:
            log.warning("%s %s: %s", line.la_code, line.dataset, line.status)


def run_dataset_ledger(
    *,
    lines: Sequence[str | Path],
    links: Sequence[str | Path],
    quality: Mapping[str, Any],
    out: str | Path,
) -> None:
    """Rule ``dataset_ledger``: one dataset's ingest ledger line of every LA (``lines``), each
    given its status under the study's ``quality`` limits, judged with the LA's link checks
    (``links``: each LA's ``links.json`` in the order of ``lines``, or none when no link check
    reads the dataset). Raises :class:`~oversight.errors.LedgerError` as the regional ledger
    does (a line that does not balance, a file that could not be used): what reads this
    dataset never runs on an incomplete region."""
    if links and len(links) != len(lines):
        raise ValueError(f"{len(lines)} ledger lines but {len(links)} link summaries")
    limits = Limits.from_config(quality)
    summaries = [read_json(path) for path in links] or [None] * len(lines)
    frames = [
        with_status(read_lines([path]), summary, limits)
        for path, summary in zip(lines, summaries, strict=True)
    ]
    ledger = combine_ledgers(frames)
    artefacts.write_csv(ledger, out)
    log_statuses(ledger)
