"""Rule ``quality_page`` as one function: one LA's data-quality page, ledger and notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.config import load_authority
from oversight.quality.lines import read_json, read_lines, read_notes
from oversight.quality.links import Limits, with_status
from oversight.quality.pages import page_context, render

REJECTS_SUFFIX = ".rejects.csv"


def read_rejects(paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """Each dataset's rejected rows (``<dataset>.rejects.csv``, all text), by dataset."""
    return {
        Path(path).name.removesuffix(REJECTS_SUFFIX): pd.read_csv(path, dtype=str) for path in paths
    }


def run_quality_page(
    *,
    config: str | Path,
    rejects: Sequence[str | Path],
    lines: Sequence[str | Path],
    notes: Sequence[str | Path],
    links: str | Path,
    template: str | Path,
    study: Mapping[str, Any],
    quality: Mapping[str, Any],
    examples: int,
    out: str | Path,
    out_ledger: str | Path,
    out_notes: str | Path,
) -> None:
    """Rule ``quality_page``: the data-quality page of one LA (its authority ``config``),
    rendered with ``template``, and the LA's ledger and notes beside it.

    Its ledger (``out_ledger``) is its ingest ledger ``lines`` (one file per dataset, in the
    study's order), each given its status under the study's ``quality`` limits with the LA's
    link checks (``links``, its ``links.json``); its notes (``out_notes``) are each dataset's
    ingest ``notes`` merged. The page shows both, with the rejected rows and the checks."""
    checks = read_json(links)
    ledger = with_status(read_lines(lines), checks, Limits.from_config(quality))
    merged = read_notes(notes)
    artefacts.write_csv(ledger, out_ledger)
    artefacts.write_json(merged, out_notes)
    context = page_context(
        load_authority(config),
        ledger,
        read_rejects(rejects),
        merged,
        dict(study),
        examples,
        checks,
    )
    artefacts.write_text(render(template, context), out)
