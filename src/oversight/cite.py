"""How to cite the software: read from its CITATION.cff (shipped with the package)."""

from __future__ import annotations

from functools import cache
from typing import Any

from oversight.config import config_file, load_yaml


@cache
def metadata() -> dict[str, Any]:
    """The fields of ``CITATION.cff`` (Citation File Format 1.2.0). Read through
    ``config_file`` so that the rules whose outputs print it count it as an input."""
    return load_yaml(config_file("CITATION.cff"))


def authors(meta: dict[str, Any]) -> str:
    """The authors as a citation names them: entities by name, people as "Family, G."."""
    names = []
    for person in meta["authors"]:
        if "name" in person:
            names.append(person["name"])
        else:
            given = " ".join(f"{part[0]}." for part in person.get("given-names", "").split())
            names.append(f"{person['family-names']}, {given}".rstrip(", "))
    return "; ".join(names)


def citation() -> str:
    """The one-line citation of this version of the software (``oversight.citation()``):
    "The oversight contributors (2026). oversight: ... Version 0.2.0."."""
    meta = metadata()
    year = str(meta["date-released"])[:4]
    return f"{authors(meta)} ({year}). {meta['title']}. Version {meta['version']}."
