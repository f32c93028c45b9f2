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
    dataset_config,
    ingest_dataset,
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
    dataset: str,
    config: str | Path,
    raw: str | Path,
    study: Mapping[str, Any],
    survey_items: Sequence[str],
    privacy: Mapping[str, str],
    ingest: Mapping[str, Any],
    data: str | Path,
    rejects: str | Path,
    line: str | Path,
    notes: str | Path,
    environ: Mapping[str, str] | None = None,
) -> Result:
    """Ingest one dataset of one LA (rule ``ingest``): ``dataset`` read from the raw folder
    ``raw``, validated, harmonised and pseudonymised.

    Writes the dataset's rows (``data``, parquet), its rejects (``rejects``, CSV), its ledger
    line (``line``, CSV) and its files, notes and file-level problem (``notes``, JSON keyed by
    the dataset). An optional dataset the LA does not send gets empty outputs and a ledger
    line of zeros. ``config`` is the LA's configuration file; ``study``, ``privacy`` and
    ``ingest`` are those blocks of the study configuration, ``survey_items`` the item ids of
    the common survey. The key comes from ``environ`` (the process environment by default)
    or, for demo data, from the manifest ``privacy`` names. Provenance lists the dataset's raw
    files by label, never by path.

    Returns:
        The dataset's result.
    """
    authority = Authority(la, load_authority(config), Path(config))
    raw_root = Path(raw)
    env = os.environ if environ is None else environ
    key = key_for(authority.slug, privacy, env, raw_root, authority.config)
    log.info("pseudonymisation key fingerprint %s", key_fingerprint(key))
    settings = Study.from_config(dict(study), list(survey_items), dict(ingest))
    result = ingest_dataset(authority, dataset, raw_root, settings, key)
    labels = labeller(authority, raw_root, key)
    own = dataset_config(authority.config, dataset)
    record_raw_inputs(filelabels.labelled_files(labels, own))
    artefacts.write_parquet(result.data, data)
    artefacts.write_csv(result.rejects, rejects)
    artefacts.write_csv(ledger_frame({dataset: result}), line)
    artefacts.write_json(notes_record({dataset: result}), notes)
    log.info("%s: %s", dataset, result.ledger)
    if result.problem:
        log.error("%s could not be used: %s", dataset, result.problem)
    return result
