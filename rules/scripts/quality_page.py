"""Snakemake job `quality_page`: the data-quality page for one LA, its ledger and notes."""

from oversight import jobs
from oversight.quality import run_quality_page

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_quality_page(
        config=sm.input.config,
        rejects=list(sm.input.rejects),
        lines=list(sm.input.lines),
        notes=list(sm.input.notes),
        links=sm.input.links,
        template=sm.input.template,
        study=dict(sm.params.study),
        quality=sm.params.quality,
        examples=sm.params.examples,
        out=sm.output.page,
        out_ledger=sm.output.ledger,
        out_notes=sm.output.notes,
    ),
    f"quality page {sm.wildcards.la}",
    sm,
)
