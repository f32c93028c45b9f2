"""Where an LA's raw files may be: inside its own folder ``data/raw/<la>/``, as regular files.

A configured path or glob is resolved inside the LA's folder only, and every file it names is
followed through symbolic links and must still lie inside that folder: a link to another LA's
extract, or to anything else on the machine, is refused rather than read. A glob is matched by
walking the LA's folder (never the raw data root), so ``*`` or ``**`` cannot reach another
LA's folder; symbolically linked folders are walked only when they lead back inside.

Only regular files are ever opened. A folder, named pipe (FIFO), device or socket where a
file is expected is named as such; a FIFO is never opened, since reading one waits for a
writer that may never come.

This module is light (no pandas) so that Snakemake can list a job's inputs with it.
"""

from __future__ import annotations

import os
import stat
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any

from oversight.errors import ExtractError

GLOB_CHARS = "*?["
# An LA folder walked for a glob holds tens of files; this bound only stops a runaway walk.
MAX_WALK_ENTRIES = 100_000


def is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in GLOB_CHARS)


def not_a_file(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (after links), or None.

    Only ``stat`` is used: nothing is opened. A missing path is None (readers say "not found").
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"a path that cannot be inspected ({exc.strerror or type(exc).__name__})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def require_file(path: Path, file: str, kind: str = "file", fix: str = "") -> None:
    """Refuse anything but a regular file before it is opened.

    Raises:
        ExtractError: Saying what the path is instead (a folder, a named pipe ...).
    """
    what = not_a_file(path)
    if what is None:
        return
    raise ExtractError(
        file,
        f"this is {what}, not a {kind}; it is not read"
        + (" (reading a named pipe could wait forever)" if "FIFO" in what else ""),
        expected=f"a {kind}",
        found=what,
        fix=fix
        or "put the file itself at this path (not a folder, pipe or link to one), "
        "or correct path: in the LA's configuration",
    )


def la_folder(raw_root: Path, la: str) -> Path:
    return raw_root / la


def first_folder(pattern: str) -> str:
    """The first folder of a configured path (the LA's folder when none is given)."""
    parts = _parts(pattern)
    return parts[0] if parts else ""


def _parts(pattern: str) -> list[str]:
    return [p for p in PurePosixPath(pattern.replace("\\", "/")).parts if p not in ("", ".")]


def _outside(file: str, la: str, target: Path, raw_root: Path, fix: str) -> ExtractError:
    root = raw_root.resolve()
    where = (
        f"{target.relative_to(root).as_posix()} in the raw data folder"
        if target.is_relative_to(root)
        else str(target)
    )
    return ExtractError(
        file,
        f"this leads outside the LA's own folder {la}/ (to {where}), through a symbolic "
        "link; it is not read",
        expected=f"files inside {la}/ of the raw data folder",
        found=f"a link to {where}",
        fix=fix or f"copy the extract itself into {la}/ instead of linking to it",
    )


def _check_prefix(pattern: str, la: str, fix: str) -> list[str]:
    """The parts of ``pattern`` below the LA's folder; refuse one that does not start there."""
    parts = _parts(pattern)
    if len(parts) < 2 or parts[0] != la or ".." in parts or pattern.startswith(("/", "\\")):
        raise ExtractError(
            pattern,
            f"this path is not inside the LA's own folder {la}/",
            expected=f"a path of the form {la}/<file> (a glob only below {la}/)",
            found=f"a path starting {parts[0]!r}/" if parts else "an empty path",
            fix=fix or f"move the file into data/raw/{la}/ and name it {la}/... in path:",
        )
    return parts[1:]


def confined(raw_root: Path, la: str, rel: str, fix: str = "") -> Path:
    """The file ``rel`` (relative to the raw data root, no glob) inside the LA's folder.

    Returns the path as configured (so messages name it as the data lead does); it need not
    exist. Raises:
        ExtractError: If it is not under ``<la>/`` or a link takes it outside.
    """
    rest = _check_prefix(rel, la, fix)
    folder = la_folder(raw_root, la)
    path = folder.joinpath(*rest)
    if os.path.lexists(path) or any(os.path.islink(p) for p in path.parents):
        target = path.resolve()
        if not target.is_relative_to(folder.resolve()):
            raise _outside(f"{la}/{'/'.join(rest)}", la, target, raw_root, fix)
    return path


def _match(parts: tuple[str, ...], pats: tuple[str, ...]) -> bool:
    """``parts`` (path components) match the glob components ``pats`` (``**``: any depth)."""
    if not pats:
        return not parts
    if pats[0] == "**":
        return any(_match(parts[i:], pats[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pats[0]) and _match(parts[1:], pats[1:])


def _may_hold_matches(parts: tuple[str, ...], pats: tuple[str, ...]) -> bool:
    """A folder at ``parts`` may hold paths the glob matches."""
    if not parts:
        return bool(pats)
    if not pats:
        return False
    if pats[0] == "**":
        return True
    return fnmatchcase(parts[0], pats[0]) and _may_hold_matches(parts[1:], pats[1:])


def glob_files(raw_root: Path, la: str, pattern: str, fix: str = "") -> list[Path]:
    """The paths under the LA's folder matching ``pattern``, sorted; none leads outside it.

    The folder is walked without following links; then each linked folder the glob would
    search is walked if it resolves inside the LA's folder and was not walked already. A
    match, or such a linked folder, that leads outside is an error, not a silent skip. A file
    reached by two paths (a link and its target) is listed once, by its real path.
    """
    pats = tuple(_check_prefix(pattern, la, fix))
    folder = la_folder(raw_root, la)
    if not folder.is_dir():
        return []
    home = folder.resolve()
    found: dict[Path, Path] = {}  # real file -> the path it is listed by
    walked: set[Path] = set()
    real: list[tuple[Path, tuple[str, ...]]] = [(folder, ())]
    linked: list[tuple[Path, tuple[str, ...]]] = []
    count = 0
    while real or linked:
        here, parts = real.pop() if real else linked.pop(0)
        if here.resolve() in walked:
            continue
        walked.add(here.resolve())
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            continue  # an unreadable folder holds nothing we can read
        count += len(entries)
        if count > MAX_WALK_ENTRIES:
            raise ExtractError(
                pattern,
                f"the glob walks more than {MAX_WALK_ENTRIES:,} entries under {la}/",
                expected="a folder of extracts",
                fix=f"narrow path: to the extracts, or tidy data/raw/{la}/",
            )
        for entry in entries:
            sub = (*parts, entry.name)
            path = Path(entry.path)
            matches = _match(sub, pats)
            descend = entry.is_dir(follow_symlinks=True) and _may_hold_matches(sub, pats)
            is_link = entry.is_symlink()
            if is_link and (matches or descend):
                target = path.resolve()
                if not target.is_relative_to(home):
                    raise _outside(f"{la}/{'/'.join(sub)}", la, target, raw_root, fix)
            if matches:
                key = path.resolve()
                if key not in found or _via_link(found[key]) > _via_link(path):
                    found[key] = path
            if descend:
                (linked if is_link else real).append((path, sub))
    return sorted(found.values())


def _via_link(path: Path) -> bool:
    return os.path.realpath(path) != os.path.abspath(path)


def la_files(raw_root: Path, la: str, pattern: str, fix: str = "") -> list[Path]:
    """The files one configured ``path`` names, inside ``<raw_root>/<la>/`` only."""
    if is_glob(pattern):
        return glob_files(raw_root, la, pattern, fix)
    return [confined(raw_root, la, pattern, fix)]


def job_inputs(raw_root: Path, la: str, config: dict[str, Any]) -> list[str]:
    """The raw files of one LA a Snakemake job may declare as inputs.

    Never raises and never lists what ingest will refuse to read (a path outside the LA's
    folder, a folder, a pipe): such a path is reported by ingest on the LA's quality page.
    A named file that does not exist is listed, as before, so Snakemake says it is missing.
    """
    files: list[str] = []
    for spec in config.get("datasets", {}).values():
        names = [spec["path"], *([spec["participants"]] if spec.get("participants") else [])]
        for name in names:
            try:
                paths = la_files(raw_root, la, name)
            except ExtractError:
                continue
            files += [str(p) for p in paths if not_a_file(p) is None]
    return files
