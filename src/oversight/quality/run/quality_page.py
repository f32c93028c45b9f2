"""Rule ``quality_page`` as one function: one LA's data-quality page."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.config import load_authority
from oversight.quality.pages import page_context, render

REJECTS_SUFFIX = ".rejects.csv"


def read_rejects(paths: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """Each dataset's rejected rows (``<dataset>.rejects.csv``, all text), by dataset."""
    return {
        Path(path).name.removesuffix(REJECTS_SUFFIX): pd.read_csv(path, dtype=str) for path in paths
    }


def read_json(path: str | Path) -> Any:
    """A JSON artefact (UTF-8)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def run_quality_page(
    *,
    config: str | Path,
    rejects: Sequence[str | Path],
    ledger: str | Path,
    notes: str | Path,
    links: str | Path,
    template: str | Path,
    study: Mapping[str, Any],
    examples: int,
    out: str | Path,
) -> None:
    """Rule ``quality_page``: the data-quality page of one LA (its authority ``config``), from
    its ledger, rejected rows, ingest notes and link checks, rendered with ``template``."""
    context = page_context(
        load_authority(config),
        pd.read_csv(ledger),
        read_rejects(rejects),
        read_json(notes),
        dict(study),
        examples,
        read_json(links),
    )
    artefacts.write_text(render(template, context), out)
