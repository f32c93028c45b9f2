"""Snakemake job `kpis`: DfE releases to the kpis dataset and the study LAs' indicator table."""

from oversight import jobs
from oversight.published import run_kpis

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_kpis(
        releases=list(sm.input.releases),
        neighbours=sm.input.neighbours,
        reference=sm.input.reference,
        config=sm.input.config,
        region_code=sm.params.region_code,
        comparator=sm.params.comparator,
        out_dataset=sm.output.dataset,
        out_table=sm.output.table,
    ),
    "kpis",
    sm,
)
