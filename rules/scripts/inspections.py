"""Snakemake job: Ofsted inspection reports to the inspections dataset and summary tables."""

from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.published.inspections import (
    inspections_frame,
    latest_judgements,
    parse_report,
    read_report,
    what_needs_to_improve,
)

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    reports = [parse_report(read_report(Path(p)), Path(p).name) for p in sm.input.reports]
    reference = pd.read_csv(sm.input.reference, dtype=str)
    frame = inspections_frame(reports, reference)
    artefacts.write_parquet(frame, sm.output.dataset)
    artefacts.write_csv(latest_judgements(frame), sm.output.latest)
    artefacts.write_csv(what_needs_to_improve(frame), sm.output.improve)


jobs.run(sm.log[0], main, "inspections", sm)
