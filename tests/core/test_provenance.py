"""Provenance records gathered and walked back to the source files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from oversight.provenance import Artefact, assemble, chain, job_key, sha256
from oversight.trace_cells import Cell

VERSION = {"package": "0.1.0", "git_commit": "abc123", "source_sha256": "f" * 64}


def _record(rule: str, inputs: list[str], outputs: list[str], **wildcards: str) -> dict:
    return {
        "rule": rule,
        "wildcards": wildcards,
        "params": {"year": "2024-25"},
        "inputs": [{"path": p, "role": "", "sha256": p[:4] * 16} for p in inputs],
        "outputs": [{"path": p, "role": "", "sha256": p[-4:] * 16} for p in outputs],
        "code_version": VERSION,
        "config_sha256": "e" * 64,
    }


RECORDS = [
    _record(
        "ingest",
        ["data/raw/kent/a.csv", "src/oversight/ingest/extracts.py"],
        ["i/kent.parquet"],
        la="kent",
    ),
    _record("metrics", ["i/kent.parquet"], ["t/metrics.csv"]),
    _record("figures", ["t/metrics.csv"], ["f/FIG-A.svg"]),
]


def test_sha256_of_a_known_string(tmp_path: Path) -> None:
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    assert sha256(path) == hashlib.sha256(b"abc").hexdigest()
    assert sha256(path).startswith("ba7816bf8f01cfea")  # FIPS 180-2 example


def test_assemble_maps_ids_to_their_job_and_inputs() -> None:
    prov = assemble(RECORDS, [Artefact("FIG-A", "f/FIG-A.svg", "A caption", "figure")])
    entry = prov["ids"]["FIG-A"]
    assert entry["rule"] == "figures" and entry["job"] == "figures"
    assert entry["inputs"] == [{"path": "t/metrics.csv", "sha256": "t/me" * 16}]
    assert entry["sha256"] == ".svg" * 16
    assert list(prov["jobs"]) == ["figures", "ingest[la=kent]", "metrics"]
    assert job_key(RECORDS[0]) == "ingest[la=kent]"


def test_an_id_no_job_made_fails_the_build() -> None:
    with pytest.raises(ValueError, match=r"FIG-B \(f/FIG-B.svg\)"):
        assemble(RECORDS, [Artefact("FIG-B", "f/FIG-B.svg", "", "figure")])


def test_chain_walks_to_the_raw_file_and_hides_code_unless_asked() -> None:
    prov = assemble(RECORDS, [Artefact("FIG-A", "f/FIG-A.svg", "A caption", "figure")])
    lines = chain(prov, "FIG-A")
    text = "\n".join(lines)
    assert lines[0] == "FIG-A: A caption"
    order = [
        text.index(s) for s in ("made by figures", "made by metrics", "made by ingest[la=kent]")
    ]
    assert order == sorted(order)
    assert "data/raw/kent/a.csv" in text and "[source]" in text
    assert "src/oversight/ingest/extracts.py" not in text
    assert "src/oversight/ingest/extracts.py" in "\n".join(chain(prov, "FIG-A", with_code=True))
    with pytest.raises(KeyError):
        chain(prov, "FIG-Z")


def test_cell_parse_keeps_breakdowns_with_equals_and_semicolons() -> None:
    cell = Cell.parse(
        "la_code=E1,period=2024-25,metric=audit_grade_share,breakdown=domain=x;grade=2"
    )
    assert cell == Cell("E1", "2024-25", "audit_grade_share", "domain=x;grade=2")
    assert Cell.parse("la_code=E1,period=2024-25 Q1,metric=m").breakdown == "all"
    with pytest.raises(ValueError, match="lacks metric"):
        Cell.parse("la_code=E1,period=2024-25")
