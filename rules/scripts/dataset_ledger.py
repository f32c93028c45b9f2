"""Snakemake job `dataset_ledger`: one dataset's ledger lines of every LA, each with its
status; fails if any line does not balance or any file could not be used."""

from oversight import jobs
from oversight.quality import run_dataset_ledger

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_dataset_ledger(
        lines=list(sm.input.lines),
        links=list(sm.input.links),
        quality=sm.params.quality,
        out=sm.output[0],
    ),
    f"ledger {sm.wildcards.dataset}",
    sm,
)
