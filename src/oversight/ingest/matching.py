"""Token- and number-aware similarity of column headers, for hints and suggestions only.

Whole-string fuzzy scores rank ``working_days_lost_fte`` close to ``inpost_fte`` (they share a
suffix) and ``agency_fte`` close to ``agency_rate_fte`` (one is inside the other). Headers are
compared here as words instead: ``In_Post``, ``inpost`` and ``in post`` are one word, plurals
are singular, each word of one header is paired with at most one word of the other, and two
headers that name different numbers (``1_year_less_than_2_years``, ``2_years_or_more``) are
never similar. The pipeline itself never matches loosely: these scores only word a message or a
suggestion that a person reviews.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from oversight.ingest.normalise import clean_text

WORD = re.compile(r"[a-z]+|\d+")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Two words this alike (rapidfuzz ratio, 0-100) count as one, weighted by how alike they are.
WORD_MATCH = 80.0
# An abbreviation (``dt`` for ``date``, ``yrs`` for ``years``: the same first letter, the
# short word's letters in order in the long one) counts this much of a word.
ABBREVIATION = 0.8
# A header scoring no more than this (0-100) is not offered as a hint: it shares no word.
MIN_HINT = 0.0


def _stem(word: str) -> str:
    """Plural to singular for the common English endings (vacancies, workers, days)."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(header: str) -> list[str]:
    """The words of a header: camel case, underscores, hyphens and spaces all split words."""
    text = CAMEL.sub(" ", clean_text(str(header))).casefold()
    return [_stem(w) for w in WORD.findall(text)]


def _join_compounds(these: list[str], other: set[str]) -> list[str]:
    """Adjacent words that together make one word of the other header become that word."""
    out: list[str] = []
    i = 0
    while i < len(these):
        if i + 1 < len(these) and these[i] + these[i + 1] in other:
            out.append(these[i] + these[i + 1])
            i += 2
        else:
            out.append(these[i])
            i += 1
    return out


def _alike(w: str, v: str) -> float:
    """0-100: two words alike as spelt, or as a word and its abbreviation."""
    if w == v:
        return 100.0
    if w.isdigit() or v.isdigit():
        return 0.0
    short, long_ = sorted((w, v), key=len)
    if len(short) >= 2 and short[0] == long_[0] and _in_order(short, long_):
        return max(100 * ABBREVIATION, fuzz.ratio(w, v))
    return fuzz.ratio(w, v)


def _in_order(short: str, long_: str) -> bool:
    """Whether the letters of ``short`` appear in ``long_`` in the same order."""
    rest = iter(long_)
    return all(ch in rest for ch in short)


def _numbers(ws: list[str]) -> list[str]:
    return sorted(w for w in ws if w.isdigit())


def similarity(a: str, b: str) -> float:
    """0-100: how alike two headers are as words (a Dice coefficient over paired words).

    Headers naming different numbers score 0; otherwise each word of ``a`` is paired with the
    most alike unpaired word of ``b`` (exact, an abbreviation, or at least :data:`WORD_MATCH`
    alike as spelt).
    """
    wa, wb = words(a), words(b)
    wa, wb = _join_compounds(wa, set(wb)), _join_compounds(wb, set(wa))
    if not wa or not wb or _numbers(wa) != _numbers(wb):
        return 0.0
    free = list(wb)
    matched = 0.0
    for w in wa:
        best = max(((_alike(w, v), j) for j, v in enumerate(free)), default=(0.0, -1))
        if best[0] >= WORD_MATCH:
            matched += best[0] / 100
            free.pop(best[1])
    return round(200 * matched / (len(wa) + len(wb)), 1)


def as_alike(names: Sequence[str], candidates: Mapping[int, str], score: float) -> list[int]:
    """The candidate columns exactly as alike as ``score`` to the best of ``names``: a tie
    that words cannot break, which a suggestion must show rather than settle by itself."""
    return [
        pos
        for pos, header in candidates.items()
        if str(header).strip() and max(similarity(n, header) for n in names) == score
    ]


def assign(
    wanted: Mapping[str, Sequence[str]],
    candidates: Mapping[int, str],
    minimum: float = MIN_HINT,
) -> dict[str, tuple[int, float, str]]:
    """Each wanted field's most similar candidate column, one field per column.

    ``wanted`` is field -> the names it is known by; ``candidates`` is column position ->
    header. Pairs are taken best first (ties: the fuzzier whole-string score, then position),
    so two fields never get the same column. Returns field -> (position, score, name matched);
    a field with nothing more than ``minimum`` similar is left out.
    """
    pairs = []
    for field, names in wanted.items():
        for pos, header in candidates.items():
            if not str(header).strip():
                continue
            score, name = max((similarity(n, header), n) for n in names)
            tie = fuzz.ratio(clean_text(name).casefold(), clean_text(header).casefold())
            pairs.append((-score, -tie, pos, field, name))
    out: dict[str, tuple[int, float, str]] = {}
    used: set[int] = set()
    for neg, _, pos, field, name in sorted(pairs):
        if -neg <= minimum or field in out or pos in used:
            continue
        out[field] = (pos, -neg, name)
        used.add(pos)
    return out
