"""The demo manifest (``data/raw/DEMO_DATA.json``) and the files a demo run wrote.

The manifest lists every file the generator wrote (path under ``data/raw/``, size and
SHA-256): ingest uses the public demo key for an LA only when each file it reads is one of
these, unchanged (:func:`oversight.ingest.pseudonymise.load_key`).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from oversight.ingest.pseudonymise import sha256_file


def read_json(path: Path) -> dict[str, Any]:
    """A JSON file's object, or an empty one when there is no file."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def unhashed_manifest(raw_root: Path) -> dict[str, Any] | None:
    """The demo manifest in ``raw_root`` when an older generator wrote it (no file hashes, so
    the demo key is refused for every LA), else None."""
    manifest = read_json(raw_root / "DEMO_DATA.json")
    if manifest.get("demo") is True and not isinstance(manifest.get("files"), dict):
        return manifest
    return None


def clear_demo_folder(raw_root: Path, slug: str) -> None:
    """Remove the files an earlier demo run wrote for an LA (those its manifest lists) before
    writing new ones, so nothing stale is left behind. Any other file in the folder is kept,
    and is not listed in the new manifest: a real extract put there is never deleted, nor
    taken for demo data."""
    manifest = read_json(raw_root / "DEMO_DATA.json")
    folder = raw_root / slug
    listed = manifest.get("files")
    if not folder.is_dir() or manifest.get("demo") is not True or not isinstance(listed, dict):
        return
    for rel in sorted(listed):
        parts = Path(rel).parts
        if len(parts) > 1 and parts[0] == slug and ".." not in parts:
            path = raw_root / rel
            if path.is_file() and not path.is_symlink():
                path.unlink()
    for here, dirs, names in os.walk(folder, topdown=False):
        if here != str(folder) and not dirs and not names:
            os.rmdir(here)


def file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each regular file under ``folder`` (links not followed) -> its inode, size and mtime."""
    states = {}
    for here, _dirs, names in os.walk(folder):
        for name in names:
            info = os.lstat(os.path.join(here, name))
            if stat.S_ISREG(info.st_mode):
                states[os.path.join(here, name)] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return states


def written_files(
    raw_root: Path, folder: Path, before: dict[str, tuple[int, int, int]]
) -> dict[str, dict[str, Any]]:
    """The files under ``folder`` written since ``before`` (:func:`_file_states`) -> their
    manifest entry: path under ``raw_root`` -> ``{"bytes", "sha256"}``."""
    out = {}
    for path, state in file_states(folder).items():
        if before.get(path) != state:
            rel = Path(path).relative_to(raw_root).as_posix()
            out[rel] = {"bytes": state[1], "sha256": sha256_file(Path(path))}
    return out
