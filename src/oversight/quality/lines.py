"""Reading what each ingest job writes for the quality rules: an LA's ledger line of one
dataset, and its notes on that dataset's files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd


def read_lines(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Ingest ledger lines, one file per LA and dataset, in the order of ``paths``: LA codes
    and file problems as text, an empty cell as an empty string (no missing values)."""
    frames = [
        pd.read_csv(path, dtype={"la_code": str, "file_problem": str}, keep_default_na=False)
        for path in paths
    ]
    return pd.concat(frames, ignore_index=True)


def read_json(path: str | Path) -> Any:
    """A JSON artefact (UTF-8)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_notes(paths: Sequence[str | Path]) -> dict[str, Any]:
    """One LA's notes on each dataset's files, merged from its ingest jobs' notes."""
    notes: dict[str, Any] = {}
    for path in paths:
        notes.update(read_json(path))
    return notes
