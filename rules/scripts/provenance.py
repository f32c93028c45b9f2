"""Snakemake job `provenance`: results/provenance.json, every figure and table ID traced to
its job."""

from oversight import jobs
from oversight.report import run_provenance

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_provenance(
        records=list(sm.input.records),
        tables=list(sm.input.tables),
        catalogue=sm.input.catalogue,
        manifests=list(sm.input.manifests),
        html=sm.input.html,
        pdf=sm.input.pdf,
        xlsx=sm.input.xlsx,
        findings=sm.input.findings,
        annexes=list(sm.input.annexes),
        out=sm.output[0],
    ),
    "provenance",
)
