"""What several report rules share: how they take a list of files, and how they read back JSON
artefacts (figure manifests, job records)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# A rule's list of input files, as Snakemake gives it.
Paths = Iterable[str | Path]


def read_json(path: str | Path) -> Any:
    """A JSON file's content."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
