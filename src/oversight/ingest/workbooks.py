"""Workbooks (xlsx, ods): one visible sheet as text rows, with what the sheet hides.

Cells are rendered to text canonically (date cells as ISO dates, whole numbers without ``.0``)
so that later parsing sees one spelling per value. A hidden sheet is never read, and a zip bomb
is refused before the workbook is opened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum
from rapidfuzz import process

from oversight.errors import ExtractError
from oversight.ingest import archives, filelabels, shown
from oversight.ingest.sheetfacts import MAX_FORMULA_CELLS, SheetFacts, SheetFactsError, read_facts


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
