"""What may be published: every output under ``results/`` classed by audience, and the public
ones packed, alone, into one archive.

``config/publication.yaml`` is the one list. Each output is classed by the first entry whose
pattern matches its path under ``results/``; an output no entry matches stops the run, so a
new output cannot reach a reader before someone has decided who may see it. The archive holds
the public files and a manifest (path, bytes, SHA-256, what it is); it is built to be the same
bytes on every machine: members sorted, stored uncompressed (compressed bytes depend on the
zlib build), with fixed dates and permissions.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from oversight.errors import ConfigError

AUDIENCES = ("public", "network", "secure")
MANIFEST = "MANIFEST.csv"
# The earliest date a zip entry can hold: no clock reaches the archive.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Output:
    """One file under ``results/`` and who may see it."""

    path: str  # relative to results/, with forward slashes
    audience: str
    what: str


def classify(paths: Iterable[str], catalogue: dict[str, Any]) -> list[Output]:
    """Each path (relative to ``results/``) with its audience, sorted by path.

    Raises:
        ConfigError: Naming every path that no entry of the catalogue matches.
    """
    out, unmatched = [], []
    for path in sorted(set(paths)):
        entry = next(
            (e for e in catalogue["outputs"] if fnmatch.fnmatchcase(path, e["pattern"])), None
        )
        if entry is None:
            unmatched.append(path)
        else:
            out.append(Output(path, entry["audience"], entry["what"]))
    if unmatched:
        raise ConfigError(
            f"{len(unmatched)} output(s) under results/ match no entry of "
            f"config/publication.yaml: {', '.join(unmatched)}. Add an entry saying who may "
            "see each (public, network or secure) before it is written."
        )
    return out


def relative(path: str | Path, results: str | Path) -> str:
    """``path`` relative to the results folder, with forward slashes."""
    return PurePosixPath(Path(path).relative_to(results).as_posix()).as_posix()


def manifest(outputs: Iterable[Output], results: Path) -> str:
    """The archive's manifest: one line per public file with its size and SHA-256."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "bytes", "sha256", "what"])
    for o in outputs:
        data = (results / o.path).read_bytes()
        writer.writerow([o.path, len(data), hashlib.sha256(data).hexdigest(), o.what])
    return buffer.getvalue()


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever system writes it
    return info


def bundle(outputs: Iterable[Output], results: Path, archive: Path) -> list[Output]:
    """Write the public outputs and their manifest to ``archive``; returns what it holds."""
    public = sorted((o for o in outputs if o.audience == "public"), key=lambda o: o.path)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(_member(MANIFEST), manifest(public, results))
        for o in public:
            zf.writestr(_member(o.path), (results / o.path).read_bytes())
    return public
