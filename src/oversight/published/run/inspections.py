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
from oversight.published.report_set_aside import parse_reports


def run_inspections(
    *,
    reports: Sequence[str | Path],
    reference: str | Path,
    out_dataset: str | Path,
    out_latest: str | Path,
    out_improve: str | Path,
    out_set_aside: str | Path,
) -> None:
    """Rule ``inspections``: the Ofsted ``reports`` to the ``inspections`` dataset (LAs matched
    through ``reference``), each LA's latest judgements and the "what needs to improve" items.
    A report that cannot be parsed is set aside: it is logged and listed in ``out_set_aside``
    (file and what was missing), and the others are read."""
    parsed, set_aside = parse_reports(reports)
    frame = inspections_frame(parsed, pd.read_csv(reference, dtype=str))
    artefacts.write_parquet(frame, out_dataset)
    artefacts.write_csv(latest_judgements(frame), out_latest)
    artefacts.write_csv(what_needs_to_improve(frame), out_improve)
    artefacts.write_csv(set_aside, out_set_aside)
