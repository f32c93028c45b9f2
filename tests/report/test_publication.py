"""Who may see each output: config/publication.yaml classes every file, and the public
archive holds the public files and nothing else, the same bytes every time."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from oversight.config import load_checked
from oversight.errors import ConfigError
from oversight.report.publication import MANIFEST, ZIP_DATE, bundle, classify
from tests.conftest import ROOT

CATALOGUE = load_checked(ROOT / "config/publication.yaml", "publication.schema.yaml")


def _audience(path: str) -> str:
    return classify([path], CATALOGUE)[0].audience


@pytest.mark.parametrize(
    ("path", "audience"),
    [
        ("report/index.html", "public"),
        ("report/la/E06000036.html", "public"),
        ("tables/oversight_metrics.csv", "public"),
        ("figures/FIG-FUNNEL-staff_supervision_28d.svg", "public"),
        ("coding/codebook.qdc", "public"),
        ("coding/focus_groups.qdpx", "network"),
        ("provenance.json", "network"),
        # Listed before quality/*/*: DfE release changes are not one LA's secure page.
        ("quality/releases/c1.csv", "network"),
        ("quality/slough/index.html", "secure"),
        ("quality/slough/supervision.rejects.csv", "secure"),
        ("quality/ledger.csv", "secure"),
        ("quality/index.html", "secure"),
    ],
)
def test_each_output_has_its_audience(path: str, audience: str) -> None:
    assert _audience(path) == audience


def test_an_output_nobody_classed_stops_the_run() -> None:
    with pytest.raises(ConfigError) as caught:
        classify(["tables/a.csv", "secrets/raw_extract.csv", "debug.txt"], CATALOGUE)
    message = str(caught.value)
    assert "2 output(s)" in message
    assert "secrets/raw_extract.csv, debug.txt" not in message  # sorted, not as given
    assert "debug.txt, secrets/raw_extract.csv" in message
    assert "config/publication.yaml" in message


def _results(tmp_path: Path) -> Path:
    results = tmp_path / "results"
    files = {
        "report/index.html": b"<html>report</html>",
        "tables/t.csv": b"a,b\n1,c\n",
        "quality/kent/index.html": b"<html>exact counts</html>",
        "provenance.json": b"{}",
    }
    for name, data in files.items():
        (results / name).parent.mkdir(parents=True, exist_ok=True)
        (results / name).write_bytes(data)
    return results


def test_the_archive_holds_the_public_files_only(tmp_path: Path) -> None:
    results = _results(tmp_path)
    outputs = classify(
        ["tables/t.csv", "quality/kent/index.html", "report/index.html", "provenance.json"],
        CATALOGUE,
    )
    archive = tmp_path / "publication.zip"
    bundle(outputs, results, archive)
    with zipfile.ZipFile(archive) as zf:
        assert zf.namelist() == [MANIFEST, "report/index.html", "tables/t.csv"]
        assert zf.read("tables/t.csv") == b"a,b\n1,c\n"
        rows = list(csv.DictReader(io.StringIO(zf.read(MANIFEST).decode())))
        assert {i.date_time for i in zf.infolist()} == {ZIP_DATE}
    assert [r["path"] for r in rows] == ["report/index.html", "tables/t.csv"]
    assert rows[1]["bytes"] == "8"
    assert rows[1]["sha256"] == hashlib.sha256(b"a,b\n1,c\n").hexdigest()


def test_the_archive_is_the_same_bytes_whenever_it_is_made(tmp_path: Path) -> None:
    results = _results(tmp_path)
    outputs = classify(["tables/t.csv", "report/index.html"], CATALOGUE)
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    bundle(outputs, results, first)
    (results / "tables/t.csv").touch()  # a newer file date must not reach the archive
    bundle(list(reversed(outputs)), results, second)
    assert first.read_bytes() == second.read_bytes()
