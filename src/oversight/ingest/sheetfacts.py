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

The container has been checked by :func:`oversight.ingest.archives.check_zip` before this runs. A
part is first scanned as bytes: one that declares a DTD (``<!DOCTYPE``, which no spreadsheet
writes; entity tricks need one) is refused, and a part showing none of the markers above is
not parsed at all, so a large plain sheet costs one pass over its bytes. Otherwise it is
parsed by lxml's streaming parser with entities unresolved and no network or DTD loading;
each row is discarded once read.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from oversight.ingest import shown

# Byte strings showing that a part may hold something to record (any namespace prefix). A
# false alarm (the word "hidden" in a cell, a <filter> element) only costs a full parse.
_HIDDEN = b"hidden"
_FORMULA = (b"<f", b":f")
_MERGE = b"mergeCell"
_ODS = (b"table:visibility=", b"table:formula=", b"-spanned=")
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
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
        # The parser's text may quote the part's own content: quoted parts are described.
        raise SheetFactsError(shown.error_text(exc)) from exc


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element: etree._Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _scan(archive: zipfile.ZipFile, member: str, markers: Iterable[bytes]) -> set[bytes]:
    """The markers found in a part's bytes (read in overlapping chunks).

    Raises:
        SheetFactsError: The part declares a DTD, which no spreadsheet program writes.
    """
    found: set[bytes] = set()
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            window = tail + chunk
            if any(m in window for m in _DTD):
                raise SheetFactsError(f"{member} declares a DTD (<!DOCTYPE>); refused")
            found.update(m for m in markers if m not in found and m in window)
            tail = chunk[-64:]
    return found


def _fromstring(data: bytes) -> etree._Element:
    if any(m in data for m in _DTD):
        raise SheetFactsError("a workbook part declares a DTD (<!DOCTYPE>); refused")
    return etree.fromstring(data, parser=_parser())


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _events(
    archive: zipfile.ZipFile, member: str, events: tuple[str, ...], tags: Iterable[str]
) -> Iterator[tuple[str, etree._Element]]:
    """lxml's streaming parse of a part, yielding only ``tags`` (any namespace)."""
    with archive.open(member) as handle:
        yield from etree.iterparse(
            handle,
            events=events,
            tag=[f"{{*}}{t}" for t in tags],
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )


def _discard(element: etree._Element) -> None:
    """Free a row once read: its content and the rows before it."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


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
    for element in _fromstring(archive.read(book)).iter():
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
    for element in _fromstring(archive.read(member)).iter():
        if _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            absolute = target.startswith("/")
            resolved = target.lstrip("/") if absolute else posixpath.join(base, target)
            out[element.get("Id", "")] = (posixpath.normpath(resolved), element.get("Type", ""))
    return out


def _column_index(ref: str) -> int:
    """0-based column of a cell reference such as ``AB12``."""
    index = 0
    for ch in ref.replace("$", ""):
        if not ch.isalpha():
            break
        index = index * 26 + (ord(ch.upper()) - 64)
    return index - 1


def _cell_range(ref: str) -> tuple[int, int, int, int]:
    """``A1:C2`` as (first row, first column, last row, last column), 1-based."""
    first, _, last = ref.partition(":")

    def split(cell: str) -> tuple[int, int]:
        cell = cell.replace("$", "")
        digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return int(digits), _column_index(cell) + 1

    (r0, c0), (r1, c1) = split(first), split(last or first)
    return r0, c0, r1, c1


def _xlsx(archive: zipfile.ZipFile, sheet: str, rows: int, columns: int) -> SheetFacts:
    facts = SheetFacts()
    part = _xlsx_part(archive, sheet)
    found = _scan(archive, part, (_HIDDEN, *_FORMULA, _MERGE))
    if not found:
        return facts
    hidden, formulas = _HIDDEN in found, bool(found & set(_FORMULA))
    row = 0
    # Rows are always seen, so that each is discarded once read.
    for _, element in _events(archive, part, ("end",), ("row", "col", "mergeCell")):
        tag = _local(element.tag)
        if tag == "row":
            row = int(element.get("r") or row + 1)
            if hidden and element.get("hidden") in ("1", "true") and row <= rows:
                facts.hidden_rows.add(row)
            if formulas:
                _xlsx_formulas(element, row, facts)
            _discard(element)
        elif tag == "col" and element.get("hidden") in ("1", "true"):
            low, high = int(element.get("min", "1")), int(element.get("max", "1"))
            facts.hidden_columns.update(range(low - 1, min(high, columns)))
        elif tag == "mergeCell" and element.get("ref"):
            facts.merged.append(_cell_range(element.get("ref", "")))
    return facts


def _xlsx_formulas(row_element: etree._Element, row: int, facts: SheetFacts) -> None:
    """Record the row's formula cells that have no saved value."""
    for formula in row_element.iterfind("{*}c/{*}f"):
        cell = formula.getparent()
        if not _no_saved_value(cell):
            continue
        ref = cell.get("r")
        column = _column_index(ref) if ref else row_element.index(cell)
        facts.add_formula(row, column)


def _no_saved_value(cell: etree._Element) -> bool:
    """A formula cell whose last calculated value was not saved."""
    value = cell.find("{*}v")
    if value is None:
        return True
    # An empty <v/> is an empty text result when the cell is typed as text; else no value.
    return not (value.text or "") and cell.get("t") not in _TEXT_RESULT


def _ods(archive: zipfile.ZipFile, sheet: str, rows: int, columns: int) -> SheetFacts:
    facts = SheetFacts()
    if not _scan(archive, "content.xml", _ODS):
        return facts
    inside = False
    first = last = 0  # the sheet rows the current (possibly repeated) row element stands for
    column = columns_seen = 0
    tags = ("table", "table-row", "table-column", "table-cell", "covered-table-cell")
    for event, element in _events(archive, "content.xml", ("start", "end"), tags):
        tag = _local(element.tag)
        if tag == "table":
            if event == "start" and _attr(element, "name") == sheet:
                inside = True
            elif event == "end":
                if inside:
                    break
                _discard(element)  # other sheets are not kept
            continue
        if event == "end":
            if tag == "table-row":
                _discard(element)
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
        else:
            repeat = int(_attr(element, "number-columns-repeated") or 1)
            if tag == "table-cell":
                _ods_cell(element, facts, first, last, column, repeat, columns)
            column += repeat
    return facts


def _ods_cell(
    cell: etree._Element,
    facts: SheetFacts,
    first: int,
    last: int,
    column: int,
    repeat: int,
    width: int,
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
