"""The quality stage's rules as functions, one per rule of ``rules/quality.smk``.

:func:`run_links` checks one LA's datasets against each other and gives each its status in the
LA's ledger; :func:`run_ledger` combines the LAs' ledgers (and fails if a line does not
balance); :func:`run_quality_page` and :func:`run_quality_index` write the data-quality pages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.config import load_authority
from oversight.quality.links import OK, Limits, report
from oversight.quality.pages import combine_ledgers, index_context, page_context, render

log = logging.getLogger("links")

REJECTS_SUFFIX = ".rejects.csv"


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


def run_ledger(*, ledgers: Sequence[str | Path], out: str | Path) -> None:
    """Rule ``ledger``: combine the LAs' ledgers into the regional one; raises
    :class:`~oversight.errors.LedgerError` if any line does not balance."""
    frames = [pd.read_csv(path, dtype={"la_code": "string"}) for path in ledgers]
    artefacts.write_csv(combine_ledgers(frames), out)


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


def run_quality_index(
    *,
    ledger: str | Path,
    template: str | Path,
    study: Mapping[str, Any],
    authorities: Mapping[str, Mapping[str, Any]],
    out: str | Path,
) -> None:
    """Rule ``quality_index``: the index of all LAs' data-quality pages (``authorities``: each
    LA's ``la_name`` and ``la_code`` by its folder name), from the regional ledger."""
    context = index_context(
        pd.read_csv(ledger), {k: dict(v) for k, v in authorities.items()}, dict(study)
    )
    artefacts.write_text(render(template, context), out)
