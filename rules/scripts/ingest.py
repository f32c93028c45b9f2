"""Snakemake job `ingest`: one LA's harmonised datasets, rejects, ledger lines and notes."""

from oversight import jobs
from oversight.ingest import run_ingest

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_ingest(
        la=sm.wildcards.la,
        config=sm.input.config,
        raw=sm.params.raw,
        datasets=list(sm.params.datasets),
        study=sm.params.study,
        survey_items=sm.params.survey_items,
        privacy=sm.params.privacy,
        ingest=sm.params.ingest,
        data=list(sm.output.data),
        rejects=list(sm.output.rejects),
        ledger=sm.output.ledger,
        notes=sm.output.notes,
    ),
    f"ingest {sm.wildcards.la}",
    sm,
)
