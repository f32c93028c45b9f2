"""Snakemake job `metrics_la`: one LA's metric counts, impact series and model units."""

from oversight import jobs
from oversight.compare import run_metrics_la

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_metrics_la(
        data=list(sm.input.data),
        datasets=list(sm.params.datasets),
        la_code=sm.params.la_code,
        policy_days=sm.params.policy_days,
        period_start=sm.params.period_start,
        period_end=sm.params.period_end,
        data_end=sm.params.data_end,
        windows=list(sm.params.windows),
        model_window=sm.params.model_window,
        impact_outcomes=sm.params.impact_outcomes,
        out_counts=sm.output.counts,
        out_units=sm.output.units,
        out_impact=sm.output.impact,
    ),
    f"metrics {sm.wildcards.la}",
    sm,
)
