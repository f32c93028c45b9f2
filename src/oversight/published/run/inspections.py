"""Rule ``inspections`` as one function: the Ofsted reports to the ``inspections`` dataset and
its summary tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.published.inspections import (
    inspections_frame,
    latest_judgements,
    what_needs_to_improve,
)
from oversight.published.report_parser import parse_report, read_report


def run_inspections(
    *,
    reports: Sequence[str | Path],
    reference: str | Path,
    out_dataset: str | Path,
    out_latest: str | Path,
    out_improve: str | Path,
) -> None:
    """Rule ``inspections``: the Ofsted ``reports`` to the ``inspections`` dataset (LAs matched
    through ``reference``), each LA's latest judgements and the "what needs to improve" items."""
    parsed = [parse_report(read_report(Path(p)), Path(p).name) for p in reports]
    frame = inspections_frame(parsed, pd.read_csv(reference, dtype=str))
    artefacts.write_parquet(frame, out_dataset)
    artefacts.write_csv(latest_judgements(frame), out_latest)
    artefacts.write_csv(what_needs_to_improve(frame), out_improve)
