"""Snakemake job `comparison`: the regional comparison table, heterogeneity and change."""

from oversight import jobs
from oversight.compare import run_comparison

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_comparison(
        counts=list(sm.input.counts),
        ledger=sm.input.ledger,
        region_code=sm.params.region_code,
        year=sm.params.year,
        change_from=sm.params.change_from,
        change_to=sm.params.change_to,
        comparator=sm.params.comparator,
        out_metrics=sm.output.metrics,
        out_heterogeneity=sm.output.heterogeneity,
        out_change=sm.output.change,
    ),
    "comparison",
    sm,
)
