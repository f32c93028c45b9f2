"""Zip containers (xlsx, ods, docx, qdpx) are inspected before any reader inflates them.

A zip bomb is a small file that expands to gigabytes. Office files are zips, so a hostile or
broken workbook could exhaust memory inside the spreadsheet reader before any check of ours
runs. Each container is therefore refused when it has too many members, would expand past a
limit (by its declared sizes, and again by the bytes actually inflated, since declared sizes
can lie), or compresses far better than real documents do. Real sheets compress 5 to 20 times
(a 300,000-row repetitive sheet: 17 times); deflate bombs reach about 1,000 times.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from oversight.ingest.rawpaths import not_a_file

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a container may hold. The defaults admit any real extract we have seen."""

    members: int = 10_000
    expanded_bytes: int = 2048 * MIB
    ratio: float = 100.0
    # Members smaller than this are never refused on ratio alone (tiny XML parts compress well).
    ratio_floor_bytes: int = 16 * MIB


LIMITS = Limits()


class ArchiveRefused(ValueError):
    """A zip container is refused: too many members, too large expanded, or a bomb."""


def check_zip(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse a zip container that could exhaust memory when read.

    A file that is not a zip at all passes: the reader then says what is wrong with it.
    Anything but a regular file (a folder, a named pipe that would block) is refused unopened.

    Raises:
        ArchiveRefused: With a sentence naming the limit that was exceeded.
    """
    what = not_a_file(path)
    if what is not None:
        raise ArchiveRefused(f"it is {what}, not a file")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the reader says what the file is instead
    except Exception as exc:  # a zip whose directory cannot be inspected is not opened
        raise ArchiveRefused(
            f"its zip directory cannot be read ({type(exc).__name__}: {exc})"
        ) from exc
    with archive:
        infos = archive.infolist()
        check_members(infos, limits)
        _inflate_counting(archive, infos, limits)


def _size(n: int) -> str:
    return f"{n / MIB:,.0f} MB" if n >= MIB else f"{n:,} bytes"


def check_members(infos: list[zipfile.ZipInfo], limits: Limits = LIMITS) -> None:
    """The checks that need only the archive's directory (member count, sizes, ratios)."""
    if len(infos) > limits.members:
        raise ArchiveRefused(f"it holds {len(infos):,} parts (limit {limits.members:,})")
    declared = sum(i.file_size for i in infos)
    if declared > limits.expanded_bytes:
        raise ArchiveRefused(
            f"it would expand to {_size(declared)} (limit {_size(limits.expanded_bytes)})"
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor_bytes and ratio > limits.ratio:
            raise ArchiveRefused(
                f"part {info.filename!r} expands {ratio:,.0f} times "
                f"({info.compress_size:,} to {info.file_size:,} bytes; real documents expand "
                f"at most about 20 times, the limit is {limits.ratio:,.0f}): a zip bomb"
            )


def _inflate_counting(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits
) -> None:
    """Inflate every member without keeping it, stopping as soon as the total passes the limit.

    Inflating to the end also checks each member's CRC-32, so a damaged part is refused here
    rather than read as altered data by a reader that does not check.
    """
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        try:
            with archive.open(info) as fh:
                while chunk := fh.read(MIB):
                    total += len(chunk)
                    if total > limits.expanded_bytes:
                        raise ArchiveRefused(
                            f"it expands past {_size(limits.expanded_bytes)} "
                            "(more than its declared sizes): a zip bomb"
                        )
        except ArchiveRefused:
            raise
        except Exception as exc:  # BadZipFile (CRC), zlib.error, OSError, encryption ...
            # Some readers do not check CRCs: a damaged part could load as changed data.
            raise ArchiveRefused(
                f"part {info.filename!r} is damaged ({type(exc).__name__}: {exc})"
            ) from exc
