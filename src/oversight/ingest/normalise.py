"""Text normalisation used to compare headers and values exactly, never loosely.

Two labels match when they are equal after: Unicode NFKC, curly quotes and dashes made
straight, invisible characters removed, whitespace collapsed, and case folded. Nothing else
(no fuzzy matching, no substring or pattern matching) so a mapping never surprises anyone.
"""

from __future__ import annotations

import re
import unicodedata

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


def norm_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`norm_label`; missing stays missing. Coded columns repeat a few labels
    over many rows, so each distinct value is normalised once and mapped back."""
    text = values.astype("string")
    uniques = pd.Series(text.dropna().unique(), dtype="string")
    mapping = dict(zip(uniques, _norm_strings(uniques), strict=True))
    return text.map(mapping, na_action="ignore").astype("string")


def _norm_strings(values: pd.Series) -> pd.Series:
    out = values.astype("string")
    out = out.str.normalize("NFKC").str.translate(_QUOTES)
    out = out.str.replace(INVISIBLE, "", regex=True)
    out = out.str.replace(_SPACE, " ", regex=True).str.strip().str.casefold()
    return out
