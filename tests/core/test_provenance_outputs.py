"""Provenance is never written over outputs that are gone: after an interrupted run, the
provenance job refuses to finish while an output recorded in a job record is missing or
changed, and a trace marks such files instead of citing their hashes as if present."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from oversight.provenance import (
    Artefact,
    ProvenanceError,
    assemble,
    chain,
    check_outputs,
    sha256,
    stale_outputs,
)
from tests.conftest import ROOT

VERSION = {"package": "0.1.0", "git_commit": "abc", "source_sha256": "f" * 64}


def _record(root: Path, rule: str, outputs: dict[str, bytes], inputs=(), **wildcards) -> dict:
    """A job record for outputs written under ``root`` with the given bytes."""
    files = []
    for rel, data in outputs.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
        files.append({"path": rel, "role": "", "sha256": sha256(root / rel)})
    return {
        "rule": rule,
        "wildcards": wildcards,
        "params": {},
        "inputs": [{"path": p, "role": "", "sha256": sha256(root / p)} for p in inputs],
        "outputs": files,
        "code_version": VERSION,
        "config_sha256": "e" * 64,
    }


@pytest.fixture
def records(tmp_path: Path) -> list[dict]:
    return [
        _record(tmp_path, "comparison", {"t/metrics.csv": b"a,b\n1,2\n", "t/het.csv": b"h\n"}),
        _record(tmp_path, "ingest", {"i/kent.parquet": b"PAR1"}, inputs=["t/het.csv"], la="kent"),
        _record(tmp_path, "figures", {"f/FIG-A.svg": b"<svg/>"}, inputs=["t/metrics.csv"]),
    ]


def test_outputs_on_disk_as_recorded_pass(tmp_path: Path, records: list[dict]) -> None:
    assert stale_outputs(records, tmp_path) == []
    check_outputs(records, tmp_path)


def test_a_missing_or_changed_output_is_refused(tmp_path: Path, records: list[dict]) -> None:
    (tmp_path / "t/metrics.csv").unlink()  # removed by a job killed mid-way
    (tmp_path / "i/kent.parquet").write_bytes(b"PAR2")  # rewritten without its record
    assert stale_outputs(records, tmp_path) == [
        "t/metrics.csv (comparison): missing",
        "i/kent.parquet (ingest[la=kent]): changed since its job recorded it",
    ]
    with pytest.raises(ProvenanceError) as err:
        check_outputs(records, tmp_path)
    message = str(err.value)
    assert message.startswith("2 output(s) recorded by the jobs that made them")
    assert "t/metrics.csv (comparison): missing" in message
    assert "Run snakemake again" in message


def test_long_lists_are_cut_and_counted(tmp_path: Path) -> None:
    record = _record(tmp_path, "figures", {f"f/{i:02d}.svg": b"x" for i in range(14)})
    for i in range(14):
        (tmp_path / f"f/{i:02d}.svg").unlink()
    with pytest.raises(ProvenanceError, match=r"^14 output\(s\).*f/09.svg.*; and 4 more\."):
        check_outputs([record], tmp_path)


def test_trace_marks_files_no_longer_on_disk(tmp_path: Path, records: list[dict]) -> None:
    prov = assemble(records, [Artefact("FIG-A", "f/FIG-A.svg", "A", "figure")])
    clean = "\n".join(chain(prov, "FIG-A", root=tmp_path))
    assert "[missing]" not in clean and "[changed" not in clean
    (tmp_path / "t/metrics.csv").unlink()
    (tmp_path / "f/FIG-A.svg").write_bytes(b"<svg>edited</svg>")
    lines = chain(prov, "FIG-A", root=tmp_path)
    assert lines[1].endswith("[changed since its job recorded it]")
    assert next(line for line in lines if "<- t/metrics.csv" in line).endswith("[missing]")
    unchecked = "\n".join(chain(prov, "FIG-A", root=None))
    assert "[missing]" not in unchecked


def test_the_provenance_job_stops_with_one_message(
    tmp_path: Path, records: list[dict], monkeypatch, capsys
) -> None:
    """rules/scripts/provenance.py as Snakemake runs it: with an output gone it exits 1 with
    the message (no traceback) and writes no provenance.json."""
    monkeypatch.chdir(tmp_path)
    record_paths = []
    for i, record in enumerate(records):
        path = tmp_path / f"prov/{i}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(record))
        record_paths.append(str(path))
    (tmp_path / "t/het.csv").unlink()
    out = tmp_path / "results/provenance.json"
    sm = SimpleNamespace(
        input=SimpleNamespace(
            records=record_paths,
            catalogue=str(ROOT / "config/tables.yaml"),
            # the rule's other inputs: never read, the check stops the job first
            tables=[],
            manifests=[],
            html="",
            pdf="",
            xlsx="",
            findings="",
            annexes=[],
        ),
        output=[str(out)],
        log=[str(tmp_path / "logs/provenance.log")],
    )
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(ROOT / "rules/scripts/provenance.py"), init_globals={"snakemake": sm})
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "provenance stopped: 1 output(s)" in err and "t/het.csv (comparison): missing" in err
    assert "Traceback" not in err
    assert not out.exists()
