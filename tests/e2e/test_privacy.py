"""Privacy as tests: a run with a real key never writes or prints the key, and data that is
not the synthetic demo is refused, with one clear message, when no key is set."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from oversight.demo.generate import DEMO_KEY
from oversight.ingest.pseudonymise import key_fingerprint, pseudonymise
from tests.conftest import BIN, demo_workdir

pytestmark = pytest.mark.e2e
LAS = ["bracknell_forest", "slough"]  # one xlsx and one cp1252 CSV authority
KEY = "k3y-Under-Test-7f1c9a2e5b-4d8e0a6c2f9b1d3e5a7c"  # 50 printable characters
TARGETS = ["results/quality/index.html"] + [f"results/quality/{la}/index.html" for la in LAS]


def _snakemake(work: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "snakemake"), "--cores", "2", *extra, *TARGETS],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def keyed(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    work = demo_workdir(tmp_path_factory.mktemp("privacy") / "work", LAS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_KEY")}
    proc = _snakemake(work, env | {"OVERSIGHT_KEY": KEY})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work, proc


def test_the_key_is_used(keyed) -> None:
    """Positive control: the pseudonyms are the ones this key gives, not the demo key's."""
    work, _ = keyed
    raw = pd.read_csv(work / "data/raw/slough/supervision_2024-25.csv", encoding="cp1252")
    first = str(raw["Worker ID"].iloc[0])
    want = pseudonymise(pd.Series([first]), KEY.encode(), "E06000039", "worker")[0]
    data = pd.read_parquet(work / "data/interim/slough/supervision.parquet")
    assert want in set(data["worker_id"])
    log = (work / "logs/ingest/slough/supervision.log").read_text()
    assert f"key fingerprint {key_fingerprint(KEY.encode())}" in log


def test_the_key_is_never_written_or_printed(keyed) -> None:
    work, proc = keyed
    needle = KEY.encode()
    scanned = 0
    for folder in ("results", "data/interim", "logs", ".snakemake"):
        for path in (work / folder).rglob("*"):
            if path.is_file():
                assert needle not in path.read_bytes(), path.relative_to(work)
                scanned += 1
    assert scanned > 30
    assert KEY not in proc.stdout + proc.stderr


def test_real_data_without_a_key_is_refused(keyed, tmp_path) -> None:
    """Without the demo manifest the extracts count as real: no key, no ingest, one message."""
    work, _ = keyed
    manifest = work / "data/raw/DEMO_DATA.json"
    saved = manifest.read_bytes()
    manifest.unlink()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_KEY")}
        # --keep-going: every LA's ingest runs and is refused, whichever starts first
        proc = _snakemake(work, env, "--keep-going", "--forcerun", "ingest")
    finally:
        manifest.write_bytes(saved)
    assert proc.returncode != 0
    log = (work / "logs/ingest/slough/supervision.log").read_text()
    assert "no pseudonymisation key for 'slough'" in log
    assert "Set OVERSIGHT_KEY" in log and "Traceback" not in log
    assert "no pseudonymisation key" in proc.stderr
    # The refused job left no harmonised data behind.
    assert not (work / "data/interim/slough/supervision.parquet").exists()
    assert json.loads(saved)["demo"] is True


def test_a_real_extract_in_a_demo_folder_is_refused_without_a_key(keyed) -> None:
    """Issue 15: an extract put in a demo LA's folder was pseudonymised with the public demo
    key, and the workers' IDs (E + 6 digits) were recovered by trying every one. Now, with no
    key set, the LA's ingest job stops before it reads a row, and no planted ID is anywhere."""
    work, _ = keyed
    target = work / "data/raw/slough/supervision_2024-25.csv"
    saved = target.read_bytes()
    extract = pd.read_csv(target, encoding="cp1252", dtype=str, keep_default_na=False)
    planted = [f"E{104211 + 37 * n:06d}" for n in range(len(extract))]
    extract["Worker ID"] = planted
    extract.to_csv(target, encoding="cp1252", index=False)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_KEY")}
        proc = _snakemake(work, env, "--forcerun", "ingest", "--keep-going")
    finally:
        target.write_bytes(saved)
    assert proc.returncode != 0
    log = (work / "logs/ingest/slough/supervision.log").read_text()
    assert (
        "no pseudonymisation key for 'slough': its folder holds 1 file that is not the bundled "
        "synthetic demo data (1 file changed since it was generated)" in log
    )
    assert "secrets.token_hex(32)" in log and "Traceback" not in log
    assert "By name, where safe to show: slough/supervision_2024-25.csv (changed)." in log
    assert not (work / "data/interim/slough/supervision.parquet").exists()
    # Bracknell Forest's folder is untouched: its job ran with the demo key.
    bracknell = (work / "logs/ingest/bracknell_forest/supervision.log").read_text()
    assert f"key fingerprint {key_fingerprint(DEMO_KEY.encode())}" in bracknell
    needles = [p.encode() for p in planted[:50]]
    scanned = 0
    for folder in ("results", "data/interim", "logs", ".snakemake/log"):
        for path in (work / folder).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not any(n in data for n in needles), path.relative_to(work)
                scanned += 1
    assert scanned > 30
    assert not any(p in proc.stdout + proc.stderr for p in planted[:50])
