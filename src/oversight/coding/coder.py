"""Rule-based coding of free text against the codebook.

Text units (a transcript turn, a survey comment, an Ofsted report section) are split into
sentences and each sentence is matched against every code's rules. The output is one coded
segment per (unit, sentence, code): the first accepted match, with its character offsets in the
unit text, the matched words (``evidence``) and whether it was negated.

Everything here is a pure function on strings and DataFrames.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.coding.codebook import Codebook, Negation, Rule

SEGMENT_COLUMNS: tuple[str, ...] = (
    "source",
    "la_code",
    "source_file",
    "source_row",
    "unit_id",
    "role",
    "sentence_index",
    "sentence_start",
    "sentence_end",
    "span_start",
    "span_end",
    "code",
    "theme",
    "evidence",
    "negated",
)
UNIT_COLUMNS: tuple[str, ...] = (
    "source",
    "la_code",
    "source_file",
    "source_row",
    "unit_id",
    "role",
    "section",
    "text",
)

_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "etc",
        "vs",
        "cf",
        "approx",
        "para",
        "fig",
        "ref",
        "nb",
    }
)
_END = re.compile(r"[.!?]+[\"'’”)\]]*(?=\s)|[.!?]+[\"'’”)\]]*$")
# List bullets, with the private-use glyphs (Wingdings, Symbol) PDF text extraction leaves.
_BULLETS = "◼•▪●■*–\\-\uf06e\uf0a7\uf0b7\uf0d8"
_HARD_BREAK = re.compile(rf"\n[ \t]*\n\s*|\n(?=[ \t]*[{_BULLETS}][ \t])")
_LEADER = re.compile(rf"[ \t\r\n]*(?:(?:[{_BULLETS}]|\d{{1,3}}[.)])[ \t\r\n]+)?")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[,;:()–—]")
_PUNCT = frozenset(",;:()–—")


# --------------------------------------------------------------------------- sentences


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, trimmed of whitespace and list markers.

    Splits at ``.``/``!``/``?`` followed by whitespace and a character that is not lower
    case (not after common abbreviations or a paragraph number such as ``12.``), at blank
    lines and before bulleted lines. Line breaks inside a sentence (wrapped PDF text) do not
    split it. Offsets index the original string.
    """
    if not text:
        return []
    cuts = {0, len(text)}
    for m in _HARD_BREAK.finditer(text):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in _END.finditer(text):
        before = re.search(r"([\w.]+)$", text[: m.start()])
        word = before.group(1).lower() if before else ""
        if m.group().startswith(".") and (word in _ABBREVIATIONS or word.isdigit()):
            continue
        rest = text[m.end() :].lstrip()
        if rest[:1].islower():
            continue
        cuts.add(m.end())
    spans = []
    ordered = sorted(cuts)
    for start, end in itertools.pairwise(ordered):
        lead = _LEADER.match(text, start, end)
        s = lead.end() if lead else start
        e = end
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and re.search(r"[^\W\d_]", text[s:e]):
            spans.append((s, e))
    return spans


# --------------------------------------------------------------------------- negation


@dataclass(frozen=True)
class _NegationIndex:
    single: frozenset[str]
    multi: tuple[tuple[str, ...], ...]
    boundaries: frozenset[str]

    @classmethod
    def of(cls, negation: Negation) -> _NegationIndex:
        single = {c.lower() for c in negation.cues if len(c.split()) == 1 and c != "n't"}
        multi = tuple(tuple(c.lower().split()) for c in negation.cues if len(c.split()) > 1)
        return cls(frozenset(single), multi, frozenset(b.lower() for b in negation.boundaries))

    def is_cue(self, words: Sequence[str], first: int = 0) -> bool:
        """Whether a cue ends at a position >= ``first`` in ``words``."""
        for i, w in enumerate(words):
            if i >= first and (w in self.single or w.endswith("n't")):
                return True
            for cue in self.multi:
                if i + len(cue) - 1 >= first and tuple(words[i : i + len(cue)]) == cue:
                    return True
        return False


def _tokens(sentence: str) -> list[tuple[int, int, str]]:
    return [
        (m.start(), m.end(), m.group().lower().replace("’", "'")) for m in _TOKEN.finditer(sentence)
    ]


def _window(tokens: Iterable[tuple[int, int, str]], size: int, index: _NegationIndex) -> list[str]:
    words: list[str] = []
    for _s, _e, tok in tokens:
        if tok in _PUNCT or tok in index.boundaries or len(words) >= size:
            break
        words.append(tok)
    return words


def _negated(
    tokens: list[tuple[int, int, str]],
    start: int,
    end: int,
    index: _NegationIndex,
    window: int,
    window_after: int,
) -> bool:
    before = [t for t in tokens if t[1] <= start]
    after = [t for t in tokens if t[0] >= end]
    # Words before the match, nearest last; one extra so that a two-word cue ("lack of")
    # ending inside the window is seen whole.
    longest = max((len(c) for c in index.multi), default=1)
    pre = list(reversed(_window(reversed(before), window + longest - 1, index)))
    first_inside = max(0, len(pre) - window)
    if index.is_cue(pre, first_inside):
        return True
    return index.is_cue(_window(after, window_after, index))


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    """A code found in a sentence: offsets are relative to the sentence."""

    code: str
    theme: str
    start: int
    end: int
    evidence: str
    negated: bool


def _apply_rule(
    sentence: str, tokens: list[tuple[int, int, str]], rule: Rule, index: _NegationIndex
) -> tuple[re.Match[str], bool] | None:
    if rule.unless and rule.unless.search(sentence):
        return None
    for m in rule.terms.finditer(sentence):
        negated = _negated(tokens, m.start(), m.end(), index, rule.window, rule.window_after)
        if rule.requires:
            req = next(
                (
                    r
                    for r in rule.requires.finditer(sentence)
                    if r.end() <= m.start() or r.start() >= m.end()
                ),
                None,
            )
            if req is None:
                return None
            negated = negated or _negated(
                tokens, req.start(), req.end(), index, rule.window, rule.window_after
            )
        if rule.negation == "exclude" and negated:
            continue
        if rule.negation == "require" and not negated:
            continue
        return m, negated
    return None


def code_sentence(sentence: str, codebook: Codebook) -> list[Match]:
    """Every code the sentence gets, in codebook order (one match per code)."""
    index = _NegationIndex.of(codebook.negation)
    tokens = _tokens(sentence)
    out = []
    for code in codebook.codes:
        for rule in code.rules:
            hit = _apply_rule(sentence, tokens, rule, index)
            if hit is not None:
                m, negated = hit
                out.append(Match(code.id, code.theme, m.start(), m.end(), m.group(), negated))
                break
    return out


def code_text(text: str, codebook: Codebook) -> list[tuple[int, int, int, Match]]:
    """``(sentence_index, sentence_start, sentence_end, match)`` for every code in ``text``."""
    out = []
    for i, (s, e) in enumerate(split_sentences(text)):
        for match in code_sentence(text[s:e], codebook):
            out.append((i, s, e, match))
    return out


# --------------------------------------------------------------------------- units


def _col(df: pd.DataFrame, name: str, default: object = pd.NA) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index, dtype="object")


def _unit_frame(
    df: pd.DataFrame,
    source: str,
    text: pd.Series,
    role: pd.Series,
    section: pd.Series,
    rows: pd.Series,
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "source": source,
            "la_code": _col(df, "la_code").astype("string").to_numpy(),
            "source_file": _col(df, "source_file").astype("string").to_numpy(),
            "source_row": pd.array(rows.to_numpy(), dtype="Int64"),
            "role": role.astype("string").to_numpy(),
            "section": section.astype("string").to_numpy(),
            "text": text.astype("string").to_numpy(),
        }
    )
    out["source"] = out["source"].astype("string")
    keys = [
        f"{source}:{la}:{f}:{r}" + (f":{sec}" if pd.notna(sec) else "")
        for la, f, r, sec in zip(
            out["la_code"], out["source_file"], out["source_row"], out["section"], strict=True
        )
    ]
    out.insert(4, "unit_id", pd.array(keys, dtype="string"))
    out = out[out["text"].notna() & (out["text"].str.strip() != "")]
    return out.loc[:, list(UNIT_COLUMNS)].reset_index(drop=True)


def units_from_transcripts(
    transcripts: pd.DataFrame, skip_roles: Iterable[str] = ("facilitator",)
) -> pd.DataFrame:
    """Transcript turns as text units (facilitators' turns left out by default)."""
    df = transcripts[~transcripts["speaker_role"].isin(list(skip_roles))]
    return _unit_frame(
        df, "transcript", df["text"], df["speaker_role"], _col(df, "_none"), df["source_row"]
    )


def units_from_survey(survey: pd.DataFrame) -> pd.DataFrame:
    """Survey free-text answers (rows with ``item_id == "free_text"``) as text units."""
    df = survey[survey["item_id"] == "free_text"]
    return _unit_frame(
        df, "survey", df["free_text"], _col(df, "role"), _col(df, "_none"), df["source_row"]
    )


def units_from_inspections(inspections: pd.DataFrame) -> pd.DataFrame:
    """Ofsted report sections as text units; ``source_row`` is the row's position."""
    df = inspections.reset_index(drop=True)
    rows = _col(df, "source_row", None)
    if "source_row" not in df.columns:
        rows = pd.Series(np.arange(len(df)), index=df.index)
    return _unit_frame(df, "ofsted", df["text"], _col(df, "_none"), df["section"], rows)


def code_units(units: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Coded segments (columns :data:`SEGMENT_COLUMNS`) for a frame of text units."""
    records = []
    for unit in units.itertuples(index=False):
        text = unit.text
        if not isinstance(text, str) or not text:
            continue
        for i, s, e, m in code_text(text, codebook):
            records.append(
                (
                    unit.source,
                    unit.la_code,
                    unit.source_file,
                    unit.source_row,
                    unit.unit_id,
                    unit.role,
                    i,
                    s,
                    e,
                    s + m.start,
                    s + m.end,
                    m.code,
                    m.theme,
                    m.evidence,
                    m.negated,
                )
            )
    out = pd.DataFrame.from_records(records, columns=list(SEGMENT_COLUMNS))
    for name in (
        "source",
        "la_code",
        "source_file",
        "unit_id",
        "role",
        "code",
        "theme",
        "evidence",
    ):
        out[name] = out[name].astype("string")
    for name in (
        "source_row",
        "sentence_index",
        "sentence_start",
        "sentence_end",
        "span_start",
        "span_end",
    ):
        out[name] = out[name].astype("Int64")
    out["negated"] = out["negated"].astype(bool)
    return out


# --------------------------------------------------------------------------- summaries


def code_frequencies(
    segments: pd.DataFrame,
    by: str | Sequence[str] = "la_code",
    units: pd.DataFrame | None = None,
    include_negated: bool = True,
) -> pd.DataFrame:
    """Segments and units coded with each code, by the given column(s).

    ``by`` is any segment column, typically ``"la_code"``, ``"role"`` or ``"source"``. With
    ``units`` the table also gives ``units_total`` (units in the group) and ``share``
    (``n_units / units_total``). ``include_negated=False`` drops negated matches - note that
    every ``rationale_missing`` match from a negation rule is negated.
    """
    keys = [by] if isinstance(by, str) else list(by)
    seg = segments if include_negated else segments[~segments["negated"]]
    grouped = seg.groupby([*keys, "code"], dropna=False, observed=True)
    out = grouped.agg(n_segments=("unit_id", "size"), n_units=("unit_id", "nunique"))
    out = out.reset_index()
    if units is not None:
        totals = units.groupby(keys, dropna=False).size().rename("units_total").reset_index()
        out = out.merge(totals, on=keys, how="left")
        out["share"] = out["n_units"] / out["units_total"]
    return out.sort_values([*keys, "code"]).reset_index(drop=True)


def cooccurrence(segments: pd.DataFrame, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Codes x codes: how many units carry both codes (the diagonal: units with the code)."""
    present = segments[["unit_id", "code"]].drop_duplicates()
    codes = list(codes) if codes is not None else sorted(present["code"].unique())
    if present.empty:
        return pd.DataFrame(0, index=codes, columns=codes)
    matrix = pd.crosstab(present["unit_id"], present["code"]).reindex(columns=codes, fill_value=0)
    values = (matrix.to_numpy() > 0).astype(int)
    out = pd.DataFrame(values.T @ values, index=codes, columns=codes)
    out.index.name = out.columns.name = "code"
    return out
