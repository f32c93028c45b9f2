"""Snakemake job `report_pdf`: the report for print with every LA's annex section, as a PDF."""

from oversight import jobs
from oversight.report import run_report_pdf

sm = snakemake  # noqa: F821 (provided by Snakemake)
p = sm.params
jobs.run(
    sm.log[0],
    lambda: run_report_pdf(
        printed=sm.input.printed,
        sections=list(sm.input.sections),
        templates=list(sm.input.templates),
        study=p.study,
        names=dict(p.names),
        demo=bool(p.demo),
        pdf=sm.output.pdf,
    ),
    "report_pdf",
    sm,
)
