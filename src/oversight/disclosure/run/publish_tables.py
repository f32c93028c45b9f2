"""Rule ``publish_tables`` as one function: every other published table with disclosure
control applied against the published metrics, each audited before it is written (a hidden
count that can be worked out stops the job with :class:`~oversight.errors.DisclosureError`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.disclosure.publish import (
    check_published,
    data_received,
    load_catalogue,
    publish,
    whole_numbers,
)
from oversight.quality.exclusions import table as exclusions_table
from oversight.report.marking import mark_table

# Tables made here from the ingest ledger rather than read from an analysis table.
FROM_LEDGER = {"data_received": data_received, "data_exclusions": exclusions_table}


def by_stem(paths: Iterable[str | Path]) -> dict[str, str | Path]:
    """Files by their name without suffix (a table's name)."""
    return {Path(p).stem: p for p in paths}


def analysis_table(
    name: str, sources: Mapping[str, str | Path], ledger: str | Path
) -> pd.DataFrame:
    """The table ``name`` before disclosure control: made from the ledger, or as computed by
    an earlier rule."""
    if name in FROM_LEDGER:
        return FROM_LEDGER[name](artefacts.read_ledger(ledger))
    return artefacts.read_counts(sources[name])


def run_publish_tables(
    *,
    tables: Iterable[str | Path],
    metrics: str | Path,
    ledger: str | Path,
    catalogue: str | Path,
    out: Iterable[str | Path],
    names: Iterable[str],
    region_code: str,
    low: int,
    high: int,
    min_width: int,
    demo: bool,
) -> None:
    """Every table in ``names`` as published: read from ``tables`` (the analysis tables, by
    file name) or made from the ``ledger``, with disclosure control applied against the
    published ``metrics`` and audited; each written to the file of ``out`` named after it."""
    specs = load_catalogue(catalogue)
    published_metrics = artefacts.read_text_table(metrics)
    sources, targets = by_stem(tables), by_stem(out)
    band = {"low": low, "high": high, "min_width": min_width}
    log = logging.getLogger("publish tables")
    for name in names:
        frame = analysis_table(name, sources, ledger)
        spec = specs[name]
        shown = publish(name, frame, spec, region_code, metrics=published_metrics, **band)
        summary = check_published(name, shown, spec, region_code, frame, **band)
        # Counts of cells only, no values: safe to keep beside the published tables.
        log.info("disclosure audit passed: %s", summary)
        artefacts.write_csv(mark_table(whole_numbers(shown, spec), spec, demo), targets[name])
