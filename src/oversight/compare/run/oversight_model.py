"""Rule ``oversight_model`` as one function: the unit-level oversight model across the
region's LAs, leaving out what the ledger marks unreliable."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.compare.model import oversight_model
from oversight.quality.exclusions import drop_for, unreliable


def run_oversight_model(
    *, units: Sequence[str | Path], ledger: artefacts.Ledgers, out: str | Path
) -> None:
    """Rule ``oversight_model``: the unit-level oversight model across the region's LAs
    (their model ``units``), without the LAs whose data the ledger marks unreliable."""
    frame = pd.concat([pd.read_parquet(p) for p in units], ignore_index=True)
    bad = unreliable(artefacts.read_ledger(ledger))
    artefacts.write_csv(oversight_model(drop_for(frame, bad, "model")), out)
