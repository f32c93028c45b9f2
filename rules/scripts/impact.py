"""Snakemake job `impact`: the template impact analysis (oversight.impact.analysis) and its
figures."""

from oversight import jobs
from oversight.impact import run_impact

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_impact(
        series=sm.input.series,
        ledger=sm.input.ledger,
        panel=sm.output.panel,
        its=sm.output.its,
        did=sm.output.did,
        events=sm.output.events,
        att_gt=sm.output.att_gt,
        manifest=sm.output.manifest,
        plan=sm.params.plan,
        adoption=sm.params.adoption,
        codes=sm.params.codes,
        first_month=sm.params.first_month,
        names=sm.params.names,
        demo=sm.params.demo,
    ),
    "impact",
    sm,
)
