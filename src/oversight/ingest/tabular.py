"""A tabular extract (CSV, text or workbook) as a text frame of common fields.

The reader's table is mapped to the dataset's fields; the rows it set aside before validation (a
row split by an unquoted delimiter, a row that is not a record, a formula without a saved value
in a used column) become reject lines of their own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.ingest import harmonise, readers, shown, validate
from oversight.ingest.normalise import norm_label
from oversight.ingest.rawtable import RawTable, RowReject, is_blank


def tabular_frame(path: Path, spec, file: str, fields, ref_fn):
    """One tabular extract as a text frame of common fields, with the rows set aside before
    validation (``row -> n cells`` for a split row; ``row -> [RowReject]`` for a row that is
    not a record, is hidden, or holds a formula with no saved value in a used column)."""
    table = readers.read_table(
        path,
        spec,
        file,
        harmonise.known_headers(spec),
        norm_label,
        ref_fn([]),
        row_checks=True,
    )
    mapping = harmonise.map_headers(table.header, spec, fields, file, ref_fn, table.header_row)
    frame = harmonise.mapped_frame(table.rows, mapping, spec, fields)
    headers = {target: table.header[pos] for target, pos in mapping.items()}
    used = set(mapping.values())
    # Blank in place of the used columns, so the unused ones keep their column numbers.
    unused = [h if i not in used else "" for i, h in enumerate(table.header)]
    notes = list(table.notes)
    if any(h.strip() for h in unused):
        quotable = harmonise.quotable_names(spec)
        notes.append("columns not used: " + shown.cells_shown(unused, quotable, norm_label))
    set_aside: dict[int, int | list[RowReject]] = dict(table.overlong_rows)
    set_aside.update({row: [problem] for row, problem in table.structural.items()})
    formulas, empty, note = _formula_rejects(table, mapping)
    set_aside.update(formulas)
    notes += note
    frame = frame.drop(index=[*formulas, *empty])
    return frame, headers, notes, set_aside, table.blank_rows + len(empty)


def _formula_rejects(
    table: RawTable, mapping: dict[str, int]
) -> tuple[dict[int, list[RowReject]], list[int], list[str]]:
    """Formula cells with no saved value (they read as blank, but their value is unknown).

    In a used column each is rejected as ``formula_without_value``; in a column not used it
    is only counted in a note, and a row that is blank apart from such cells is a blank row.
    """
    by_position = {pos: target for target, pos in mapping.items()}
    rejects: dict[int, list[RowReject]] = {}
    empty: list[int] = []
    unused = 0
    for row, columns in table.formula_cells.items():
        hits = [c for c in columns if c in by_position]
        unused += len(columns) - len(hits)
        if not hits:
            if is_blank(table.rows.loc[row].fillna("").tolist()):
                empty.append(row)
            continue
        rejects[row] = [
            RowReject(
                "formula_without_value",
                f"{table.header[c]!r} holds a formula saved without its value (the workbook "
                "was not calculated before saving), so the value is unknown: open the file in "
                "a spreadsheet program, let it calculate, save it and send it again",
                "(formula, no saved value)",
                column=table.header[c],
                field=by_position[c],
            )
            for c in hits
        ]
    notes = (
        [f"{unused} formula cells without a saved value in columns not used (not checked)"]
        if unused
        else []
    )
    return rejects, empty, notes


def set_aside_rejects(
    file: str, set_aside: dict[int, int | list[RowReject]], width: int
) -> pd.DataFrame:
    """Reject lines for the rows set aside before validation: a row split by an unquoted
    delimiter (``row -> number of cells``, against the header's ``width`` columns), and the
    readers' structural and workbook rejects (``row -> [RowReject]``)."""
    lines = []
    for row, item in sorted(set_aside.items()):
        if isinstance(item, int):
            lines.append(
                {
                    "source_file": file,
                    "source_row": row,
                    "column": "(whole row)",
                    "field": "(whole row)",
                    "value_shown": f"{item} cells",
                    "rule": "field_count",
                    "message": (
                        f"this row has {item} cells but the header has {width} columns; a "
                        "value with an unquoted delimiter has probably split; quote it and "
                        "re-export"
                    ),
                }
            )
        else:
            lines += _reader_reject_lines(file, row, item)
    return pd.DataFrame.from_records(lines, columns=validate.REJECT_COLUMNS)


def _reader_reject_lines(file: str, row: int, problems: list[RowReject]) -> list[dict]:
    """Reject lines (rejects.csv columns) for one row the readers set aside."""
    return [
        {
            "source_file": file,
            "source_row": row,
            "column": p.column,
            "field": p.field,
            "value_shown": p.value_shown,
            "rule": p.rule,
            "message": p.message,
        }
        for p in problems
    ]
