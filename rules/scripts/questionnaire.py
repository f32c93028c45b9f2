"""Snakemake job: the common questionnaire (HTML) and its import template (xlsx)."""

from oversight import artefacts, jobs
from oversight.survey import import_template, load_instrument, render_questionnaire

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    instrument = load_instrument(sm.input.instrument)
    artefacts.write_text(render_questionnaire(instrument, title=sm.params.title), sm.output.html)
    with artefacts.atomic_path(sm.output.xlsx) as tmp:
        import_template(instrument).save(tmp)


jobs.run(sm.log[0], main, "questionnaire")
