"""Redaction of free text (transcripts, survey comments, quotes).

Removes e-mail addresses, UK telephone numbers, UK postcodes, street addresses, dates of birth,
names after a title (Mr, Mrs, Dr ...), the names of the people known to be in the text (a
session's participants) and common forenames from a bundled list. Over-redaction is preferred
to a leak: a report quote that loses a word is acceptable, one that names a child is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(?:\+44\s?\(?0?\)?|0)(?:\d[\s-]?){9,10}(?!\w)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
# A title followed by a capitalised word is a name whoever it is ("Mrs Okafor", "Dr Lee").
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][\w'-]+")
DATE_OF_BIRTH = re.compile(
    r"\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on)?)\s*:?\s*"
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})",
    re.IGNORECASE,
)
ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?\s+(?:[A-Z][a-z]+\s){1,3}"
    r"(?:Road|Street|Avenue|Close|Lane|Drive|Way|Gardens|Crescent|Court|Place|Terrace)\b"
)


@cache
def forenames() -> frozenset[str]:
    text = resources.files("oversight").joinpath("data/forenames.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


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


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Text with contact details and names replaced by bracketed placeholders."""
    if not text:
        return text
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = POSTCODE.sub("[postcode]", text)
    text = ADDRESS.sub("[address]", text)
    text = DATE_OF_BIRTH.sub("[date of birth]", text)
    text = HONORIFIC.sub("[name]", text)
    own = name_parts(names)
    if own:
        # People known to be in the text are removed whatever the case ("JANE", "jane").
        text = _name_pattern(frozenset(own), True).sub("[name]", text)
    return _name_pattern(forenames(), False).sub("[name]", text)


@cache
def _name_pattern(names: frozenset[str], ignore_case: bool) -> re.Pattern[str]:
    # Longest first, so "Jane Smith" goes as one before "Jane" is considered. The forename
    # list is matched with its capital only, so "will" and "grace" as words survive.
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![\w\[])(?:{alternatives})(?:'s)?(?![\w\]])", flags)
