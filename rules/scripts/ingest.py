"""Snakemake job `ingest`: one LA's dataset harmonised, its rejects, ledger line and notes."""

from oversight import jobs
from oversight.ingest import run_ingest

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_ingest(
        la=sm.wildcards.la,
        dataset=sm.wildcards.dataset,
        config=sm.input.config,
        raw=sm.params.raw,
        study=sm.params.study,
        survey_items=sm.params.survey_items,
        privacy=sm.params.privacy,
        ingest=sm.params.ingest,
        data=sm.output.data,
        rejects=sm.output.rejects,
        line=sm.output.line,
        notes=sm.output.notes,
    ),
    f"ingest {sm.wildcards.la} {sm.wildcards.dataset}",
    sm,
)
