"""What Ofsted inspectors ask to improve: management oversight and supervision.

For each inspection report (one ``la_code, published, source_file``), the
``what_needs_to_improve`` section is coded; the report *raises oversight* when any sentence
raises the management oversight or supervision *of social work practice*: it says oversight,
supervision or a phrase of managers' decisions or direction on cases, and that mention is not
oversight of something else (carers, boards and panels, private fostering, placement
arrangements, return home interviews, allegations, commissioning, budgets). The rules and
the codebook definition are data, in ``inspector_senses.yaml``; their precision and recall
against hand labels of real improvement points are measured in
``tests/coding/test_improvement_labels.py``. The share of reports raising it is tabulated by
the overall grade, with redacted quotes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import pandas as pd

from oversight.coding.coder import split_sentences
from oversight.config import ConfigError, load_checked
from oversight.ingest.redact import redact

SECTION = "what_needs_to_improve"
OVERSIGHT_WORDS = re.compile(r"\b(?:supervision|supervisions|oversight)\b", re.IGNORECASE)
GRADE_ORDER: tuple[str, ...] = (
    "Outstanding",
    "Good",
    "Requires improvement to be good",
    "Inadequate",
)
REPORT_KEYS: tuple[str, ...] = ("la_code", "published", "source_file")


SENSES_SCHEMA = "inspector_senses.schema.yaml"


def _senses_path() -> Path:
    return Path(str(resources.files("oversight.coding").joinpath("inspector_senses.yaml")))


def _compile(path: Path, key: str, entries: list[dict]) -> tuple[re.Pattern[str], ...]:
    """Each entry's pattern, compiled; a broken one is named by file, list and id."""
    out = []
    for i, entry in enumerate(entries):
        try:
            out.append(re.compile(entry["pattern"], re.IGNORECASE))
        except re.error as err:
            raise ConfigError(
                f"{path}: {key}[{i}] (id {entry['id']}): pattern is not a valid regular "
                f"expression ({err}); correct it"
            ) from err
    return tuple(out)


@functools.cache
def senses(path: Path | None = None) -> dict[str, tuple[re.Pattern[str], ...]]:
    """The compiled rules of ``inspector_senses.yaml`` (validated against its schema):
    ``management_of_practice`` (phrases that raise it without an oversight word) and
    ``not_management_oversight`` (spans of oversight of something else)."""
    path = path or _senses_path()
    data = load_checked(path, SENSES_SCHEMA)
    keys = ("management_of_practice", "not_management_oversight")
    return {k: _compile(path, k, data[k]) for k in keys}


def other_senses() -> tuple[re.Pattern[str], ...]:
    """The spans that are oversight or supervision of something other than social work."""
    return senses()["not_management_oversight"]


def is_management_oversight(sentence: str) -> bool:
    """Whether a sentence raises the management oversight or supervision of social work.

    It does when an oversight word, or a phrase of managers' decisions or direction on cases
    (``management_of_practice``), lies outside every span of another sense. A sentence whose
    oversight words all sit in other senses' spans does not.
    """
    spans = [m.span() for p in other_senses() for m in p.finditer(sentence)]
    rest = sentence
    for start, end in spans:  # blank, not cut: the remaining words keep their boundaries
        rest = rest[:start] + " " * (end - start) + rest[end:]
    if OVERSIGHT_WORDS.search(rest):
        return True
    return any(p.search(rest) for p in senses()["management_of_practice"])


def raises_oversight_of_practice(text: str) -> bool:
    """Whether an improvement point raises the management oversight of social work practice:
    any of its sentences does (:func:`is_management_oversight`)."""
    return any(is_management_oversight(text[s:e]) for s, e in split_sentences(text))


def oversight_mentions(
    inspections: pd.DataFrame,
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
    sections = df[df["section"] == SECTION]
    found: dict[tuple, list[str]] = {}
    present: set[tuple] = set()
    for unit in sections.itertuples(index=False):
        key = (unit.la_code, unit.published, unit.source_file)
        present.add(key)
        text = unit.text if isinstance(unit.text, str) else ""
        for s, e in split_sentences(text):
            if is_management_oversight(text[s:e]):
                quote = redact(" ".join(text[s:e].split()), names, (), known)
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
