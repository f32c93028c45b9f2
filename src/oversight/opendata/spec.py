"""config/open_data.yaml: which published tables become open data files, how, and which
files that makes (the rule's outputs are known before any table is read)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from oversight.config import load_checked
from oversight.errors import ConfigError
from oversight.opendata.periods import SUFFIX


def load_spec(path: str | Path, published: Iterable[str]) -> dict[str, Any]:
    """The open data configuration at ``path``, checked against its schema and against the
    ``published`` table names (config/tables.yaml): each is written or excluded, once."""
    spec = load_checked(path, "open_data.schema.yaml")
    names = set(published)
    written, excluded = set(spec["tables"]), set(spec["excluded"])
    problems = []
    if written & excluded:
        problems.append(f"both written and excluded: {sorted(written & excluded)}")
    if names - written - excluded:
        problems.append(
            f"neither written nor excluded (say why): {sorted(names - written - excluded)}"
        )
    if (written | excluded) - names:
        problems.append(
            f"not published tables of config/tables.yaml: {sorted((written | excluded) - names)}"
        )
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return spec


def file_names(tables: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The open data files (without .csv) the ``tables`` entries make: one per table and
    kind of period it holds (``files``; the year alone by default)."""
    names = []
    for table, entry in tables.items():
        kinds = entry["time"].get("files", ["year"])
        names += [f"{table}{SUFFIX[kind]}" for kind in kinds]
    return names
