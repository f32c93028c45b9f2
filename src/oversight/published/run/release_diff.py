"""Rule ``release_diff`` as one function: what changed between a DfE release and the one it
replaces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.published.releases import DIFF_COLUMNS, KEYS, release_diff


def release_text(path: str | Path, spec: Mapping[str, Any]) -> pd.DataFrame:
    """A release as text cells under its own header, as the file has them."""
    table = read_table(Path(path), dict(spec), str(path), set(), norm_label)
    frame = table.rows.copy()
    frame.columns = table.header
    return frame


def run_release_diff(
    *,
    release: str | Path,
    previous: Sequence[str | Path],
    spec: Mapping[str, Any],
    out: str | Path,
) -> None:
    """Rule ``release_diff``: what changed between a DfE ``release`` and the one it replaces
    (``previous``: its path, or none); an empty table for a first release."""
    if not previous:
        artefacts.write_csv(pd.DataFrame(columns=DIFF_COLUMNS), out)
        return
    new, old = release_text(release, spec), release_text(previous[0], spec)
    keys = [k for k in KEYS if k in new.columns and k in old.columns]
    artefacts.write_csv(release_diff(old, new, keys), out)
