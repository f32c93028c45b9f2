"""Snakemake job `oversight_model`: the unit-level oversight model across the region."""

from oversight import jobs
from oversight.compare import run_oversight_model

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_oversight_model(
        units=list(sm.input.units), ledger=sm.input.ledger, out=sm.output[0]
    ),
    "oversight model",
    sm,
)
