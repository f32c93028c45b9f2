"""Identifiers as one person or child is known across files, formats and systems.

An identifier cell is made *canonical* before it is validated or pseudonymised, and both steps
see the same canonical text, so one worker is one pseudonym whatever file carried them:

- a leading apostrophe (Excel's "store as text" prefix) and surrounding spaces are removed;
- invisible and format characters (Unicode category Cf: soft hyphen, zero-width marks,
  invisible separators, direction marks, BOM) are removed;
- Unicode NFKC makes full-width and other compatibility forms plain (``１２３`` -> ``123``);
- a number a spreadsheet stored as ``123.0`` loses the ``.0``; an all-digit value shorter
  than the width the LA declares for that kind of identifier gets its leading zeros back.

Case never distinguishes identifiers (pseudonyms are taken of the case-folded text).

Three things make an identifier unusable (row-level rules in :mod:`oversight.ingest.validate`):
a placeholder such as ``NULL`` or ``#N/A`` (``placeholder_id``; the list is
``data/id_placeholders.txt``), letters from two scripts such as a Cyrillic ``Е`` in a Latin
ID (``mixed_script_id``), and a value that does not fit the pattern the LA declares under
``identifiers:`` in its configuration (``id_pattern``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.errors import ConfigError

KINDS = ("worker", "child", "respondent", "audit", "speaker")
# Excel's text prefix (and its curly forms from word processors) and any spaces around it.
_LEADING = re.compile(r"^[\s'\u2018\u2019`]+")
_SPREADSHEET_FLOAT = re.compile(r"^(\d+)\.0+$")
_ZEROS = re.compile(r"^0+$")


@dataclass(frozen=True)
class IdRule:
    """What an LA declares about one kind of identifier (``identifiers.<kind>``)."""

    kind: str
    pattern: re.Pattern[str] | None = None
    width: int | None = None
    description: str = ""
    ref: str = ""  # the configuration line, for messages

    def describe(self) -> str:
        """The pattern in words for messages (the LA's own description when it gives one)."""
        if self.description:
            return self.description
        return f"pattern {self.pattern.pattern}" if self.pattern else "any value"


@cache
def placeholders() -> frozenset[str]:
    """Case-folded placeholder values from ``data/id_placeholders.txt``."""
    text = (
        resources.files("oversight.ingest").joinpath("data/id_placeholders.txt").read_text("utf-8")
    )
    lines = (line.strip() for line in text.splitlines())
    # '#N/A' is data: a comment is a '#' followed by a space (or a '#' alone).
    return frozenset(
        line.casefold() for line in lines if line and line != "#" and not line.startswith("# ")
    )


def _drop_format_chars(value: str) -> str:
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf")


def clean(value: str) -> str:
    """An identifier without its invisible, compatibility and spreadsheet noise.

    Format characters go first so NFKC composes what they separated, and again after it
    in case a compatibility form expanded to one; the result is stable under ``clean``.
    """
    if value.isascii():  # no format characters, and NFKC leaves ASCII as it is
        return _LEADING.sub("", value).strip()
    text = unicodedata.normalize("NFKC", _drop_format_chars(value))
    text = _LEADING.sub("", _drop_format_chars(text))
    return text.strip()


def is_placeholder(value: str) -> bool:
    """True for a cleaned value that stands for "no identifier"."""
    if value.isalnum():  # the usual identifier: one word, so nothing to collapse
        folded = value.casefold()
        return folded in placeholders() or _ZEROS.match(folded) is not None
    folded = " ".join(value.casefold().split())
    if folded in placeholders() or _ZEROS.match(folded):
        return True
    return not any(ch.isalnum() for ch in folded)


def restore_zeros(value: str, width: int | None) -> str:
    """``123.0`` -> ``123``; an all-digit value shorter than ``width`` is zero-padded to it."""
    match = _SPREADSHEET_FLOAT.match(value)
    if match:
        value = match.group(1)
    if width and value.isascii() and value.isdigit() and len(value) < width:
        value = value.zfill(width)
    return value


def canonical(value: str, rule: IdRule | None = None) -> str:
    """The identifier every step of ingest sees (idempotent: canonical(canonical(x)) == x).

    A placeholder is cleaned but never zero-padded, so ``0`` stays a placeholder.
    Validation and pseudonymisation both ask for the same values: each is worked out once.
    """
    width = rule.width if rule else None
    found = _CANONICAL.get((value, width))
    if found is None:
        text = clean(value)
        if text and not is_placeholder(text):
            text = restore_zeros(text, width)
        if len(_CANONICAL) > CANONICAL_MEMO:
            _CANONICAL.clear()
        _CANONICAL[(value, width)] = found = text
    return found


# Canonical forms already worked out, by (value, declared width); cleared when this large.
CANONICAL_MEMO = 500_000
_CANONICAL: dict[tuple[str, int | None], str] = {}


def canonical_series(values: pd.Series, rule: IdRule | None = None) -> tuple[pd.Series, int]:
    """:func:`canonical` over a column (blank -> missing), and how many cells got zeros back
    or lost a spreadsheet ``.0``. Each distinct value is handled once."""
    text = values.astype("string")
    uniques = text.dropna().unique()
    mapping = {v: canonical(v, rule) for v in uniques}
    out = text.map(mapping, na_action="ignore").astype("string")
    out = out.mask(out.eq("").fillna(False).astype(bool))
    restored = {v for v, c in mapping.items() if c and clean(v) != c}
    return out, int(text.isin(restored).sum())


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, GREEK ...)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


def foreign_letters(value: str) -> list[str]:
    """Letters of another script inside a Latin identifier (empty when there are none).

    An identifier "mixes scripts" when it holds a Latin letter or an ASCII digit and also a
    letter of another script: ``Е456388`` with a Cyrillic ``Е`` looks like ``E456388`` but
    would become a different person. A name written wholly in one other script is not mixed.
    """
    if value.isascii():  # every ASCII letter is Latin
        return []
    latin = any((ch.isascii() and ch.isalnum()) or _script(ch) == "LATIN" for ch in value)
    if not latin:
        return []
    return [ch for ch in value if ch.isalpha() and _script(ch) != "LATIN"]


def is_mixed(value: str) -> bool:
    return bool(foreign_letters(value))


def fits(value: str, rule: IdRule | None) -> bool:
    """Whether a canonical identifier fits the LA's declared pattern (case does not matter)."""
    if rule is None or rule.pattern is None:
        return True
    return rule.pattern.fullmatch(value) is not None


def shape(value: str) -> str:
    """An identifier described without quoting it: ``7 characters, letters and digits``."""
    kinds = []
    if any(ch.isalpha() for ch in value):
        kinds.append("letters")
    if any(ch.isdigit() for ch in value):
        kinds.append("digits")
    if any(ch.isspace() for ch in value):
        kinds.append("spaces")
    if any(not (ch.isalnum() or ch.isspace()) for ch in value):
        kinds.append("other signs")
    what = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    n = len(value)
    return f"{n} character{'s' if n != 1 else ''}" + (f", {what}" if what else "")


def describe_letters(letters: list[str]) -> str:
    """Foreign letters as code points and names (safe to show: a letter is not an ID)."""
    found = list(dict.fromkeys(letters))
    shown = [f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in found[:3]]
    return ", ".join(shown) + (" ..." if len(found) > 3 else "")


def rules_from_config(config: dict[str, Any], path: str | Path) -> dict[str, IdRule]:
    """The ``identifiers:`` block of an authority configuration as rules by kind.

    Raises:
        ConfigError: A pattern that is not a valid regular expression, naming its line.
    """
    from oversight.config import config_ref  # config imports this module

    out: dict[str, IdRule] = {}
    for kind, spec in (config.get("identifiers") or {}).items():
        pattern = None
        if spec.get("pattern"):
            try:
                pattern = re.compile(spec["pattern"], re.IGNORECASE)
            except re.error as exc:
                ref = config_ref(path, ["identifiers", kind, "pattern"])
                raise ConfigError(
                    f"{ref}: not a valid regular expression ({exc}); write the pattern of "
                    f"this LA's {kind} identifiers, such as '[A-Z][0-9]{{6}}'"
                ) from None
        out[kind] = IdRule(
            kind,
            pattern,
            spec.get("width"),
            spec.get("description", ""),
            config_ref(path, ["identifiers", kind]),
        )
    return out


def normalise_frame(
    frame: pd.DataFrame,
    fields: dict[str, dict[str, Any]],
    headers: dict[str, str],
    rules: dict[str, IdRule],
) -> tuple[pd.DataFrame, list[str]]:
    """Every identifier column of a mapped text frame made canonical, and notes counting the
    numbers whose spreadsheet form was undone (lost leading zeros, a trailing ``.0``)."""
    out = frame.copy()
    notes = []
    for name, meta in fields.items():
        if meta["type"] != "identifier" or name not in out:
            continue
        rule = rules.get(meta["kind"])
        out[name], n = canonical_series(out[name], rule)
        if n:
            width = rule.width if rule else None
            read = f"read as {width}-digit identifiers" if width else "read without the '.0'"
            notes.append(
                f"{n} {meta['kind']} identifiers in {headers.get(name, name)!r} were numbers "
                f"as a spreadsheet stores them (leading zeros lost or a trailing '.0'): {read}"
            )
    return out, notes
