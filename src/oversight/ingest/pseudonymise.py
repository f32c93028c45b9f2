"""Pseudonymisation at ingest: identifiers become keyed hashes scoped to the LA.

``HMAC-SHA256(key, "<la_code>|<kind>|<identifier>")``, truncated to 16 hex characters and
prefixed by the kind (``W-`` worker, ``C-`` child, ``R-`` respondent, ``A-`` audit, ``S-``
speaker). The same identifier in two datasets of one LA gets the same pseudonym, so workers and
children link across datasets; the same identifier in two LAs does not. Without the key a
pseudonym cannot be reversed or recomputed.

The key comes from the environment (``OVERSIGHT_KEY``) or a key file named by
``OVERSIGHT_KEY_FILE`` that lies outside the repository. Synthetic demo data carries its own
key, marked as such in ``data/raw/DEMO_DATA.json``; that key is public, so it is accepted for
an LA only when every raw file its ingest would read is listed in the manifest with the same
size and SHA-256 (:func:`demo_files_check`). A real extract dropped into a demo LA's folder,
or a demo file changed by one byte, is never pseudonymised with the public key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.errors import KeyMissingError
from oversight.ingest import filelabels, rawpaths
from oversight.ingest.identifiers import IdRule, canonical

PREFIX = {"worker": "W", "child": "C", "respondent": "R", "audit": "A", "speaker": "S"}
DEMO_KEY_MARK = "DEMO-ONLY-NOT-SECRET"
REPO_ROOT = Path(__file__).resolve().parents[3]
# A key is a line of random text; a larger "key file" is the wrong file.
MAX_KEY_FILE_BYTES = 4096
# HMAC-SHA256 keys: 32 random bytes (64 hex characters, 43 in base64). A key of one or a
# few characters repeated is refused whatever its length.
MIN_KEY_BITS = 256
MIN_KEY_DISTINCT = 10
_ALPHABETS = (
    (frozenset("0123456789abcdefABCDEF"), 4.0),
    (frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_"), 6.0),
    (frozenset(chr(c) for c in range(32, 127)), 6.57),
)
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


@dataclass(frozen=True)
class DemoFiles:
    """How an LA's raw files compare with the demo manifest's list of generated files."""

    checked: int  # files ingest would read
    unlisted: int  # not in the manifest's list
    changed: int  # listed, but another size or SHA-256
    named: tuple[str, ...] = ()  # those whose names are safe to show, with what is wrong

    @property
    def foreign(self) -> int:
        return self.unlisted + self.changed


def load_key(
    slug: str,
    environ: Mapping[str, str],
    demo_manifest: Path,
    key_env: str = "OVERSIGHT_KEY",
    key_file_env: str = "OVERSIGHT_KEY_FILE",
    repo_root: Path = REPO_ROOT,
    raw_root: Path | None = None,
    files: Iterable[Path | str] | None = None,
    shown: Callable[[Path], str | None] | None = None,
) -> bytes:
    """The pseudonymisation key for one LA, or a clear refusal.

    A key given in the environment or a key file must be strong enough for HMAC-SHA256
    (:func:`check_key_strength`); an empty ``key_env`` counts as no key, and a key given is
    used for every file. Without one, the manifest's public demo key is used only when the LA
    is listed as demo and every one of ``files`` (the raw files under ``raw_root`` that
    ingest would read for it) is a generated demo file, unchanged (:func:`demo_files_check`).
    A refusal counts the other files, and names only those ``shown`` gives a name for.
    """
    if environ.get(key_env):
        return check_key_strength(environ[key_env].encode("utf-8"), key_env)
    if environ.get(key_file_env):
        path = Path(environ[key_file_env]).expanduser().resolve()
        if path.is_relative_to(repo_root.resolve()):
            raise KeyMissingError(
                f"{key_file_env} points inside the repository ({path}); keep the key file "
                "outside it so it can never be committed"
            )
        key = _read_key_file(path, key_file_env)
        if not key:
            raise KeyMissingError(f"{key_file_env}={path}: the key file is empty")
        return check_key_strength(key, f"the key file {key_file_env}={path}")
    how = _how_to_set_a_key(key_env, key_file_env)
    demo = read_demo_manifest(demo_manifest)
    if not demo or slug not in demo.get("authorities", []):
        raise KeyMissingError(
            f"no pseudonymisation key for {slug!r}: its raw data is not synthetic demo data, "
            f"so it will not be read without a key. {how}"
        )
    key = str(demo["demo_key"])
    if DEMO_KEY_MARK not in key:
        raise KeyMissingError(f"{demo_manifest}: the demo key is not marked {DEMO_KEY_MARK}")
    listed = demo.get("files")
    if not isinstance(listed, dict) or not listed:
        raise KeyMissingError(
            f"no pseudonymisation key for {slug!r}: {demo_manifest.name} lists no file "
            "hashes (an older `oversight demo-data` wrote it), so its files cannot be shown to "
            "be the bundled synthetic demo data and the public demo key will not be used. "
            "Regenerate the demo data with `oversight demo-data` (the same seed writes the same "
            f"extracts), or, for real data: {how}"
        )
    if raw_root is None or files is None:
        raise ValueError("load_key needs raw_root and the LA's files to consider the demo key")
    check = demo_files_check(listed, raw_root, files, shown)
    if check.foreign:
        why = [f"{_files(check.unlisted)} not in {demo_manifest.name}"] if check.unlisted else []
        why += [f"{_files(check.changed)} changed since it was generated"] if check.changed else []
        named = f"By name, where safe to show: {', '.join(check.named)}. " if check.named else ""
        raise KeyMissingError(
            f"no pseudonymisation key for {slug!r}: its folder holds {_files(check.foreign)} "
            f"that {'is' if check.foreign == 1 else 'are'} not the bundled synthetic demo data "
            f"({', '.join(why)}), so the public demo key will not be used and nothing is "
            f"read. {named}{how}"
        )
    return key.encode("utf-8")


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _how_to_set_a_key(key_env: str, key_file_env: str) -> str:
    return (
        f"Set {key_env} (or {key_file_env} to a file outside the repository) to a key of at "
        f"least {MIN_KEY_BITS} bits, made with: {MAKE_A_KEY}, and run again; keep the same key "
        "for every run of the study so pseudonyms stay stable."
    )


def demo_files_check(
    listed: Mapping[str, Mapping[str, Any]],
    raw_root: Path,
    files: Iterable[Path | str],
    shown: Callable[[Path], str | None] | None = None,
) -> DemoFiles:
    """Compare the raw files ingest would read with the manifest's ``files`` (path under
    ``raw_root`` -> ``bytes`` and ``sha256``): the size first, the SHA-256 only when it
    matches. Each file is read once; a path that does not exist is skipped (ingest reports it
    and reads nothing from it). A file that is not the demo's is named only by ``shown``
    (its name when safe to show, else None: it is counted, not named)."""
    root = os.path.abspath(raw_root)
    unlisted = changed = checked = 0
    named: list[str] = []
    by_rel = {Path(os.path.relpath(os.path.abspath(f), root)).as_posix(): Path(f) for f in files}
    for rel in sorted(by_rel):
        path = Path(root, rel)
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            continue
        checked += 1
        entry = listed.get(rel)
        if entry is None:
            unlisted += 1
            what = "not listed"
        elif size != entry.get("bytes") or _sha256_or_none(path) != entry.get("sha256"):
            changed += 1
            what = "changed"
        else:
            continue
        name = shown(by_rel[rel]) if shown else None
        if name:
            named.append(f"{name} ({what})")
    return DemoFiles(checked, unlisted, changed, tuple(named))


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _sha256_or_none(path: Path) -> str | None:
    """:func:`sha256_file`, or None for a file that cannot be read (so it is not demo data)."""
    try:
        return sha256_file(path)
    except OSError:
        return None


def key_bits(key: bytes) -> float:
    """An upper estimate of a key's entropy in bits: its length times the bits per character
    of the smallest usual alphabet that holds it (hex 4, base64 6, printable ASCII 6.57, any
    byte 8). It cannot prove a key random; it refuses keys too short to be strong."""
    text = key.decode("latin-1")
    for alphabet, bits in _ALPHABETS:
        if all(ch in alphabet for ch in text):
            return len(key) * bits
    return len(key) * 8.0


def check_key_strength(key: bytes, source: str) -> bytes:
    """``key`` when it holds at least :data:`MIN_KEY_BITS` bits by :func:`key_bits` and at
    least :data:`MIN_KEY_DISTINCT` distinct characters; otherwise one clear refusal.

    A short or repetitive key can be found by trying values: with the pseudonyms of a known
    ID space (``E000000``-``E999999``) a weak key is recovered, and every ID with it.
    """
    bits = key_bits(key)
    distinct = len(set(key))
    if bits >= MIN_KEY_BITS and distinct >= MIN_KEY_DISTINCT:
        return key
    raise KeyMissingError(
        f"{source} is too weak to pseudonymise real data: about {bits:.0f} bits from "
        f"{len(key)} characters ({distinct} different), and at least {MIN_KEY_BITS} bits "
        f'(32 random bytes) are needed. Make one with: python -c "import secrets; '
        'print(secrets.token_hex(32))", keep it outside the repository, and use the same '
        "key for every run of the study"
    )


def _read_key_file(path: Path, key_file_env: str) -> bytes:
    """A key file's bytes: a regular file of at most :data:`MAX_KEY_FILE_BYTES`, checked with
    ``stat`` before it is opened (``/dev/zero``, a pipe or a folder would never end or fail)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise KeyMissingError(f"{key_file_env}={path}: cannot read the key file ({exc})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise KeyMissingError(
            f"{key_file_env}={path}: not a regular file (a device, pipe or folder); point it "
            "at the file that holds the key"
        )
    if info.st_size > MAX_KEY_FILE_BYTES:
        raise KeyMissingError(
            f"{key_file_env}={path}: {info.st_size:,} bytes, more than a key file holds (at "
            f"most {MAX_KEY_FILE_BYTES:,}); point it at the file that holds only the key"
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise KeyMissingError(f"{key_file_env}={path}: cannot read the key file ({exc})") from exc
    if len(data) > MAX_KEY_FILE_BYTES:  # it grew after it was measured
        raise KeyMissingError(f"{key_file_env}={path}: more than {MAX_KEY_FILE_BYTES:,} bytes")
    return data.strip()


def key_for(
    slug: str,
    privacy: Mapping[str, str],
    environ: Mapping[str, str],
    raw_root: Path,
    la_config: Mapping[str, Any],
) -> bytes:
    """:func:`load_key` with the settings of the study's ``privacy:`` block, for the raw files
    the LA's configuration names (:func:`oversight.ingest.filelabels.configured_files`, the
    files its ingest reads). Called once per ingest job, before any row is read. A refusal
    names a file only when its label is its plain name (a tabular extract with a safe name); any
    other label needs the LA's own key, which is what is missing."""
    configured = filelabels.configured_files(raw_root, slug, la_config)
    always_labelled = filelabels.settings()["pseudonymised_datasets"]
    plain = {p for d, role, p in configured if role == "extract" and d not in always_labelled}

    def shown(path: Path) -> str | None:
        if path not in plain:
            return None
        rel = Path(os.path.relpath(path, rawpaths.la_folder(raw_root, slug))).as_posix()
        return f"{slug}/{rel}" if filelabels.is_safe_name(rel, slug.split("_")) else None

    return load_key(
        slug,
        environ,
        Path(privacy["demo_manifest"]),
        privacy["key_env"],
        privacy["key_file_env"],
        raw_root=raw_root,
        files=[path for _, _, path in configured],
        shown=shown,
    )


def read_demo_manifest(path: Path) -> dict | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if data.get("demo") is True else None


def pseudonymise(
    values: pd.Series, key: bytes, la_code: str, kind: str, rule: IdRule | None = None
) -> pd.Series:
    """Keyed pseudonyms for a column of identifiers.

    Each value is first made canonical as validation saw it (:func:`identifiers.canonical`:
    spaces, invisible marks, a leading apostrophe and full-width forms do not matter, nor do
    lost leading zeros when ``rule`` declares the width), then case-folded.
    """
    prefix = PREFIX[kind]
    scope = f"{la_code}|{kind}|".encode()
    # A column repeats few identifiers: each distinct value is keyed once and mapped back.
    text = values
    if not isinstance(values.dtype, pd.StringDtype):
        text = values.map(lambda v: pd.NA if v is None or v is pd.NA else str(v))
    text = text.astype("string")
    pseudonyms = {}
    for raw in text.dropna().unique():
        canon = canonical(raw, rule).casefold()
        digest = hmac.new(key, scope + canon.encode("utf-8"), hashlib.sha256).hexdigest()
        pseudonyms[raw] = f"{prefix}-{digest[:16]}"
    return text.map(pseudonyms, na_action="ignore").astype("string")


def key_fingerprint(key: bytes) -> str:
    """A short, non-reversible label for a key, so runs can say which key they used."""
    return hmac.new(key, b"oversight key fingerprint", hashlib.sha256).hexdigest()[:8]


def environ() -> Mapping[str, str]:
    return os.environ
