"""Benchmark the pipeline against its targets: wall time, CPU time, jobs and peak memory.

    python benchmarks/run.py                          # every scenario of the 19-LA demo,
                                                      # the test suites and ingest memory
    python benchmarks/run.py --scenario noop supervision    # some of them
    python benchmarks/run.py --scenario scale         # 153 LAs x 3 years (make bench-scale)
    python benchmarks/run.py --las 2 --results /tmp/r # a 2-LA study, results kept apart
    python benchmarks/run.py --report-only            # the table from the results present

Scenarios (SCENARIOS): ``full`` (raw to report in a fresh scratch workflow), ``noop``
(snakemake again), ``supervision`` and ``transcript`` (one LA's supervision extract or
focus-group transcript corrected, then snakemake: the jobs rerun, and for each whether
anything it reads changed, from the jobs' provenance records), ``ingest_parse`` (the ingest
jobs against parsing every raw table once), ``test`` and ``test_fast`` (the commands of
``make test`` and ``make test-fast`` in a clean clone), ``scale`` (``--scale-las`` LAs over
``--scale-years`` years, raw to report, with the largest job's memory) and ``ingest_memory``
(bench_memory). The demo scenarios after ``full`` run in its finished workflow, which is
kept and reused; making the data is timed apart. Per-rule figures come from Snakemake's own
``benchmark:`` files; totals from the process's children.

Each result goes to ``<results>/<scenario>.json`` with the commands it ran; the table rows
for docs/performance.md (scenario, command, target, measured, met) are printed, and written
to ``--out`` when given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import bench_memory
import bench_scenarios as sc
from bench_report import TARGETS, rows, rule_lines
from bench_work import ROOT, machine

RESULTS = ROOT / "benchmarks" / "results"
# In the order they run: the demo scenarios share the finished workflow of ``full``.
SCENARIOS = tuple(TARGETS)
RUN_ORDER = (
    "full",
    "noop",
    "supervision",
    "transcript",
    "ingest_parse",
    "test_fast",
    "test",
    "scale",
    "ingest_memory",
)
DEFAULT = tuple(s for s in RUN_ORDER if s != "scale")


def run_one(name: str, args: argparse.Namespace, done: dict[str, dict[str, Any]]) -> None:
    """Run scenario ``name`` into ``done`` (with any full run it needed first)."""
    work_root = Path(args.work)
    if name == "full":
        done["full"] = sc.scenario_full(work_root, args.las, args.years)
    elif name in ("noop", "supervision", "transcript"):
        work = sc.finished_demo(work_root, args.las, args.years, done)
        step = {
            "noop": sc.scenario_noop,
            "supervision": sc.scenario_supervision,
            "transcript": sc.scenario_transcript,
        }[name]
        done[name] = step(work)
    elif name == "ingest_parse":
        full = done.get("full") or _stored(Path(args.results), "full")
        if full is None or full.get("las") != args.las:
            sc.finished_demo(work_root, args.las, args.years, done)
            full = done["full"]
        done[name] = sc.scenario_ingest_parse(full)
    elif name in ("test", "test_fast"):
        done[name] = sc.scenario_tests(work_root, name.replace("_", "-"))
    elif name == "scale":
        done[name] = sc.scenario_scale(work_root, args.scale_las, args.scale_years)
    elif name == "ingest_memory":
        result = bench_memory.scenario_memory(work_root)[0]
        done[name] = {
            "commands": [
                "one LA's supervision extract grown (Kent's CSV to 50-200 MB, Milton Keynes's "
                "xlsx to 7-28 MB); snakemake --cores 1 --force <the LA's ingest>"
            ],
            **result,
        }


def _stored(folder: Path, name: str) -> dict[str, Any] | None:
    """A result kept from an earlier invocation, if any."""
    path = folder / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scenario", nargs="+", choices=SCENARIOS, help="default: all but scale")
    p.add_argument("--las", type=int, default=19, help="LAs of the demo scenarios")
    p.add_argument("--years", type=int, default=1, help="years of extracts (1: the demo's)")
    p.add_argument("--scale-las", type=int, default=153)
    p.add_argument("--scale-years", type=int, default=3)
    p.add_argument("--work", default="/tmp/oversight-bench", help="scratch folder")
    p.add_argument("--results", default=str(RESULTS), help="where results are kept")
    p.add_argument("--out", help="also write the table (and the per-rule times) here")
    p.add_argument("--report-only", action="store_true", help="the table from the results")
    args = p.parse_args(argv)
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        (results / "machine.json").write_text(json.dumps(machine(), indent=2) + "\n")
        wanted = set(args.scenario or DEFAULT)
        done: dict[str, dict[str, Any]] = {}
        for name in (s for s in RUN_ORDER if s in wanted):
            run_one(name, args, done)
            print(f"{name}: done", file=sys.stderr)
        for name, result in done.items():
            result = {"scenario": name, **result}
            (results / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    found = {name: r for name in SCENARIOS if (r := _stored(results, name)) is not None}
    lines = rows(found)
    for name in ("full", "scale"):
        if name in found:
            lines += rule_lines(found[name])
    print("\n".join(lines))
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
