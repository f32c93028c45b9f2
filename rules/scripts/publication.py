"""Snakemake job `publication`: every output under results/ classed by audience
(config/publication.yaml), and the public ones packed into results/publication.zip with their
manifest."""

from oversight import jobs
from oversight.report import run_publication

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_publication(
        outputs=list(sm.input.outputs), catalogue=sm.input.catalogue, out=sm.output[0]
    ),
    "publication",
    sm,
)
