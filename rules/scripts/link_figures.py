"""Snakemake job `link_figures`: each LA's oversight metrics beside its published indicators,
and the network's questions (S47 to ICPC conversion, the funding request's KPIs) over the
years."""

from oversight import jobs
from oversight.figures import run_link_figures

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_link_figures(
        metrics=sm.input.metrics,
        kpis=sm.input.kpis,
        config=sm.input.config,
        network=sm.input.network,
        manifest=sm.output.manifest,
        minutes=sm.output.minutes,
        pairs=sm.params.pairs,
        kpi_period=sm.params.kpi_period,
        year=sm.params.year,
        demo=bool(sm.params.demo),
        names=dict(sm.params.names),
        region=sm.params.region,
    ),
    "link figures",
    sm,
)
