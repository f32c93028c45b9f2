"""The report's methods section: the study's text, the code version, and which LAs adopted the
templates (the impact evaluation's adopters and comparison group)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def adopter_words(name: str, months: Mapping[str, str | None]) -> str:
    """One adopting LA and the month it adopted each part of the templates."""
    return (
        f"{name} (part 1 {months.get('part1') or 'not adopted'}, "
        f"part 2 {months.get('part2') or 'not adopted'})"
    )


def adopters_text(
    adoption: Mapping[str, Mapping[str, str | None]],
    slug_codes: Mapping[str, str],
    names: Mapping[str, str],
) -> str:
    """The LAs that adopted either part of the templates, by LA folder name (``adoption`` of
    config/impact.yaml), in folder order; the other study LAs are the comparison group. An
    adoption entry for an LA outside the study is ignored."""
    adopters = [
        adopter_words(names.get(code, code), months)
        for slug, months in sorted(adoption.items())
        for code in [slug_codes.get(slug)]
        if code and (months.get("part1") or months.get("part2"))
    ]
    return "; ".join(adopters) + "; the other LAs are the comparison group"


def code_version_text(version: Mapping[str, str]) -> str:
    """The code version as the report states it (:func:`oversight.provenance.code_version`)."""
    return f"oversight {version['package']}, commit {version['git_commit']}"


def methods_section(
    text: Mapping[str, Any],
    impact: Mapping[str, Any],
    *,
    authorities: int,
    demo: bool,
    survey_min_n: int,
    code_version: str,
    adopters: str,
) -> dict[str, Any]:
    """What the report's methods and summary print: the study's text (config/report.yaml),
    the number of LAs, whether the data are synthetic, the survey threshold, the code
    version, and the impact evaluation's plan and adopters."""
    return {
        "summary": text["summary"],
        "paragraphs": text["methods"],
        "limitations": text["limitations"],
        "authorities": authorities,
        "demo": demo,
        "survey_min_n": survey_min_n,
        "code_version": code_version,
        "impact": impact["plan"],
        "adopters": adopters,
    }
