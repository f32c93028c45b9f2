"""The report as a statistical bulletin: main points, things you need to know, a glossary.

The layout follows the ONS bulletin pattern: three to six main points with message-led
titles first, then what a reader needs to know about the data, the sections (each ending
with what it means for practice), the co-produced recommendations tied to their findings, a
glossary of every statistical term the report uses, and who wrote it, which version and when.
Everything here is computed from the findings and the analysts' text in config/report.yaml
and config/glossary.yaml; nothing reads the clock.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from oversight.errors import ConfigError
from oversight.report.findings import Finding

TAG = re.compile(r"<[^>]+>")
# data: URIs of embedded images are long and never prose.
DATA_URI = re.compile(r'src="data:[^"]*"')


@dataclass(frozen=True)
class MainPoint:
    id: str
    message: str
    text: str


def main_points(findings: list[Finding], ids: list[str], path: str) -> list[MainPoint]:
    """The findings named in config as main points, with their message-led titles.

    Raises ConfigError naming the file when an ID is not a finding, or when a named finding
    has no message (its numbers are missing or hidden, so it cannot lead the report)."""
    by_id = {f.id: f for f in findings}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ConfigError(
            f"{path}: main_points names {', '.join(unknown)}, which are not findings of this "
            f"run; the findings are {', '.join(sorted(by_id))}"
        )
    points = [
        MainPoint(i, by_id[i].message, first_sentences(by_id[i].text))
        for i in ids
        if by_id[i].message
    ]
    if len(points) < 3:
        silent = [i for i in ids if not by_id[i].message]
        raise ConfigError(
            f"{path}: fewer than 3 main points can be stated from this run's numbers "
            f"({', '.join(silent)} have no message-led title because their figures are missing "
            "or hidden); name other findings in main_points"
        )
    return points


# A sentence ends at a full stop, question or exclamation mark before a space and a capital
# (not inside "e.g. the", "2024-25; the", or a decimal).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def first_sentences(text: str, most: int = 320) -> str:
    """The finding's opening: its first sentence, and the next while under ``most``
    characters (a main point is read at a glance; the finding holds the rest)."""
    parts = SENTENCE_END.split(text.strip())
    out = parts[0]
    for part in parts[1:]:
        if len(out) + 1 + len(part) > most:
            break
        out += " " + part
    return out


def plain_text(page: str) -> str:
    """The visible words of an HTML page (tags and embedded images removed, entities read)."""
    return html.unescape(TAG.sub(" ", DATA_URI.sub("", page)))


def glossary_used(texts: Iterable[str], terms: list[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The glossary entries whose pattern occurs in any of ``texts``, alphabetically."""
    joined = "\n".join(texts)
    used = [
        {"term": t["term"], "text": t["text"]}
        for t in terms
        if re.search(t["match"], joined, flags=re.IGNORECASE)
    ]
    return sorted(used, key=lambda t: t["term"].lower())


def about(config: Mapping[str, Any], code_version: str, citation: str) -> dict[str, str]:
    """Authorship, version and date (from config), the code version that built the report and
    how to cite that software (:func:`oversight.citation`)."""
    return {**config, "code_version": code_version, "citation": citation}


def build(
    text: Mapping[str, Any],
    findings: list[Finding],
    data_note: str,
    code_version: str,
    path: str,
    citation: str,
) -> dict[str, Any]:
    """What the bulletin adds to the report, before its glossary is known (the glossary is
    read off the rendered text: :func:`glossary_used`)."""
    return {
        "main_points": main_points(findings, list(text["main_points"]), path),
        "things_to_know": list(text["things_to_know"]),
        "practice": dict(text["practice"]),
        "about": about(text["about"], code_version, citation),
        "data_note": data_note,
        "glossary": [],
    }
