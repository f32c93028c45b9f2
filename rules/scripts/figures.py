"""Snakemake job `figures`: the comparison figures, as SVG and PNG, with a manifest."""

from oversight import jobs
from oversight.figures import run_figures

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_figures(
        metrics=sm.input.metrics,
        manifest=sm.output.manifest,
        year=sm.params.year,
        names=dict(sm.params.names),
        demo=bool(sm.params.demo),
    ),
    "figures",
    sm,
)
