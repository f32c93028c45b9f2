"""What several report rules share: how they take a list of files, and how they read back JSON
artefacts (figure manifests, job records) and the published tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# A rule's list of input files, as Snakemake gives it.
Paths = Iterable[str | Path]


def read_json(path: str | Path) -> Any:
    """A JSON file's content."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_tables(paths: Paths) -> dict[str, pd.DataFrame]:
    """The published tables by name (file stem), read exactly as written."""
    # Imported here: the rules that read only JSON need no pandas.
    from oversight import artefacts

    return {Path(p).stem: artefacts.read_text_table(p) for p in paths}
