"""Readers: every raw extract to a table of text, with the row numbers a person would see.

Nothing is coerced here. CSV is decoded with the encoding from its BOM or the configuration,
and a byte that does not decode is a file-level error naming the byte and row. Spreadsheet
cells are rendered to text canonically (date cells as ISO dates, whole numbers without ``.0``)
so that later parsing sees one spelling per value. Parsing and validation happen downstream.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook
from rapidfuzz import process

from oversight import archives, rawpaths
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
# How far down a sheet to look for a header row when it is not declared.
HEADER_SEARCH_ROWS = 30


@dataclass
class RawTable:
    """One extract as text.

    ``rows`` has one string column per header cell (positionally named ``c0, c1, ...``) and is
    indexed by ``source_row``: the 1-based row number in the file, header and title rows
    included, as a person counts rows in a spreadsheet or text editor.
    """

    file: str
    header: list[str]
    header_row: int
    rows: pd.DataFrame
    blank_rows: int = 0
    # Rows with more non-blank cells than the header has columns: rejected, never truncated.
    overlong_rows: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return len(self.rows) + len(self.overlong_rows)


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
    it is a file-level error naming the row where the quote opens.
    """
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
    return records


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


def _cell_text(value: object) -> str:
    """Render one spreadsheet cell as text, one spelling per value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def pick_sheet(
    names: list[str], sheet: str | None, pattern: str | None, file: str, config_ref: str = ""
) -> str:
    """The sheet named in the configuration, or the one matching its pattern."""
    if not names:
        raise ExtractError(
            file,
            "the workbook has no sheets",
            expected="a workbook with the extract on a sheet",
            fix="re-save the file from the spreadsheet program, or export the sheet as CSV",
        )
    if sheet is not None:
        if sheet in names:
            return sheet
        closest = process.extractOne(sheet, names)
        raise ExtractError(
            file,
            f"no sheet called {sheet!r}",
            expected=f"a sheet named {sheet!r}",
            found="sheets " + ", ".join(repr(n) for n in names),
            closest=repr(closest[0]) if closest else "",
            fix=f"set sheet: to the right name in {config_ref}" if config_ref else "",
        )
    if pattern is not None:
        matches = [n for n in names if re.search(pattern, n)]
        if len(matches) == 1:
            return matches[0]
        raise ExtractError(
            file,
            f"sheet_pattern {pattern!r} matches {len(matches)} sheets",
            expected="exactly one matching sheet",
            found="sheets " + ", ".join(repr(n) for n in names),
            fix=f"make sheet_pattern: match one sheet in {config_ref}" if config_ref else "",
        )
    return names[0]


def read_workbook(
    path: Path, sheet: str | None, pattern: str | None, file: str, config_ref: str = ""
) -> tuple[list[list[str]], list[str]]:
    """Read one sheet of an xlsx or ods workbook as text rows; also describe merged cells.

    Calamine reads the file without evaluating formulas or running macros; a zip bomb is
    refused before calamine inflates anything (:mod:`oversight.archives`).
    """
    refuse_unsafe_zip(path, file, "workbook")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise ExtractError(
            file,
            f"cannot be opened as a workbook ({type(exc).__name__}: {exc})",
            expected="an .xlsx or .ods workbook",
            fix="re-save the file from the spreadsheet program, or check format: in the config",
        ) from exc
    name = pick_sheet(list(book.sheet_names), sheet, pattern, file, config_ref)
    try:  # the sheet's XML is only read here: a corrupt or forged part fails now
        sheet_obj = book.get_sheet_by_name(name)
        values = sheet_obj.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's XmlError, ZipError, ...
        raise ExtractError(
            file,
            f"sheet {name!r} cannot be opened as a workbook sheet ({type(exc).__name__}: {exc})",
            expected="an .xlsx or .ods workbook",
            fix="re-save the file from the spreadsheet program, or export the sheet as CSV",
        ) from exc
    rows = [[_cell_text(v) for v in row] for row in values]
    merged: list[str] = []
    try:
        for (r0, c0), (r1, c1) in sheet_obj.merged_cell_ranges or []:
            merged.append(
                f"row {r0 + 1} columns {c0 + 1}-{c1 + 1}" if r0 == r1 else f"rows {r0 + 1}-{r1 + 1}"
            )
    except (TypeError, ValueError):  # ods has no merged-range metadata in calamine
        merged = []
    return rows, merged


def refuse_unsafe_zip(path: Path, file: str, kind: str) -> None:
    """An office file that could exhaust memory when opened is a file-level error."""
    try:
        archives.check_zip(path)
    except archives.ArchiveRefused as exc:
        raise ExtractError(
            file,
            f"the {kind} is refused unopened: {exc}",
            expected=f"a {kind} as a spreadsheet or word processor saves it",
            fix="open the file and save it again, or export the data as CSV; if this is the "
            "file as the system wrote it, tell the study team",
        ) from exc


def wordy(cells: list[str]) -> list[str]:
    """The cells without digits: text that cannot be an identifier, date or count."""
    return [c for c in cells if not any(ch.isdigit() for ch in c)]


def headers_shown(cells: list[str], known_row: bool) -> str:
    """Header cells as a message may quote them.

    A row holding no configured header may be data (a wrong ``header_row``, a file without a
    header): its cells with digits (identifiers, dates, counts) are counted, never quoted.
    """
    shown = cells if known_row else wordy(cells)
    text = ", ".join(repr(c) for c in shown)[:400]
    hidden = len(cells) - len(shown)
    if hidden:
        text += f"{', ' if shown else ''}and {hidden} cell(s) with digits, not shown (data?)"
    return text


def is_blank(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


def find_header(records: list[list[str]], known: set[str], norm) -> int | None:
    """Index of the first record (within the first rows) where two or more cells are known
    header aliases; the row with the most matches wins ties further down."""
    best, best_hits = None, 1
    for i, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for cell in record if cell.strip() and norm(cell) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _refuse_title_row(
    records: list[list[str]],
    index: int,
    merged: list[str],
    known: set[str],
    norm,
    file: str,
    config_ref: str,
) -> None:
    """A declared header row holding one cell (a merged title) is a clear config mistake."""
    cells = [c for c in records[index] if c.strip()]
    if len(cells) > 1 or any(norm(c) in known for c in cells):
        return
    found = find_header(records, known, norm)
    merged_here = [m for m in merged if m.startswith(f"row {index + 1} ")]
    raise ExtractError(
        file,
        f"row {index + 1}, declared as the header row, is a title"
        + (f" (merged cells: {merged_here[0]})" if merged_here else ""),
        expected="a header row naming the columns",
        found=f"one cell: {cells[0]!r}" if cells else "an empty row",
        closest=f"the headers appear to be on row {found + 1}" if found is not None else "",
        fix=(
            f"set header_row: {found + 1} (or auto) in {config_ref}"
            if found is not None
            else f"correct header_row: in {config_ref}"
        ),
        row=index + 1,
    )


def _refuse_wrong_delimiter(
    records: list[list[str]], delimiter: str, known: set[str], norm, file: str, config_ref: str
) -> None:
    """A header row read as one cell that another delimiter splits into known headers: the
    file is delimited differently from the configuration (a semicolon export, say)."""
    for i, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        cells = [c for c in record if c.strip()]
        if len(cells) != 1:
            continue
        for other in (";", "\t", "|", ","):
            hits = sum(1 for part in cells[0].split(other) if norm(part) in known)
            if other != delimiter and hits >= 2:
                raise ExtractError(
                    file,
                    f"the header on row {i + 1} is one cell: the file is delimited by "
                    f"{other!r}, not {delimiter!r}",
                    expected=f"cells separated by {delimiter!r}",
                    found=f"{hits} known headers separated by {other!r}",
                    fix=f"set delimiter: {other!r} in {config_ref}" if config_ref else "",
                    row=i + 1,
                )


def to_table(
    records: list[list[str]], header_index: int, file: str, header_rows: int = 1
) -> RawTable:
    """Split records into header and data rows, keeping 1-based file row numbers.

    ``header_rows=2`` reads a question row and an option row, as SurveyMonkey and SmartSurvey
    export them, flattened to one name per column
    (:func:`oversight.survey.readers.flatten_two_row_header`).
    """
    if header_rows == 2:
        from oversight.survey.readers import flatten_two_row_header

        header = flatten_two_row_header(records[header_index : header_index + 2])
    else:
        header = [cell.strip() for cell in records[header_index]]
    # The header's physical width decides which rows are too long; a blank header cell at the
    # end is a column without a name, kept only as far as some row has a value under it.
    physical = len(header)
    while header and not header[-1]:
        header.pop()
    used = len(header)
    rows: list[list[str]] = []
    index: list[int] = []
    blank = 0
    overlong: dict[int, int] = {}
    first = header_index + header_rows
    for offset, record in enumerate(records[first:], start=first + 1):
        if is_blank(record):
            blank += 1
            continue
        if len(record) > physical and any(cell.strip() for cell in record[physical:]):
            overlong[offset] = len(record)
            continue
        for i in range(min(len(record), physical) - 1, used - 1, -1):
            if record[i].strip():
                used = i + 1
                break
        rows.append(record)
        index.append(offset)
    header += [""] * (used - len(header))
    data = [record[:used] + [""] * (used - len(record)) for record in rows]
    frame = pd.DataFrame(data, columns=[f"c{i}" for i in range(used)], dtype="string")
    frame.index = pd.Index(index, name="source_row", dtype="int64")
    notes = [
        f"column {i + 1} has no header but holds values in "
        f"{int(frame[f'c{i}'].str.strip().ne('').sum())} rows; it is not used"
        for i, name in enumerate(header)
        if not name
    ]
    return RawTable(
        file=file,
        header=header,
        header_row=header_index + 1,
        rows=frame,
        blank_rows=blank,
        overlong_rows=overlong,
        notes=notes,
    )


def read_records(
    path: Path, spec: dict, file: str, config_ref: str = ""
) -> tuple[list[list[str]], list[str]]:
    """Records of an extract in any supported tabular format, plus merged-cell notes."""
    fmt = spec["format"]
    rawpaths.require_file(
        path,
        file,
        "file",
        f"put the extract itself at this path, or correct path: in {config_ref}"
        if config_ref
        else "",
    )
    if fmt in ("xlsx", "ods"):
        return read_workbook(path, spec.get("sheet"), spec.get("sheet_pattern"), file, config_ref)
    data = path.read_bytes()
    text = decode(data, spec.get("encoding"), file, config_ref)
    return read_delimited(text, spec.get("delimiter", ","), file), []


def read_table(
    path: Path, spec: dict, file: str, known_headers: set[str], norm, config_ref: str = ""
) -> RawTable:
    """Read an extract and locate its header row (declared, or detected from known aliases)."""
    if not path.exists():
        raise ExtractError(
            file,
            "file not found",
            expected=f"a {spec['format']} file at {file}",
            found="no such file",
            fix=f"put the file there or correct path: in {config_ref}" if config_ref else "",
        )
    records, merged = read_records(path, spec, file, config_ref)
    if not records or all(is_blank(r) for r in records):
        raise ExtractError(
            file,
            "the file is empty",
            expected="a header row and data rows",
            found="no rows",
            fix="re-export the extract; if it really has no rows, tell the study team",
        )
    if spec["format"] in ("csv", "txt"):
        _refuse_wrong_delimiter(
            records, spec.get("delimiter", ","), known_headers, norm, file, config_ref
        )
    declared = spec.get("header_row", 1 if spec["format"] in ("csv", "txt") else "auto")
    if declared == "auto":
        header_index = find_header(records, known_headers, norm)
        if header_index is None:
            first = next(r for r in records if not is_blank(r))
            raise ExtractError(
                file,
                f"no header row found in the first {HEADER_SEARCH_ROWS} rows",
                expected="a row with two or more of the configured column headers",
                found="first row: " + headers_shown([c for c in first if c.strip()], False),
                fix=f"set header_row: to the header's row number in {config_ref}",
            )
    else:
        header_index = int(declared) - 1
        if header_index >= len(records):
            raise ExtractError(
                file,
                f"header_row {declared} is past the end of the file ({len(records)} rows)",
                fix=f"correct header_row: in {config_ref}",
            )
        _refuse_title_row(records, header_index, merged, known_headers, norm, file, config_ref)
    table = to_table(records, header_index, file, int(spec.get("header_rows", 1)))
    if merged:
        table.notes.append("merged cells: " + "; ".join(merged[:5]))
    if table.rows.empty and not table.overlong_rows:
        raise ExtractError(
            file,
            "the file has a header but no data rows",
            expected="one or more data rows below the header",
            found=f"header on row {table.header_row} and nothing below it",
            fix="re-export the extract with its data; an empty extract is never expected",
        )
    return table
