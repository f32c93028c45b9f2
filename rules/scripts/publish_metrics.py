"""Snakemake job `publish_metrics`: the metrics table with disclosure control applied, for
publication, and the attacker's audit of it (the job fails with DisclosureError if a hidden
count can be worked out)."""

from oversight import jobs
from oversight.disclosure import run_publish_metrics

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_publish_metrics(
        metrics=sm.input.metrics,
        catalogue=sm.input.catalogue,
        out=sm.output[0],
        region_code=sm.params.region_code,
        low=sm.params.low,
        high=sm.params.high,
        min_width=sm.params.min_width,
        demo=sm.params.demo,
    ),
    "publish metrics",
    sm,
)
