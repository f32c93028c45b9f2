"""What a workbook sheet hides or leaves uncomputed, read from its XML (xlsx and ods).

The spreadsheet reader (calamine) gives cell values and sheet visibility only. A data lead
also needs to know which rows and columns were hidden (test records, rows filtered out by
hand), which cells are merged inside the data, and which formula cells carry no saved value
(a formula written by a script and never calculated: nothing evaluates it here, so the cell
would read as blank). These facts are read from the sheet's own XML:

- xlsx: ``xl/workbook.xml`` and its relationships name the sheet's part; in it
  ``<row hidden="1">``, ``<col hidden="1">``, ``<mergeCell ref>`` and ``<c><f>`` without a
  ``<v>`` value (an empty ``<v/>`` counts as none unless the cell is a text result);
- ods: ``content.xml``, the ``<table:table>`` of that name: ``table:visibility`` of rows and
  columns (``collapse`` or ``filter``), ``table:number-rows/columns-spanned`` (merges) and cells
  with ``table:formula`` but no ``office:value-type`` (no saved value).

The container has been checked by :func:`oversight.archives.check_zip` before this runs. The
XML is parsed with :mod:`defusedxml` (no DTD entities, no external references) and streamed:
rows are discarded once read, and a part is parsed only if a quick byte scan finds one of the
markers above, so a large plain sheet costs one pass over its bytes.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring, iterparse

# Bytes that show a part may hold something to record (any namespace prefix).
_XLSX_MARKERS = re.compile(
    rb"""hidden=["'](?:1|true)["']|<(?:\w+:)?f[\s>/]|<(?:\w+:)?mergeCell[\s>/]"""
)
_ODS_MARKERS = re.compile(rb"table:visibility=|table:formula=|-spanned=")
_CHUNK = 1024 * 1024
_TEXT_RESULT = {"str", "inlineStr"}
# More uncalculated formulas than this: the workbook was never calculated (a file-level fault).
MAX_FORMULA_CELLS = 100_000


@dataclass
class SheetFacts:
    """Rows are 1-based sheet rows, columns 0-based; only cells within the values are kept."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    # (first row, first column, last row, last column), all 1-based as a person counts.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    # Counting stopped at MAX_FORMULA_CELLS: there are more.
    too_many_formulas: bool = False

    def add_formula(self, row: int, column: int) -> None:
        if len(self.formulas_without_value) >= MAX_FORMULA_CELLS:
            self.too_many_formulas = True
        else:
            self.formulas_without_value.add((row, column))


class SheetFactsError(ValueError):
    """The sheet's XML could not be read for its layout."""


def read_facts(path: Path, fmt: str, sheet: str, rows: int, columns: int) -> SheetFacts:
    """The facts of one sheet. Hidden rows and columns are kept within ``rows`` x ``columns``
    (the extent of its values); formula cells without a value are kept wherever they are,
    since such a cell reads as blank and may lie past the values' extent.

    Raises:
        SheetFactsError: The parts cannot be found or parsed.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            if fmt == "ods":
                return _ods(archive, sheet, rows, columns)
            return _xlsx(archive, sheet, rows, columns)
    except SheetFactsError:
        raise
    except Exception as exc:  # zip, XML and attribute errors of a forged or broken part
        raise SheetFactsError(f"{type(exc).__name__}: {exc}") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _mentions(archive: zipfile.ZipFile, member: str, markers: re.Pattern[bytes]) -> bool:
    """Whether the part's bytes match ``markers`` anywhere (read in chunks, kept overlapping)."""
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            if markers.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _xlsx_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding the named sheet, through the workbook's relationships."""
    book = "xl/workbook.xml"
    root_rels = _relationships(archive, "_rels/.rels", "")
    book = next((t for t, kind in root_rels.values() if kind.endswith("/officeDocument")), book)
    rels = _relationships(
        archive,
        posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels"),
        posixpath.dirname(book),
    )
    for element in fromstring(archive.read(book)).iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rid = _attr(element, "id")
            if rid in rels:
                return rels[rid][0]
    raise SheetFactsError(f"no part found for sheet {sheet!r}")


def _relationships(archive: zipfile.ZipFile, member: str, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (zip member it targets, its type)."""
    if member not in archive.namelist():
        return {}
    out = {}
    for element in fromstring(archive.read(member)).iter():
        if _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            absolute = target.startswith("/")
            resolved = target.lstrip("/") if absolute else posixpath.join(base, target)
            out[element.get("Id", "")] = (posixpath.normpath(resolved), element.get("Type", ""))
    return out


def _column_index(ref: str) -> int:
    """0-based column of a cell reference such as ``AB12``."""
    index = 0
    for ch in ref:
        if not ch.isalpha():
            break
        index = index * 26 + (ord(ch.upper()) - 64)
    return index - 1


def _cell_range(ref: str) -> tuple[int, int, int, int]:
    """``A1:C2`` as (first row, first column, last row, last column), 1-based."""
    first, _, last = ref.partition(":")
    last = last or first

    def split(cell: str) -> tuple[int, int]:
        digits = cell.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return int(digits.replace("$", "")), _column_index(cell.replace("$", "")) + 1

    (r0, c0), (r1, c1) = split(first), split(last)
    return r0, c0, r1, c1


def _streamed(archive: zipfile.ZipFile, member: str) -> Iterator[tuple[str, Element]]:
    with archive.open(member) as handle:
        yield from iterparse(handle, events=("start", "end"))


def _xlsx(archive: zipfile.ZipFile, sheet: str, rows: int, columns: int) -> SheetFacts:
    facts = SheetFacts()
    part = _xlsx_part(archive, sheet)
    if not _mentions(archive, part, _XLSX_MARKERS):
        return facts
    row = 0
    column = -1
    container: Element | None = None
    for event, element in _streamed(archive, part):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                column = -1
                if element.get("hidden") in ("1", "true") and row <= rows:
                    facts.hidden_rows.add(row)
            elif tag == "col" and element.get("hidden") in ("1", "true"):
                low, high = int(element.get("min", "1")), int(element.get("max", "1"))
                facts.hidden_columns.update(range(low - 1, min(high, columns)))
            elif tag == "mergeCell" and element.get("ref"):
                facts.merged.append(_cell_range(element.get("ref", "")))
            elif tag == "sheetData":
                container = element
        elif tag == "c":
            ref = element.get("r")
            column = _column_index(ref) if ref else column + 1
            if _no_saved_value(element):
                facts.add_formula(row, column)
        elif tag == "row" and container is not None:
            container.clear()  # the rows read so far are not kept
    return facts


def _no_saved_value(cell: Element) -> bool:
    """A formula cell whose last calculated value was not saved."""
    formula = value = None
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            formula = child
        elif name == "v":
            value = child
    if formula is None:
        return False
    if value is None:
        return True
    # An empty <v/> is an empty text result when the cell is typed as text; else no value.
    return not (value.text or "") and cell.get("t") not in _TEXT_RESULT


def _ods(archive: zipfile.ZipFile, sheet: str, rows: int, columns: int) -> SheetFacts:
    facts = SheetFacts()
    if not _mentions(archive, "content.xml", _ODS_MARKERS):
        return facts
    inside = False
    first = last = 0  # the sheet rows the current (possibly repeated) row element stands for
    column = columns_seen = 0
    for event, element in _streamed(archive, "content.xml"):
        tag = _local(element.tag)
        if tag == "table":
            if event == "start" and _attr(element, "name") == sheet:
                inside = True
            elif event == "end":
                if inside:
                    break
                element.clear()  # other sheets are not kept
            continue
        if event == "end":
            if tag == "table-row":
                element.clear()
            continue
        if not inside:
            continue
        if tag == "table-column":
            repeat = int(_attr(element, "number-columns-repeated") or 1)
            if _attr(element, "visibility") in ("collapse", "filter"):
                end = min(columns_seen + repeat, columns)
                facts.hidden_columns.update(range(columns_seen, end))
            columns_seen += repeat
        elif tag == "table-row":
            repeat = int(_attr(element, "number-rows-repeated") or 1)
            first, last, column = last + 1, last + repeat, 0
            if _attr(element, "visibility") in ("collapse", "filter"):
                facts.hidden_rows.update(range(first, min(last, rows) + 1))
        elif tag in ("table-cell", "covered-table-cell"):
            repeat = int(_attr(element, "number-columns-repeated") or 1)
            if tag == "table-cell":
                _ods_cell(element, facts, first, last, column, repeat, columns)
            column += repeat
    return facts


def _ods_cell(
    cell: Element, facts: SheetFacts, first: int, last: int, column: int, repeat: int, width: int
) -> None:
    """Record one (possibly repeated) ods cell's merge and missing formula value."""
    spans = (
        int(_attr(cell, "number-rows-spanned") or 1),
        int(_attr(cell, "number-columns-spanned") or 1),
    )
    if spans != (1, 1):
        facts.merged.append((first, column + 1, first + spans[0] - 1, column + spans[1]))
    if _attr(cell, "formula") is not None and _attr(cell, "value-type") is None:
        # Repeated empty formulas run to the sheet's edge: keep those within the values' width.
        for row in range(first, last + 1):
            for col in range(column, min(column + repeat, max(width, column + 1))):
                facts.add_formula(row, col)
                if facts.too_many_formulas:
                    return
