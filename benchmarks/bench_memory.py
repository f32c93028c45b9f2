"""Ingest memory: one LA at a time with its supervision extract grown (its rows repeated,
each copy with its own worker IDs): Kent's CSV to 50, 100 and 200 MB, Milton Keynes's xlsx
workbook to 7 and 28 MB. Each is ingested as the rule does; the peak resident set of the job
(the kernel's high-water mark, not a sample) is set against the ``mem_mb`` the ingest rule
declares for that input.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from bench_work import BIN, bench_env, machine, raw_files, scratch

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
    scratch(base)
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
