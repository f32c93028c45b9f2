"""The raw table: an extract's header and data rows as text, keeping the file's row numbers.

Rows that are not records (a copy of the header row, a totals row, a row hidden in the sheet)
are set aside with their reason, and what the sheet hides is written into the table's notes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

from oversight.ingest import shown
from oversight.ingest.normalise import norm_label
from oversight.ingest.sheetfacts import SheetFacts


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


def is_blank(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


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


def _first_filled(record: list[str]) -> int | None:
    """The 0-based position of the row's first non-blank cell (None: the row is blank)."""
    if record and record[0].strip():
        return 0
    return next((i for i, cell in enumerate(record) if cell.strip()), None)


class _Screen:
    """Which data rows may be a repeated header or a totals row, judged by their first
    non-blank cell alone (a record's first cell is almost never a header's or a totals
    label): each distinct first cell is normalised once, and only the rows it lets through
    are looked at whole by :func:`_structural`."""

    def __init__(self, header_records: list[list[str]], norm: Callable[[str], str]) -> None:
        self.keys = [_header_keys(tuple(h), norm) for h in header_records]
        self.norm = norm
        self.seen: dict[tuple[int, str], bool] = {}

    def may_be(self, record: list[str], lead: int | None) -> bool:
        if lead is None:
            return False
        cell = record[lead]
        found = self.seen.get((lead, cell))
        if found is None:
            key = self.norm(cell)
            found = any(lead < len(k) and k[lead] == key for k in self.keys)
            found = found or _TOTALS.match(" ".join(cell.split()).casefold()) is not None
            self.seen[(lead, cell)] = found
        return found


def _set_aside(
    checks: RowChecks, header: list[str], header_records: list[list[str]], header_row: int
) -> Callable[[list[str], int, int | None], RowReject | None]:
    """Why a data row is not a record (:func:`_structural`), asked only of the rows hidden in
    the sheet or whose first filled cell could open a header or totals row."""
    screen = _Screen(header_records, checks.norm)

    def judge(record: list[str], row: int, lead: int | None) -> RowReject | None:
        if row not in checks.facts.hidden_rows and not screen.may_be(record, lead):
            return None
        return _structural(record, row, header, header_records, header_row, checks)

    return judge


@dataclass
class _Split:
    """The data rows of a table, and the rows set aside, as :func:`_split_rows` reads them."""

    used: int  # columns in use: the named ones, and unnamed ones as far as a row fills them
    rows: list[list[str]] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    blank: int = 0
    overlong: dict[int, int] = field(default_factory=dict)
    structural: dict[int, RowReject] = field(default_factory=dict)


def _split_rows(
    records: list[list[str]],
    first: int,
    physical: int,
    used: int,
    formulas: dict[int, list[int]],
    set_aside: Callable[[list[str], int, int | None], RowReject | None] | None,
) -> _Split:
    """Sort the records from ``first`` (0-based) into data rows, blank rows, overlong rows
    (values beyond the header's ``physical`` width) and rows ``set_aside`` rejects.

    Called for every row of an extract, so a row's first cell is looked at before the rest.
    """
    out = _Split(used)
    for offset, record in enumerate(records[first:], start=first + 1):
        lead = 0 if record and record[0].strip() else _first_filled(record)
        if lead is None and offset not in formulas:
            out.blank += 1
            continue
        if set_aside is not None:
            problem = set_aside(record, offset, lead)
            if problem is not None:
                out.structural[offset] = problem
                continue
        width = len(record)
        if width > physical and any(cell.strip() for cell in record[physical:]):
            out.overlong[offset] = width
            continue
        if out.used < physical:
            for i in range(min(width, physical) - 1, out.used - 1, -1):
                if record[i].strip():
                    out.used = i + 1
                    break
        out.rows.append(record)
        out.index.append(offset)
    return out


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
    formulas: dict[int, list[int]] = {}
    if checks is not None:
        for row, col in checks.facts.formulas_without_value:
            formulas.setdefault(row, []).append(col)
    set_aside = (
        None if checks is None else _set_aside(checks, header, header_records, header_index + 1)
    )
    split = _split_rows(
        records, header_index + header_rows, physical, len(header), formulas, set_aside
    )
    used, rows, index = split.used, split.rows, split.index
    header += [""] * (used - len(header))
    data = (
        rows
        if all(len(record) == used for record in rows)
        else [record[:used] + [""] * (used - len(record)) for record in rows]
    )
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
        blank_rows=split.blank,
        overlong_rows=split.overlong,
        notes=notes,
        structural=split.structural,
        formula_cells={r: sorted(c) for r, c in sorted(formulas.items()) if r in kept},
    )


def sheet_notes(
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
