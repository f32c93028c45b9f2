"""What a message may show of a raw file: configured names are quoted, anything else is described.

A raw cell can hold a name, an email address, a phone number or a child's identifier, and the
messages built from cells travel further than the raw data: to the LA's quality page,
``rejects.csv``, ``ledger.csv``, ``notes.json`` and the job logs. So a file-level message quotes
a cell only when it equals (after :func:`oversight.ingest.normalise.norm_label`) a name the
configuration already holds, a header or a value label of that dataset; every other cell is
described by its length and position. A rejected value is shown only when it lies in its
column's known domain (decided in :mod:`oversight.ingest.validate`); otherwise by its length and a
mask in which digits become ``9``, letters ``A`` or ``a`` and punctuation stays, so that a data
lead can find the cell without the message repeating it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

# A mask longer than this is cut: its length is stated, and the start is enough to find it.
MASK_CHARS = 20
# A value in its column's domain is shown up to this length.
SHOWN_CHARS = 60
# C0/C1 control characters are never shown raw, so a message cannot drive a terminal.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _characters(n: int) -> str:
    return f"{n} character" + ("" if n == 1 else "s")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def mask(text: str, limit: int = MASK_CHARS) -> str:
    """The shape of ``text``: digits as 9, upper-case letters as A, other letters as a,
    spaces as spaces, control and invisible characters escaped, punctuation kept; cut after
    ``limit`` characters with ``...``.

    >>> mask("jane.smith@la.gov.uk")
    'aaaa.aaaaa@aa.aaa.aa'
    >>> mask("07700 900123")
    '99999 999999'
    """
    out = []
    for ch in text[:limit]:
        if ch.isdigit():
            out.append("9")
        elif ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        elif ch.isspace() and not CONTROL.match(ch):
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn"):
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out) + ("..." if len(text) > limit else "")


def describe_cell(text: str) -> str:
    """A cell by its length only, for file-level messages: ``text of 42 characters``."""
    return f"text of {_characters(len(text))}" if text.strip() else "a blank cell"


def described_value(text: str) -> str:
    """A rejected value outside its column's domain: its length and mask, in brackets, as
    ``value_shown`` holds it: ``(text of 31 characters: Aaaa.Aaaaa@aa.aaa.aa...)``."""
    return f"(text of {_characters(len(text))}: {mask(text)})"


def escaped(text: str, limit: int = SHOWN_CHARS) -> str:
    """A value that may be shown, with control characters escaped and cut after ``limit``."""
    text = CONTROL.sub(lambda m: _escape(m.group()), text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Where a library's error quotes the file's own text: in backticks or quotes.
_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"")
ERROR_CHARS = 200


def error_text(exc: BaseException) -> str:
    """A library's error about a file (calamine, lxml, zipfile), for a message: its type and
    text, with every quoted part described by its length, since parsers quote the file's own
    text there (``unrecognized entity `&JSmith;```), and cut after ``ERROR_CHARS``."""
    text = _QUOTED.sub(lambda m: f"<{_characters(len(m.group()) - 2)}>", str(exc))
    text = CONTROL.sub(" ", text)
    text = text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def label_names(spec: Mapping[str, Any], norm: Callable[[str], str]) -> set[str]:
    """The value labels a dataset's configuration lists (``values:`` and the survey scale's
    ``labels``), normalised: names a message may quote."""
    names = {
        norm(str(label))
        for mapping in (spec.get("values") or {}).values()
        if isinstance(mapping, Mapping)
        for label in mapping
    }
    names |= {norm(str(label)) for label in ((spec.get("scale") or {}).get("labels") or {})}
    return names


def column_ranges(columns: Iterable[int], limit: int = 8) -> str:
    """1-based columns or rows ``[2, 3, 4, 7]`` as ``2-4, 7`` (the first ``limit`` runs)."""
    runs: list[list[int]] = []
    for n in sorted(columns):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs[:limit])
    return text + (", ..." if len(runs) > limit else "")


def cell_shown(
    cell: str,
    column: int | None,
    quotable: Collection[str],
    norm: Callable[[str], str],
    noun: str = "header",
) -> str:
    """One cell of a header (or a row read as one) as a message may show it: quoted when the
    configuration names it, else ``an unrecognised header of 12 characters (column 3)``
    (``column`` is 1-based; None leaves the position out)."""
    if norm(cell) in quotable:
        return repr(cell)
    where = f" (column {column})" if column is not None else ""
    return f"an unrecognised {noun} of {_characters(len(cell))}{where}"


def cells_shown(
    cells: Sequence[str],
    quotable: Collection[str],
    norm: Callable[[str], str],
    noun: str = "header",
    limit: int = 12,
) -> str:
    """The non-blank cells of a row as a message may show them: the configured names quoted
    (at most ``limit``), the others counted with their columns and lengths, never quoted.

    ``cells`` are the whole row in column order (blank cells are skipped but keep their place).
    """
    named: list[str] = []
    other: list[tuple[int, str]] = []
    for i, cell in enumerate(cells, start=1):
        if not cell.strip():
            continue
        if norm(cell) in quotable:
            named.append(repr(cell))
        else:
            other.append((i, cell))
    parts = named[:limit] + ([f"{len(named) - limit} more"] if len(named) > limit else [])
    if len(other) == 1:
        parts.append(cell_shown(other[0][1], other[0][0], (), norm, noun))
    elif other:
        lengths = sorted(len(c) for _, c in other)
        span = (
            _characters(lengths[0])
            if lengths[0] == lengths[-1]
            else f"{lengths[0]} to {_characters(lengths[-1])}"
        )
        parts.append(
            f"{len(other)} unrecognised {noun}s (columns "
            f"{column_ranges(i for i, _ in other)}; {span} each; not quoted)"
        )
    if not parts:
        return "no cells"
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
