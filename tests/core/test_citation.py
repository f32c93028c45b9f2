"""How to cite the software: CITATION.cff, the licence and the one-line citation agree with
the package."""

from __future__ import annotations

import re
import tomllib

import jsonschema
import yaml

import oversight
from oversight import cite
from tests.conftest import ROOT

# The rules of the Citation File Format 1.2.0 that this file's keys are bound by (its required
# keys, the top-level keys it allows, an entity author): the published schema cannot be
# fetched at test time, so they are stated here.
ENTITY_KEYS = [
    "address",
    "alias",
    "city",
    "country",
    "date-end",
    "date-start",
    "email",
    "fax",
    "location",
    "name",
    "orcid",
    "post-code",
    "region",
    "tel",
    "website",
]
TOP_KEYS = [
    "abstract",
    "authors",
    "cff-version",
    "commit",
    "contact",
    "date-released",
    "doi",
    "identifiers",
    "keywords",
    "license",
    "license-url",
    "message",
    "preferred-citation",
    "references",
    "repository",
    "repository-artifact",
    "repository-code",
    "title",
    "type",
    "url",
    "version",
]
CFF_1_2_0 = {
    "type": "object",
    "required": ["authors", "cff-version", "message", "title"],
    "additionalProperties": False,
    "properties": {
        **{key: {} for key in TOP_KEYS},
        "cff-version": {"const": "1.2.0"},
        "message": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "abstract": {"type": "string", "minLength": 1},
        "type": {"enum": ["dataset", "software"]},
        "version": {"type": ["string", "number"], "minLength": 1},
        "date-released": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "license": {"type": "string", "pattern": r"^[A-Za-z0-9.+-]+$"},
        "keywords": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "authors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {key: {"type": "string"} for key in ENTITY_KEYS},
            },
        },
    },
}


def citation_file() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_file_is_valid_and_says_what_the_package_says() -> None:
    meta = citation_file()
    jsonschema.validate(meta, CFF_1_2_0)
    assert meta["type"] == "software"
    assert meta["authors"] == [{"name": "The oversight contributors"}]
    assert meta["version"] == oversight.__version__ == "0.2.0"
    assert not {"doi", "url", "repository-code", "identifiers"} & set(meta)  # none invented
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == project["license"] == "MIT"
    # One source of the version: pyproject reads it from the package.
    assert "version" not in project and "version" in project["dynamic"]
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert setuptools["setuptools"]["dynamic"]["version"] == {"attr": "oversight.__version__"}


def test_licence_is_mit_with_the_copyright_of_the_release_year() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 The oversight contributors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    year = re.search(r"Copyright \(c\) (\d{4})", text).group(1)
    assert citation_file()["date-released"].startswith(year)


def test_citation_line_is_built_from_the_citation_file() -> None:
    assert oversight.citation() == (
        "The oversight contributors (2026). oversight: a reproducible pipeline for a regional "
        "study of management oversight in children's social care. Version 0.2.0."
    )
    assert cite.metadata()["title"] == citation_file()["title"]


def test_people_are_cited_by_family_name_and_initials() -> None:
    meta = {
        "authors": [
            {"family-names": "Okafor", "given-names": "Mary Jane"},
            {"name": "The oversight contributors"},
        ]
    }
    assert cite.authors(meta) == "Okafor, M. J.; The oversight contributors"
