"""Snakemake job `release_diff`: what changed between a DfE release and the one it replaces."""

from oversight import jobs
from oversight.published import run_release_diff

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_release_diff(
        release=sm.input.release,
        previous=list(sm.input.previous),
        spec=dict(sm.params.spec),
        out=sm.output[0],
        out_counts=sm.output.counts,
    ),
    f"release diff {sm.wildcards.release}",
    sm,
)
