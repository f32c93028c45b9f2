"""The demo generator: same seed, same bytes; the committed LA configs describe its exports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from oversight.demo.generate import Generator
from tests.conftest import BIN, ROOT

SUBSET = ["bracknell_forest", "oxfordshire", "windsor_and_maidenhead"]  # xlsx, csv ;, ods


def _generate(out: Path) -> None:
    """Run the command as a user does (a fresh process each time)."""
    subprocess.run(
        [
            str(BIN / "oversight"),
            "demo-data",
            "--out",
            str(out / "raw"),
            "--write-config",
            str(out / "config"),
            "--only",
            ",".join(SUBSET),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def twice(tmp_path_factory) -> tuple[Path, Path]:
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    _generate(a)
    _generate(b)
    return a, b


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(twice) -> None:
    a, b = twice
    files_a, files_b = _files(a), _files(b)
    assert len(files_a) > 20
    assert files_a.keys() == files_b.keys()
    different = [name for name in files_a if files_a[name] != files_b[name]]
    assert different == []


def test_other_seed_other_data(tmp_path: Path, twice) -> None:
    a, _ = twice
    gen = Generator(ROOT / "data/raw/published/seslip_las.csv", ROOT / "config/survey.yaml", 7)
    gen.run(tmp_path / "raw", only=["oxfordshire"])
    name = "raw/oxfordshire/supervision_2024-25.csv"
    assert (tmp_path / name).read_bytes() != (a / name).read_bytes()


def test_committed_configs_describe_the_demo_exports(twice) -> None:
    a, _ = twice
    for slug in SUBSET:
        written = (a / "config" / f"{slug}.yaml").read_text(encoding="utf-8")
        committed = (ROOT / "config/authorities" / f"{slug}.yaml").read_text(encoding="utf-8")
        assert written == committed, slug


def test_variety_of_exports(twice) -> None:
    """Formats, encodings, dates and scales the harmonisation must cope with are all there."""
    a, _ = twice
    raw = a / "raw"
    assert (raw / "bracknell_forest/supervision_2024-25.xlsx").exists()
    assert (raw / "windsor_and_maidenhead/supervision_2024-25.ods").exists()
    text = (raw / "oxfordshire/supervision_2024-25.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].count(";") >= 9
    truth = json.loads((raw / "demo_truth.json").read_text())
    for slug in SUBSET:
        la = truth["authorities"][slug]
        for dataset in ("supervision", "caseload", "oversight", "audits", "survey"):
            assert sum(la["errors"][dataset].values()) >= 3, (slug, dataset)
        assert la["rows_in"]["supervision"] == la["volumes"]["supervision"] + sum(
            la["errors"]["supervision"].values()
        )
