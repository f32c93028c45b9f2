"""On the demo run: every file under results/ has an audience in config/publication.yaml, and
results/publication.zip holds exactly the public ones, byte for byte."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from oversight.config import load_checked
from oversight.report.publication import MANIFEST, classify
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
CATALOGUE = load_checked(ROOT / "config/publication.yaml", "publication.schema.yaml")


def _written(results: Path) -> list[str]:
    return [
        p.relative_to(results).as_posix()
        for p in results.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    ]


def test_every_output_is_classed_and_only_public_ones_are_packed(demo_run: Path) -> None:
    results = demo_run / "results"
    outputs = classify(_written(results), CATALOGUE)  # raises on a file nobody classed
    public = {o.path for o in outputs if o.audience == "public"} - {"publication.zip"}
    secure = {o.path for o in outputs if o.audience == "secure"}
    assert len(secure) >= 19 * 9  # every LA's page, ledger, notes, links and rejects
    with zipfile.ZipFile(results / "publication.zip") as zf:
        members = set(zf.namelist()) - {MANIFEST}
        assert members == public
        assert not any(m.startswith("quality/") for m in members)
        for name in ("report/report.pdf", "tables/oversight_metrics.csv"):
            assert zf.read(name) == (results / name).read_bytes()
