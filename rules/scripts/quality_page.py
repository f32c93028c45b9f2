"""Snakemake job `quality_page`: the data-quality page for one LA."""

from oversight import jobs
from oversight.quality import run_quality_page

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_quality_page(
        config=sm.input.config,
        rejects=list(sm.input.rejects),
        ledger=sm.input.ledger,
        notes=sm.input.notes,
        links=sm.input.links,
        template=sm.input.template,
        study=dict(sm.params.study),
        examples=sm.params.examples,
        out=sm.output[0],
    ),
    f"quality page {sm.wildcards.la}",
    sm,
)
