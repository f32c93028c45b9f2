"""Rule ``questionnaire`` as one function: the common questionnaire (HTML and PDF) and its
import template."""

from __future__ import annotations

from pathlib import Path

from oversight import artefacts
from oversight.report.pdf import html_to_pdf
from oversight.survey.instrument import import_template, load_instrument, render_questionnaire


def run_questionnaire(
    *, instrument: str | Path, title: str, html: str | Path, pdf: str | Path, xlsx: str | Path
) -> None:
    """The questionnaire of ``instrument`` (config/survey.yaml) as HTML and PDF, and the
    workbook LAs fill in to import their returns."""
    items = load_instrument(instrument)
    page = render_questionnaire(items, title=title)
    artefacts.write_text(page, html)
    with artefacts.atomic_path(pdf) as tmp:
        tmp.write_bytes(html_to_pdf(page, source=str(html)))
    artefacts.write_xlsx(import_template(items), xlsx)
