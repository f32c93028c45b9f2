"""Rule ``exports`` as one function: every published table in one Excel workbook, after a
cover, a contents and a notes sheet (config/workbook.yaml)."""

from __future__ import annotations

from pathlib import Path

from oversight import artefacts
from oversight.config import load_checked
from oversight.report.exports import write_workbook
from oversight.report.run.reading import Paths
from oversight.report.workbook import fields, sheet_table, workbook_parts
from oversight.report.workbook_spec import load_layout


def run_exports(
    *,
    tables: Paths,
    catalogue: str | Path,
    title: str,
    min_count: int,
    survey_min_n: int,
    demo: bool,
    xlsx: str | Path,
    text: str | Path | None = None,
    published: str | Path | None = None,
) -> None:
    """Every published table, in config/tables.yaml's order, as one sheet of the workbook
    ``xlsx``, after the cover, contents and notes sheets. ``text``: the report's text
    (config/report.yaml), whose authors, contact and issue date the cover then gives;
    ``published``: the study's DfE release configuration (config/published.yaml), whose
    indicators' kinds set the formats of TAB-KPIS's values."""
    specs = load_checked(catalogue, "tables.schema.yaml")["tables"]
    layout = load_layout()
    paths = {Path(f).stem: f for f in tables}
    built = [
        sheet_table(name, spec, artefacts.read_text_table(paths[name]), layout, demo, published)
        for name, spec in specs.items()
    ]
    values = fields(layout, len(built), min_count, survey_min_n, demo, title)
    about = load_checked(text, "report.schema.yaml")["about"] if text else None
    sheets, words = workbook_parts(built, layout, values, about)
    write_workbook(sheets, words, xlsx)
