"""Text normalisation used to compare headers and values exactly, never loosely.

Two labels match when they are equal after: Unicode NFKC, curly quotes and dashes made
straight, invisible characters removed, whitespace collapsed, and case folded. Nothing else
(no fuzzy matching, no substring or pattern matching) so a mapping never surprises anyone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# Zero-width and direction marks that spreadsheets and web forms leave behind.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Straighten quotes, drop invisible characters and trim, keeping case."""
    value = unicodedata.normalize("NFKC", value).translate(_QUOTES)
    value = INVISIBLE.sub("", value)
    return _SPACE.sub(" ", value).strip()


def norm_label(value: str) -> str:
    """The comparison key for a header or a coded value."""
    return clean_text(value).casefold()


# Memos of element-wise work (normalised labels, parsed dates) kept across the columns and
# files of one job; cleared once this large, so a long process never holds more.
MEMO_LIMIT = 500_000


def memo_map(
    values: pd.Series,
    work: Callable[[pd.Series], pd.Series],
    memo: dict[Any, Any],
) -> dict[Any, Any]:
    """``{value: result}`` for every distinct non-missing value of ``values``, where ``work``
    is a vectorised, element-wise function over a string Series: only the values ``memo`` does
    not hold yet are worked out (and remembered), the rest are looked up."""
    text = values.astype("string")
    uniques = text.dropna().unique()
    new = [v for v in uniques if v not in memo]
    if new:
        if len(memo) + len(new) > MEMO_LIMIT:
            memo.clear()
        memo.update(zip(new, work(pd.Series(new, dtype="string")), strict=True))
    return {v: memo[v] for v in uniques}


def per_distinct(values: pd.Series, work: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``work(values)`` for an element-wise, vectorised ``work`` that keeps missing values
    missing, run once per distinct value and spread back over the rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    done = work(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(done.array.take(codes, allow_fill=True), index=values.index, name=values.name)


_NORMALISED: dict[Hashable, str] = {}


def norm_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`norm_label`; missing stays missing. Coded columns repeat a few labels
    over many rows, so each distinct value is normalised once and mapped back."""
    text = values.astype("string")
    mapping = memo_map(text, _norm_strings, _NORMALISED)
    return text.map(mapping, na_action="ignore").astype("string")


def _norm_strings(values: pd.Series) -> pd.Series:
    out = values.astype("string")
    out = out.str.normalize("NFKC").str.translate(_QUOTES)
    out = out.str.replace(INVISIBLE, "", regex=True)
    out = out.str.replace(_SPACE, " ", regex=True).str.strip().str.casefold()
    return out
