"""Snakemake job `ledger`: the LAs' ledgers combined; fails if any line does not balance."""

from oversight import jobs
from oversight.quality import run_ledger

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_ledger(ledgers=[p for p in sm.input if p.endswith("ledger.csv")], out=sm.output[0]),
    "ledger",
    sm,
)
