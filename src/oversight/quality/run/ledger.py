"""Rule ``ledger`` as one function: the LAs' ledgers combined into the regional one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.quality.pages import combine_ledgers


def run_ledger(*, ledgers: Sequence[str | Path], out: str | Path) -> None:
    """Rule ``ledger``: combine the LAs' ledgers into the regional one; raises
    :class:`~oversight.errors.LedgerError` if any line does not balance."""
    frames = [pd.read_csv(path, dtype={"la_code": "string"}) for path in ledgers]
    artefacts.write_csv(combine_ledgers(frames), out)
