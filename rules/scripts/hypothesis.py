"""Snakemake job `hypothesis`: the hypothesis measures and verdicts as the plan says."""

from oversight import jobs
from oversight.hypothesis import run_hypothesis

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_hypothesis(
        supervision=sm.input.supervision,
        survey=sm.input.survey,
        segments=sm.input.segments,
        plan=sm.input.plan,
        instrument=sm.input.instrument,
        codebook=sm.input.codebook,
        ledger=sm.input.ledger,
        patterns=sm.output.patterns,
        file_content=sm.output.file_content,
        pairs=sm.output.pairs,
        focus_groups=sm.output.focus_groups,
        verdict=sm.output.verdict,
        region_code=sm.params.region_code,
        period_start=sm.params.period_start,
        period_end=sm.params.period_end,
        min_n=sm.params.min_n,
    ),
    "hypothesis",
    sm,
)
