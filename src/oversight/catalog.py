"""The catalogue of artefacts: every dataset, table and figure the pipeline makes, named once.

``config/artefacts.yaml`` gives each artefact its path pattern (under the study's interim or
results folder, with wildcards in braces), its format, and the functions of
:mod:`oversight.artefacts` that read and write it. The rules name artefacts by key
(``rules/common.smk``: ``path("la_metrics")``) instead of spelling paths, so a path is written
in one place and a reader's column types in one place.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oversight.config import config_file, load_checked

ROOTS = ("interim", "results")


class _KeepWildcards(dict):
    """Format values that leave every name not given as its ``{wildcard}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Catalog:
    """The artefacts of one study: their entries, and the study's folders."""

    entries: Mapping[str, Mapping[str, str]]
    roots: Mapping[str, str]

    @classmethod
    def load(cls, roots: Mapping[str, str], path: str | Path | None = None) -> Catalog:
        """The catalogue in ``path`` (``config/artefacts.yaml``), with the study's folders
        ``roots`` (``{"interim": "data/interim", "results": "results"}``)."""
        missing = sorted(set(ROOTS) - set(roots))
        if missing:
            raise KeyError(f"the study's folders lack {missing}")
        source = path if path is not None else config_file("config/artefacts.yaml")
        entries = load_checked(source, "artefacts.schema.yaml")
        return cls(entries, {k: str(roots[k]).rstrip("/") for k in ROOTS})

    def pattern(self, name: str) -> str:
        """The path pattern of artefact ``name``, its folder filled in, wildcards left."""
        if name not in self.entries:
            raise KeyError(f"no artefact {name!r} in config/artefacts.yaml")
        return self.entries[name]["path"].format_map(_KeepWildcards(self.roots))

    def path(self, artefact: str, /, **values: Any) -> str | list[str]:
        """The path of ``artefact`` with ``values`` filled in. A list value expands, as
        Snakemake's ``expand`` does (one path per value, in order, the product over several
        lists); a wildcard not given stays a wildcard for Snakemake to fill."""
        pattern = self.pattern(artefact)
        lists = {k: v for k, v in values.items() if isinstance(v, list | tuple)}
        fixed = {k: str(v) for k, v in values.items() if k not in lists}
        unknown = sorted(set(values) - set(_wildcards(pattern)))
        if unknown:
            raise KeyError(f"artefact {artefact!r} ({pattern}) has no wildcard {unknown}")
        if not lists:
            return pattern.format_map(_KeepWildcards(fixed))
        keys = list(lists)
        return [
            pattern.format_map(_KeepWildcards(fixed | dict(zip(keys, combo, strict=True))))
            for combo in itertools.product(*(lists[k] for k in keys))
        ]

    def reader(self, name: str) -> Callable[[str | Path], Any]:
        """How artefact ``name`` is read back: its ``reader`` of oversight.artefacts, or the
        plain reader of its format."""
        from oversight import artefacts

        entry = self.entries[name]
        if "reader" in entry:
            return getattr(artefacts, entry["reader"])
        plain = _PLAIN_READERS.get(entry["format"])
        if plain is None:
            raise KeyError(f"artefact {name!r} ({entry['format']}) is not read back as data")
        return plain

    def writer(self, name: str) -> Callable[..., None]:
        """How artefact ``name`` is written: its ``writer`` of oversight.artefacts."""
        from oversight import artefacts

        entry = self.entries[name]
        if "writer" not in entry:
            raise KeyError(f"artefact {name!r} is written by its own tool ({entry['format']})")
        return getattr(artefacts, entry["writer"])


def _wildcards(pattern: str) -> list[str]:
    """The wildcard names in ``pattern``."""
    import string

    return [field for _, field, _, _ in string.Formatter().parse(pattern) if field]


def _read_parquet(path: str | Path) -> Any:
    import pandas as pd

    return pd.read_parquet(path)


def _read_csv(path: str | Path) -> Any:
    import pandas as pd

    return pd.read_csv(path)


def _read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


_PLAIN_READERS: dict[str, Callable[[str | Path], Any]] = {
    "parquet": _read_parquet,
    "csv": _read_csv,
    "json": _read_json,
}
