"""Snakemake job `quality_index`: the index of all LAs' data-quality pages."""

from oversight import jobs
from oversight.quality import run_quality_index

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_quality_index(
        ledger=sm.input.ledger,
        template=sm.input.template,
        study=dict(sm.params.study),
        authorities=dict(sm.params.authorities),
        out=sm.output[0],
    ),
    "quality index",
    sm,
)
