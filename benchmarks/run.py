"""Benchmark the pipeline: wall time, CPU time and peak memory, per rule and in total.

    python benchmarks/run.py                       # the 19-LA demo: full, unchanged, one LA;
                                                   # and one LA's ingest of a 200 MB extract
    python benchmarks/run.py --las 153 --years 3   # every English LA, three years of data
    python benchmarks/run.py --memory-only         # the 200 MB ingest alone

Each scenario runs in a scratch copy of the workflow (code linked, configuration copied) with
synthetic extracts made by the demo generator; making the data is timed apart from the
pipeline. Beyond the 19 study LAs, LAs are copies of them under new names and codes (their
volumes follow the original's real DfE figures). Per-rule figures come from Snakemake's own
``benchmark:`` files; totals from the process's children. The floors are the time to read
every raw byte once, and to parse every raw table once with the fastest reader (pyarrow for
CSV, calamine for spreadsheets): no pipeline can ingest faster than those.

Ingest memory: one LA at a time with its supervision extract grown (its rows repeated, each
copy with its own worker IDs): Kent's CSV to 50, 100 and 200 MB, Milton Keynes's xlsx workbook
to 7 and 28 MB. Each is ingested as the rule does; the peak resident set of the job (the
kernel's high-water mark, not a sample) is set against the ``mem_mb`` the ingest rule declares
for that input.

Results go to ``benchmarks/results/<scenario>.json``; ``docs/performance.md`` is written from
every result file present, with the machine each ran on.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
# The scenarios change demo extracts (one corrected row, a grown extract), and the public demo
# key is refused for a changed file: every run here uses this benchmark-only key instead.
BENCH_KEY = "0b5e9a1c7d3f2e8b4a6c0d9e1f7a3b5c8d2e6f0a4b9c1d7e3f5a8b0c2d6e4f19"
LINKED = ("Snakefile", "rules", "report_templates", "profiles", "src")
TARGETS = {  # scenario -> (target, limit); the limits are issue 8's
    "full": ("19-LA demo, full run from raw to report", 90.0),
    "unchanged": ("nothing changed (`snakemake` again)", 3.0),
    "one_la": ("one LA's file corrected, rerun", 20.0),
    "scale_full": ("153 LAs x 3 years, full run", 900.0),
}


# --------------------------------------------------------------------------- the machine
def machine() -> dict[str, Any]:
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


def make_workdir(base: Path, las: int, years: int) -> tuple[Path, float]:
    """A scratch workflow with synthetic extracts for ``las`` LAs over ``years`` years;
    returns it and the seconds spent making the data."""
    from oversight.demo.generate import Generator, slugify

    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    for name in LINKED:
        (base / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "config", base / "config")
    shutil.copytree(ROOT / "data/raw/published", base / "data/raw/published")
    config = yaml.safe_load((base / "config/config.yaml").read_text())
    impact = yaml.safe_load((base / "config/impact.yaml").read_text())
    ref_path = base / "data/raw/published/seslip_las.csv"
    with open(ref_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if las != len(rows):
        rows = clone_reference(rows, las)
        ref_path = base / "data/raw/bench_reference.csv"
        with open(ref_path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        # Only the generator reads the copies; the published DfE and Ofsted data keep matching
        # the real LAs through the study's own reference table.
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


# --------------------------------------------------------------------------- floors
def raw_files(work: Path) -> list[Path]:
    return sorted(
        p
        for p in (work / "data/raw").rglob("*")
        if p.is_file() and "published" not in p.parts and p.suffix != ".json"
    )


def read_floor(files: list[Path]) -> dict[str, float]:
    """Seconds to read every raw byte once, and to parse every raw table once."""
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
    """This process's environment with :data:`BENCH_KEY` as the pseudonymisation key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_KEY")}
    return env | {"OVERSIGHT_KEY": BENCH_KEY}


def snakemake(work: Path, *args: str) -> dict[str, float]:
    """Run snakemake; wall and CPU seconds (children) and the job count."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "snakemake"), "--cores", "2", *args],
        cwd=work,
        capture_output=True,
        text=True,
        env=bench_env(),
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"snakemake failed in {work}:\n{proc.stderr[-3000:]}")
    jobs = proc.stderr.count("Finished jobid") + proc.stdout.count("Finished jobid")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "jobs": jobs}


def rule_table(work: Path) -> list[dict[str, Any]]:
    """Per rule, from Snakemake's benchmark files: jobs, wall and CPU seconds, peak memory."""
    rows = []
    for path in sorted((work / "logs/benchmarks").rglob("*.tsv")):
        last = pd.read_csv(path, sep="\t").iloc[-1]
        rows.append(
            {
                "rule": _rule_of(path),
                "s": float(last["s"]),
                "cpu_s": float(last["cpu_time"]),
                "max_rss_mb": float(last["max_rss"]),
            }
        )
    frame = pd.DataFrame(rows)
    out = (
        frame.groupby("rule")
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


def _rule_of(path: Path) -> str:
    stage, stem = path.parent.name, path.stem
    named = {
        "ledger",
        "index",
        "comparison",
        "model",
        "figures",
        "publish_metrics",
        "kpis",
        "inspections",
        "link_figures",
        "coding",
        "questionnaire",
        "analysis",
        "impact",
        "publish_tables",
        "report",
        "exports",
        "provenance",
    }
    if stage in ("ingest", "links"):
        return stage
    if stage == "stats" and stem.startswith("metrics_"):
        return "metrics_la"
    if stage == "published" and stem.startswith("release_diff"):
        return "release_diff"
    if stage == "quality" and stem not in named:
        return "quality_page"
    return {
        "index": "quality_index",
        "model": "oversight_model",
        "analysis": "survey_analysis",
    }.get(stem, stem)


def correct_one_row(path: Path) -> None:
    """An LA's corrected extract: its last data row withdrawn. (A changed file, not just a
    newer one: Snakemake skips files whose checksum it knows to be unchanged.)"""
    data = path.read_bytes()
    body = data.rstrip(b"\r\n")
    path.write_bytes(body[: body.rfind(b"\n") + 1])


def scenario_demo(work_root: Path) -> list[dict[str, Any]]:
    work, gen_s = make_workdir(work_root / "demo19", 19, 1)
    files = raw_files(work)
    floor = read_floor(files)
    full = snakemake(work)
    rules = rule_table(work)
    unchanged = snakemake(work)
    target = work / "data/raw/medway/caseload_2024-25.csv"
    correct_one_row(target)
    one = snakemake(work)
    ingest_s = sum(r["wall_s"] for r in rules if r["rule"] == "ingest")
    base = {
        "las": 19,
        "years": "1.75 (the demo's 21 months)",
        "generate_s": gen_s,
        "floor": floor,
        "files": len(files),
        "ingest_s": ingest_s,
    }
    return [
        base | {"scenario": "full", **full, "rules": rules},
        base | {"scenario": "unchanged", **unchanged},
        base | {"scenario": "one_la", **one, "changed": str(target.relative_to(work))},
    ]


def scenario_scale(work_root: Path, las: int, years: int) -> list[dict[str, Any]]:
    work, gen_s = make_workdir(work_root / f"scale{las}x{years}", las, years)
    files = raw_files(work)
    floor = read_floor(files)
    full = snakemake(work)
    rules = rule_table(work)
    ingest_s = sum(r["wall_s"] for r in rules if r["rule"] == "ingest")
    return [
        {
            "scenario": "scale_full",
            "las": las,
            "years": years,
            "generate_s": gen_s,
            "floor": floor,
            "files": len(files),
            "ingest_s": ingest_s,
            **full,
            "rules": rules,
        }
    ]


# --------------------------------------------------------------------------- ingest memory
# (LA, sizes in MB its supervision extract is grown to): Kent's is a CSV, Milton Keynes's an
# xlsx workbook (a zip container, which takes more memory per byte).
MEMORY_CASES = (("kent", (50, 100, 200)), ("milton_keynes", (7, 28)))
# Peak RSS of the command's largest descendant process, in kB (Linux getrusage).
PEAK_PROBE = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)"
)


def _id_parts(value: object) -> tuple[str, int] | None:
    """An ID as letters and a number of digits (``E653632`` -> ``("E", 6)``), or None."""
    if not isinstance(value, str):
        return None
    head = value.rstrip("0123456789")
    digits = len(value) - len(head)
    return (head, digits) if digits and head.isalpha() else None


def grown_rows(rows: list[list[Any]], id_column: int, copies: int) -> Iterator[list[Any]]:
    """``rows`` repeated ``copies`` times; each copy gives every worker its own ID of the same
    shape (letters, then as many digits), so no copy repeats another's rows."""
    ids = sorted({r[id_column] for r in rows if len(r) > id_column and _id_parts(r[id_column])})
    index = {value: i for i, value in enumerate(ids)}
    for copy in range(copies):
        for row in rows:
            parts = _id_parts(row[id_column]) if len(row) > id_column else None
            if parts is None:  # blank or malformed IDs stay as planted
                yield row
                continue
            head, digits = parts
            number = copy * len(ids) + index[row[id_column]]
            if number >= 10**digits:
                raise SystemExit(f"{copies} copies of {len(ids)} IDs do not fit {digits} digits")
            yield [*row[:id_column], f"{head}{number:0{digits}d}", *row[id_column + 1 :]]


def grow_csv(
    source: Path, target: Path, spec: dict[str, Any], id_header: str, size_mb: float
) -> int:
    """Write ``target``: the CSV ``source`` with its data rows repeated to about ``size_mb``
    MB; returns the number of data rows."""
    raw = source.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, rows = records[0], records[1:]
    copies = max(1, round(size_mb * 2**20 / len(raw)))
    with open(target, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n" if b"\r\n" in raw[:4096] else "\n")
        writer.writerow(header)
        writer.writerows(grown_rows(rows, header.index(id_header), copies))
    return len(rows) * copies


def grow_workbook(
    source: Path, target: Path, spec: dict[str, Any], id_header: str, size_mb: float
) -> int:
    """Write ``target``: the workbook ``source`` with the data rows of its configured sheet
    repeated to about ``size_mb`` MB (other sheets as they are); returns the data rows."""
    from openpyxl import Workbook, load_workbook

    book = load_workbook(source)
    out = Workbook(write_only=True)
    copies = max(1, round(size_mb * 2**20 / source.stat().st_size))
    header_row = spec.get("header_row", 1)
    n_rows = 0
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        grown = out.create_sheet(sheet.title)
        if sheet.title != spec.get("sheet", book.worksheets[0].title):
            for row in rows:
                grown.append(row)
            continue
        head, data = rows[:header_row], rows[header_row:]
        for row in head:
            grown.append(row)
        for row in grown_rows(data, head[-1].index(id_header), copies):
            grown.append(row)
        n_rows = len(data) * copies
    out.save(target)
    return n_rows


def _memory_workdir(base: Path, la: str) -> Path:
    """A scratch workflow whose study holds only ``la``, with its demo extracts."""
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    for name in LINKED:
        (base / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "config", base / "config")
    shutil.copytree(ROOT / "data/raw/published", base / "data/raw/published")
    config = yaml.safe_load((base / "config/config.yaml").read_text())
    config["authorities"] = [la]
    (base / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    subprocess.run(
        [str(BIN / "oversight"), "demo-data", "--only", la],
        cwd=base,
        check=True,
        capture_output=True,
    )
    return base


def _declared_mem_mb(work: Path, target: str) -> int:
    """The mem_mb Snakemake gives the ingest job for the current input (a dry run)."""
    proc = subprocess.run(
        [str(BIN / "snakemake"), "-n", "--force", target],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.findall(r"\bmem_mb=(\d+)", proc.stdout + proc.stderr)
    if len(found) != 1:
        raise SystemExit(f"expected one ingest job's mem_mb in the dry run, found {found}")
    return int(found[0])


def _peak_run(work: Path, *args: str) -> tuple[float, float]:
    """Run snakemake; its wall seconds and the peak RSS (MB) of its largest process."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(BIN / "snakemake"), *args],
        cwd=work,
        capture_output=True,
        text=True,
        env=bench_env(),
    )
    wall = time.perf_counter() - started
    peak_kb, code = proc.stdout.split()[-2:]
    if code != "0":
        raise SystemExit(f"snakemake failed in {work}:\n{proc.stdout[-3000:]}")
    return wall, int(peak_kb) / 1024


def memory_points(work_root: Path, la: str, sizes_mb: tuple[float, ...]) -> list[dict]:
    """One LA's ingest, as the rule runs it, with its supervision extract grown to each size:
    the peak memory of the job against the mem_mb the rule declares for that input."""
    base = _memory_workdir(work_root / f"memory_{la}", la)
    spec = yaml.safe_load((base / f"config/authorities/{la}.yaml").read_text())
    sup = spec["datasets"]["supervision"]
    extract = base / "data/raw" / sup["path"]
    id_header = sup["columns"]["worker_id"]
    id_header = id_header if isinstance(id_header, str) else id_header[0]
    grow = grow_workbook if zipfile.is_zipfile(extract) else grow_csv
    original = base / f"original-{extract.name}"  # outside data/raw: not an input
    shutil.copyfile(extract, original)
    target = f"data/interim/provenance/ingest/{la}/supervision.json"
    points = []
    for size in sizes_mb:
        rows = grow(original, extract, sup, id_header, size)
        raw = raw_files(base)
        raw_mb = sum(p.stat().st_size for p in raw) / 2**20
        zip_mb = sum(p.stat().st_size for p in raw if zipfile.is_zipfile(p)) / 2**20
        declared = _declared_mem_mb(base, target)
        wall, peak = _peak_run(base, "--cores", "1", "--force", target)
        points.append(
            {
                "la": la,
                "format": extract.suffix.lstrip("."),
                "supervision_mb": round(extract.stat().st_size / 2**20, 1),
                "supervision_rows": rows,
                "raw_mb": round(raw_mb, 1),
                "zip_mb": round(zip_mb, 1),
                "peak_rss_mb": round(peak),
                "declared_mem_mb": declared,
                "wall_s": round(wall, 1),
            }
        )
        print(f"ingest memory: {points[-1]}", file=sys.stderr)
    return points


def scenario_memory(work_root: Path) -> list[dict[str, Any]]:
    """Ingest memory for every case of MEMORY_CASES, with the machine it ran on."""
    points = [p for la, sizes in MEMORY_CASES for p in memory_points(work_root, la, sizes)]
    return [{"scenario": "ingest_memory", "machine": machine(), "points": points}]


def memory_lines(result: dict[str, Any]) -> list[str]:
    """The ingest-memory section of docs/performance.md."""
    lines = [
        "",
        "## Ingest memory (one LA, its supervision extract grown)",
        "",
        "Peak resident set of the ingest job (the kernel's high-water mark for its process) "
        "against the `mem_mb` the ingest rule declares for the same raw input "
        "(`ingest_mem_mb` in `rules/common.smk`). The extract's rows are repeated, each copy "
        "with its own worker IDs. Measured on: "
        + ", ".join(f"{k} {v}" for k, v in result["machine"].items())
        + ".",
        "",
        "| LA | supervision extract | rows | all raw input of the LA | peak RSS "
        "| declared mem_mb | within | wall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in result["points"]:
        within = "yes" if p["peak_rss_mb"] <= p["declared_mem_mb"] else "no"
        lines.append(
            f"| {p['la']} | {p['supervision_mb']:.0f} MB {p['format']} "
            f"| {p['supervision_rows']:,} | {p['raw_mb']:.0f} MB | {p['peak_rss_mb']:,} MB "
            f"| {p['declared_mem_mb']:,} | {within} | {p['wall_s']:.0f} s |"
        )
    return lines


# --------------------------------------------------------------------------- the report
def write_markdown(results: list[dict[str, Any]], info: dict[str, Any], path: Path) -> None:
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`benchmarks/run.py`), never by timed tests. Each scenario runs",
        "in a scratch copy of the workflow on synthetic extracts from the demo generator;",
        "making the data is timed apart. Per-rule times and peak memory are Snakemake's own",
        "`benchmark:` files (wall seconds of each job, its CPU seconds, its peak resident set).",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "## Targets",
        "",
        "| scenario | target | measured | met |",
        "|---|---|---|---|",
    ]
    by = {r["scenario"]: r for r in results}
    for key, (label, limit) in TARGETS.items():
        if key in by:
            wall = by[key]["wall_s"]
            lines.append(
                f"| {label} | ≤ {limit:g} s | {wall:.1f} s | {'yes' if wall <= limit else 'no'} |"
            )
        else:
            lines.append(f"| {label} | ≤ {limit:g} s | not run | |")
    if "ingest_memory" in by:
        top = max(by["ingest_memory"]["points"], key=lambda p: p["raw_mb"])
        fits = top["peak_rss_mb"] <= top["declared_mem_mb"]
        lines.append(
            f"| one LA's {top['supervision_mb']:.0f} MB supervision {top['format']} ingested "
            f"within the rule's declared mem_mb | ≤ {top['declared_mem_mb']:,} MB | "
            f"{top['peak_rss_mb']:,} MB | {'yes' if fits else 'no'} |"
        )
    for r in results:
        if "rules" in r and r["floor"]["read_s"] > 0:
            ratio_read = r["ingest_s"] / r["floor"]["read_s"]
            ratio_parse = r["ingest_s"] / r["floor"]["parse_s"]
            lines.append(
                f"| ingestion ÷ reading the raw bytes once ({r['scenario']}) | ≤ 5 | "
                f"{ratio_read:.0f} (÷ parsing once: {ratio_parse:.1f}) | "
                f"{'yes' if ratio_read <= 5 else 'no'} |"
            )
            peak = max(x["peak_mb"] for x in r["rules"])
            lines.append(
                f"| peak memory of any job ({r['scenario']}) | ≤ 2048 MB | {peak:.0f} MB | "
                f"{'yes' if peak <= 2048 else 'no'} |"
            )
    for r in results:
        if r["scenario"] == "ingest_memory":
            lines += memory_lines(r)
            continue
        lines += ["", f"## Scenario: {r['scenario']} ({r['las']} LAs, {r['years']} years)", ""]
        fl = r["floor"]
        lines += [
            f"- raw extracts: {r['files']} files, {fl['bytes'] / 2**20:.1f} MiB; making them took "
            f"{r['generate_s']:.1f} s (not counted)",
            f"- floors: reading every byte once {fl['read_s']:.2f} s; parsing every table once "
            f"{fl['parse_s']:.2f} s",
            f"- pipeline: {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU, {r['jobs']} jobs",
        ]
        if "rules" in r:
            lines += [
                "",
                "| rule | jobs | wall s (sum) | slowest job s | CPU s | peak MB |",
                "|---|---|---|---|---|---|",
            ]
            lines += [
                f"| {x['rule']} | {x['jobs']} | {x['wall_s']:.1f} | {x['max_job_s']:.1f} | "
                f"{x['cpu_s']:.1f} | {x['peak_mb']:.0f} |"
                for x in r["rules"]
            ]
    notes = ROOT / "benchmarks" / "notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--las", type=int, default=19)
    p.add_argument("--years", type=int, default=1, help="years of extracts (1: the demo's window)")
    p.add_argument("--work", default="/tmp/oversight-bench", help="scratch folder")
    p.add_argument("--out", default=str(ROOT / "docs/performance.md"))
    p.add_argument("--report-only", action="store_true", help="rewrite the page from results")
    p.add_argument("--memory-only", action="store_true", help="only the 200 MB ingest")
    args = p.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    info_path = RESULTS / "machine.json"
    if not args.report_only:
        if not args.memory_only:  # the machine of the timed scenarios
            info_path.write_text(json.dumps(machine(), indent=2) + "\n")
        work_root = Path(args.work)
        if args.memory_only:
            runs = scenario_memory(work_root)
        elif args.las == 19 and args.years == 1:
            runs = scenario_demo(work_root) + scenario_memory(work_root)
        else:
            runs = scenario_scale(work_root, args.las, args.years)
        for r in runs:
            (RESULTS / f"{r['scenario']}.json").write_text(json.dumps(r, indent=2) + "\n")
    order = list(TARGETS)
    # Only scenario results: the fuzz campaign's tally (fuzz.json) lives here too.
    found = [json.loads(p.read_text()) for p in RESULTS.glob("*.json") if p.stem != "machine"]
    results = sorted(
        (r for r in found if "scenario" in r),
        key=lambda r: order.index(r["scenario"]) if r["scenario"] in order else 99,
    )
    write_markdown(results, json.loads(info_path.read_text()), Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
