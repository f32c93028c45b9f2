"""Load, validate and compile the qualitative codebook (``config/codebook.yaml``).

The codebook is data: themes hold codes, and each code holds match rules (phrases, explicit
word forms, a few regular expressions, optional co-occurrence requirements and exclusions, and
how negation is treated). :func:`load_codebook` checks the whole file and raises
:class:`CodebookError` naming the code and rule at fault; the result holds compiled patterns
ready for :mod:`oversight.coding.coder`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from oversight.config import load_yaml
from oversight.errors import ConfigError

NegationMode = Literal["flag", "exclude", "require"]
NEGATION_MODES: tuple[str, ...] = ("flag", "exclude", "require")

REQUIRED_CODE_IDS: tuple[str, ...] = (
    "part1_family_reflection",
    "part2_practitioner_reflection",
    "recording_time",
    "recording_systems",
    "recording_confidence",
    "recording_expectations",
    "sar_data_protection",
    "manager_capacity",
    "caseload",
    "partner_attendance",
    "identity_inclusion",
    "drift_delay",
    "oversight_quality",
    "oversight_weak",
    "rationale_recorded",
    "rationale_missing",
)
"""Code ids other parts of the project rely on; :func:`check_required_codes` checks them."""

DEFAULT_CUES: tuple[str, ...] = ("no", "not", "never", "without", "n't", "lack of", "rarely")
DEFAULT_BOUNDARIES: tuple[str, ...] = ("but", "however", "although", "though", "whereas")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_RULE_KEYS = {"phrases", "words", "patterns", "requires", "unless", "negation"}
_TERM_KEYS = {"phrases", "words", "patterns"}
_CODE_KEYS = {"id", "label", "definition", "include", "exclude", "rules"}
_THEME_KEYS = {"id", "label", "codes", "description"}


class CodebookError(ValueError):
    """The codebook file is malformed; the message names the theme, code and rule."""


@dataclass(frozen=True)
class Terms:
    """A compiled alternation of phrases, word forms and patterns."""

    phrases: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self.regex.finditer(text) if self.regex is not None else ()

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.regex is not None else None

    def __bool__(self) -> bool:
        return self.regex is not None


@dataclass(frozen=True)
class Rule:
    """One rule block of a code."""

    terms: Terms
    requires: Terms = field(default_factory=Terms)
    unless: Terms = field(default_factory=Terms)
    negation: NegationMode = "flag"
    window: int = 5
    window_after: int = 3


@dataclass(frozen=True)
class Code:
    id: str
    theme: str
    label: str
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Negation:
    cues: tuple[str, ...] = DEFAULT_CUES
    boundaries: tuple[str, ...] = DEFAULT_BOUNDARIES
    window: int = 5
    window_after: int = 3


@dataclass(frozen=True)
class Codebook:
    themes: tuple[Theme, ...]
    codes: tuple[Code, ...]
    negation: Negation = field(default_factory=Negation)
    version: int = 1

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes)

    def code(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    def theme_of(self, code_id: str) -> str:
        return self.code(code_id).theme


def _term_regex(phrases: Iterable[str], words: Iterable[str]) -> str:
    alternatives = []
    for term in sorted({*phrases, *words}, key=lambda t: (-len(t), t)):
        parts = [re.escape(p) for p in term.split()]
        body = r"\s+".join(parts).replace("'", "['’]").replace(r"\-", r"[-\s]?")
        alternatives.append(body)
    return rf"(?<![\w'’-])(?:{'|'.join(alternatives)})(?![\w-])" if alternatives else ""


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise CodebookError(f"{where}: '{key}' must be a list of strings, got {value!r}")
    out = []
    for item in value:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise CodebookError(
                f"{where}: '{key}' holds a non-string entry {item!r}"
                " (quote it: YAML reads no/yes/on/off as booleans)"
            )
        text = str(item).strip()
        if not text:
            raise CodebookError(f"{where}: '{key}' holds an empty entry")
        out.append(text)
    return tuple(out)


def _terms(spec: Any, where: str, key: str) -> Terms:
    """Terms from a list of words/phrases or a mapping of phrases/words/patterns."""
    if spec is None:
        return Terms()
    if isinstance(spec, list):
        items = _strings(spec, where, key)
        spec = {
            "phrases": [t for t in items if len(t.split()) > 1],
            "words": [t for t in items if len(t.split()) == 1],
        }
    if not isinstance(spec, Mapping):
        raise CodebookError(f"{where}: '{key}' must be a list or a mapping, got {spec!r}")
    unknown = set(spec) - _TERM_KEYS
    if unknown:
        raise CodebookError(f"{where}: '{key}' has unknown keys {sorted(unknown)}")
    return _compile_terms(spec, where, key)


def _compile_terms(spec: Mapping[str, Any], where: str, key: str) -> Terms:
    phrases = _strings(spec.get("phrases"), where, f"{key}.phrases" if key else "phrases")
    words = _strings(spec.get("words"), where, f"{key}.words" if key else "words")
    patterns = _strings(spec.get("patterns"), where, f"{key}.patterns" if key else "patterns")
    for w in words:
        if len(w.split()) > 1:
            raise CodebookError(f"{where}: word {w!r} has a space; put it under 'phrases'")
    parts = []
    literal = _term_regex(phrases, words)
    if literal:
        parts.append(literal)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CodebookError(f"{where}: invalid pattern {pattern!r}: {exc}") from None
        parts.append(f"(?:{pattern})")
    if not parts:
        return Terms()
    regex = re.compile("|".join(parts), re.IGNORECASE)
    if regex.search("") is not None:
        raise CodebookError(f"{where}: a pattern matches the empty string")
    return Terms(phrases, words, patterns, regex)


def _negation_spec(value: Any, where: str, defaults: Negation) -> tuple[str, int, int]:
    mode, window, after = "flag", defaults.window, defaults.window_after
    if value is None:
        return mode, window, after
    if isinstance(value, str):
        value = {"mode": value}
    if not isinstance(value, Mapping):
        raise CodebookError(f"{where}: 'negation' must be a mode or a mapping, got {value!r}")
    unknown = set(value) - {"mode", "window", "window_after"}
    if unknown:
        raise CodebookError(f"{where}: 'negation' has unknown keys {sorted(unknown)}")
    mode = value.get("mode", mode)
    if mode not in NEGATION_MODES:
        raise CodebookError(
            f"{where}: negation mode must be one of {list(NEGATION_MODES)}, got {mode!r}"
        )
    for name in ("window", "window_after"):
        v = value.get(name)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            raise CodebookError(f"{where}: negation {name} must be a non-negative integer")
    window = value.get("window", window)
    after = value.get("window_after", after)
    return mode, window, after


def _rule(spec: Any, where: str, defaults: Negation) -> Rule:
    if not isinstance(spec, Mapping):
        raise CodebookError(f"{where}: a rule must be a mapping, got {spec!r}")
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise CodebookError(f"{where}: unknown keys {sorted(unknown)}")
    terms = _compile_terms(spec, where, "")
    if not terms:
        raise CodebookError(f"{where}: the rule has no phrases, words or patterns")
    requires = _terms(spec.get("requires"), where, "requires")
    unless = _terms(spec.get("unless"), where, "unless")
    mode, window, after = _negation_spec(spec.get("negation"), where, defaults)
    return Rule(terms, requires, unless, mode, window, after)  # type: ignore[arg-type]


def _text(value: Any, where: str, key: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise CodebookError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def parse_codebook(data: Any, source: str = "codebook") -> Codebook:
    """Validate a codebook already read from YAML and compile its rules."""
    if not isinstance(data, Mapping):
        raise CodebookError(f"{source}: the codebook must be a mapping")
    neg = data.get("negation") or {}
    if not isinstance(neg, Mapping):
        raise CodebookError(f"{source}: 'negation' must be a mapping")
    negation = Negation(
        cues=_strings(neg.get("cues"), f"{source}: negation", "cues") or DEFAULT_CUES,
        boundaries=_strings(neg.get("boundaries"), f"{source}: negation", "boundaries")
        or DEFAULT_BOUNDARIES,
        window=int(neg.get("window", 5)),
        window_after=int(neg.get("window_after", 3)),
    )
    themes_spec = data.get("themes")
    if not isinstance(themes_spec, list) or not themes_spec:
        raise CodebookError(f"{source}: 'themes' must be a non-empty list")
    themes: list[Theme] = []
    codes: list[Code] = []
    seen: set[str] = set()
    for t_index, theme in enumerate(themes_spec):
        if not isinstance(theme, Mapping):
            raise CodebookError(f"{source}: theme #{t_index + 1} must be a mapping")
        theme_id = theme.get("id")
        where_t = f"theme {theme_id!r}" if theme_id else f"theme #{t_index + 1}"
        if not isinstance(theme_id, str) or not _ID.match(theme_id):
            raise CodebookError(f"{where_t}: 'id' must be a lower_snake_case identifier")
        unknown = set(theme) - _THEME_KEYS
        if unknown:
            raise CodebookError(f"{where_t}: unknown keys {sorted(unknown)}")
        if theme_id in seen:
            raise CodebookError(f"{where_t}: duplicate id")
        seen.add(theme_id)
        code_specs = theme.get("codes")
        if not isinstance(code_specs, list) or not code_specs:
            raise CodebookError(f"{where_t}: 'codes' must be a non-empty list")
        ids = []
        for c_index, spec in enumerate(code_specs):
            code = _code(spec, theme_id, f"{where_t}, code #{c_index + 1}", negation)
            if code.id in seen:
                raise CodebookError(f"code {code.id!r}: duplicate id")
            seen.add(code.id)
            ids.append(code.id)
            codes.append(code)
        themes.append(Theme(theme_id, _text(theme.get("label"), where_t, "label"), tuple(ids)))
    return Codebook(tuple(themes), tuple(codes), negation, int(data.get("version", 1)))


def _code(spec: Any, theme_id: str, where: str, negation: Negation) -> Code:
    if not isinstance(spec, Mapping):
        raise CodebookError(f"{where}: a code must be a mapping")
    code_id = spec.get("id")
    if not isinstance(code_id, str) or not _ID.match(code_id):
        raise CodebookError(f"{where}: 'id' must be a lower_snake_case identifier")
    where = f"code {code_id!r}"
    unknown = set(spec) - _CODE_KEYS
    if unknown:
        raise CodebookError(f"{where}: unknown keys {sorted(unknown)}")
    rules_spec = spec.get("rules")
    if isinstance(rules_spec, Mapping):
        rules_spec = [rules_spec]
    if not isinstance(rules_spec, list) or not rules_spec:
        raise CodebookError(f"{where}: 'rules' must be a rule mapping or a non-empty list")
    rules = tuple(_rule(r, f"{where}, rule {i + 1}", negation) for i, r in enumerate(rules_spec))
    include = _strings(spec.get("include"), where, "include")
    exclude = _strings(spec.get("exclude"), where, "exclude")
    if not include:
        raise CodebookError(f"{where}: 'include' needs at least one example")
    return Code(
        id=code_id,
        theme=theme_id,
        label=_text(spec.get("label"), where, "label"),
        definition=_text(spec.get("definition"), where, "definition"),
        include=include,
        exclude=exclude,
        rules=rules,
    )


def load_codebook(path: str | Path) -> Codebook:
    """Read, validate and compile a codebook YAML file.

    Raises:
        CodebookError: On malformed YAML or any invalid theme, code or rule.
    """
    path = Path(path)
    try:
        data = load_yaml(path)
    except ConfigError as exc:
        raise CodebookError(str(exc)) from None
    return parse_codebook(data, str(path))


def check_required_codes(codebook: Codebook, required: Iterable[str] = REQUIRED_CODE_IDS) -> None:
    """Raise :class:`CodebookError` if any of ``required`` code ids is missing."""
    missing = sorted(set(required) - set(codebook.code_ids))
    if missing:
        raise CodebookError(f"codebook lacks required codes: {', '.join(missing)}")
