"""Rule ``exports`` as one function: every published table in one Excel workbook, with a
notes sheet."""

from __future__ import annotations

from pathlib import Path

from oversight import artefacts
from oversight.config import load_checked
from oversight.report.exports import sheet_table, workbook_notes, write_workbook
from oversight.report.run.reading import Paths


def run_exports(
    *,
    tables: Paths,
    catalogue: str | Path,
    title: str,
    min_count: int,
    survey_min_n: int,
    demo: bool,
    xlsx: str | Path,
) -> None:
    """Every published table, in config/tables.yaml's order, as one sheet of the workbook
    ``xlsx``, after a notes sheet (what ``c`` hides, rounding, provenance, the data)."""
    specs = load_checked(catalogue, "tables.schema.yaml")["tables"]
    paths = {Path(f).stem: f for f in tables}
    sheets = [
        sheet_table(name, spec, artefacts.read_text_table(paths[name]), demo)
        for name, spec in specs.items()
    ]
    write_workbook(sheets, workbook_notes(min_count, survey_min_n, demo), title, xlsx)
