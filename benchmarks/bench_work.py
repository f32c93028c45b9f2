"""The scratch workflows the benchmark runs in, and how a run is timed and read.

A scratch workflow links the code (``LINKED``) and copies the configuration; its extracts are
made by the demo generator. Beyond the 19 study LAs, LAs are copies of them under new names
and codes (their volumes follow the original's real DfE figures).
"""

from __future__ import annotations

import csv
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The scenarios change demo extracts (one corrected row, a grown extract), and the public demo
# key is refused for a changed file: every run here uses this benchmark-only key instead.
BENCH_KEY = "0b5e9a1c7d3f2e8b4a6c0d9e1f7a3b5c8d2e6f0a4b9c1d7e3f5a8b0c2d6e4f19"
LINKED = ("Snakefile", "rules", "report_templates", "profiles", "src")
CORES = 2


def machine() -> dict[str, Any]:
    """The machine the scenarios run on: CPU, cores, memory, OS and versions."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    version = subprocess.run(
        [str(BIN / "snakemake"), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "snakemake": version,
    }


# --------------------------------------------------------------------------- the data
def clone_reference(rows: list[dict[str, str]], n: int) -> list[dict[str, str]]:
    """``n`` LAs: the study's own, then copies of them with new names and codes."""
    out = [dict(r) for r in rows[:n]]
    k = 0
    while len(out) < n:
        src = rows[k % len(rows)]
        copy = dict(src)
        number = k // len(rows) + 2
        copy["la_name"] = f"{src['la_name']} copy {number}"
        copy["la_code_new"] = f"E10{900000 + len(out)}"  # a valid pattern no real LA uses
        copy["la_code_old"] = f"9{len(out):02d}"[-3:]
        out.append(copy)
        k += 1
    return out


def scratch(base: Path) -> Path:
    """An empty scratch workflow at ``base``: the code linked, the configuration and the
    published data copied."""
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    for name in LINKED:
        (base / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "config", base / "config")
    shutil.copytree(ROOT / "data/raw/published", base / "data/raw/published")
    return base


def _reference_rows(base: Path, las: int) -> tuple[Path, list[dict[str, str]]]:
    """The LA reference table the generator reads: the study's own, or ``las`` copies."""
    ref_path = base / "data/raw/published/seslip_las.csv"
    with open(ref_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if las == len(rows):
        return ref_path, rows
    rows = clone_reference(rows, las)
    # Only the generator reads the copies; the published DfE and Ofsted data keep matching
    # the real LAs through the study's own reference table.
    ref_path = base / "data/raw/bench_reference.csv"
    with open(ref_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return ref_path, rows


def make_workdir(base: Path, las: int, years: int) -> tuple[Path, float]:
    """A scratch workflow with synthetic extracts for ``las`` LAs over ``years`` years;
    returns it and the seconds spent making the data."""
    import pandas as pd

    from oversight.demo.generate import Generator, slugify

    scratch(base)
    config = yaml.safe_load((base / "config/config.yaml").read_text())
    impact = yaml.safe_load((base / "config/impact.yaml").read_text())
    ref_path, rows = _reference_rows(base, las)
    slugs = [slugify(r["la_name"]) for r in rows]
    config["authorities"] = slugs
    # Copies adopt the templates when the LA they copy does.
    impact["adoption"] = {
        s: impact["adoption"].get(s.split("_copy_")[0], {"part1": None, "part2": None})
        for s in slugs
    }
    data_end = None
    if years != 1:
        start = pd.Timestamp(config["study"]["period_start"])
        end = start + pd.DateOffset(years=years) - pd.Timedelta(days=1)
        data_end = str(end.date())
        config["study"]["data_end"] = data_end
        config["study"]["extract_date"] = str((end + pd.Timedelta(days=30)).date())
        impact["plan"]["follow_up_end"] = data_end
    (base / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (base / "config/impact.yaml").write_text(yaml.safe_dump(impact, sort_keys=False))
    shutil.rmtree(base / "config/authorities")
    started = time.perf_counter()
    Generator(
        ref_path,
        base / "config/survey.yaml",
        impact_yaml=base / "config/impact.yaml",
        data_end=data_end,
    ).run(base / "data/raw", base / "config/authorities")
    return base, time.perf_counter() - started


def raw_files(work: Path) -> list[Path]:
    """The LAs' raw extracts (not the published data, not the demo manifest)."""
    return sorted(
        p
        for p in (work / "data/raw").rglob("*")
        if p.is_file() and "published" not in p.parts and p.suffix != ".json"
    )


def read_floor(files: list[Path]) -> dict[str, float]:
    """Seconds to read every raw byte once, and to parse every raw table once with the
    fastest reader (pyarrow for CSV, calamine for spreadsheets)."""
    import pyarrow.csv as pacsv
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    size = sum(len(p.read_bytes()) for p in files)
    read = time.perf_counter() - started
    started = time.perf_counter()
    for path in files:
        if path.suffix == ".csv":
            opts = pacsv.ReadOptions(autogenerate_column_names=True, encoding="utf8")
            try:
                pacsv.read_csv(path, read_options=opts)
            except Exception:  # cp1252 or ';': read as bytes split into lines instead
                path.read_bytes().splitlines()
        elif path.suffix in (".xlsx", ".ods"):
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
        else:
            path.read_bytes()
    return {"bytes": size, "read_s": read, "parse_s": time.perf_counter() - started}


# --------------------------------------------------------------------------- runs
def bench_env() -> dict[str, str]:
    """This process's environment with :data:`BENCH_KEY` as the pseudonymisation key, and
    Python's bytecode cache on, as on any machine that does not turn it off."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OVERSIGHT_KEY") and k != "PYTHONDONTWRITEBYTECODE"
    }
    return env | {"OVERSIGHT_KEY": BENCH_KEY}


def timed(command: list[str], cwd: Path, check: bool = True) -> dict[str, Any]:
    """Run ``command``: its wall and CPU seconds (its children's), return code and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=bench_env())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "returncode": proc.returncode,
        "output": proc.stdout + proc.stderr,
    }


def snakemake_command(*args: str) -> list[str]:
    """The snakemake command the scenarios run, as a user would."""
    return [str(BIN / "snakemake"), "--cores", str(CORES), *args]


def snakemake(work: Path, *args: str) -> dict[str, Any]:
    """Run snakemake in ``work``: wall and CPU seconds, the jobs it ran (rule, wildcards,
    benchmark file), and their count."""
    run = timed(snakemake_command(*args), work)
    jobs = log_jobs(run.pop("output"))
    return {**run, "jobs": len(jobs), "ran": jobs}


_JOB = re.compile(r"^(?:local)?rule (\S+):$")
_FIELD = re.compile(r"^\s+(jobid|benchmark|wildcards): (.*)$")


def log_jobs(log: str) -> list[dict[str, str]]:
    """The jobs a Snakemake log says finished: rule, wildcards and benchmark file of each
    (the job blocks, ``rule <name>:`` with its indented fields, and ``Finished jobid``)."""
    blocks: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    finished: list[str] = []
    for line in log.splitlines():
        if match := _JOB.match(line):
            current = {"rule": match[1], "wildcards": "", "benchmark": ""}
            continue
        if current is not None and (field := _FIELD.match(line)):
            if field[1] == "jobid":
                blocks[field[2].strip()] = current
            else:
                current[field[1]] = field[2].strip()
            continue
        if current is not None and not line.startswith((" ", "\t")):
            current = None
        if done := re.match(r"^Finished jobid: (\d+)", line):
            finished.append(done[1])
    return [blocks[j] for j in finished if j in blocks]


def job_label(job: dict[str, str]) -> str:
    """``rule`` or ``rule[wildcards]``, the wildcards in the order of their names (the log
    and a provenance record may give them in different orders)."""
    if not job["wildcards"]:
        return job["rule"]
    return f"{job['rule']}[{', '.join(sorted(job['wildcards'].split(', ')))}]"


def rule_table(work: Path, jobs: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Per rule, from Snakemake's benchmark files of ``jobs``: jobs, wall and CPU seconds,
    peak memory (MB)."""
    import pandas as pd

    rows = []
    for job in jobs:
        if not job["benchmark"] or not (work / job["benchmark"]).is_file():
            continue
        last = pd.read_csv(work / job["benchmark"], sep="\t").iloc[-1]
        rows.append(
            {
                "rule": job["rule"],
                "s": float(last["s"]),
                "cpu_s": float(last["cpu_time"]),
                "max_rss_mb": float(last["max_rss"]),
            }
        )
    if not rows:
        return []
    out = (
        pd.DataFrame(rows)
        .groupby("rule")
        .agg(
            jobs=("s", "size"),
            wall_s=("s", "sum"),
            max_job_s=("s", "max"),
            cpu_s=("cpu_s", "sum"),
            peak_mb=("max_rss_mb", "max"),
        )
        .reset_index()
        .sort_values("wall_s", ascending=False)
    )
    return out.round(2).to_dict("records")
