"""Snakemake job: links between one LA's datasets, and each dataset's status in its ledger
(see oversight.quality.links)."""

import logging

import pandas as pd

from oversight import artefacts, jobs
from oversight.quality.links import Limits, report

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    log = logging.getLogger("links")
    frames = {
        d: pd.read_parquet(path) for d, path in zip(sm.params.datasets, sm.input.data, strict=True)
    }
    ledger = pd.read_csv(
        sm.input.ledger, dtype={"la_code": str, "file_problem": str}, keep_default_na=False
    )
    limits = Limits.from_config(sm.params.quality)
    ledger, summary = report(frames, ledger, limits, sm.params.examples)
    artefacts.write_csv(ledger, sm.output.ledger)
    artefacts.write_json(summary, sm.output.links)
    for line in ledger.itertuples():
        if line.status != "ok":
            log.warning("%s %s: %s", line.la_code, line.dataset, line.status)


jobs.run(sm.log[0], main, f"links {sm.wildcards.la}", sm)
