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
import functools
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook, SheetVisibleEnum
from rapidfuzz import process

from oversight.errors import ExtractError
from oversight.ingest import archives, filelabels, rawpaths, shown
from oversight.ingest.normalise import norm_label
from oversight.ingest.sheetfacts import MAX_FORMULA_CELLS, SheetFacts, SheetFactsError, read_facts

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


@dataclass(frozen=True)
class RowReject:
    """A row (or one cell of it) rejected by a reader before validation, with its reason."""

    rule: str
    message: str
    value_shown: str
    column: str = "(whole row)"
    field: str = "(whole row)"


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
    # Rows that are not records (a repeated header, a totals row) or are hidden in the sheet:
    # rejected whole, never validated as data.
    structural: dict[int, RowReject] = field(default_factory=dict)
    # Data row -> 0-based columns holding a formula with no saved value (the cell reads blank).
    formula_cells: dict[int, list[int]] = field(default_factory=dict)

    @property
    def rows_in(self) -> int:
        return len(self.rows) + len(self.overlong_rows) + len(self.structural)


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


def sheet_shown(name: str, configured: str | None = None) -> str:
    """A sheet's name as a message may show it: quoted when the configuration names it or
    when it reads like a plain label ("Export", "Sheet1"); otherwise by its length, since a
    sheet may be named after a person ("Jane Smith notes")."""
    if name == configured or filelabels.name_is_publishable(name):
        return repr(name)
    return f"a sheet name of {len(name)} characters"


def _sheet_list(names: list[str], hidden: Mapping[str, str]) -> str:
    return "sheets " + ", ".join(
        sheet_shown(n) + (f" ({hidden[n]})" if n in hidden else "") for n in names
    )


def pick_sheet(
    names: list[str],
    sheet: str | None,
    pattern: str | None,
    file: str,
    config_ref: str = "",
    hidden: Mapping[str, str] | None = None,
) -> str:
    """The sheet named in the configuration, the visible one matching its pattern, or the
    first visible sheet.

    ``hidden`` maps each hidden sheet to ``"hidden"`` or ``"very hidden"``. A hidden sheet is
    never read: it is usually an old copy or working data kept out of sight, so a configured
    sheet that is hidden is refused rather than read behind the data lead's back.
    """
    hidden = hidden or {}
    if not names:
        raise ExtractError(
            file,
            "the workbook has no sheets",
            expected="a workbook with the extract on a sheet",
            fix="re-save the file from the spreadsheet program, or export the sheet as CSV",
        )
    visible = [n for n in names if n not in hidden]
    if sheet is not None:
        if sheet in hidden:
            raise _hidden_sheet(sheet, hidden[sheet], names, visible, hidden, file, config_ref)
        if sheet in names:
            return sheet
        closest = process.extractOne(sheet, names)
        raise ExtractError(
            file,
            f"no sheet called {sheet!r}",
            expected=f"a sheet named {sheet!r}",
            found=_sheet_list(names, hidden),
            closest=sheet_shown(closest[0]) if closest else "",
            fix=f"set sheet: to the right name in {config_ref}" if config_ref else "",
        )
    if pattern is not None:
        matches = [n for n in names if re.search(pattern, n)]
        shown = [n for n in matches if n not in hidden]
        if len(shown) == 1:
            return shown[0]
        if matches and not shown:
            raise ExtractError(
                file,
                f"sheet_pattern {pattern!r} matches only hidden sheets; a hidden sheet is not read",
                expected="exactly one matching visible sheet",
                found=_sheet_list(names, hidden),
                fix="unhide the sheet that holds the extract (and delete old copies), or "
                + (f"correct sheet_pattern: in {config_ref}" if config_ref else "the pattern"),
            )
        also = len(matches) - len(shown)
        raise ExtractError(
            file,
            f"sheet_pattern {pattern!r} matches {len(shown)} sheets"
            + (f" (and {also} hidden)" if also else ""),
            expected="exactly one matching sheet",
            found=_sheet_list(names, hidden),
            fix=f"make sheet_pattern: match one sheet in {config_ref}" if config_ref else "",
        )
    if not visible:
        raise ExtractError(
            file,
            "every sheet of the workbook is hidden; a hidden sheet is not read",
            expected="the extract on a visible sheet",
            found=_sheet_list(names, hidden),
            fix="unhide the sheet that holds the extract and send the file again",
        )
    return visible[0]


def _hidden_sheet(
    sheet: str,
    state: str,
    names: list[str],
    visible: list[str],
    hidden: Mapping[str, str],
    file: str,
    config_ref: str,
) -> ExtractError:
    closest = process.extractOne(sheet, visible) if visible else None
    return ExtractError(
        file,
        f"sheet {sheet!r} is {state} in this workbook; a hidden sheet is not read",
        expected="the extract on a visible sheet (a hidden sheet is usually an old copy or "
        "working data)",
        found=_sheet_list(names, hidden),
        closest=f"visible sheet {sheet_shown(closest[0])}" if closest else "",
        fix="if the hidden sheet really holds this extract, unhide it, delete any old copy "
        "and send the file again; if the extract is on a visible sheet, set sheet: to its "
        "name" + (f" in {config_ref}" if config_ref else ""),
    )


def _hidden_sheets(book: CalamineWorkbook) -> dict[str, str]:
    """Hidden sheets of a workbook: name -> "hidden" or "very hidden"."""
    out = {}
    for meta in book.sheets_metadata:  # the enum is not hashable: compare, do not look up
        if meta.visible == SheetVisibleEnum.Hidden:
            out[meta.name] = "hidden"
        elif meta.visible == SheetVisibleEnum.VeryHidden:
            out[meta.name] = "very hidden"
    return out


def read_workbook(
    path: Path,
    sheet: str | None,
    pattern: str | None,
    file: str,
    config_ref: str = "",
    fmt: str = "xlsx",
) -> tuple[list[list[str]], SheetFacts, list[str]]:
    """Read one visible sheet of an xlsx or ods workbook as text rows, with what the sheet
    hides (hidden rows and columns, merged cells, formulas without a saved value) and notes.

    Calamine reads the file without evaluating formulas or running macros: a formula cell
    gives the value the spreadsheet saved with it. A zip bomb is refused before calamine
    inflates anything (:mod:`oversight.ingest.archives`).
    """
    refuse_unsafe_zip(path, file, "workbook")
    try:
        book = CalamineWorkbook.from_path(str(path))
        hidden = _hidden_sheets(book)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise ExtractError(
            file,
            f"cannot be opened as a workbook ({shown.error_text(exc)})",
            expected="an .xlsx or .ods workbook",
            fix="re-save the file from the spreadsheet program, or check format: in the config",
        ) from exc
    name = pick_sheet(list(book.sheet_names), sheet, pattern, file, config_ref, hidden)
    try:  # the sheet's XML is only read here: a corrupt or forged part fails now
        values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's XmlError, ZipError, ...
        raise ExtractError(
            file,
            f"sheet {sheet_shown(name, sheet)} cannot be opened as a workbook sheet "
            f"({shown.error_text(exc)})",
            expected="an .xlsx or .ods workbook",
            fix="re-save the file from the spreadsheet program, or export the sheet as CSV",
        ) from exc
    rows = [[_cell_text(v) for v in row] for row in values]
    facts = _sheet_facts(path, fmt, name, rows, file)
    # A row of formulas without saved values reads as empty, possibly past the values.
    last = max((r for r, _ in facts.formulas_without_value), default=0)
    rows += [[] for _ in range(last - len(rows))]
    notes = [f"hidden sheets not read: {', '.join(map(sheet_shown, hidden))}"] if hidden else []
    return rows, facts, notes


def _sheet_facts(path: Path, fmt: str, name: str, rows: list[list[str]], file: str) -> SheetFacts:
    try:
        facts = read_facts(path, fmt, name, len(rows), max(map(len, rows), default=0))
    except SheetFactsError as exc:
        raise ExtractError(
            file,
            f"the layout of sheet {sheet_shown(name)} (hidden rows, formulas) cannot be read "
            f"({shown.error_text(exc)})",
            expected="an .xlsx or .ods workbook as a spreadsheet program saves it",
            fix="re-save the file from the spreadsheet program, or export the sheet as CSV",
        ) from exc
    if facts.too_many_formulas:
        raise ExtractError(
            file,
            f"sheet {sheet_shown(name)} has more than {MAX_FORMULA_CELLS:,} formulas with no "
            "saved value: "
            "the workbook was saved without being calculated",
            expected="formulas saved with their values",
            fix="open the file in a spreadsheet program, let it calculate, save it and send it "
            "again (or paste values in place of the formulas)",
        )
    return facts


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
    quotable: frozenset[str],
    norm,
    file: str,
    config_ref: str,
) -> None:
    """A declared header row holding one cell (a merged title) is a clear config mistake.

    The cell is described, never quoted: a title often names who ran the report."""
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
        found=(
            "one cell: "
            + (repr(cells[0]) if norm(cells[0]) in quotable else shown.describe_cell(cells[0]))
            + f" (column {records[index].index(cells[0]) + 1})"
            if cells
            else "an empty row"
        ),
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


def _totals_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """The totals labels of ``data/totals_labels.txt`` as one pattern (a label, optionally
    plural, at the start of a cell and ending there or at a non-word character)."""
    text = resources.files("oversight.ingest").joinpath("data/totals_labels.txt").read_text("utf-8")
    labels = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    display = {label.casefold(): label for label in labels}
    alternatives = "|".join(re.escape(k) for k in sorted(display, key=len, reverse=True))
    return re.compile(rf"^({alternatives})s?(?!\w)"), display


_TOTALS, _TOTALS_DISPLAY = _totals_pattern()


def totals_label(record: list[str]) -> tuple[str, int] | None:
    """The totals label a row opens with (its first non-blank cell), and that cell's column."""
    for i, cell in enumerate(record):
        text = " ".join(cell.split()).casefold()
        if text:
            match = _TOTALS.match(text)
            return (_TOTALS_DISPLAY[match.group(1)], i) if match else None
    return None


def repeats_header(record: list[str], header_records: list[list[str]], norm) -> bool:
    """The row is a copy of a header row: two or more cells, each the header's cell at that
    position, covering at least half of the header's named columns.

    Called for every data row, so only the first non-blank cell is normalised unless it
    already equals the header's cell (a data row almost never does).
    """
    first = next((i for i, c in enumerate(record) if c.strip()), None)
    if first is None:
        return False
    lead = norm(record[first])
    for header in header_records:
        keys = _header_keys(tuple(header), norm)
        if first >= len(keys) or keys[first] != lead:
            continue
        cells = [(i, norm(c)) for i, c in enumerate(record) if c.strip()]
        named = sum(1 for k in keys if k)
        hits = sum(1 for i, k in cells if i < len(keys) and keys[i] == k)
        if len(cells) >= 2 and hits == len(cells) and 2 * hits >= named:
            return True
    return False


@functools.lru_cache(maxsize=16)
def _header_keys(header: tuple[str, ...], norm) -> tuple[str, ...]:
    """A header row's cells as comparison keys (blank cells as ''), worked out once."""
    return tuple(norm(c) if c.strip() else "" for c in header)


def column_letter(index: int) -> str:
    """0-based column index as a spreadsheet letter (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class RowChecks:
    """What ingest asks of :func:`to_table` beyond splitting rows: set aside rows that are not
    records, and apply the dataset's ``hidden_rows`` policy to what the sheet hides."""

    facts: SheetFacts = field(default_factory=SheetFacts)
    hidden_rows: str = "reject"  # or "load"
    config_ref: str = ""
    norm: Callable[[str], str] = norm_label
    # Normalised names the configuration holds: the only cells a note or message may quote.
    quotable: frozenset[str] = frozenset()


def _structural(
    record: list[str],
    row: int,
    header: list[str],
    header_records: list[list[str]],
    header_row: int,
    checks: RowChecks,
) -> RowReject | None:
    """Why a data row is not a record (a repeated header, a totals row, a hidden row)."""
    if repeats_header(record, header_records, checks.norm):
        return RowReject(
            "repeated_header",
            f"this row repeats the header row (row {header_row}): two exports were probably "
            "joined, or a page header was kept; it is not a record. Remove it and re-export",
            "(header row)",
        )
    total = totals_label(record)
    if total is not None:
        label, col = total
        named = (
            repr(header[col])
            if col < len(header) and checks.norm(header[col]) in checks.quotable
            else f"column {col + 1}"
        )
        return RowReject(
            "totals_row",
            f"this is a totals row ({label!r} in {named}), not a record: the study counts "
            "the records itself. Leave totals and sub-totals out of the extract",
            f"{label!r}",
        )
    if row in checks.facts.hidden_rows and checks.hidden_rows == "reject":
        where = f" in {checks.config_ref}" if checks.config_ref else ""
        return RowReject(
            "hidden_row",
            "this row is hidden in the workbook: hidden rows are usually test records or rows "
            "set aside by hand, so it is not loaded. Delete it, or unhide it if it is a real "
            f"record (if hidden rows are always real records, set hidden_rows: load{where})",
            "(hidden row)",
        )
    return None


def to_table(
    records: list[list[str]],
    header_index: int,
    file: str,
    header_rows: int = 1,
    checks: RowChecks | None = None,
) -> RawTable:
    """Split records into header and data rows, keeping 1-based file row numbers.

    ``header_rows=2`` reads a question row and an option row, as SurveyMonkey and SmartSurvey
    export them, flattened to one name per column
    (:func:`oversight.survey.readers.flatten_two_row_header`).

    With ``checks`` (ingest), rows that are not records are set aside in ``structural``: a
    copy of the header row, a totals row, a row hidden in the sheet (unless the dataset sets
    ``hidden_rows: load``); a row blank but for formulas without a saved value is a data row
    (its values are unknown, not absent) and those cells are listed in ``formula_cells``.
    """
    if header_rows == 2:
        from oversight.survey.readers import flatten_two_row_header

        header = flatten_two_row_header(records[header_index : header_index + 2])
    else:
        header = [cell.strip() for cell in records[header_index]]
    header_records = records[header_index : header_index + header_rows]
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
    structural: dict[int, RowReject] = {}
    formulas: dict[int, list[int]] = {}
    if checks is not None:
        for row, col in checks.facts.formulas_without_value:
            formulas.setdefault(row, []).append(col)
    first = header_index + header_rows
    for offset, record in enumerate(records[first:], start=first + 1):
        if is_blank(record) and offset not in formulas:
            blank += 1
            continue
        if checks is not None:
            problem = _structural(record, offset, header, header_records, header_index + 1, checks)
            if problem is not None:
                structural[offset] = problem
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
    kept = set(index)
    return RawTable(
        file=file,
        header=header,
        header_row=header_index + 1,
        rows=frame,
        blank_rows=blank,
        overlong_rows=overlong,
        notes=notes,
        structural=structural,
        formula_cells={r: sorted(c) for r, c in sorted(formulas.items()) if r in kept},
    )


def _sheet_notes(
    table: RawTable, records: list[list[str]], data_start: int, checks: RowChecks
) -> list[str]:
    """What the sheet hides, for the dataset's notes: hidden rows (with content) and columns,
    merged cells in the data area (from row ``data_start``)."""
    facts = checks.facts
    notes = []
    below = [r for r in sorted(facts.hidden_rows) if r >= data_start]
    hidden = [r for r in below if r <= len(records) and not is_blank(records[r - 1])]
    if hidden:
        what = (
            "rejected (rule hidden_row)"
            if checks.hidden_rows == "reject"
            else "loaded as hidden_rows: load asks"
        )
        notes.append(f"{len(hidden)} hidden rows (rows {shown.column_ranges(hidden)}): {what}")
    above = [r for r in sorted(facts.hidden_rows) if r < data_start]
    if above:
        notes.append(f"{len(above)} hidden rows above the data (rows {shown.column_ranges(above)})")
    if facts.hidden_columns:
        columns = [
            column_letter(c)
            + (
                f" {table.header[c]!r}"
                if c < len(table.header) and checks.norm(table.header[c]) in checks.quotable
                else ""
            )
            for c in sorted(facts.hidden_columns)
        ]
        notes.append(
            f"{len(columns)} hidden columns ({', '.join(columns[:10])}"
            f"{', ...' if len(columns) > 10 else ''}): read like the others"
        )
    in_data = [m for m in facts.merged if m[2] >= data_start]
    if in_data:
        notes.append(
            "merged cells in the data area: "
            + "; ".join(merged_text(m) for m in in_data[:5])
            + (f"; and {len(in_data) - 5} more" if len(in_data) > 5 else "")
            + " (a merged cell's value is in its first cell only: the others read as blank)"
        )
    return notes


def merged_text(cells: tuple[int, int, int, int]) -> str:
    """A merged range as a person reads it: ``row 1 columns 1-8`` or ``rows 7-8 column 2``."""
    r0, c0, r1, c1 = cells
    rows = f"row {r0}" if r0 == r1 else f"rows {r0}-{r1}"
    columns = f"column {c0}" if c0 == c1 else f"columns {c0}-{c1}"
    return f"{rows} {columns}"


def read_records(
    path: Path, spec: dict, file: str, config_ref: str = ""
) -> tuple[list[list[str]], SheetFacts, list[str]]:
    """Records of an extract in any supported tabular format, with what a workbook sheet
    hides (empty for text files) and notes about the workbook."""
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
        return read_workbook(
            path, spec.get("sheet"), spec.get("sheet_pattern"), file, config_ref, fmt
        )
    data = path.read_bytes()
    text = decode(data, spec.get("encoding"), file, config_ref)
    return read_delimited(text, spec.get("delimiter", ","), file), SheetFacts(), []


def read_table(
    path: Path,
    spec: dict,
    file: str,
    known_headers: set[str],
    norm,
    config_ref: str = "",
    row_checks: bool = False,
) -> RawTable:
    """Read an extract and locate its header row (declared, or detected from known aliases).

    ``row_checks`` (ingest) sets aside rows that are not records and applies the dataset's
    ``hidden_rows`` policy (:func:`to_table`); other readers (published tables, ``oversight
    suggest``) get every row as before.
    """
    if not path.exists():
        raise ExtractError(
            file,
            "file not found",
            expected=f"a {spec['format']} file at {file}",
            found="no such file",
            fix=f"put the file there or correct path: in {config_ref}" if config_ref else "",
        )
    records, facts, book_notes = read_records(path, spec, file, config_ref)
    merged = [merged_text(m) for m in facts.merged]
    quotable = frozenset(known_headers | shown.label_names(spec, norm))
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
                found=f"first row (row {records.index(first) + 1}): "
                + shown.cells_shown(first, quotable, norm, "cell"),
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
        _refuse_title_row(
            records, header_index, merged, known_headers, quotable, norm, file, config_ref
        )
    checks = (
        RowChecks(facts, spec.get("hidden_rows", "reject"), config_ref, norm, quotable)
        if row_checks
        else None
    )
    header_rows = int(spec.get("header_rows", 1))
    table = to_table(records, header_index, file, header_rows, checks)
    table.notes += book_notes
    data_start = header_index + header_rows + 1
    if checks is not None:  # merges above the data here, those in it with the sheet's notes
        merged = [merged_text(m) for m in facts.merged if m[2] < data_start]
    if merged:
        table.notes.append("merged cells: " + "; ".join(merged[:5]))
    if checks is not None:
        table.notes += _sheet_notes(table, records, data_start, checks)
    if table.rows.empty and not table.overlong_rows and not table.structural:
        raise ExtractError(
            file,
            "the file has a header but no data rows",
            expected="one or more data rows below the header",
            found=f"header on row {table.header_row} and nothing below it",
            fix="re-export the extract; an empty extract is never expected",
        )
    return table
