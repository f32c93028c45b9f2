"""Rule ``release_diff`` as one function: what changed between a DfE release and the one it
replaces, compared through the release's configured aliases (:mod:`oversight.published.diff`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.published.diff import (
    COUNT_COLUMNS,
    DIFF_COLUMNS,
    common_names,
    release_diff,
    revision_counts,
)
from oversight.published.releases import KEYS

log = logging.getLogger(__name__)


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
    out_counts: str | Path | None = None,
) -> None:
    """Rule ``release_diff``: what changed between a DfE ``release`` and the one it replaces
    (``previous``: its path, or none), each column under the common name its aliases give it;
    ``out_counts``: how many values of each column were revised. Empty tables for a first
    release."""
    if not previous:
        artefacts.write_csv(pd.DataFrame(columns=DIFF_COLUMNS), out)
        if out_counts is not None:
            artefacts.write_csv(pd.DataFrame(columns=COUNT_COLUMNS), out_counts)
        return
    new, old = release_text(release, spec), release_text(previous[0], spec)
    new_names = common_names(list(new.columns), spec, str(release))
    old_names = common_names(list(old.columns), spec, str(previous[0]))
    keys = [k for k in KEYS if k in new_names.values() and k in old_names.values()]
    diff = release_diff(old, new, keys, old_names, new_names)
    counts = revision_counts(diff, old, new, keys, old_names, new_names)
    log.info(
        "%s against %s: %d columns renamed, %d values revised",
        release,
        previous[0],
        int((diff["change"] == "column renamed").sum()),
        int(counts["revised"].iloc[-1]),
    )
    artefacts.write_csv(diff, out)
    if out_counts is not None:
        artefacts.write_csv(counts, out_counts)
