"""Snakemake job `survey_analysis`: the staff survey returns analysed across the region, and
the diverging survey figure."""

from oversight import jobs
from oversight.survey import run_survey_analysis

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_survey_analysis(
        survey=list(sm.input.survey),
        supervision=list(sm.input.supervision),
        instrument=sm.input.instrument,
        ledger=sm.input.ledger,
        min_n=sm.params.min_n,
        demo=bool(sm.params.demo),
        responses=sm.output.responses,
        constructs=sm.output.constructs,
        alpha=sm.output.alpha,
        roles=sm.output.roles,
        waves=sm.output.waves,
        svg=sm.output.svg,
        manifest=sm.output.manifest,
    ),
    "survey analysis",
    sm,
)
