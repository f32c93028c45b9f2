"""Raw text files: decoding bytes strictly and splitting delimited text into records.

A byte-order mark wins over the configured encoding; a byte that does not decode, text that is
really UTF-16 read as one byte per character, and a quote that never closes are file-level
errors naming the row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from oversight.errors import ExtractError

# Generous but bounded: a single CSV field over 16 MB is a broken file, not data.
csv.field_size_limit(16 * 1024 * 1024)


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def detect_bom(data: bytes) -> str | None:
    """The encoding a byte-order mark declares, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def decode(data: bytes, encoding: str | None, file: str, config_ref: str = "") -> str:
    """Decode bytes strictly; a BOM wins over the configured encoding."""
    chosen = detect_bom(data) or encoding or "utf-8"
    try:
        text = data.decode(chosen)
    except LookupError as exc:
        raise ExtractError(
            file,
            f"unknown encoding {chosen!r}",
            expected="a Python codec name such as utf-8, utf-8-sig or cp1252",
            found=chosen,
            fix=f"correct encoding: in {config_ref}" if config_ref else "",
        ) from exc
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        suggestion = ""
        for candidate in ("cp1252", "utf-8"):
            if candidate == chosen:
                continue
            try:
                data.decode(candidate)
            except UnicodeDecodeError:
                continue
            suggestion = candidate
            break
        fix = (
            f"the file decodes as {suggestion}: set encoding: {suggestion}"
            if suggestion
            else "re-export the file as UTF-8"
        )
        if config_ref:
            fix += f" in {config_ref}"
        raise ExtractError(
            file,
            f"byte 0x{bad} at byte offset {exc.start} does not decode as {chosen}",
            expected=f"text in {chosen}",
            found=f"byte 0x{bad}",
            closest=f"{suggestion} decodes the whole file" if suggestion else "",
            fix=fix,
            row=row,
        ) from exc
    _refuse_wide_text(data, text, chosen, file, config_ref)
    return text


def _refuse_wide_text(data: bytes, text: str, chosen: str, file: str, config_ref: str) -> None:
    """Text that is one part in ten NUL is UTF-16 or UTF-32 read as a one-byte encoding: every
    header would look wrong, so say what the file really is instead."""
    nuls = text.count("\x00")
    if not nuls or nuls * 10 < len(text):
        return
    guess = next(
        (
            enc
            for enc in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
            if _decodes_without_nul(data, enc)
        ),
        "",
    )
    raise ExtractError(
        file,
        f"{nuls} of its {len(text)} characters are NUL: this is not {chosen} text",
        expected=f"text in {chosen}",
        found=f"text in {guess} without a byte-order mark" if guess else "NUL characters",
        fix=(f"set encoding: {guess} in {config_ref}, or " if guess and config_ref else "")
        + "re-export the file as UTF-8",
        row=text.count("\n", 0, text.index("\x00")) + 1,
    )


def _decodes_without_nul(data: bytes, encoding: str) -> bool:
    try:
        return "\x00" not in data.decode(encoding)
    except UnicodeDecodeError:
        return False


def read_delimited(text: str, delimiter: str = ",", file: str = "") -> list[list[str]]:
    """Split decoded CSV text into records (quoted newlines stay inside their field).

    A quote that is never closed would silently fold the rest of the file into one cell, so
    it is a file-level error naming the row where the quote opens. In a file whose lines end
    in LF or CRLF, a carriage return on its own is a character inside a cell, never the end
    of a record (:func:`_shield_lone_cr`).
    """
    text, shield = _shield_lone_cr(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[list[str]] = []
    start = last_start = 1
    try:
        for record in reader:
            records.append(record)
            last_start, start = start, reader.line_num + 1
    except csv.Error as exc:
        raise ExtractError(
            file,
            f"the text from line {start} cannot be split into cells ({exc})",
            expected='cells under 16 MB each, quotes (") in pairs',
            found=f"a cell from line {start} running to line {reader.line_num}",
            fix=f"a cell this long is a broken export, usually a quote that opens on line "
            f"{start} and never closes: correct it and re-export",
            row=start,
        ) from exc
    if reader.line_num > last_start:
        _refuse_open_quote(text, last_start, reader.line_num, file)
    if shield:
        records = [[cell.replace(shield, "\r") for cell in record] for record in records]
    return records


def _shield_lone_cr(text: str) -> tuple[str, str]:
    """Hide carriage returns that are not line endings from the csv module.

    Python's csv module ends a record at a lone CR (``\\r`` not followed by ``\\n``) outside
    quotes, and its line iterator splits there even inside quotes. A lone CR in an LF or CRLF
    file is a line break typed inside a cell (old Mac text pasted into a comment): splitting
    there cut one record in two, so ``rows_in`` counted phantom rows and the first part was
    judged as a short row (``'He' is not a known status``). Such CRs are swapped for a
    character the text does not contain and restored inside the cells after parsing; a file
    whose lines end in lone CRs (classic Mac) keeps them as line endings.

    Returns:
        The text to parse and the stand-in character ("" when nothing was swapped).
    """
    lone = text.count("\r") - text.count("\r\n")
    if not lone or lone > text.count("\n"):
        return text, ""
    shield = next(ch for ch in map(chr, range(0xE000, 0xF900)) if ch not in text)
    return re.sub("\r(?!\n)", shield, text), shield


def _refuse_open_quote(text: str, start: int, end: int, file: str) -> None:
    """The last record runs to the end of the file: an odd number of quotes means it opened a
    quote that never closed."""
    if text.count('"') % 2 == 0:
        return
    raise ExtractError(
        file,
        f'a quote (") on line {start} is never closed, so lines {start} to {end} would be '
        "read as one cell",
        expected="quotes in pairs around a cell",
        found=f"an unclosed quote on line {start}",
        fix=f"close or remove the quote on line {start} and re-export",
        row=start,
    )
