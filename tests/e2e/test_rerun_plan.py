"""The rerun plan after a reviewer's correction: only what reads the corrected dataset.

A copy of the finished demo run has one file of one LA corrected; Snakemake's dry run then
plans the jobs to rerun. Each planned job must descend from the ingest of that LA and
dataset in the workflow's full job graph (every job forced, read from the dry run's inputs
and outputs), no other LA's job and no other dataset's ingest may be planned, and the
analyses that do not read the dataset must not rerun. Dry runs only: nothing is computed.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import BIN, copy_run, run

pytestmark = pytest.mark.e2e
LA = "kent"
# A job: its rule and its wildcards, sorted ("dataset=survey, la=kent"; "" for none).
Job = tuple[str, str]
RULE = re.compile(r"^(?:local)?rule (\w+):$")
FIELD = re.compile(r"^\s+(input|output|wildcards): (.*)$")


def _jobs(text: str) -> dict[Job, dict[str, list[str]]]:
    """Each job of a dry run's log, with its input and output files."""
    jobs: dict[Job, dict[str, list[str]]] = {}
    current: dict[str, str] | None = None

    def close() -> None:
        if current is not None:
            wildcards = sorted(w for w in current.get("wildcards", "").split(", ") if w)
            key = (current["rule"], ", ".join(wildcards))
            jobs[key] = {
                side: [f for f in current.get(side, "").split(", ") if f]
                for side in ("input", "output")
            }

    for line in text.splitlines():
        if rule := RULE.match(line):
            close()
            current = {"rule": rule.group(1)}
        elif current is not None and (field := FIELD.match(line)):
            current[field.group(1)] = field.group(2)
    close()
    return jobs


def _wildcards(job: Job) -> dict[str, str]:
    return dict(part.split("=", 1) for part in job[1].split(", ") if part)


def _descendants(jobs: dict[Job, dict[str, list[str]]], start: Job) -> set[Job]:
    """Every job that reads, directly or through other jobs, what ``start`` writes."""
    readers: dict[str, set[Job]] = defaultdict(set)
    for job, files in jobs.items():
        for path in files["input"]:
            readers[path].add(job)
    found: set[Job] = set()
    pending = [start]
    while pending:
        for path in jobs[pending.pop()]["output"]:
            for job in readers[path] - found:
                found.add(job)
                pending.append(job)
    return found


@pytest.fixture(scope="module")
def work(demo_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the finished demo run (the shared run stays as it is)."""
    return copy_run(demo_run, tmp_path_factory.mktemp("rerun_plan") / "copy")


@pytest.fixture(scope="module")
def graph(work: Path) -> dict[Job, dict[str, list[str]]]:
    """The full job graph: every job of the workflow, forced, in a dry run."""
    jobs = _jobs(run([str(BIN / "snakemake"), "-n", "--forceall"], work).stdout)
    assert sum(rule == "ingest" for rule, _ in jobs) == 19 * 7  # one per LA and dataset
    return jobs


def _ingest(dataset: str) -> Job:
    """The ingest job of :data:`LA`'s ``dataset``."""
    return ("ingest", f"dataset={dataset}, la={LA}")


def _planned(work: Path, target: Path, correct) -> set[Job]:
    """The jobs a dry run plans once ``correct(text)`` has rewritten ``target``; the file is
    restored after, to the nanosecond (ingest's fingerprint holds mtime_ns)."""
    before, saved = target.stat(), target.read_bytes()
    try:
        target.write_text(correct(saved.decode("utf-8")), encoding="utf-8")
        out = run([str(BIN / "snakemake"), "-n", "all"], work).stdout
    finally:
        target.write_bytes(saved)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    return set(_jobs(out))


def _check_plan(planned: set[Job], graph, dataset: str) -> set[str]:
    """The checks common to every correction; the rules planned."""
    start = _ingest(dataset)
    assert start in planned
    assert {job for job in planned if job[0] == "ingest"} == {start}
    assert {_wildcards(job).get("la", LA) for job in planned} == {LA}
    outside = planned - _descendants(graph, start) - {start}
    assert not outside, sorted(outside)
    return {rule for rule, _ in planned}


def _drop_data_row(text: str) -> str:
    """The CSV without its last data row."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:-1])


def _drop_last_cue(text: str) -> str:
    """The WebVTT transcript without its last cue."""
    blocks = text.rstrip("\n").split("\n\n")
    return "\n\n".join(blocks[:-1]) + "\n"


def test_a_supervision_correction_reruns_only_what_reads_supervision(work: Path, graph) -> None:
    target = work / f"data/raw/{LA}/supervision_2024-25.csv"
    planned = _planned(work, target, _drop_data_row)
    rules = _check_plan(planned, graph, "supervision")
    assert "coding" not in rules  # the focus groups do not read supervision
    assert ("dataset_ledger", "dataset=supervision") in planned
    for dataset in ("transcripts", "survey", "caseload", "strategy_discussions"):
        assert ("dataset_ledger", f"dataset={dataset}") not in planned
    assert {"metrics_la", "comparison", "survey_analysis", "hypothesis"} <= rules


def test_a_transcript_correction_reruns_only_what_reads_the_transcripts(work: Path, graph) -> None:
    target = sorted((work / f"data/raw/{LA}/focus_groups").glob("*.vtt"))[0]
    planned = _planned(work, target, _drop_last_cue)
    rules = _check_plan(planned, graph, "transcripts")
    assert not rules & {"metrics_la", "comparison", "publish_metrics", "impact", "links"}
    assert {"coding", "quality_page"} <= rules
