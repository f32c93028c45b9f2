"""Rule ``publish_metrics`` as one function: the metrics table with disclosure control
applied, audited before it is written (a hidden count that can be worked out stops the job
with :class:`~oversight.errors.DisclosureError`)."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.disclosure.publish import (
    check_published,
    load_catalogue,
    metric_counts,
    publish,
    whole_numbers,
)
from oversight.report.marking import mark_table


def read_metrics(path: str | Path) -> pd.DataFrame:
    """The regional metrics table before disclosure control (LA codes and breakdowns text)."""
    return pd.read_csv(path, dtype={"la_code": str, "breakdown": str})


def run_publish_metrics(
    *,
    metrics: str | Path,
    catalogue: str | Path,
    out: str | Path,
    region_code: str,
    low: int,
    high: int,
    min_width: int,
    demo: bool,
) -> None:
    """The metrics table with disclosure control applied, for publication (``out``), and the
    attacker's audit of it: counts from ``low`` to ``high`` hidden, none recoverable to
    fewer than ``min_width`` values; marked as synthetic in a ``demo`` run."""
    spec = load_catalogue(catalogue)["oversight_metrics"]
    table = read_metrics(metrics)
    band = {"low": low, "high": high, "min_width": min_width}
    shown = publish("oversight_metrics", table, spec, region_code, **band)
    summary = check_published(
        "oversight_metrics", shown, spec, region_code, metric_counts(table), **band
    )
    # Counts of cells only, no values: safe to keep beside the published tables.
    logging.getLogger("publish metrics").info("disclosure audit passed: %s", summary)
    artefacts.write_csv(mark_table(whole_numbers(shown, spec), spec, demo), out)
