"""Writing artefacts reproducibly and safely.

Every writer produces the same bytes for the same data (no timestamps, fixed column order,
sorted keys) and writes through a temporary file renamed into place, so an interrupted job
never leaves a half-written file that looks complete. CSV cells that a spreadsheet would run
as a formula are neutralised.
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# A leading =, +, -, @, tab or carriage return makes Excel and LibreOffice evaluate a cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Fixed times for xlsx containers: openpyxl stamps the save time into the zip member headers and
# docProps/core.xml, which would make every save differ.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CORE_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
CORE_TIME_TEXT = b"2000-01-01T00:00:00Z"
CREATOR = "oversight"


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A job killed outright (SIGKILL, power cut) cannot clean up: its temporary files are
    # removed by the next writer of the same output (one job owns an output at a time).
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp creates 0600; outputs are ordinary files, readable as the umask allows.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def excel_safe_cell(value: object) -> object:
    """Prefix a text cell with an apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            # value by value, keeping the dtype: Series.map would infer floats from whole
            # numbers beside a blank, and write a count of 7 as 7.0
            cells = [excel_safe_cell(v) for v in out[col]]
            out[col] = pd.Series(cells, index=out.index, dtype=out[col].dtype)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """UTF-8 CSV, Excel-safe, LF line endings, no index."""
    with atomic_path(path) as tmp:
        excel_safe(frame).to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Parquet with the schema taken from the frame; no creation time is stored."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", write_statistics=True)


def write_json(data: Any, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )


def write_text(text: str, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def xlsx_bytes(book: Any) -> bytes:
    """An openpyxl workbook as xlsx bytes that depend only on its content."""
    book.properties.creator = CREATOR
    book.properties.created = CORE_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue())


def write_xlsx(book: Any, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(xlsx_bytes(book))


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the xlsx container with fixed member headers and fixed document times."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 3  # Unix, so the bytes do not depend on the build platform
            member.external_attr = 0o644 << 16
            dst.writestr(member, _fixed_core(info.filename, src.read(info)))
    return out.getvalue()


def _fixed_core(name: str, data: bytes) -> bytes:
    """Replace the save time openpyxl stamps into the core properties; drop the last editor."""
    if name != "docProps/core.xml":
        return data
    data = re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
        rb"\g<1>" + CORE_TIME_TEXT + rb"\g<2>",
        data,
    )
    return re.sub(rb"<cp:lastModifiedBy[^>]*>[^<]*</cp:lastModifiedBy>", b"", data)


# Readers: how each kind of artefact is read back, stated once. Codes and periods are text
# ("E06000035", "2024-25" must not become numbers); published tables are read as written.
# A ledger to read: the regional one, or the ledgers of the datasets an analysis reads.
Ledgers = str | Path | Sequence[str | Path]


def read_ledger(path: Ledgers) -> pd.DataFrame:
    """The ledger (one row per LA and dataset), LA codes as text: one file, or several (the
    ledgers of the datasets an analysis reads) read as one, sorted by LA code and dataset."""
    if isinstance(path, str | Path):
        return pd.read_csv(path, dtype={"la_code": str})
    frames = [pd.read_csv(p, dtype={"la_code": str}) for p in path]
    ledger = pd.concat(frames, ignore_index=True)
    return ledger.sort_values(["la_code", "dataset"], kind="stable").reset_index(drop=True)


def read_counts(path: str | Path) -> pd.DataFrame:
    """A table of counts keyed by LA, breakdown and period (metrics, impact series)."""
    return pd.read_csv(path, dtype={"la_code": str, "breakdown": str, "period": str})


def read_text_table(path: str | Path) -> pd.DataFrame:
    """A table read exactly as written: every cell text, only an empty cell missing (published
    tables, which hold suppression symbols beside numbers)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def read_reference(path: str | Path) -> pd.DataFrame:
    """A reference file shipped with the study (LA codes, statistical neighbours): text, with
    any byte-order mark dropped."""
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig")
