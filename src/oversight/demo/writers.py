"""Writing synthetic exports the way real systems write them (CSV, xlsx, ods, vtt, txt)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

# openpyxl stamps the current time into docProps/core.xml; fix it so output is byte-stable.
FIXED_TIME = dt.datetime(2025, 4, 30, 9, 0, 0)


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], encoding: str, delimiter: str = ","
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(
    path: Path,
    sheet: str,
    title: str,
    header: list[str],
    rows: list[list[Any]],
    notes: list[str],
    date_format: str = "dd/mm/yyyy",
) -> None:
    """A report-style workbook: merged title rows above the header, and a notes sheet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title])
    ws.append(["Report run 30/04/2025 by the performance team"])
    ws.append([])
    width = max(1, len(header))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for col in ws.iter_cols(min_row=5):
        for cell in col:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = date_format
    info = book.create_sheet("Notes")
    for line in notes:
        info.append([line])
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    book.properties.creator = "oversight demo-data"
    book.save(path)
    _stabilise_zip(path)


def write_ods(path: Path, sheet: str, title: str, header: list[str], rows: list[list[Any]]) -> None:
    """An OpenDocument spreadsheet with a title row above the header (all cells as text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = pd.DataFrame(rows, columns=header, dtype="object")
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame([[title]]).to_excel(writer, sheet_name=sheet, header=False, index=False)
        body.to_excel(writer, sheet_name=sheet, startrow=2, index=False)
    _stabilise_zip(path)


def _stabilise_zip(path: Path) -> None:
    """Rewrite a zip container with fixed member timestamps so the bytes are reproducible."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 4, 30, 9, 0, 0))
            fixed.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, _strip_dates(info.filename, data))


def _strip_dates(name: str, data: bytes) -> bytes:
    """Replace the save time spreadsheet writers stamp into their metadata."""
    import re

    fixed = b"2025-04-30T09:00:00"
    if name == "meta.xml":  # odfpy
        data = re.sub(
            rb"(<meta:creation-date>)[^<]*(</meta:creation-date>)",
            rb"\g<1>" + fixed + rb"\g<2>",
            data,
        )
        data = re.sub(rb"(<dc:date>)[^<]*(</dc:date>)", rb"\g<1>" + fixed + rb"\g<2>", data)
    if name == "docProps/core.xml":  # openpyxl
        data = re.sub(
            rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
            rb"\g<1>" + fixed + rb"Z\g<2>",
            data,
        )
    return data


def write_docx(path: Path, lines: list[str]) -> None:
    """A Word transcript: a title paragraph, then one paragraph per turn."""
    import docx

    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.core_properties.author = "oversight demo-data"
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.save(str(path))
    _stabilise_zip(path)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
