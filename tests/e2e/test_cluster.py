"""The pipeline through Snakemake's generic cluster executor, with a local submit script
standing in for the scheduler: every job runs as its own process launched by the "scheduler",
so anything a job needs beyond its declared files and resources would fail here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BIN, ROOT, copy_raw, make_workdir, run

pytestmark = pytest.mark.e2e
LAS = ["bracknell_forest", "reading"]
TARGETS = [
    "results/quality/bracknell_forest/index.html",
    "results/quality/reading/index.html",
    "data/interim/reading/metrics.csv",
    "data/interim/bracknell_forest/impact_series.csv",
    "data/interim/tables/kpis.csv",
    "results/quality/releases/c1.csv",
]


def _workdir(base: Path) -> Path:
    work = make_workdir(base)
    run([str(BIN / "oversight"), "demo-data", "--only", ",".join(LAS)], work)
    return work


def test_jobs_run_under_a_scheduler_with_declared_resources(tmp_path: Path) -> None:
    cluster = _workdir(tmp_path / "cluster")
    submit = ROOT / "tests/fixtures/cluster/submit.sh"
    log_dir = tmp_path / "scheduler"
    run(
        [
            str(BIN / "snakemake"),
            "--executor",
            "cluster-generic",
            "--cluster-generic-submit-cmd",
            f"CLUSTER_LOG_DIR={log_dir} {submit} "
            "{resources.mem_mb} {resources.runtime} {rule}",
            "--jobs",
            "4",
            "--latency-wait",
            "30",
            *TARGETS,
        ],
        cluster,
    )
    submitted = [line.split("\t") for line in (log_dir / "submitted.tsv").read_text().splitlines()]
    rules = sorted(r for _, r, _, _ in submitted)
    # Ingest runs one job per LA and dataset (seven datasets: the quality pages read them all).
    assert rules == sorted(
        ["ingest"] * 2 * 7
        + [
            "links",
            "links",
            "quality_page",
            "quality_page",
            "metrics_la",
            "metrics_la",
            "kpis",
            "release_diff",
        ]
    ), rules
    for _, rule, mem_mb, runtime in submitted:
        assert int(mem_mb) >= 500 and int(runtime) >= 10, rule  # declared by every rule

    # The same targets run locally give the same bytes: no job depended on shared state.
    local = make_workdir(tmp_path / "local")
    copy_raw(cluster, local)  # the same demo extracts, not generated again
    run([str(BIN / "snakemake"), "--cores", "2", *TARGETS], local)
    for target in TARGETS:
        assert (cluster / target).read_bytes() == (local / target).read_bytes(), target
