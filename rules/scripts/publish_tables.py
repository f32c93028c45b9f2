"""Snakemake job `publish_tables`: every analysis table as published (config/tables.yaml),
disclosure applied, each audited (the job fails with DisclosureError if a hidden count can be
worked out)."""

from oversight import jobs
from oversight.disclosure import run_publish_tables

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_publish_tables(
        tables=sm.input.tables,
        metrics=sm.input.metrics,
        ledger=sm.input.ledger,
        catalogue=sm.input.catalogue,
        out=sm.output.tables,
        names=sm.params.names,
        region_code=sm.params.region_code,
        low=sm.params.low,
        high=sm.params.high,
        min_width=sm.params.min_width,
        demo=sm.params.demo,
    ),
    "publish tables",
    sm,
)
