"""Exemplar quotes: a few short, clear, redacted sentences for each code.

A quote the redactor is unsure of (a capitalised word it cannot place) is not published: it is
kept aside, with its code, unit and the unsure words, for the secure coding outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from oversight.ingest.redact import publishable, redact, unsure_words

CANDIDATE_COLUMNS = [
    "code",
    "clear",
    "negated",
    "length",
    "quote",
    "unit_id",
    "sentence_index",
    "source",
    "la_code",
]
QUOTE_COLUMNS = ["code", "rank", "quote", "unit_id", "sentence_index", "source", "la_code"]
WITHHELD_COLUMNS = ["code", "unit_id", "sentence_index", "la_code", "quote", "unsure"]


def candidates(
    segments: pd.DataFrame, units: pd.DataFrame, min_words: int = 4, max_words: int = 60
) -> pd.DataFrame:
    """Every coded sentence as a candidate quote (columns :data:`CANDIDATE_COLUMNS`).

    A clear sentence is a statement (not a question) of ``min_words`` to ``max_words`` words;
    the quote is the sentence with its white space collapsed.
    """
    texts = dict(zip(units["unit_id"], units["text"], strict=False))
    rows = []
    for seg in segments.itertuples(index=False):
        text = texts.get(seg.unit_id)
        if not isinstance(text, str):
            continue
        sentence = " ".join(text[seg.sentence_start : seg.sentence_end].split())
        n_words = len(sentence.split())
        clear = not sentence.endswith("?") and min_words <= n_words <= max_words
        rows.append(
            (
                seg.code,
                clear,
                bool(seg.negated),
                len(sentence),
                sentence,
                seg.unit_id,
                int(seg.sentence_index),
                seg.source,
                seg.la_code,
            )
        )
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


def preferred(cand: pd.DataFrame) -> pd.DataFrame:
    """One code's candidates in the order they are offered: clear and un-negated ones when
    the code has any, the shortest first, ties broken by text and unit id."""
    if cand["clear"].any():
        cand = cand[cand["clear"]]
    if (~cand["negated"]).any():
        cand = cand[~cand["negated"]]
    return cand.sort_values(["length", "quote", "unit_id", "sentence_index"], kind="stable")


def withheld_rows(code: str, refused: pd.DataFrame, known: Iterable[str]) -> list[dict[str, Any]]:
    """The redacted quotes of ``code`` that the redactor refused, with their unsure words."""
    known = tuple(known)
    return [
        {
            "code": code,
            "unit_id": r.unit_id,
            "sentence_index": r.sentence_index,
            "la_code": r.la_code,
            "quote": r.quote,
            "unsure": ", ".join(unsure_words(r.quote, known)),
        }
        for r in refused.itertuples(index=False)
    ]


def exemplars(
    segments: pd.DataFrame,
    units: pd.DataFrame,
    per_code: int = 3,
    names: Iterable[str] = (),
    min_words: int = 4,
    max_words: int = 60,
    id_patterns: Mapping[str, Iterable[Any]] | None = None,
    known: Iterable[str] = (),
    withheld: list[dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """Up to ``per_code`` short, clear example sentences per code, redacted and publishable.

    Candidates come from :func:`candidates` in the order of :func:`preferred`; identical
    quotes are taken once. Each quote is passed through :func:`oversight.ingest.redact.redact`
    (with ``names``, the identifier patterns of its LA from ``id_patterns`` by LA code, and
    ``known`` words such as LA names). A redacted quote that
    :func:`oversight.ingest.redact.publishable` refuses (a capitalised word the redactor is
    unsure of) is skipped for the next candidate and, when ``withheld`` is a list, appended to
    it (:func:`withheld_rows`), for the secure coding outputs.
    """
    names = tuple(names)
    known = tuple(known)
    id_patterns = id_patterns or {}
    cand = candidates(segments, units, min_words, max_words)
    picked = []
    for code in sorted(cand["code"].unique()):
        c = preferred(cand[cand["code"] == code])
        c = c.assign(
            quote=[
                redact(q, names, id_patterns.get(la, ()), known)
                for q, la in zip(c["quote"], c["la_code"], strict=True)
            ]
        )
        ok = c["quote"].map(lambda q: publishable(q, known=known))
        if withheld is not None:
            withheld.extend(withheld_rows(code, c[~ok], known))
        c = c[ok].drop_duplicates("quote").head(per_code)
        c = c.assign(rank=np.arange(1, len(c) + 1))
        picked.append(c)
    if not picked:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    return pd.concat(picked, ignore_index=True)[QUOTE_COLUMNS]
