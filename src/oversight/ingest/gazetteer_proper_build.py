"""Rebuild ``data/gazetteer_proper.txt``: gazetteer names that English writes only capitalised.

    apt-get install wbritish        # Debian's SCOWL British word list, build-time only
    python -m oversight.ingest.gazetteer_proper_build [/usr/share/dict/british-english]

Word frequencies cannot tell a surname from a word: wordfreq folds case, so "jones" (Zipf 4.7)
looks as common as "plan". A spelling dictionary can: SCOWL (Kevin Atkinson's Spell Checker
Oriented Word Lists, size 50, as Debian's ``wbritish`` package ships it) lists ordinary words in
lower case with their inflections ("plan", "weeks") and proper nouns capitalised ("Jones",
"Jenkins", "Patel", "McCarthy"). A gazetteer name that SCOWL has capitalised and never in lower
case is a proper noun, so :mod:`oversight.ingest.redact` reads it as a name in lower case and in
capitals too; entries SCOWL has only in capitals ("UK", "RAF") are acronyms and are not listed.
It also overrides the Webster's 1934 reading of ``gazetteer_words.txt``, which lists a few
names as words ("patel", "singh"). Only entries the redactor would otherwise keep matter: names
at Zipf >= ``oversight.ingest.words.KNOWN_ZIPF`` (rarer ones are redacted anyway), of three letters
or more.
"""

from __future__ import annotations

import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SCOWL = Path("/usr/share/dict/british-english")
# Two-letter entries SCOWL capitalises are mostly symbols and abbreviations ("Co", "Se", "Mt"),
# which people write in lower case ("co", "po box"); a two-letter surname is left to the rest.
MIN_LETTERS = 3


def proper_nouns(lines: list[str]) -> set[str]:
    """Lower-cased entries of a word list that occur capitalised (not all capitals) and never
    in lower case."""
    forms: dict[str, set[str]] = {}
    for line in lines:
        word = line.strip()
        if word and not word.endswith("'s"):
            forms.setdefault(word.lower(), set()).add(word)
    out = set()
    for key, seen in forms.items():
        if key in seen:
            continue
        if any(w[:1].isupper() and any(c.islower() for c in w) for w in seen):
            out.add(key)
    return out


def build(scowl: Path = SCOWL) -> int:
    """Write ``gazetteer_proper.txt``; return how many entries it holds."""
    from oversight.ingest import words

    fore, sur, _ = words.gazetteer()
    proper = proper_nouns(scowl.read_text("utf-8").splitlines())
    entries = sorted(
        k
        for k in (fore | sur) & proper
        if len(k) >= MIN_LETTERS and words.zipf(k) >= words.KNOWN_ZIPF
    )
    header = (
        "# Built by `python -m oversight.ingest.gazetteer_proper_build` from SCOWL size 50 "
        "(Debian wbritish); sources: gazetteer_SOURCES.md\n"
    )
    (DATA / "gazetteer_proper.txt").write_text(header + "\n".join(entries) + "\n", "utf-8")
    return len(entries)


if __name__ == "__main__":
    print(f"gazetteer_proper.txt: {build(Path(sys.argv[1]) if len(sys.argv) > 1 else SCOWL)}")
