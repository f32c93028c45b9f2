"""Snakemake job: the common questionnaire (HTML) and its import template (xlsx)."""

from oversight import artefacts, jobs
from oversight.report.pdf import html_to_pdf
from oversight.survey import import_template, load_instrument, render_questionnaire

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    instrument = load_instrument(sm.input.instrument)
    html = render_questionnaire(instrument, title=sm.params.title)
    artefacts.write_text(html, sm.output.html)
    with artefacts.atomic_path(sm.output.pdf) as tmp:
        tmp.write_bytes(html_to_pdf(html))
    artefacts.write_xlsx(import_template(instrument), sm.output.xlsx)


jobs.run(sm.log[0], main, "questionnaire", sm)
