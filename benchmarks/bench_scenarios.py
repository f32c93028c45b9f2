"""The timed scenarios: the demo study from raw to report, nothing changed, one LA's
supervision extract or focus-group transcript corrected, ingest against parsing every table
once, every English LA over three years, and the test suites in a clean clone.

Each scenario returns its result: what it ran (``commands``), what it measured, and the
figures behind them; :mod:`bench_report` sets them against the targets.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from bench_work import (
    ROOT,
    job_label,
    make_workdir,
    raw_files,
    read_floor,
    rule_table,
    snakemake,
    snakemake_command,
    timed,
)

# A finished demo run is marked so that later scenarios (and later invocations) reuse it.
FINISHED = ".bench-finished"


def shell(command: list[str]) -> str:
    """A command as a user would type it (the virtual environment's tools by name)."""
    return " ".join(Path(c).name if c.startswith(str(ROOT)) else c for c in command)


# --------------------------------------------------------------------------- the demo
def demo_dir(work_root: Path, las: int, years: int) -> Path:
    """Where the demo study of ``las`` LAs over ``years`` years is run."""
    return work_root / f"demo{las}x{years}"


def scenario_full(work_root: Path, las: int, years: int) -> dict[str, Any]:
    """The study from raw extracts to the report, in a fresh scratch workflow."""
    work, gen_s = make_workdir(demo_dir(work_root, las, years), las, years)
    (work / FINISHED).unlink(missing_ok=True)
    files = raw_files(work)
    floor = read_floor(files)
    run = snakemake(work)
    (work / FINISHED).write_text(json.dumps({"las": las, "years": years}) + "\n")
    return {
        "scenario": "full",
        "commands": [
            f"oversight demo-data ({las} LAs, {years} study year(s); {gen_s:.0f} s, not counted)",
            shell(snakemake_command()),
        ],
        "las": las,
        "years": years,
        "generate_s": gen_s,
        "floor": floor,
        "files": len(files),
        **{k: v for k, v in run.items() if k != "ran"},
        "rules": rule_table(work, run["ran"]),
    }


def finished_demo(work_root: Path, las: int, years: int, done: dict[str, Any]) -> Path:
    """A scratch workflow holding a finished demo run: this invocation's, an earlier one's,
    or a new full run (kept in ``done`` as the ``full`` result)."""
    work = demo_dir(work_root, las, years)
    if not (work / FINISHED).is_file():
        done["full"] = scenario_full(work_root, las, years)
    return work


def scenario_noop(work: Path) -> dict[str, Any]:
    """Snakemake again when nothing changed."""
    run = snakemake(work)
    return {
        "scenario": "noop",
        "commands": [f"(in the finished demo) {shell(snakemake_command())}"],
        **{k: v for k, v in run.items() if k != "ran"},
        "rerun": [job_label(j) for j in run["ran"]],
    }


# --------------------------------------------------------------------------- corrections
def dataset_files(work: Path, la: str, dataset: str) -> tuple[list[Path], dict[str, Any]]:
    """The raw files of one LA's dataset, as its configuration names them (a pattern may
    name several), and its configuration entry."""
    spec = yaml.safe_load((work / f"config/authorities/{la}.yaml").read_text())
    entry = spec["datasets"][dataset]
    return sorted((work / "data/raw").glob(entry["path"])), entry


def pick_la(work: Path, dataset: str, suffixes: tuple[str, ...]) -> tuple[str, Path]:
    """The first study LA whose ``dataset`` is one file with one of ``suffixes``, and it."""
    config = yaml.safe_load((work / "config/config.yaml").read_text())
    for la in config["authorities"]:
        files, _ = dataset_files(work, la, dataset)
        if files and files[-1].suffix in suffixes:
            return la, files[-1]
    raise SystemExit(f"no LA of the study has its {dataset} as {' or '.join(suffixes)}")


def correct_one_row(path: Path) -> None:
    """An LA's corrected extract: its last data row withdrawn. (A changed file, not just a
    newer one: Snakemake skips files whose checksum it knows to be unchanged.)"""
    body = path.read_bytes().rstrip(b"\r\n")
    path.write_bytes(body[: body.rfind(b"\n") + 1])


# A turn of a WebVTT transcript (``<v Speaker>text</v>``) or of a plain one (``Speaker: text``).
_VTT_TURN = re.compile(r"^(<v [^>]+>)(.+)(</v>)\s*$")
_TXT_TURN = re.compile(r"^([^:\n]{1,60}: )(.+?)\s*$")


def correct_one_turn(path: Path) -> str:
    """A focus-group transcript corrected: the text of its last turn changed (a word added);
    returns the turn's speaker part, which names no one in the demo data."""
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)  # line ends kept
    pattern = _VTT_TURN if path.suffix == ".vtt" else _TXT_TURN
    for i in range(len(lines) - 1, -1, -1):
        turn = pattern.match(lines[i].rstrip("\r\n"))
        if turn:
            ending = lines[i][len(lines[i].rstrip("\r\n")) :]
            text = turn[2].rstrip(".") + " again."
            lines[i] = f"{turn[1]}{text}{turn[3] if turn.lastindex == 3 else ''}{ending}"
            path.write_bytes("".join(lines).encode("utf-8"))
            return turn[1]
    raise SystemExit(f"no turn found in {path}")


def provenance_records(work: Path) -> dict[str, dict[str, Any]]:
    """Every job's provenance record by rule and wildcards: what the job read (paths and
    SHA-256 of its inputs and raw inputs), its parameters and the code it ran."""
    records = {}
    for path in sorted((work / "data/interim/provenance").rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if "rule" not in record:
            continue
        wildcards = ", ".join(f"{k}={v}" for k, v in (record.get("wildcards") or {}).items())
        label = job_label({"rule": record["rule"], "wildcards": wildcards})
        records[label] = {
            "inputs": sorted((i["path"], i.get("sha256")) for i in record.get("inputs", [])),
            "raw": sorted((i["label"], i.get("sha256")) for i in record.get("raw_inputs", [])),
            "params": json.dumps(record.get("params"), sort_keys=True),
            "config": record.get("config_sha256"),
            "code": (record.get("code_version") or {}).get("source_sha256"),
        }
    return records


def rerun_check(
    ran: list[dict[str, str]], before: dict[str, dict], after: dict[str, dict]
) -> dict[str, list[str]]:
    """The jobs rerun, split by their provenance: ``read_change`` (an input, raw input,
    parameter or the code differs from the last run: the job reads the correction, directly
    or through a job before it), ``no_change`` (nothing it reads changed: a needless rerun)
    and ``unrecorded`` (a job that keeps no provenance record, such as the gatherers)."""
    out: dict[str, list[str]] = {"read_change": [], "no_change": [], "unrecorded": []}
    for job in ran:
        label = job_label(job)
        if label not in after or label not in before:
            out["unrecorded"].append(label)
        elif after[label] == before[label]:
            out["no_change"].append(label)
        else:
            out["read_change"].append(label)
    return out


def corrected_run(work: Path, scenario: str, change: str, correct: Any) -> dict[str, Any]:
    """Correct one file (``correct()`` returns what it changed, relative to the workflow),
    run snakemake, and say which jobs reran and whether each read the correction."""
    before = provenance_records(work)
    changed = correct()
    run = snakemake(work)
    check = rerun_check(run["ran"], before, provenance_records(work))
    return {
        "scenario": scenario,
        "commands": [
            f"(in the finished demo) {change} {changed}",
            shell(snakemake_command()),
        ],
        "changed": changed,
        **{k: v for k, v in run.items() if k != "ran"},
        "rerun": [job_label(j) for j in run["ran"]],
        "rules_rerun": sorted({j["rule"] for j in run["ran"]}),
        **check,
    }


def scenario_supervision(work: Path) -> dict[str, Any]:
    """One LA's supervision extract corrected: its last data row removed."""
    la, path = pick_la(work, "supervision", (".csv",))

    def correct() -> str:
        correct_one_row(path)
        return str(path.relative_to(work))

    return {
        "la": la,
        **corrected_run(work, "supervision", "remove the last data row of", correct),
    }


def scenario_transcript(work: Path) -> dict[str, Any]:
    """One LA's focus-group transcript corrected: the text of one turn changed."""
    la, path = pick_la(work, "transcripts", (".vtt", ".txt"))

    def correct() -> str:
        correct_one_turn(path)
        return str(path.relative_to(work))

    return {
        "la": la,
        **corrected_run(work, "transcript", "change the text of the last turn of", correct),
    }


def scenario_ingest_parse(full: dict[str, Any]) -> dict[str, Any]:
    """Ingest (every ingest job's wall seconds, from the full run) against parsing every raw
    table once with the fastest readers."""
    ingest = [r for r in full["rules"] if r["rule"] == "ingest" or r["rule"].startswith("ingest_")]
    ingest_s = sum(r["wall_s"] for r in ingest)
    parse_s = full["floor"]["parse_s"]
    return {
        "scenario": "ingest_parse",
        "commands": [
            "(from the full run) the ingest jobs' wall seconds, summed, from their benchmark "
            "files; every raw table parsed once (pyarrow for CSV, calamine for workbooks)"
        ],
        "ingest_rules": [r["rule"] for r in ingest],
        "ingest_s": ingest_s,
        "ingest_cpu_s": sum(r["cpu_s"] for r in ingest),
        "floor": full["floor"],
        "ratio": ingest_s / parse_s if parse_s else None,
        "ratio_read": ingest_s / full["floor"]["read_s"] if full["floor"]["read_s"] else None,
    }


def scenario_scale(work_root: Path, las: int, years: int) -> dict[str, Any]:
    """Every English LA (the study's and copies of them) over ``years`` years, raw to report,
    with the peak memory of any job."""
    result = scenario_full(work_root, las, years)
    (demo_dir(work_root, las, years) / FINISHED).unlink(missing_ok=True)
    peak = max((r["peak_mb"] for r in result["rules"]), default=None)
    return result | {"scenario": "scale", "peak_job_mb": peak}


# --------------------------------------------------------------------------- the tests
def make_commands(clone: Path, target: str) -> list[str]:
    """The shell lines ``make <target>`` runs in ``clone``, without those of ``make setup``
    (the virtual environment is the project's own, linked, never installed into here)."""

    def lines(name: str) -> list[str]:
        proc = subprocess.run(
            ["make", "-s", "-n", name], cwd=clone, capture_output=True, text=True, check=True
        )
        return proc.stdout.splitlines()

    setup = set(lines("setup"))
    commands: list[str] = []
    continued = False
    for line in (line for line in lines(target) if line not in setup):
        if continued:
            commands[-1] += " " + line.strip()
        else:
            commands.append(line)
        continued = commands[-1].endswith("\\")
        if continued:
            commands[-1] = commands[-1][:-1].rstrip()
    return commands


def scenario_tests(work_root: Path, target: str) -> dict[str, Any]:
    """``make <target>``'s test commands in a clean clone of the repository's last commit,
    its virtual environment linked."""
    clone = work_root / f"clone-{target}"
    if clone.exists():
        subprocess.run(["rm", "-rf", str(clone)], check=True)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    # The linked environment's editable install points at this checkout: the clone's own
    # source goes first, as a clone's own `make setup` would install it.
    script = "\n".join(
        ["set -e", f"export PYTHONPATH={clone / 'src'}", *make_commands(clone, target)]
    )
    run = timed(["bash", "-c", script], clone, check=False)
    output = run.pop("output")
    summary = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    failed = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return {
        "scenario": target.replace("-", "_"),
        "commands": [
            f"git clone {ROOT.name} clone && ln -s {ROOT.name}/.venv clone/.venv",
            "export PYTHONPATH=clone/src",
            *make_commands(clone, target),
        ],
        **run,
        "summary": summary[-1] if summary else output[-500:],
        "failed": failed,
    }
