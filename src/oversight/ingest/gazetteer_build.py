"""Rebuild the name gazetteer that :mod:`oversight.ingest.redact` reads (by hand, not by the
pipeline).

    pip install faker==40.63.0 names==0.3.0 english-words==2.0.2   # build-time only
    python -m oversight.ingest.gazetteer_build

Writes three files under ``src/oversight/ingest/data/`` (their sources and licences are in
``data/gazetteer_SOURCES.md``):

- ``gazetteer_forenames.txt``: given names from Faker's person providers (MIT; the en_GB list is
  the ONS's most frequent forenames of England and Wales) for the Latin-script locales whose
  communities live in the study region, and the US Census Bureau's 1990 given-name list
  (public domain, shipped by the ``names`` package);
- ``gazetteer_surnames.txt``: family names from the same providers and the 1990 Census's 88,799
  surnames;
- ``gazetteer_words.txt``: the gazetteer entries that are also common English words ("will",
  "mark", "grace", "church", "young"). A word is common English when three things hold:
  Webster's Second International (1934, public domain; the ``english-words`` package's
  ``web2`` list, which keeps proper nouns capitalised) has it in lower case; wordfreq puts it
  at Zipf frequency ``WORD_ZIPF`` or more in English; and it is at least ``ENGLISH_MARGIN``
  more frequent in English than the median of eight other European languages. Names are
  about as frequent in every language ("emma" 4.2 in English, 4.2 the median elsewhere), the
  words are not ("hope" 5.4 against 3.9). The dictionary alone would keep archaic nouns
  ("amy", "tom", "steven"); frequency alone would keep "sarah", frequent because it is a name.
  In lower case and without a name context these words are kept; capitalised they are
  redacted unless a determiner comes before them.

Entries are kept when they are two or more letters of the Latin script (hyphen and apostrophe
allowed) and not one of the study's own vocabulary (months, weekdays, LA names) which the
redactor treats as known words anyway.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# Faker locales whose names are written in the Latin script and are common in England.
LOCALES = [
    "en_GB",
    "en_IE",
    "ga_IE",
    "en_US",
    "en_IN",
    "en_PK",
    "en_NG",
    "ig_NG",
    "yo_NG",
    "ha_NG",
    "tw_GH",
    "en_KE",
    "sw",
    "zu_ZA",
    "pl_PL",
    "ro_RO",
    "lt_LT",
    "lv_LV",
    "pt_PT",
    "pt_BR",
    "es_ES",
    "it_IT",
    "fr_FR",
    "de_DE",
    "nl_NL",
    "tr_TR",
    "sk_SK",
    "cs_CZ",
    "hu_HU",
    "hr_HR",
    "sl_SI",
    "et_EE",
    "vi_VN",
    "id_ID",
    "sv_SE",
    "da_DK",
    "no_NO",
    "fi_FI",
    "sq_AL",
]
WORD_ZIPF = 3.0
ENGLISH_MARGIN = 0.5
OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "pl", "sv")
_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’-]+$")


def _faker_names(attr_prefixes: tuple[str, ...]) -> Iterator[str]:
    for locale in LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError:
            continue
        for attr in dir(provider):
            if not attr.startswith(attr_prefixes):
                continue
            value = getattr(provider, attr)
            if isinstance(value, dict):
                yield from value.keys()
            elif isinstance(value, (tuple, list)):
                yield from (v for v in value if isinstance(v, str))


def _census(file: str) -> Iterator[str]:
    import names  # the US Census Bureau's 1990 name files

    path = Path(names.__file__).parent / file
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            yield line.split()[0].title()


def _clean(found: Iterable[str]) -> set[str]:
    out = set()
    for name in found:
        name = name.strip()
        if _NAME.match(name) and "{" not in name:
            out.add(name)
    return out


def build() -> dict[str, int]:
    """Write the three gazetteer files; return how many entries each holds."""
    from english_words import get_english_words_set
    from wordfreq import zipf_frequency

    forenames = _clean(_faker_names(("first_name",)))
    forenames |= _clean(_census("dist.male.first")) | _clean(_census("dist.female.first"))
    surnames = _clean(_faker_names(("last_name", "unisex_last_names", "male_last_names")))
    surnames |= _clean(_faker_names(("female_last_names",)))
    surnames |= _clean(_census("dist.all.last"))
    web2 = get_english_words_set(["web2"])  # case kept: proper nouns are capitalised

    def english(word: str) -> bool:
        en = zipf_frequency(word, "en")
        if word not in web2 or en < WORD_ZIPF:
            return False
        others = sorted(zipf_frequency(word, lang) for lang in OTHER_LANGUAGES)
        return en - others[len(others) // 2] >= ENGLISH_MARGIN

    words = {n.lower() for n in forenames | surnames if english(n.lower())}
    header = (
        "# Built by `python -m oversight.ingest.gazetteer_build`; sources: gazetteer_SOURCES.md\n"
    )
    files = {
        "gazetteer_forenames.txt": sorted(forenames),
        "gazetteer_surnames.txt": sorted(surnames),
        "gazetteer_words.txt": sorted(words),
    }
    for name, entries in files.items():
        (DATA / name).write_text(header + "\n".join(entries) + "\n", "utf-8")
    return {name: len(entries) for name, entries in files.items()}


if __name__ == "__main__":
    for file, n in build().items():
        print(f"{file}: {n} entries")
