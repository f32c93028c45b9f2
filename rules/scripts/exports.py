"""Snakemake job: every published table in one Excel workbook, with a notes sheet."""

from pathlib import Path

import pandas as pd

from oversight import jobs
from oversight.config import load_checked
from oversight.report.exports import SheetTable, write_workbook
from oversight.report.marking import DEMO_NOTE, data_note, from_la_extracts

sm = snakemake  # noqa: F821 (provided by Snakemake)


def _number_or_text(series: pd.Series) -> pd.Series:
    """Numbers stay numbers in the workbook; a column with a `c` keeps it as text."""
    numbers = pd.to_numeric(series, errors="coerce")
    return series.where(numbers.isna(), numbers).astype(object)


def main() -> None:
    catalogue = load_checked(sm.input.catalogue, "tables.schema.yaml")["tables"]
    paths = {Path(f).stem: f for f in sm.input.tables}
    sheets = []
    for name, spec in catalogue.items():
        frame = pd.read_csv(paths[name], dtype=str, keep_default_na=False, na_values=[""])
        frame = frame.apply(_number_or_text)
        source = (
            f"Source: rule {spec['rule']}; results/tables/{name}.csv. "
            f"Trace with: oversight trace {spec['id']}"
        )
        title = spec["title"]
        if sm.params.demo and from_la_extracts(spec):
            # The sheet's own title says so: a sheet copied out of the workbook keeps it.
            title = f"{title}. {DEMO_NOTE}"
        sheets.append(SheetTable(spec["id"], title, frame, source))
    notes = [
        (
            "c",
            f"Suppressed: a count from 1 to {sm.params.min_count - 1}, or a cell hidden so "
            "that such a count cannot "
            "be worked out from a total. Survey breakdowns are shown only where at least "
            f"{sm.params.survey_min_n} answered.",
        ),
        ("Rounding", "Totals above 1,000 in TAB-DATA are rounded to the nearest 5."),
        (
            "Provenance",
            "results/provenance.json maps each table ID to the rule, parameters, "
            "code version, configuration hash and input files (SHA-256) that produced it.",
        ),
        ("Data", data_note(sm.params.demo)),
    ]
    write_workbook(sheets, notes, sm.params.title, sm.output.xlsx)


jobs.run(sm.log[0], main, "exports", sm)
