"""The label by which a raw file is known outside ``data/raw/``.

A raw file's name is often a person's name or a date (``Jane Smith 2024-03-01.vtt``). Outside
the raw folder (rejects, the ledger, quality pages, notes, logs, harmonised datasets, coding
outputs, the REFI-QDA project, provenance) a file is named by its label:

- a transcript (a focus-group or interview session) always by ``T-<12 hex>``, which is also the
  session's ID;
- a participants list, a tabular extract whose name is not safe, and anything else in the
  LA's folder that a message may name (a refused link, a stray file) by ``F-<12 hex>``;
- a tabular extract whose path is safe (ASCII letters, digits, space, ``_-.`` and nothing the
  redactor would remove) by its plain path relative to the raw data folder, so the LA's data
  lead finds it from the quality page.

A pseudonym is ``HMAC-SHA256(key, "<la_code>|<kind>|<path below the LA's folder>")`` with the
LA's pseudonymisation key: stable from run to run, different in another LA or under another
key, and not reversible without the key. Whoever holds the key and the raw folder finds a
file from its label with ``oversight files <la>``, which computes the mapping on the fly:
nothing that links a label to a path is stored.

This module is light (no pandas) so that Snakemake can fingerprint a job's raw files with it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from oversight.config import load_yaml
from oversight.errors import ExtractError
from oversight.ingest import rawpaths
from oversight.ingest import redact as redactor

# Parts of a stem shorter than this are not replaced on their own in a message ("a", "v2").
MIN_SCRUB = 4
NOT_CONFIGURED = "(no dataset)"


@cache
def settings() -> dict[str, Any]:
    """The labelling settings (``data/filelabels.yaml``)."""
    return load_yaml(Path(__file__).parent / "data/filelabels.yaml")


def name_is_publishable(text: str, known: Iterable[str] = ()) -> bool:
    """Whether a file name's words may be shown: the redactor finds nothing to remove (a
    name, an ID, a date of birth, a contact) and no capitalised word it is unsure of.

    Unlike a quote (:func:`oversight.ingest.redact.publishable`), an unknown word in lower case is
    allowed: file names are full of system and place words ("mosaic", "testshire") and
    rarely written in capitals, so that rule would hide every name a data lead needs.
    """
    if redactor.find(text, known=known):
        return False
    return not any(w[:1].isupper() for w in redactor.unsure_words(text, known))


def is_safe_name(rel: str, known: Iterable[str] = ()) -> bool:
    """Whether a path below the LA's folder may be shown as it is: every part made of the
    safe characters, and :func:`name_is_publishable` on its words (``_``, ``-``, ``.`` and
    ``/`` read as spaces, so ``jane_smith.csv`` is two words). ``known`` are words that are
    not names whatever the gazetteer says (the LA's own name)."""
    parts = PurePosixPath(rel).parts
    pattern = re.compile(settings()["safe_part"])
    if not parts or not all(pattern.match(p) for p in parts):
        return False
    words = re.sub(r"[/_.\-]+", " ", rel).strip()
    return name_is_publishable(words, known)


def pseudonym(key: bytes, la_code: str, kind: str, rel: str) -> str:
    """``<prefix>-<hex>``: the keyed pseudonym of the path ``rel`` below the LA's folder."""
    conf = settings()
    message = f"{la_code}|{kind}|{rel}".encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return f"{conf['prefix'][kind]}-{digest[: conf['hex_chars']]}"


@dataclass(frozen=True)
class Labeller:
    """Labels for the raw files of one LA (folder ``<raw_root>/<la>/``)."""

    raw_root: Path
    la: str
    la_code: str
    key: bytes

    def relative(self, path: Path) -> str:
        """``path`` below the LA's folder, as posix text (as configured, links not followed)."""
        folder = rawpaths.la_folder(self.raw_root, self.la)
        try:
            return Path(path).relative_to(folder).as_posix()
        except ValueError:
            return Path(os.path.relpath(path, folder)).as_posix()

    def label(self, path: Path, dataset: str | None = None) -> str:
        """The label of a file of ``dataset`` (None: a file no dataset names)."""
        rel = self.relative(path)
        if dataset in settings()["pseudonymised_datasets"]:
            return pseudonym(self.key, self.la_code, "session", rel)
        if is_safe_name(rel, self.la.split("_")):
            return f"{self.la}/{rel}"
        return pseudonym(self.key, self.la_code, "file", rel)

    def participants(self, path: Path) -> str:
        """The label of a participants list: always a pseudonym (it belongs to sessions)."""
        return pseudonym(self.key, self.la_code, "file", self.relative(path))

    def other(self, path: Path) -> str:
        """The label of an entry no configured path reads (a link refused, a stray file):
        always a pseudonym, since nothing says what it holds and no one needs its name."""
        return pseudonym(self.key, self.la_code, "file", self.relative(path))


def configured_files(
    raw_root: Path, la: str, config: Mapping[str, Any]
) -> list[tuple[str, str, Path]]:
    """``(dataset, role, path)`` for every regular file one LA's configuration names
    (``role`` is ``extract`` or ``participants``), in configuration order. A path ingest
    would refuse (outside the LA's folder, not a file) is left out, as ingest reports it."""
    out: list[tuple[str, str, Path]] = []
    for dataset, spec in (config.get("datasets") or {}).items():
        named = [("extract", spec["path"])]
        if spec.get("participants"):
            named.append(("participants", spec["participants"]))
        for role, pattern in named:
            try:
                paths = rawpaths.la_files(raw_root, la, pattern)
            except ExtractError:
                continue
            out += [(dataset, role, p) for p in paths if p.is_file()]
    return out


def folder_entries(raw_root: Path, la: str) -> list[Path]:
    """Every entry below the LA's folder (files, links, anything), links not followed."""
    folder = rawpaths.la_folder(raw_root, la)
    found: list[Path] = []
    pending = [folder]
    while pending and len(found) < rawpaths.MAX_WALK_ENTRIES:
        try:
            entries = sorted(os.scandir(pending.pop()), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            found.append(Path(entry.path))
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
    return found


def labelled_files(labeller: Labeller, config: Mapping[str, Any]) -> list[tuple[str, Path]]:
    """``(label, path)`` for every file the LA's configuration names (configured_files)."""
    rows = listing(labeller, config)
    return [(name, path) for name, what, path in rows if what != NOT_CONFIGURED]


def listing(labeller: Labeller, config: Mapping[str, Any]) -> list[tuple[str, str, Path]]:
    """``(label, what, path)`` for the LA's configured files (``what``: the dataset, or
    ``<dataset> participants``), then for every other entry of its folder, which a message
    may name (a link, a file no path matches; ``what`` is :data:`NOT_CONFIGURED`)."""
    out: list[tuple[str, str, Path]] = []
    for dataset, role, path in configured_files(labeller.raw_root, labeller.la, config):
        if role == "participants":
            out.append((labeller.participants(path), f"{dataset} participants", path))
        else:
            out.append((labeller.label(path, dataset), dataset, path))
    known = {path for _, _, path in out}
    for path in folder_entries(labeller.raw_root, labeller.la):
        if path not in known and not path.is_dir():
            out.append((labeller.other(path), NOT_CONFIGURED, path))
    return out


def label_map(labeller: Labeller, config: Mapping[str, Any]) -> dict[str, Path]:
    """Label -> path for every file of the LA's folder (:func:`listing`)."""
    out: dict[str, Path] = {}
    for name, _, path in listing(labeller, config):
        out.setdefault(name, path)
    return out


def scrub_names(labels: Mapping[str, Path], labeller: Labeller) -> dict[str, str]:
    """Text -> label for every way a message may name a labelled file: its full path, its
    path from the raw folder and from the LA's folder, its file name and (when at least
    :data:`MIN_SCRUB` characters) its stem. Files shown by their own name are left out."""
    out: dict[str, str] = {}
    for name, path in labels.items():
        rel = labeller.relative(path)
        plain = f"{labeller.la}/{rel}"
        if name == plain:
            continue
        forms = [str(path), plain, rel, path.name]
        if len(path.stem) >= MIN_SCRUB:
            forms.append(path.stem)
        for form in forms:
            out.setdefault(form, name)
    return out


def scrub(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every raw name in ``names`` replaced by its label (longest first, so a
    full path goes before its file name)."""
    for raw in sorted(names, key=len, reverse=True):
        if raw and raw in text:
            text = text.replace(raw, names[raw])
    return text


def scrub_error(problem: ExtractError, names: Mapping[str, str]) -> ExtractError:
    """A copy of a file-level problem with raw file names replaced by labels in every part
    of its message."""
    fields = ("file", "problem", "expected", "found", "closest", "fix", "column")
    changes = {
        f: scrub(getattr(problem, f), names) for f in fields if isinstance(getattr(problem, f), str)
    }
    return replace(problem, **changes)


def fingerprint(paths: Iterable[str | Path], folder: Path) -> str:
    """SHA-256 over each raw file's name below ``folder``, size and ``mtime_ns``: a rerun
    trigger that changes when a file is added, removed, replaced or touched, and names no
    file (``missing`` for a named file that is not there)."""
    digest = hashlib.sha256()
    for path in sorted(str(p) for p in paths):
        rel = os.path.relpath(path, folder)
        try:
            info = os.stat(path)
            state = f"{info.st_size}:{info.st_mtime_ns}"
        except OSError:
            state = "missing"
        digest.update(f"{rel}\0{state}\n".encode())
    return digest.hexdigest()
