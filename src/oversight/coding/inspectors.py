"""What Ofsted inspectors ask to improve: management oversight and supervision.

For each inspection report (one ``la_code, published, source_file``), the
``what_needs_to_improve`` section is coded; the report *raises oversight* when any sentence
gets ``oversight_weak`` or ``oversight_quality`` or mentions supervision or oversight. Senses
that are not the management oversight of social work (the supervision of foster carers, the
corporate parenting board's oversight, oversight of a budget: ``inspector_senses.yaml``) do
not count. The share of reports raising it is tabulated by the overall grade, with redacted
quotes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import pandas as pd

from oversight.coding.codebook import Codebook
from oversight.coding.coder import (
    code_sentence,
    code_units,
    split_sentences,
    units_from_inspections,
)
from oversight.config import load_yaml
from oversight.ingest.redact import redact

SECTION = "what_needs_to_improve"
OVERSIGHT_CODES: tuple[str, ...] = ("oversight_weak", "oversight_quality")
OVERSIGHT_WORDS = re.compile(r"\b(?:supervision|supervisions|oversight)\b", re.IGNORECASE)
GRADE_ORDER: tuple[str, ...] = (
    "Outstanding",
    "Good",
    "Requires improvement to be good",
    "Inadequate",
)
REPORT_KEYS: tuple[str, ...] = ("la_code", "published", "source_file")


@functools.cache
def other_senses() -> tuple[re.Pattern[str], ...]:
    """The spans that are oversight or supervision of something other than social work."""
    path = Path(str(resources.files("oversight.coding").joinpath("inspector_senses.yaml")))
    entries = load_yaml(path)["not_management_oversight"]
    return tuple(re.compile(e["pattern"], re.IGNORECASE) for e in entries)


def is_management_oversight(sentence: str, coded: bool) -> bool:
    """Whether a sentence raises the management oversight or supervision of social work.

    It does when an oversight word lies outside every span of another sense, or when the
    codebook coded it and it has no such span (a code from 'managers' with no oversight word).
    A sentence whose oversight words all sit in other senses' spans does not.
    """
    spans = [m.span() for p in other_senses() for m in p.finditer(sentence)]
    rest = sentence
    for start, end in spans:  # blank, not cut: the remaining words keep their boundaries
        rest = rest[:start] + " " * (end - start) + rest[end:]
    return bool(OVERSIGHT_WORDS.search(rest)) or (coded and not spans)


def raises_oversight_of_practice(text: str, codebook: Codebook) -> bool:
    """Whether an improvement point raises the management oversight of social work practice.

    Each sentence of ``text`` is coded with ``codebook`` and judged by
    :func:`is_management_oversight`; the point raises it when any sentence does.
    """
    for start, end in split_sentences(text):
        sentence = text[start:end]
        coded = any(m.code in OVERSIGHT_CODES for m in code_sentence(sentence, codebook))
        if is_management_oversight(sentence, coded):
            return True
    return False


def oversight_mentions(
    inspections: pd.DataFrame,
    codebook: Codebook,
    names: Iterable[str] = (),
    known: Iterable[str] = (),
) -> pd.DataFrame:
    """One row per report: its grade, whether its improvement section raises oversight, quotes.

    Columns: ``la_code, published, source_file, overall, has_section, raises_oversight,
    quotes`` (a list of redacted sentences, in text order). Reports without a
    ``what_needs_to_improve`` section have ``has_section`` False and do not raise it.
    """
    names, known = tuple(names), tuple(known)  # known: LA and region names, not names of people
    df = inspections.reset_index(drop=True)
    reports = df.drop_duplicates(list(REPORT_KEYS))[[*REPORT_KEYS, "overall"]]
    sections = df[df["section"] == SECTION].reset_index(drop=True)
    units = units_from_inspections(sections)
    units = pd.concat([units, sections[["published"]].reset_index(drop=True)], axis=1)
    segments = code_units(units, codebook)
    coded = set(
        zip(
            segments.loc[segments["code"].isin(OVERSIGHT_CODES), "unit_id"],
            segments.loc[segments["code"].isin(OVERSIGHT_CODES), "sentence_index"],
            strict=True,
        )
    )
    found: dict[tuple, list[str]] = {}
    present: set[tuple] = set()
    for unit in units.itertuples(index=False):
        key = (unit.la_code, unit.published, unit.source_file)
        present.add(key)
        text = unit.text if isinstance(unit.text, str) else ""
        for i, (s, e) in enumerate(split_sentences(text)):
            sentence = text[s:e]
            if is_management_oversight(sentence, (unit.unit_id, i) in coded):
                quote = redact(" ".join(sentence.split()), names, (), known)
                found.setdefault(key, []).append(quote)
    rows = []
    for r in reports.itertuples(index=False):
        key = (r.la_code, r.published, r.source_file)
        quotes = found.get(key, [])
        rows.append((*key, r.overall, key in present, bool(quotes), quotes))
    cols = [*REPORT_KEYS, "overall", "has_section", "raises_oversight", "quotes"]
    return pd.DataFrame(rows, columns=cols)


def oversight_by_grade(mentions: pd.DataFrame) -> pd.DataFrame:
    """Reports with an improvement section, and the share raising oversight, by grade."""
    m = mentions[mentions["has_section"].astype(bool)]  # a mask even when no report is there
    out = (
        m.groupby("overall", dropna=False)
        .agg(reports=("raises_oversight", "size"), raising=("raises_oversight", "sum"))
        .reset_index()
    )
    out["share"] = out["raising"] / out["reports"]
    rank = {g: i for i, g in enumerate(GRADE_ORDER)}
    out = out.sort_values("overall", key=lambda s: s.map(lambda g: rank.get(g, len(rank))))
    return out.reset_index(drop=True)


def oversight_quotes(mentions: pd.DataFrame, per_grade: int = 3) -> pd.DataFrame:
    """Up to ``per_grade`` shortest distinct quotes per grade (already redacted)."""
    rows = [
        (r.overall, r.la_code, r.published, q)
        for r in mentions.itertuples(index=False)
        for q in r.quotes
    ]
    q = pd.DataFrame(rows, columns=["overall", "la_code", "published", "quote"])
    rank = {g: i for i, g in enumerate(GRADE_ORDER)}
    q = q.assign(
        grade_rank=q["overall"].map(lambda g: rank.get(g, len(rank))), length=q["quote"].str.len()
    ).sort_values(["grade_rank", "overall", "length", "quote", "la_code"], kind="stable")
    q = q.drop_duplicates(["overall", "quote"]).groupby("overall", sort=False).head(per_grade)
    return q.drop(columns=["grade_rank", "length"]).reset_index(drop=True)
