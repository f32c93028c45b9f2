"""Search a run's outputs for planted strings, through every container a reader could open.

A string hidden in a compressed or binary artefact is still published: the text of each file is
taken as a reader would get it — parquet tables cell by cell, zip containers (xlsx, qdpx, docx,
zip) member by member, PDFs through ``pdftotext`` — and everything else as bytes decoded as
UTF-8 and as Latin-1. File and folder names are searched too.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

ZIPS = {".xlsx", ".qdpx", ".docx", ".zip", ".ods"}


def _decoded(data: bytes) -> str:
    return data.decode("utf-8", errors="replace") + "\n" + data.decode("latin-1")


def _parquet(data: bytes) -> str:
    frame = pd.read_parquet(io.BytesIO(data))
    return " ".join(map(str, frame.columns)) + "\n" + frame.astype(str).to_csv(index=False)


def _pdf(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        raise RuntimeError(f"{path}: pdftotext (poppler-utils) is needed to search a PDF")
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8", errors="replace")


def _member_texts(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    suffix = Path(name).suffix.lower()
    if suffix in ZIPS or (data[:4] == b"PK\x03\x04" and suffix not in {".png", ".svg"}):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield f"{name}!{member}", member
                yield from _member_texts(f"{name}!{member}", archive.read(member))
    elif suffix == ".parquet":
        yield name, _parquet(data)
    else:
        yield name, _decoded(data)


def texts(root: Path) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every file under ``root`` (and each file's own path)."""
    for path in sorted(root.rglob("*")):
        where = str(path.relative_to(root.parent))
        yield where, where  # a file or folder name is published with the file
        if not path.is_file() or path.is_symlink():
            continue
        if path.suffix.lower() == ".pdf":
            yield where, _pdf(path)
        else:
            yield from _member_texts(where, path.read_bytes())


def find(roots: Iterable[Path], planted: Iterable[str]) -> dict[str, list[str]]:
    """Each planted string (matched ignoring case and runs of spaces) and where it was found."""
    patterns = {
        p: re.compile(r"\s+".join(map(re.escape, p.split())), re.IGNORECASE) for p in planted
    }
    found: dict[str, list[str]] = {}
    for root in roots:
        if not root.exists():
            continue
        for where, text in texts(root):
            for planted_text, pattern in patterns.items():
                if pattern.search(text):
                    found.setdefault(planted_text, []).append(where)
    return found


def files_searched(roots: Iterable[Path]) -> int:
    """How many files the search opened: a guard against searching an empty folder."""
    return sum(1 for root in roots if root.exists() for p in root.rglob("*") if p.is_file())
