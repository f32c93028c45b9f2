"""Snakemake job `questionnaire`: the common questionnaire (HTML, PDF) and its import
template (xlsx)."""

from oversight import jobs
from oversight.survey import run_questionnaire

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_questionnaire(
        instrument=sm.input.instrument,
        title=sm.params.title,
        html=sm.output.html,
        pdf=sm.output.pdf,
        xlsx=sm.output.xlsx,
    ),
    "questionnaire",
    sm,
)
