"""Snakemake job `ledger`: the datasets' ledgers combined; fails if any line does not balance."""

from oversight import jobs
from oversight.quality import run_ledger

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_ledger(ledgers=list(sm.input.ledgers), out=sm.output[0]),
    "ledger",
    sm,
)
