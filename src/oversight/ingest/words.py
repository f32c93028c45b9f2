"""The words of free text, and what the word lists say of each: name, common English or acronym.

The lists are package data: the demo's forenames, the gazetteer of forenames and surnames
(``data/gazetteer_*.txt``), the names English writes only capitalised (SCOWL,
``data/gazetteer_proper.txt``) and the study's vocabulary, roles and acronyms
(``data/redaction.yaml``); how common a word is comes from wordfreq's Zipf scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from oversight.config import load_yaml

# wordfreq's Zipf scale: 3 is once per million words. A capitalised word at or above it is a
# known word for publishable(); below it (Quorn 2.2, Okafor 2.6) the redactor is unsure.
KNOWN_ZIPF = 3.0
# The few hundred most frequent English words ("no", "my", "will") are never read as names
# without a title or role before them, whatever the gazetteer lists.
FUNCTION_ZIPF = 5.5
PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "address": "[address]",
    "dob": "[date of birth]",
    "ni_number": "[NI number]",
    "id": "[id]",
    "name": "[name]",
}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in set(PLACEHOLDERS.values())))
# A word: letters, with inner apostrophes or hyphens ("O'Brien", "Baptiste-Hughes"); digits and
# underscores split words, so file names such as "Jane_Smith_2024" are read word by word.
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    initial: bool  # first word of a sentence (or of the text)

    @property
    def key(self) -> str:
        """Lower case without a possessive: "Kayden's" -> "kayden"."""
        return _POSSESSIVE.sub("", self.text).lower()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) > 1 and all(c.isupper() for c in letters)


# --------------------------------------------------------------------------- data
def _data_text(name: str) -> str:
    return resources.files("oversight.ingest").joinpath(f"data/{name}").read_text("utf-8")


def _lines(name: str) -> frozenset[str]:
    text = _data_text(name)
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def forenames() -> frozenset[str]:
    """The short list of common forenames the demo generator plants (``data/forenames.txt``)."""
    return _lines("forenames.txt")


@cache
def gazetteer() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Lower-case forenames, surnames, and the entries that are also common English words
    (less those a spelling dictionary has only as proper nouns, see :func:`proper_names`)."""
    fore = frozenset(n.lower() for n in _lines("gazetteer_forenames.txt") | forenames())
    sur = frozenset(n.lower() for n in _lines("gazetteer_surnames.txt"))
    return fore, sur, frozenset(_lines("gazetteer_words.txt")) - proper_names()


@cache
def proper_names() -> frozenset[str]:
    """Gazetteer names that English writes only capitalised ("jones", "jenkins", "patel"), by
    SCOWL (``data/gazetteer_proper.txt``, built by :mod:`oversight.ingest.gazetteer_proper_build`):
    names in lower case and in capitals although wordfreq finds them common."""
    return _lines("gazetteer_proper.txt")


@cache
def word_lists() -> dict[str, Any]:
    """``data/redaction.yaml``, lists lower-cased into frozensets (roles as word tuples)."""
    raw = load_yaml(Path(__file__).parent / "data/redaction.yaml")
    out: dict[str, Any] = {k: frozenset(str(v).lower() for v in vs) for k, vs in raw.items()}
    # An acronym in lower case may be a name ("sen"): known_words are for every case.
    out["acronyms"] = out["acronyms"] - out["known_words"]
    out["roles"] = sorted(
        (tuple(r.split()) for r in out["roles"]), key=lambda r: len(r), reverse=True
    )
    return out


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common a lower-case word is in English (wordfreq's Zipf scale, 0 when unknown)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def is_acronym(token: Token) -> bool:
    """A configured acronym written in capitals ("ICPC", "SEN"; not "Sen")."""
    return token.all_caps and token.key in word_lists()["acronyms"]


def known_word(key: str, extra: frozenset[str]) -> bool:
    """A word that is not a name: study vocabulary, a configured place, or common English
    that the gazetteer does not list as a name."""
    if key in word_lists()["known_words"] or key in extra:
        return True
    if "-" in key:  # "Gallagher-Ross" is a name if either part is
        return all(known_word(part, extra) for part in key.split("-") if part)
    fore, sur, words = gazetteer()
    if zipf(key) >= FUNCTION_ZIPF:
        return True
    if key in fore or key in sur:
        return key in words
    return zipf(key) >= KNOWN_ZIPF


def plain_word(key: str, extra: frozenset[str]) -> bool:
    """A word that is common English however it is written, the reading of a word in lower
    case or in capitals, where case says nothing: a known word, or a surname at Zipf >= 3
    that a spelling dictionary does not have only as a proper noun ("plan", "WEEKS"; not
    "jenkins", "JONES"). A forename is a name unless it is a known word ("will", "grace")."""
    if known_word(key, extra):
        return True
    fore, sur, _ = gazetteer()
    if key in fore or key not in sur:
        return False
    return zipf(key) >= KNOWN_ZIPF and key not in proper_names()


def name_like(token: Token, extra: frozenset[str]) -> bool:
    """Could this word be a name in a name context (after a title or role, before "family")?"""
    key = token.key
    if key in word_lists()["known_words"] or key in extra or not token.text[:1].isalpha():
        return False
    if is_acronym(token):
        return False
    if token.capitalised and not token.all_caps:
        return True
    # Lower case or all capitals: case says nothing, so the word must not be common English.
    fore, sur, words = gazetteer()
    if key in fore or key in sur:
        return key not in words
    return zipf(key) < KNOWN_ZIPF


# --------------------------------------------------------------------------- tokens
_SENTENCE_END = re.compile(r"[.!?:;]\s*[\"'“‘(\[]*$")


def tokens(text: str) -> list[Token]:
    """The words of a text, placeholders masked, each marked when it starts a sentence."""
    masked = _PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)
    out = []
    last_end = 0
    for m in WORD.finditer(masked):
        between = masked[last_end : m.start()]
        initial = not out or bool(_SENTENCE_END.search(between)) or "\n" in between
        out.append(Token(m.group(), m.start(), m.end(), initial))
        last_end = m.end()
    return out
