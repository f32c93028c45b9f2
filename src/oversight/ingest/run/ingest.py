"""The ingest stage's rule as one function, callable without Snakemake."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from oversight import artefacts
from oversight.config import load_authority
from oversight.ingest import filelabels
from oversight.ingest.extracts import (
    Authority,
    Result,
    Study,
    ingest_authority,
    labeller,
    ledger_frame,
    notes_record,
)
from oversight.ingest.pseudonymise import key_fingerprint, key_for
from oversight.provenance import record_raw_inputs

log = logging.getLogger("ingest")


def run_ingest(
    *,
    la: str,
    config: str | Path,
    raw: str | Path,
    datasets: Sequence[str],
    study: Mapping[str, Any],
    survey_items: Sequence[str],
    privacy: Mapping[str, str],
    ingest: Mapping[str, Any],
    data: Sequence[str | Path],
    rejects: Sequence[str | Path],
    ledger: str | Path,
    notes: str | Path,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Result]:
    """Ingest one LA (rule ``ingest``): every dataset of ``datasets`` read from the raw folder
    ``raw``, validated, harmonised and pseudonymised.

    Writes each dataset's rows (``data``, parquet) and rejects (``rejects``, CSV) in the order
    of ``datasets``, the LA's ledger lines (``ledger``) and each dataset's files, notes and
    file-level problem (``notes``, JSON). ``config`` is the LA's configuration file; ``study``,
    ``privacy`` and ``ingest`` are those blocks of the study configuration, ``survey_items``
    the item ids of the common survey. The key comes from ``environ`` (the process
    environment by default) or, for demo data, from the manifest ``privacy`` names. Provenance
    lists the raw files by label, never by path.

    Returns:
        Each dataset's result, by name.
    """
    authority = Authority(la, load_authority(config), Path(config))
    raw_root = Path(raw)
    env = os.environ if environ is None else environ
    key = key_for(authority.slug, privacy, env, raw_root, authority.config)
    log.info("pseudonymisation key fingerprint %s", key_fingerprint(key))
    settings = Study.from_config(dict(study), list(survey_items), dict(ingest))
    results = ingest_authority(authority, list(datasets), raw_root, settings, key)
    labels = labeller(authority, raw_root, key)
    record_raw_inputs(filelabels.labelled_files(labels, authority.config))
    for dataset, data_path, rejects_path in zip(datasets, data, rejects, strict=True):
        result = results[dataset]
        artefacts.write_parquet(result.data, data_path)
        artefacts.write_csv(result.rejects, rejects_path)
        log.info("%s: %s", dataset, result.ledger)
    artefacts.write_csv(ledger_frame(results), ledger)
    artefacts.write_json(notes_record(results), notes)
    for dataset, result in results.items():
        if result.problem:
            log.error("%s could not be used: %s", dataset, result.problem)
    return results
