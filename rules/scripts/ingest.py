"""Snakemake job: ingest one LA (see oversight.ingest.extracts)."""

import logging
import os
from pathlib import Path

from oversight import artefacts, jobs
from oversight.config import load_authority
from oversight.ingest import filelabels
from oversight.ingest.extracts import Authority, Study, ingest_authority, labeller, ledger_frame
from oversight.ingest.pseudonymise import key_fingerprint, key_for
from oversight.provenance import record_raw_inputs

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    log = logging.getLogger("ingest")
    la = Authority(sm.wildcards.la, load_authority(sm.input.config), Path(sm.input.config))
    key = key_for(la.slug, sm.params.privacy, os.environ, Path(sm.params.raw), la.config)
    log.info("pseudonymisation key fingerprint %s", key_fingerprint(key))
    study = Study.from_config(sm.params.study, sm.params.survey_items, sm.params.ingest)
    results = ingest_authority(la, list(sm.params.datasets), Path(sm.params.raw), study, key)
    # Provenance lists the raw files by label, never by path (the job's input is the folder).
    labels = labeller(la, Path(sm.params.raw), key)
    record_raw_inputs(filelabels.labelled_files(labels, la.config))
    for dataset, data_path, rejects_path in zip(
        sm.params.datasets, sm.output.data, sm.output.rejects, strict=True
    ):
        result = results[dataset]
        artefacts.write_parquet(result.data, data_path)
        artefacts.write_csv(result.rejects, rejects_path)
        log.info("%s: %s", dataset, result.ledger)
    artefacts.write_csv(ledger_frame(results), sm.output.ledger)
    artefacts.write_json(
        {
            d: {
                "files": r.files,
                "notes": r.notes,
                "problem": r.problem.as_dict() if r.problem else None,
            }
            for d, r in results.items()
        },
        sm.output.notes,
    )
    for dataset, result in results.items():
        if result.problem:
            log.error("%s could not be used: %s", dataset, result.problem)


jobs.run(sm.log[0], main, f"ingest {sm.wildcards.la}", sm)
