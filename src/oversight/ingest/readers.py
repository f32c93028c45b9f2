"""Readers: every raw extract to a table of text, with the row numbers a person would see.

Nothing is coerced here. Text files are decoded and split by :mod:`oversight.ingest.textfiles`,
workbook sheets read by :mod:`oversight.ingest.workbooks`, and the rows split into header and
data by :mod:`oversight.ingest.rawtable`; this module finds the header row and refuses a file
whose layout does not match its configuration. Parsing and validation happen downstream.
"""

from __future__ import annotations

from pathlib import Path

from oversight.errors import ExtractError
from oversight.ingest import rawpaths, shown
from oversight.ingest.rawtable import (
    RawTable,
    RowChecks,
    is_blank,
    merged_text,
    sheet_notes,
    to_table,
)
from oversight.ingest.sheetfacts import SheetFacts
from oversight.ingest.textfiles import decode, read_delimited
from oversight.ingest.workbooks import read_workbook

# How far down a sheet to look for a header row when it is not declared.
HEADER_SEARCH_ROWS = 30


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
    ``hidden_rows`` policy (:func:`oversight.ingest.rawtable.to_table`); other readers
    (published tables, ``oversight suggest``) get every row as before.
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
    header_index = _header_index(
        records,
        spec,
        [merged_text(m) for m in facts.merged],
        known_headers,
        quotable,
        norm,
        file,
        config_ref,
    )
    checks = (
        RowChecks(facts, spec.get("hidden_rows", "reject"), config_ref, norm, quotable)
        if row_checks
        else None
    )
    header_rows = int(spec.get("header_rows", 1))
    table = to_table(records, header_index, file, header_rows, checks)
    table.notes += book_notes
    _add_layout_notes(table, records, facts, header_index + header_rows + 1, checks)
    if table.rows.empty and not table.overlong_rows and not table.structural:
        raise ExtractError(
            file,
            "the file has a header but no data rows",
            expected="one or more data rows below the header",
            found=f"header on row {table.header_row} and nothing below it",
            fix="re-export the extract; an empty extract is never expected",
        )
    return table


def _header_index(
    records: list[list[str]],
    spec: dict,
    merged: list[str],
    known: set[str],
    quotable: frozenset[str],
    norm,
    file: str,
    config_ref: str,
) -> int:
    """The 0-based index of the header row: the declared ``header_row`` (refused when it is
    past the end or a title), or with ``auto`` the row holding the most known headers."""
    declared = spec.get("header_row", 1 if spec["format"] in ("csv", "txt") else "auto")
    if declared == "auto":
        header_index = find_header(records, known, norm)
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
        return header_index
    header_index = int(declared) - 1
    if header_index >= len(records):
        raise ExtractError(
            file,
            f"header_row {declared} is past the end of the file ({len(records)} rows)",
            fix=f"correct header_row: in {config_ref}",
        )
    _refuse_title_row(records, header_index, merged, known, quotable, norm, file, config_ref)
    return header_index


def _add_layout_notes(
    table: RawTable,
    records: list[list[str]],
    facts: SheetFacts,
    data_start: int,
    checks: RowChecks | None,
) -> None:
    """Add the merged cells to the table's notes and, with ``checks`` (ingest), what the sheet
    hides; there the merges above the data are listed here, those in it with the sheet's
    notes (from row ``data_start``)."""
    if checks is not None:
        merged = [merged_text(m) for m in facts.merged if m[2] < data_start]
    else:
        merged = [merged_text(m) for m in facts.merged]
    if merged:
        table.notes.append("merged cells: " + "; ".join(merged[:5]))
    if checks is not None:
        table.notes += sheet_notes(table, records, data_start, checks)
