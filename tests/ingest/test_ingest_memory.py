"""The ingest rule declares the memory its job needs, from the size and kind of the LA's raw
input, and that declaration covers every peak `make bench` measured (a 200 MB CSV peaked at
3.2 GB, over the 2 GB the rule used to declare for every LA)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

MEASURED = ROOT / "benchmarks/results/ingest_memory.json"

PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ResourceSettings

    cases = json.loads(sys.argv[1])
    with SnakemakeApi() as api:
        wf = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"))
        workflow = wf._workflow
        declare = workflow.globals["raw_mem_mb"]
        resource = workflow.get_rule("ingest").resources["mem_mb"]
        print(json.dumps({
            "resource": getattr(getattr(resource, "_evaluator", resource), "__name__", ""),
            "declared": [declare(c["raw"], c["attempt"]) for c in cases],
        }))
    """
)


def _declared(cases: list[dict]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(cases)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _text(path: Path, mb: float) -> str:
    """A text file of ``mb`` MB (sparse: no disk is written)."""
    with open(path, "wb") as handle:
        handle.truncate(int(mb * 2**20))
    return str(path)


def _zip(path: Path, mb: float) -> str:
    """A zip container of about ``mb`` MB, as an xlsx is."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"<c/>" * int(mb * 2**18))
    return str(path)


def test_the_ingest_rule_declares_memory_from_its_input(tmp_path: Path) -> None:
    small = _text(tmp_path / "small.csv", 2)
    big = _text(tmp_path / "big.csv", 200)
    book = _zip(tmp_path / "book.xlsx", 20)
    got = _declared(
        [
            {"raw": [small], "attempt": 1},
            {"raw": [big], "attempt": 1},
            {"raw": [big], "attempt": 2},
            {"raw": [book], "attempt": 1},
            {"raw": [small, book], "attempt": 1},
        ]
    )
    assert got["resource"] == "ingest_mem_mb"
    small_mb, big_mb, retried, book_mb, both_mb = got["declared"]
    assert small_mb == 1000  # the floor: a small LA needs little more than the imports
    assert big_mb == 4290  # ceil(1.3 * (300 + 15 * 200))
    assert retried == 2 * big_mb
    assert book_mb == pytest.approx(1.3 * (300 + 35 * 20), abs=2)
    assert both_mb == pytest.approx(1.3 * (300 + 15 * 2 + 35 * 20), abs=2)


def test_the_declaration_covers_every_measured_peak(tmp_path: Path) -> None:
    """Each measured point, rebuilt as files of the same sizes and kinds, gets a declaration
    at least its peak: the formula may not fall behind a new measurement."""
    points = json.loads(MEASURED.read_text())["points"]
    assert max(p["supervision_mb"] for p in points) >= 190  # the ~200 MB extract was measured
    assert {p["format"] for p in points} >= {"csv", "xlsx"}  # text and a zip container
    cases = []
    for i, point in enumerate(points):
        raw = [_text(tmp_path / f"{i}.csv", point["raw_mb"] - point["zip_mb"])]
        if point["zip_mb"]:
            raw.append(_zip(tmp_path / f"{i}.xlsx", point["zip_mb"]))
        cases.append({"raw": raw, "attempt": 1})
    declared = _declared(cases)["declared"]
    for point, mem_mb in zip(points, declared, strict=True):
        assert mem_mb >= point["peak_rss_mb"], point
