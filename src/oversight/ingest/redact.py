"""Redaction of free text (transcripts, survey comments, quotes), in layers.

Each layer finds spans of the original text; the union of the spans is replaced by bracketed
placeholders (``[name]``, ``[phone]`` ...), so no layer sees another's placeholder. The layers:

1. contact details and numbers in UK formats: e-mail addresses, telephone numbers (``+44``,
   ``0044``, ``(0)``, brackets, spaces, dots, dashes, slashes), postcodes, National Insurance
   numbers, dates of birth after a cue ("DOB", "born"), street addresses in any case;
2. identifiers: the LA's own patterns from its configuration (``identifiers.<kind>.pattern``)
   and any token holding six digits or more;
3. the session's participants (full names and each part, in any case);
4. names by context: after a title ("Mrs Okafor", "mr quorn"), after a role ("social worker
   Jones", "my manager Quorn", "IRO Smith"; roles in ``data/redaction.yaml``), "the Okafor
   family", and a capitalised unknown word straight after a name ("Sharon Mbeki");
5. forenames and surnames from the gazetteer (``data/gazetteer_*.txt``, built by
   :mod:`oversight.ingest.gazetteer_build`) in any case. Gazetteer entries that are also
   common English words ("will", "grace", "church") are kept in lower case, and capitalised
   only when a determiner comes before them ("the Grace period") or they are surnames only
   ("Court"). In lower case and in capitals a surname is a name unless it is a common word: wordfreq
   finds it frequent and a spelling dictionary (SCOWL, ``data/gazetteer_proper.txt``) does not have
   it only as a proper noun ("plan" and "WEEKS" stay, "jenkins" and "JONES" go). Acronyms in
   capitals ("ICPC", "SEN") are listed in ``data/redaction.yaml``. A forename that is also a modal
   verb is a name before a verb of the third person ("will is the eldest").

No named-entity model is used: spaCy's English models are not on PyPI (they install from
GitHub releases) and the pipeline must run offline. Over-redaction is preferred to a leak: a
quote that loses a word is acceptable, one that names a child is not. What the layers cannot
decide is caught by :func:`publishable`: a quote that still holds a capitalised word that is
not a known word is not published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from oversight.ingest.words import (
    FUNCTION_ZIPF,
    PLACEHOLDERS,
    WORD,
    Token,
    gazetteer,
    is_acronym,
    known_word,
    name_like,
    plain_word,
    tokens,
    word_lists,
    zipf,
)

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the separators people write in phone numbers; checked by _is_uk_phone.
PHONE_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{6,22}\d(?![\w])")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
NI_NUMBER = re.compile(r"\b[A-Z]{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?[A-D]\b", re.IGNORECASE)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\.?,?\s+\d{{4}}"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
# A cue, then up to three small words ("date of birth is", "born on the", "DOB given as").
DATE_OF_BIRTH = re.compile(
    r"\b(?:DOB\b|D\.O\.B\b\.?|date of birth\b|birth ?date\b|born\b)"
    r"(?:\s*[:=]|\s+(?:is|was|as|on|the|of|given|recorded|shown)\b){0,3}\s*"
    rf"({_DATE})",
    re.IGNORECASE,
)
LONG_NUMBER_ID = re.compile(r"(?<![\w])[A-Za-z]{0,4}\d{6,}(?![\w])")


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the text to replace, and what they are."""

    start: int
    end: int
    kind: str


# --------------------------------------------------------------------------- layers
def _is_uk_phone(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    if run.lstrip("(").startswith("+44") or digits.startswith("0044"):
        national = digits[4:] if digits.startswith("0044") else digits[2:]
        national = national[1:] if national.startswith("0") else national
        return len(national) in (9, 10) and national[0] in "1235789"
    return digits.startswith("0") and len(digits) in (10, 11) and digits[1] in "1235789"


def phones(text: str) -> list[Span]:
    """UK telephone numbers however they are written; a run of digits that is too long is
    cut back group by group ("07700 900123 2" -> "07700 900123")."""
    out = []
    for m in PHONE_RUN.finditer(text):
        run = m.group()
        groups = [g.end() for g in re.finditer(r"\d+\)?", run)]
        for end in reversed(groups):
            if _is_uk_phone(run[:end]):
                start = m.start() + (1 if run.startswith("(") and ")" not in run[:end] else 0)
                out.append(Span(start, m.start() + end, "phone"))
                break
    return out


def contacts(text: str) -> list[Span]:
    """E-mail addresses, postcodes, NI numbers and dates of birth."""
    out = [Span(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    out += [Span(m.start(), m.end(), "postcode") for m in POSTCODE.finditer(text)]
    out += [Span(m.start(), m.end(), "ni_number") for m in NI_NUMBER.finditer(text)]
    out += [Span(m.start(1), m.end(1), "dob") for m in DATE_OF_BIRTH.finditer(text)]
    return out


@cache
def _address_pattern() -> re.Pattern[str]:
    lists = word_lists()

    def alt(key: str) -> str:
        return "|".join(re.escape(w) for w in sorted(lists[key], key=len, reverse=True))

    word = r"[^\W\d_][\w'’.-]*"
    flat = rf"(?:(?:{alt('flat_words')})\s+\d+[a-z]?,?\s+)?"
    building = rf"(?:(?:{word}\s+){{1,2}}(?:{alt('building_words')}),?\s+)?"
    street = rf"\d{{1,4}}[a-z]?,?\s+(?:{word}\s+){{1,3}}(?:{alt('street_types')})\b\.?"
    return re.compile(rf"\b{flat}{building}{street}", re.IGNORECASE)


def addresses(text: str) -> list[Span]:
    """A house number, up to three words and a street type, in any case, with a flat and a
    building name before it when there are."""
    return [Span(m.start(), m.end(), "address") for m in _address_pattern().finditer(text)]


def identifiers(text: str, id_patterns: Iterable[str | re.Pattern[str]] = ()) -> list[Span]:
    """The LA's own identifier patterns, and any token holding six digits or more."""
    out = [Span(m.start(), m.end(), "id") for m in LONG_NUMBER_ID.finditer(text)]
    for pattern in id_patterns:
        source = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
        if not source:
            continue
        found = re.compile(rf"(?<![\w])(?:{source})(?![\w])", re.IGNORECASE)
        out += [Span(m.start(), m.end(), "id") for m in found.finditer(text)]
    return out


def name_parts(names: Iterable[str]) -> set[str]:
    """Full names and each part of them ("Jane Smith" -> Jane Smith, Jane, Smith)."""
    parts: set[str] = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        parts.add(name)
        parts.update(p for p in re.split(r"[\s,]+", name) if len(p) > 1)
    return parts


@cache
def _name_pattern(names: frozenset[str]) -> re.Pattern[str]:
    # Longest first, so "Jane Smith" goes as one before "Jane" is considered.
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w\[])(?:{alternatives})(?:['’]s)?(?![\w\]])", re.IGNORECASE)


def participants(text: str, names: Iterable[str] = ()) -> list[Span]:
    """The people known to be in the text, whatever the case ("JANE", "jane")."""
    own = name_parts(names)
    if not own:
        return []
    return [Span(m.start(), m.end(), "name") for m in _name_pattern(frozenset(own)).finditer(text)]


def _following_names(toks: list[Token], i: int, extra: frozenset[str], most: int = 3) -> int:
    """How many words from ``toks[i]`` on make a name after a title or role (0 when none)."""
    n = 0
    while i + n < len(toks) and n < most and name_like(toks[i + n], extra):
        tok = toks[i + n]
        if n and (toks[i + n - 1].end < tok.start - 2 or not tok.capitalised):
            break  # a second word belongs to the name only capitalised and close by
        if n and tok.all_caps and known_word(tok.key, extra):
            break
        n += 1
    return n


def _gap(text: str, a: Token, b: Token, allowed: str = r"\s*,?\s*\.?\s*") -> bool:
    return re.fullmatch(allowed, text[a.end : b.start]) is not None


def names_in_context(text: str, toks: list[Token], extra: frozenset[str]) -> list[Span]:
    """Names after a title or a role, and family names before "family" (any case)."""
    lists = word_lists()
    keys = [t.key for t in toks]
    out = []
    for i, tok in enumerate(toks):
        # Titles: "Mrs Okafor", "Dr. Oyelaran", "mr quorn", "Mr and Mrs Dufresne".
        title = keys[i] in lists["titles"] or (
            keys[i] in lists["ambiguous_titles"] and tok.capitalised
        )
        if title and i + 1 < len(toks) and _gap(text, tok, toks[i + 1], r"\.?\s+"):
            nxt = toks[i + 1]
            if keys[i] in lists["ambiguous_titles"] and not nxt.capitalised:
                continue
            n = _following_names(toks, i + 1, extra)
            if n:
                out.append(Span(nxt.start, toks[i + n].end, "name"))
        # Roles: the longest role phrase ending here, then the name ("team manager Patel").
        for role in lists["roles"]:
            k = len(role)
            if i + 1 < k or tuple(keys[i - k + 1 : i + 1]) != role:
                continue
            j = i + 1
            if j < len(toks) and keys[j] in lists["titles"] | lists["ambiguous_titles"]:
                break  # "The IRO, Ms Featherstone": the title layer takes it
            if j < len(toks) and _gap(text, tok, toks[j]):
                first = toks[j]
                lower_role = all(not t.capitalised for t in toks[i - k + 1 : i + 1])
                # After a role in ordinary case a capitalised word is a name even when it is
                # also a word ("manager Young"); in capitals only an uncommon one is.
                if (first.capitalised and not first.all_caps) or lower_role or first.all_caps:
                    n = _following_names(toks, j, extra)
                    if n:
                        out.append(Span(first.start, toks[j + n - 1].end, "name"))
            break
        # "the Okafor family", "the Lumsdens".
        if keys[i] == "the" and i + 1 < len(toks):
            nxt = toks[i + 1]
            if keys[i + 1] in lists["not_family_names"] or not _gap(text, tok, nxt, r"\s+"):
                continue
            after = keys[i + 2] if i + 2 < len(toks) else ""
            after = after[:-2] if after.endswith("'s") else after
            if (after in lists["family_nouns"] and name_like(nxt, extra)) or (
                nxt.capitalised
                and not nxt.all_caps
                and keys[i + 1].endswith("s")
                and not known_word(keys[i + 1], extra)
                and not known_word(keys[i + 1][:-1], extra)
            ):
                out.append(Span(nxt.start, nxt.end, "name"))
    return out


def gazetteer_names(text: str, toks: list[Token], extra: frozenset[str]) -> list[Span]:
    """Forenames and surnames from the gazetteer in any case, and a capitalised unknown word
    straight after a forename ("Sharon Mbeki")."""
    fore, sur, words = gazetteer()
    determiners = word_lists()["determiners"]
    known = word_lists()["known_words"] | extra
    # A writer who never capitalises ("i had supervision with mark") gives no case to go
    # by, so there a forename that is also a word counts as a name unless used as a word.
    lower_text = not any(c.isupper() for c in text)
    out = []
    previous_name = False
    for i, tok in enumerate(toks):
        key = tok.key
        hit = False
        if key in known or is_acronym(tok):
            pass
        elif key in fore and key in words and _subject_of_verb(toks, i):
            hit = True  # "will is the eldest"
        elif zipf(key) >= FUNCTION_ZIPF:
            pass
        elif "-" in key and not known_word(key, extra) and tok.capitalised and not tok.initial:
            hit = True  # a hyphenated name part of which is a name ("Baptiste-Hughes")
        elif key in fore or key in sur:
            if key not in words:
                # In lower case or capitals a surname is a name when it is rare (wordfreq) or
                # a proper noun only (SCOWL: "jenkins", "JONES"); one that is also a common
                # word ("plan", "weeks", "rota") needs a title or role before it.
                plain = not tok.capitalised or tok.all_caps
                hit = not plain or not plain_word(key, extra)
            elif tok.capitalised and not tok.all_caps and key in fore:
                before = toks[i - 1].key if i else ""
                hit = not tok.initial and before not in determiners
            elif lower_text and key in fore:
                hit = _lower_name_word(toks, i)
        elif previous_name and _gap(text, toks[i - 1], tok, r"\s+"):
            # The word after a name is a surname when it is capitalised like the name and
            # not a known word ("Sharon Mbeki", "joanne williams", "LIAM GALLAGHER-ROSS").
            prev = toks[i - 1]
            same_case = tok.capitalised == prev.capitalised
            hit = same_case and not known_word(key, extra)
        if hit:
            out.append(Span(tok.start, tok.end, "name"))
        previous_name = hit and (key in fore or previous_name)
    return out


def _subject_of_verb(toks: list[Token], i: int) -> bool:
    """Whether a forename that is also a modal verb is the subject of a third-person verb, so
    a name ("will is the eldest"; data/redaction.yaml ``modals``, ``name_cues_after``), not a
    noun after a determiner or cue ("the will is")."""
    lists = word_lists()
    if toks[i].key not in lists["modals"]:
        return False
    if i + 1 >= len(toks) or toks[i + 1].key not in lists["name_cues_after"]:
        return False
    if toks[i + 1].start - toks[i].end > 1:
        return False
    before = toks[i - 1].key if i else ""
    return before not in lists["determiners"] and before not in lists["word_cues_before"]


def _lower_name_word(toks: list[Token], i: int) -> bool:
    """In an all-lower-case text, whether a forename that is also a word ("mark", "grace",
    "will") is used as a name: not after a determiner, pronoun or modal ("a grace period",
    "i hope", "to mark") and not before a pronoun ("will we")."""
    lists = word_lists()
    before = toks[i - 1].key if i else ""
    after = toks[i + 1].key if i + 1 < len(toks) else ""
    if before in lists["determiners"] or before in lists["word_cues_before"]:
        return False
    return after not in lists["word_cues_after"]


# --------------------------------------------------------------------------- entry points
def find(
    text: str,
    names: Iterable[str] = (),
    id_patterns: Iterable[str | re.Pattern[str]] = (),
    known: Iterable[str] = (),
) -> list[Span]:
    """Every span to redact, merged where they overlap, in text order."""
    if not text:
        return []
    extra = _known_extra(tuple(known))
    toks = tokens(text)
    spans = (
        contacts(text)
        + phones(text)
        + addresses(text)
        + identifiers(text, id_patterns)
        + participants(text, names)
        + names_in_context(text, toks, extra)
        + gazetteer_names(text, toks, extra)
    )
    return _merge(spans, text)


@cache
def _known_extra(known: tuple[str, ...]) -> frozenset[str]:
    """Configured names (LA names such as "Milton Keynes") as lower-case words."""
    return frozenset(w.lower() for k in known for w in WORD.findall(k))


def _merge(spans: list[Span], text: str) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        end = span.end
        if span.kind == "name" and re.match(r"['’]s\b", text[end : end + 3]):
            end += 2  # "Jane's" goes whole
        if out and span.start <= out[-1].end:
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, end), last.kind)
        else:
            out.append(Span(span.start, end, span.kind))
    return out


def redact(
    text: str,
    names: Iterable[str] = (),
    id_patterns: Iterable[str | re.Pattern[str]] = (),
    known: Iterable[str] = (),
) -> str:
    """Text with contact details, identifiers and names replaced by bracketed placeholders.

    ``names``: the people known to be in the text (a session's participants);
    ``id_patterns``: the LA's identifier patterns (``identifiers.<kind>.pattern``);
    ``known``: configured words that are not names (LA and region names).
    """
    if not text:
        return text
    pieces = []
    last = 0
    for span in find(text, names, id_patterns, known):
        pieces += [text[last : span.start], PLACEHOLDERS[span.kind]]
        last = span.end
    pieces.append(text[last:])
    return "".join(pieces)


def unsure_words(text: str, known: Iterable[str] = ()) -> list[str]:
    """Words of a (redacted) text the redactor is unsure of.

    Capitalised words that are not known words: neither common English (wordfreq), nor the
    study's vocabulary (months, places, organisations), nor the configured ``known`` words; a
    sentence's first word counts too unless it is known; after it, a capitalised word the
    gazetteer lists as a name is unsure even when it is also English ("Smith", "Baker").
    Words in capitals that are neither
    common English by the lower-case reading (:func:`plain_word`: "PLAN" is, "JONES" is not)
    nor an acronym of ``data/redaction.yaml`` ("ICPC", "LADO"): an unknown acronym is unsure.
    In a text written without capitals case tells nothing, so there a lower-case word that
    neither the gazetteer nor English knows counts as well ("passed to deepak on friday")."""
    extra = _known_extra(tuple(known))
    toks = tokens(text)
    fore, sur, _ = gazetteer()
    lower_text = not any(t.capitalised for t in toks)
    out = []
    for t in toks:
        if is_acronym(t):
            continue
        if t.all_caps:  # a shouted word: common English, or unsure ("QWERTZ")
            unsure = not plain_word(t.key, extra)
        elif t.capitalised:
            # Mid-sentence, a capital on a word the gazetteer lists as a name reads as a
            # name even when it is also English ("I spoke to Smith", "ask Baker").
            named = not t.initial and (t.key in fore or t.key in sur)
            listed = t.key in word_lists()["known_words"] or t.key in extra
            unsure = not known_word(t.key, extra) or (named and not listed)
        else:
            # The gazetteer layer has judged every lower-case name it lists; what is left is
            # a word nobody knows.
            unsure = (
                lower_text
                and t.key not in fore
                and t.key not in sur
                and not known_word(t.key, extra)
            )
        if unsure:
            out.append(t.text)
    return out


def publishable(
    text: str,
    names: Iterable[str] = (),
    id_patterns: Iterable[str | re.Pattern[str]] = (),
    known: Iterable[str] = (),
) -> bool:
    """Whether a text may be published as it is: redaction would change nothing in it and no
    capitalised word in it is one the redactor is unsure of. Works on a redacted quote (its
    placeholders are fine) and on a raw string such as a file name."""
    if not text:
        return True
    if find(text, names, id_patterns, known):
        return False
    return not unsure_words(text, known)
