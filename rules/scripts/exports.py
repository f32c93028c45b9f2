"""Snakemake job `exports`: every published table in one Excel workbook, after a cover, a
contents and a notes sheet."""

from oversight import jobs
from oversight.report import run_exports

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_exports(
        tables=list(sm.input.tables),
        catalogue=sm.input.catalogue,
        title=sm.params.title,
        min_count=sm.params.min_count,
        survey_min_n=sm.params.survey_min_n,
        demo=sm.params.demo,
        xlsx=sm.output.xlsx,
        text=sm.input.get("text"),  # the report's text: the cover's authors and contact
        published=sm.input.get("published"),  # the DfE indicators' kinds
    ),
    "exports",
    sm,
)
