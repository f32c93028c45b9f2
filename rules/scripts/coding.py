"""Snakemake job `coding`: the codebook applied to every source, and the coding outputs."""

from oversight import jobs
from oversight.coding import run_coding

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_coding(
        transcripts=list(sm.input.transcripts),
        survey=list(sm.input.survey),
        inspections=sm.input.inspections,
        codebook=sm.input.codebook,
        ledger=sm.input.ledger,
        region_code=sm.params.region_code,
        id_patterns=dict(sm.params.id_patterns),
        known=list(sm.params.known),
        out=dict(sm.output.items()),
    ),
    "coding",
    sm,
)
