"""Provenance: what made each artefact, from what, with which code and configuration.

Every job records itself as it finishes (:func:`job_record`, written by
:func:`oversight.jobs.run` to the rule's ``prov`` output): its rule, wildcards, parameters, the
SHA-256 of each input and output, the code version and a hash of the configuration. The
``provenance`` rule gathers those records into ``results/provenance.json`` and maps each
figure and table ID to the job that made it (:func:`assemble`), having checked that every
output a record names is on disk with the bytes recorded (:func:`check_outputs`): after an
interrupted run, provenance.json is never written over missing or changed files. :func:`chain`
walks from an ID back through the jobs to the files no job made: the raw extracts, the published
data, the configuration and the code. No timestamps, so the same run gives the same bytes.

Raw extracts are recorded by label (:mod:`oversight.ingest.filelabels`) with their SHA-256, never by
path: a raw file's name may be a person's. Ingest declares the LA's raw folder as its input
and lists the files it read with :func:`record_raw_inputs`; ``oversight files <la>`` turns a
label back into a path for whoever holds the key and the raw folder.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from oversight import __version__

CHUNK = 1 << 20
# Problems listed in full in a message; the rest are counted.
SHOWN = 10
# Parameters that only trigger reruns (a raw folder's names, sizes and mtimes hashed): not
# part of what made an output, and a touched file must not change provenance's bytes.
RERUN_ONLY_PARAMS = frozenset({"raw_fingerprint"})
# The raw files this job read, by label (record_raw_inputs); one job per process.
_RAW_INPUTS: list[dict[str, str]] = []


class ProvenanceError(ValueError):
    """Provenance that cannot be written truthfully: an output a job recorded is missing or
    changed, or a figure or table was made by no recorded job."""


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def canonical_hash(data: Any) -> str:
    """SHA-256 of a JSON-able value, key order and spacing fixed."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def code_version() -> dict[str, str]:
    """The package version, the git commit of the code (with ``+dirty`` when the working
    tree differs from it) and a hash of the package's source files, which identifies the
    code even outside a git checkout."""
    package = Path(__file__).resolve().parent  # the package's folder
    files = sorted(p for p in package.rglob("*") if p.suffix in {".py", ".yaml"})
    source = hashlib.sha256()
    for path in files:
        source.update(path.relative_to(package).as_posix().encode())
        source.update(path.read_bytes())
    return {
        "package": __version__,
        "git_commit": _git_commit(package),
        "source_sha256": source.hexdigest(),
    }


def _git_commit(where: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=where, capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def _jsonable(value: Any) -> Any:
    """Parameters as JSON: Snakemake's named lists and other objects become plain values."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _files(named: Any, skip: Iterable[str] = ()) -> list[dict[str, str]]:
    """Each file of a Snakemake input/output list with its role (the name it was given)."""
    roles = {}
    for role, files in named.items():
        for f in [files] if isinstance(files, str) else list(files):
            roles.setdefault(str(f), role)
    out = []
    for path in dict.fromkeys(str(f) for f in named):
        if path in skip or not Path(path).is_file():
            continue
        out.append({"path": path, "role": roles.get(path, ""), "sha256": sha256(path)})
    return out


def record_raw_inputs(files: Iterable[tuple[str, str | Path]]) -> None:
    """Declare the raw files this job read, as ``(label, path)``: :func:`job_record` lists
    each by its label with its SHA-256 under ``raw_inputs``, the path left out."""
    for label, path in files:
        _RAW_INPUTS.append({"label": label, "role": "raw", "sha256": sha256(path)})


def job_record(sm: Any) -> dict[str, Any]:
    """The provenance of one finished Snakemake job (``sm`` is the ``snakemake`` object)."""
    prov = str(sm.output.prov)
    params = {k: v for k, v in sm.params.items() if k not in RERUN_ONLY_PARAMS}
    record = {
        "rule": sm.rule,
        "wildcards": {k: str(v) for k, v in sm.wildcards.items()},
        "params": _jsonable(params),
        "inputs": _files(sm.input),
        "outputs": _files(sm.output, skip=[prov]),
        "code_version": code_version(),
        "config_sha256": canonical_hash(_jsonable(dict(sm.config))),
    }
    if _RAW_INPUTS:
        unique = {(r["label"], r["sha256"]): r for r in _RAW_INPUTS}
        record["raw_inputs"] = [unique[k] for k in sorted(unique)]
    return record


def job_key(record: Mapping[str, Any]) -> str:
    """A job's name in provenance.json: ``rule`` or ``rule[la=kent]``."""
    wc = record.get("wildcards") or {}
    inner = ",".join(f"{k}={v}" for k, v in sorted(wc.items()))
    return f"{record['rule']}[{inner}]" if inner else record["rule"]


@dataclass(frozen=True)
class Artefact:
    """A figure or table: its ID, the file holding it, and its caption."""

    id: str
    path: str
    caption: str
    kind: str


def assemble(records: list[dict[str, Any]], artefacts: list[Artefact]) -> dict[str, Any]:
    """``provenance.json``: every job, and every ID mapped to its file, job and inputs.

    Raises :class:`ProvenanceError` when an ID's file was made by no recorded job, so an
    untraceable figure or table fails the build.
    """
    jobs = {job_key(r): r for r in records}
    made_by = {o["path"]: key for key, r in jobs.items() for o in r["outputs"]}
    ids: dict[str, Any] = {}
    missing = []
    for art in sorted(artefacts, key=lambda a: a.id):
        key = made_by.get(art.path)
        if key is None:
            missing.append(f"{art.id} ({art.path})")
            continue
        job = jobs[key]
        output = next(o for o in job["outputs"] if o["path"] == art.path)
        ids[art.id] = {
            "kind": art.kind,
            "caption": art.caption,
            "path": art.path,
            "sha256": output["sha256"],
            "job": key,
            "rule": job["rule"],
            "params": job["params"],
            "code_version": job["code_version"],
            "config_sha256": job["config_sha256"],
            "inputs": [{"path": i["path"], "sha256": i["sha256"]} for i in job["inputs"]],
        }
    if missing:
        raise ProvenanceError("no job recorded making: " + ", ".join(missing))
    return {"ids": ids, "jobs": dict(sorted(jobs.items()))}


def disk_state(path: str | Path, recorded: str) -> str:
    """``""`` when the file holds the recorded bytes; otherwise what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        return "missing"
    if sha256(path) != recorded:
        return "changed since its job recorded it"
    return ""


def stale_outputs(records: Iterable[Mapping[str, Any]], root: Path = Path(".")) -> list[str]:
    """Each output named in a job record that is missing from ``root`` or whose bytes differ
    from the record, as ``<path> (<job>): <state>``."""
    problems = []
    for record in records:
        for output in record["outputs"]:
            state = disk_state(root / output["path"], output["sha256"])
            if state:
                problems.append(f"{output['path']} ({job_key(record)}): {state}")
    return problems


def check_outputs(records: Iterable[Mapping[str, Any]], root: Path = Path(".")) -> None:
    """Refuse to go on when an output recorded in a job record is not on disk as recorded
    (a run killed after removing it, or a file edited or deleted by hand)."""
    problems = stale_outputs(records, root)
    if problems:
        more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        raise ProvenanceError(
            f"{len(problems)} output(s) recorded by the jobs that made them are not on disk as "
            f"recorded: {'; '.join(problems[:SHOWN])}{more}. Run snakemake again: its default "
            "target rebuilds every missing output, and the jobs whose outputs changed must be "
            "rerun (snakemake --forcerun <rule>)."
        )


def chain(
    prov: Mapping[str, Any], start: str, with_code: bool = False, root: Path | None = Path(".")
) -> list[str]:
    """Lines of text tracing ``start`` (an ID, or a path) back to the files no job made.

    With ``root``, a file that is missing there or differs from its recorded SHA-256 is
    marked, so a trace never cites bytes that are no longer on disk without saying so.
    """

    def mark(path: str, recorded: str) -> str:
        state = disk_state(root / path, recorded) if root is not None else ""
        return f"  [{state}]" if state else ""

    jobs = prov["jobs"]
    made_by = {o["path"]: key for key, r in jobs.items() for o in r["outputs"]}
    if start in prov["ids"]:
        entry = prov["ids"][start]
        note = mark(entry["path"], entry["sha256"])
        lines = [
            f"{start}: {entry['caption']}",
            f"  file {entry['path']}  sha256 {entry['sha256']}{note}",
        ]
        path = entry["path"]
    elif start in made_by:
        lines, path = [start], start
    else:
        raise KeyError(start)
    seen: set[str] = set()

    def walk(path: str, depth: int) -> None:
        key = made_by.get(path)
        pad = "  " * depth
        if key is None or key in seen:
            if key in seen:
                lines.append(f"{pad}(made by {key}, shown above)")
            return
        seen.add(key)
        job = jobs[key]
        version = job["code_version"]
        lines.append(
            f"{pad}made by {key}: code {version['package']} {version['git_commit']} "
            f"config {job['config_sha256'][:12]}"
        )
        if job["params"]:
            lines.append(f"{pad}  params {json.dumps(job['params'], sort_keys=True)[:400]}")
        for item in job["inputs"]:
            is_code = item["role"] == "code" or item["path"].startswith("src/")
            if is_code and not with_code:
                continue
            source = "" if item["path"] in made_by else "  [source]"
            note = mark(item["path"], item["sha256"])
            lines.append(f"{pad}  <- {item['path']}  sha256 {item['sha256']}{source}{note}")
            walk(item["path"], depth + 2)
        for item in job.get("raw_inputs", []):
            # By label only: `oversight files <la>` finds the file, with the key.
            lines.append(f"{pad}  <- raw file {item['label']}  sha256 {item['sha256']}  [source]")

    walk(path, 1)
    return lines
