"""The benchmark's own helpers (benchmarks/): reading a Snakemake log, correcting one row or
one transcript turn, telling a needless rerun from one that read the correction, the command
lines of a make target, and the table rows against the targets."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_report
import bench_scenarios
import bench_work

LOG = textwrap.dedent(
    """\
    Building DAG of jobs...
    [Sat Dec  5 05:57:31 2026]
    localrule ingest:
        input: config/authorities/medway.yaml, data/raw/medway
        output: data/interim/medway/supervision.parquet
        jobid: 8
        benchmark: logs/benchmarks/ingest/medway.tsv
        reason: Updated input files: data/raw/medway
        wildcards: la=medway
        resources: tmpdir=/tmp, mem_mb=1000
    Shell command: None
    [Sat Dec  5 05:57:31 2026]
    localrule report:
        input: results/tables/a.csv
        jobid: 3
        benchmark: logs/benchmarks/report/report.tsv
    Select jobs to execute...
    Finished jobid: 8 (Rule: ingest)
    1 of 3 steps (33%) done
    Finished jobid: 3 (Rule: report)
    localrule all:
        jobid: 0
    Finished jobid: 0 (Rule: all)
    """
)


def test_the_log_gives_each_finished_job_with_its_rule_wildcards_and_benchmark() -> None:
    jobs = bench_work.log_jobs(LOG)
    assert jobs == [
        {
            "rule": "ingest",
            "wildcards": "la=medway",
            "benchmark": "logs/benchmarks/ingest/medway.tsv",
        },
        {"rule": "report", "wildcards": "", "benchmark": "logs/benchmarks/report/report.tsv"},
        {"rule": "all", "wildcards": "", "benchmark": ""},
    ]
    assert [bench_work.job_label(j) for j in jobs] == ["ingest[la=medway]", "report", "all"]
    two = {"rule": "ingest", "wildcards": "la=kent, dataset=supervision"}
    assert bench_work.job_label(two) == "ingest[dataset=supervision, la=kent]"


def test_a_job_that_never_finished_is_not_counted() -> None:
    assert bench_work.log_jobs(LOG.replace("Finished jobid: 3 (Rule: report)\n", "")) == [
        {
            "rule": "ingest",
            "wildcards": "la=medway",
            "benchmark": "logs/benchmarks/ingest/medway.tsv",
        },
        {"rule": "all", "wildcards": "", "benchmark": ""},
    ]


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_one_row_corrected_is_the_last_data_row_removed(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(ending.join(["id,date", "1,2024-04-01", "2,2024-04-02", ""]).encode())
    bench_scenarios.correct_one_row(path)
    assert path.read_bytes() == ending.join(["id,date", "1,2024-04-01", ""]).encode()


def test_one_turn_corrected_changes_only_the_last_turns_text(tmp_path: Path) -> None:
    vtt = tmp_path / "g.vtt"
    vtt.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v A B>First.</v>\n\n"
        "2\n00:00:03.000 --> 00:00:04.000\n<v C D>Second turn.</v>\n",
        encoding="utf-8",
    )
    assert bench_scenarios.correct_one_turn(vtt) == "<v C D>"
    assert vtt.read_text(encoding="utf-8").endswith(
        "<v A B>First.</v>\n\n2\n00:00:03.000 --> 00:00:04.000\n<v C D>Second turn again.</v>\n"
    )
    txt = tmp_path / "g.txt"
    txt.write_text("Facilitator: Hello.\r\nSocial Worker: We met.\r\n\r\n", encoding="utf-8")
    bench_scenarios.correct_one_turn(txt)
    assert txt.read_bytes() == b"Facilitator: Hello.\r\nSocial Worker: We met again.\r\n\r\n"


def test_a_rerun_is_needless_when_nothing_it_reads_changed() -> None:
    before = {
        "ingest[la=medway]": {"inputs": [("a", "1")], "raw": [("r", "1")]},
        "coding": {"inputs": [("t", "1")], "raw": []},
        "metrics_la[la=medway]": {"inputs": [("s", "1")], "raw": []},
    }
    after = before | {
        "ingest[la=medway]": {"inputs": [("a", "1")], "raw": [("r", "2")]},
        "metrics_la[la=medway]": {"inputs": [("s", "2")], "raw": []},
    }
    ran = [
        {"rule": "ingest", "wildcards": "la=medway", "benchmark": ""},
        {"rule": "coding", "wildcards": "", "benchmark": ""},
        {"rule": "metrics_la", "wildcards": "la=medway", "benchmark": ""},
        {"rule": "all", "wildcards": "", "benchmark": ""},
    ]
    assert bench_scenarios.rerun_check(ran, before, after) == {
        "read_change": ["ingest[la=medway]", "metrics_la[la=medway]"],
        "no_change": ["coding"],
        "unrecorded": ["all"],
    }


def test_make_commands_leave_out_the_setup_recipe(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(
        "stamp:\n\techo install\n\ttouch stamp\nsetup: stamp\n"
        "test: stamp\n\tX=1 \\\n\techo pytest -q\n\techo done\n",
        encoding="utf-8",
    )
    # A line continued with a backslash is one command.
    assert bench_scenarios.make_commands(tmp_path, "test") == ["X=1 echo pytest -q", "echo done"]


def test_every_target_has_a_row_and_a_miss_says_no() -> None:
    results = {
        "noop": {"scenario": "noop", "commands": ["snakemake --cores 2"], "wall_s": 1.5, "jobs": 0},
        "supervision": {
            "scenario": "supervision",
            "commands": ["x"],
            "wall_s": 12.0,
            "jobs": 3,
            "rules_rerun": ["coding", "ingest"],
            "no_change": ["coding"],
        },
        "ingest_parse": {
            "scenario": "ingest_parse",
            "ratio": 12.4,
            "ingest_s": 12.4,
            "floor": {"parse_s": 1.0},
        },
    }
    lines = bench_report.rows(results)
    assert len(lines) == 2 + len(bench_report.TARGETS)
    by_label = {line.split(" | ")[0].lstrip("| "): line for line in lines[2:]}
    assert by_label["nothing changed"].endswith("| 1.5 s, 0 jobs | yes |")
    assert (
        "1 read nothing changed: coding | no |" in by_label["one LA's supervision file corrected"]
    )
    assert by_label["ingest ÷ parsing every table once"].endswith("| no |")
    assert "not run" in by_label["`make test`"]
