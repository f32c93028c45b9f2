"""The published tables made into the workbook's sheets and words (config/workbook.yaml):
each table's headers, number formats, symbols and notes; the cover; the notes sheet.

Notes are numbered in config order among those some table refers to, so ``[note 1]`` is
always the first note in use; the notes sheet lists only those, and only the symbols a table
shows, each with the tables that use it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import __version__, citation
from oversight.report.exports import SheetTable
from oversight.report.marking import DEMO_NOTE, data_note, from_la_extracts
from oversight.report.workbook_sheets import WorkbookText
from oversight.report.workbook_spec import columns, fill, notes_of, symbol_cells


@dataclass(frozen=True)
class Built:
    """A table's sheet before the notes are numbered: the positions in `notes` of those it
    refers to and the symbols it shows."""

    sheet: SheetTable
    notes: tuple[int, ...]
    symbols: frozenset[str]


def number_or_text(series: pd.Series) -> pd.Series:
    """Numbers stay numbers in the workbook; other cells keep their text (a symbol, a word)."""
    numbers = pd.to_numeric(series, errors="coerce")
    return series.where(numbers.isna(), numbers).astype(object)


def sheet_table(
    name: str,
    spec: Mapping[str, Any],
    frame: pd.DataFrame,
    layout: Mapping[str, Any],
    demo: bool,
    published: str | Path | None = None,
) -> Built:
    """Published table ``name`` (its config/tables.yaml entry ``spec``) as a sheet. In a demo
    run the title of a table built from LA extracts says the data are synthetic: a sheet
    copied out of the workbook keeps it."""
    source = (
        f"Source: rule {spec['rule']}; results/tables/{name}.csv. "
        f"Trace with: oversight trace {spec['id']}"
    )
    title = spec["title"]
    if demo and from_la_extracts(spec):
        title = f"{title}. {DEMO_NOTE}"
    values = frame.apply(number_or_text) if len(frame.columns) else frame
    values, symbols = symbol_cells(values, layout)
    cols = columns(name, spec, values, layout, published)
    blank = bool(values.isna().to_numpy().any()) or bool((values == "").to_numpy().any())
    sheet = SheetTable(spec["id"], title, values, source, cols)
    return Built(sheet, notes_of(name, spec, cols, blank, layout), symbols)


def fields(
    layout: Mapping[str, Any],
    tables: int,
    min_count: int,
    survey_min_n: int,
    demo: bool,
    title: str,
) -> dict[str, object]:
    """The values config/workbook.yaml's text may use."""
    return {
        "title": title,
        "version": __version__,
        "citation": citation(),
        "tables": tables,
        "min_count": min_count,
        "max_hidden": min_count - 1,
        "survey_min_n": survey_min_n,
        "data_note": data_note(demo),
    }


def number_notes(built: Sequence[Built]) -> dict[int, str]:
    """Each note in use (its position in `notes`) and its marker, in config order."""
    used = sorted({i for b in built for i in b.notes})
    return {i: f"[note {n}]" for n, i in enumerate(used, start=1)}


def sheets(built: Sequence[Built], markers: Mapping[int, str]) -> list[SheetTable]:
    """The table sheets with the markers of the notes each refers to."""
    return [dataclasses.replace(b.sheet, notes=tuple(markers[i] for i in b.notes)) for b in built]


def notes_rows(
    built: Sequence[Built],
    markers: Mapping[int, str],
    layout: Mapping[str, Any],
    values: Mapping[str, object],
) -> tuple[tuple[str, str, str], ...]:
    """The notes sheet's rows: each note in use, then each symbol shown (in config order),
    with the IDs of the tables that refer to it or show it."""
    rows = []
    for i, marker in markers.items():
        ids = ", ".join(b.sheet.id for b in built if i in b.notes)
        rows.append((marker, fill(layout["notes"][i]["text"], values, f"notes[{i}]"), ids))
    shown: dict[str, list[str]] = {}
    for symbol, entry in layout["symbols"].items():
        for b in built:
            if symbol in b.symbols:
                shown.setdefault(entry["shorthand"], []).append(b.sheet.id)
    for symbol, entry in layout["symbols"].items():
        ids = shown.pop(entry["shorthand"], None)
        if ids is not None:
            meaning = fill(entry["meaning"], values, f"symbols: {symbol}")
            rows.append((entry["shorthand"], meaning, ", ".join(dict.fromkeys(ids))))
    return tuple(rows)


def cover(
    layout: Mapping[str, Any], values: Mapping[str, object], about: Mapping[str, Any] | None
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The cover's sections, filled in; with the report's authors, contact and issue date
    when the report's text is given."""
    sections = [
        (
            fill(s["heading"], values, "cover"),
            tuple(fill(line, values, f"cover: {s['heading']}") for line in s["lines"]),
        )
        for s in layout["cover"]["sections"]
    ]
    if about:
        sections.append(
            (
                "Produced by",
                (
                    str(about["authors"]),
                    f"Report version {about['version']}, issued {_long_date(about['date'])}.",
                    f"Contact: {about['contact']}",
                ),
            )
        )
    return tuple(sections)


def _long_date(text: object) -> str:
    """An ISO date as the GSS style writes it: 27 February 2026."""
    day = dt.date.fromisoformat(str(text))
    return f"{day.day} {day:%B %Y}"


def workbook_parts(
    built: Sequence[Built],
    layout: Mapping[str, Any],
    values: Mapping[str, object],
    about: Mapping[str, Any] | None = None,
) -> tuple[list[SheetTable], WorkbookText]:
    """The table sheets and the workbook's words, the notes numbered."""
    markers = number_notes(built)
    text = WorkbookText(
        fill(layout["cover"]["title"], values, "cover: title"),
        cover(layout, values, about),
        notes_rows(built, markers, layout, values),
        tuple(layout["cover"].get("keywords", ())),
    )
    return sheets(built, markers), text
