"""Proposing header aliases for a new LA's file from the aliases other LAs already use.

Fuzzy matching is used only here, to *suggest* a mapping for a person to review; the
pipeline itself never matches loosely. A DfE release is matched word by word
(:mod:`oversight.ingest.matching`) against the names ``config/published.yaml`` gives each field.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from oversight.ingest import common_schema as cs
from oversight.ingest import matching
from oversight.ingest.harmonise import aliases
from oversight.ingest.normalise import norm_label

MIN_SCORE = 70.0


def known_aliases(configs: list[dict[str, Any]], dataset: str) -> dict[str, str]:
    """Normalised alias -> common field, from every LA config (and the field names)."""
    out: dict[str, str] = {}
    for name in cs.fields(dataset):
        out[norm_label(name.replace("_", " "))] = name
        out[norm_label(name)] = name
    for config in configs:
        spec = config.get("datasets", {}).get(dataset) or {}
        for name, headers in (spec.get("columns") or {}).items():
            for header in [headers] if isinstance(headers, str) else headers:
                out[norm_label(header)] = name
    return out


def suggest(headers: list[str], aliases: dict[str, str]) -> tuple[dict[str, list], list[str]]:
    """Best field for each header (score, alias matched); headers with no good match."""
    choices = list(aliases)
    by_field: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    unmatched = []
    for header in headers:
        if not header.strip():
            continue
        hit = process.extractOne(norm_label(header), choices, scorer=fuzz.WRatio)
        if hit is None or hit[1] < MIN_SCORE:
            unmatched.append(header)
            continue
        by_field[aliases[hit[0]]].append((float(hit[1]), header, hit[0]))
    return {f: sorted(v, reverse=True) for f, v in by_field.items()}, unmatched


def as_yaml(dataset: str, path: Path, by_field: dict[str, list], unmatched: list[str]) -> str:
    """A ``columns:`` block to paste into config/authorities/<la>.yaml, with review notes."""
    fields = cs.fields(dataset)
    lines = [
        f"# Suggested mapping for {path.name} ({dataset}). Review every line before use:",
        "# scores are string similarity to aliases other LAs use, not a guarantee.",
        "columns:",
    ]
    for name, meta in fields.items():
        if meta["type"] in ("item", "response"):
            continue
        hits = by_field.get(name, [])
        need = "required" if meta.get("required") else "optional"
        if not hits:
            lines.append(f"  # {name}: no column found ({need})")
            continue
        score, header, alias = hits[0]
        lines.append(
            f"  {name}: {yaml.safe_dump(header, allow_unicode=True).splitlines()[0]}"
            f"  # {score:.0f}% like {alias!r}; {need}"
        )
        for score2, other, _ in hits[1:]:
            lines.append(f"  # also similar: {other!r} ({score2:.0f}%)")
    for header in unmatched:
        lines.append(f"  # not matched: {header!r}")
    return "\n".join(lines) + "\n"


def known_release_headers(spec: dict[str, Any]) -> set[str]:
    """The normalised names a release's configuration knows (for finding its header row)."""
    return {norm_label(n) for f, names in aliases(spec).items() for n in [*names, f]}


def release_suggestions(
    header: list[str], spec: dict[str, Any]
) -> tuple[dict[str, int], dict[str, tuple[int, float, str]]]:
    """For a DfE release: the fields a header already names exactly (field -> position), and
    for every other field its most similar unused header (:func:`matching.assign`)."""
    known = {f: [*names, f] for f, names in aliases(spec).items()}
    exact: dict[str, int] = {}
    for field, names in known.items():
        normed = {norm_label(n) for n in names}
        hits = [i for i, h in enumerate(header) if norm_label(h) in normed]
        if hits:
            exact[field] = hits[0]
    used = set(exact.values())
    free = {i: h for i, h in enumerate(header) if i not in used and h.strip()}
    missing = {f: names for f, names in known.items() if f not in exact}
    return exact, matching.assign(missing, free)


def _rivals(
    header: list[str], exact: dict[str, int], names: list[str], pos: int, score: float
) -> str:
    """ ", as is column 22 'Agency worker rate (FTE)'" for each other header not already
    named exactly that is as alike as the suggested one (``matching.as_alike``)."""
    free = {i: h for i, h in enumerate(header) if i != pos and i not in exact.values()}
    return "".join(
        f", as is column {i + 1} {header[i]!r}" for i in matching.as_alike(names, free, score)
    )


def release_yaml(
    release: str,
    path: Path,
    header: list[str],
    spec: dict[str, Any],
    found: tuple[dict[str, int], dict[str, tuple[int, float, str]]],
) -> str:
    """A ``releases: <release>: columns:`` block for config/published.yaml: each field's
    configured names, plus the new file's header where it differs, with review notes."""
    exact, hints = found
    lines = [
        f"# Suggested mapping for {path.name} (DfE release {release}). Review every line:",
        "# scores are word similarity to the names config/published.yaml gives each field.",
        "releases:",
        f"  {release}:",
        "    columns:",
    ]
    used = set(exact.values())
    for field, names in aliases(spec).items():
        if field in exact:
            lines.append(f"      {field}: {_flow(names)}  # found as {header[exact[field]]!r}")
        elif field in hints:
            pos, score, name = hints[field]
            used.add(pos)
            lines.append(
                f"      {field}: {_flow([*names, header[pos]])}"
                f"  # column {pos + 1} is {score:.0f}% like {name!r}"
                f"{_rivals(header, exact, [*names, field], pos, score)}: check it"
            )
        else:
            lines.append(f"      # {field}: no similar column ({_flow(names)} not found)")
    for pos, head in enumerate(header):
        if pos not in used and head.strip():
            lines.append(f"      # not used: {head!r}")
    return "\n".join(lines) + "\n"


def _flow(names: list[str]) -> str:
    """A YAML flow list of header names, one line."""
    return yaml.safe_dump(list(names), default_flow_style=True, allow_unicode=True).strip()
