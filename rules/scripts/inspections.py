"""Snakemake job `inspections`: Ofsted inspection reports to the inspections dataset and its
summary tables."""

from oversight import jobs
from oversight.published import run_inspections

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_inspections(
        reports=list(sm.input.reports),
        reference=sm.input.reference,
        out_dataset=sm.output.dataset,
        out_latest=sm.output.latest,
        out_improve=sm.output.improve,
        out_set_aside=sm.output.set_aside,
    ),
    "inspections",
    sm,
)
