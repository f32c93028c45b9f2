"""Shared test helpers: where the project is, and a demo pipeline run in a scratch folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def make_workdir(base: Path) -> Path:
    """A scratch copy of the workflow: code and templates linked, configuration copied."""
    base.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "rules", "report_templates", "profiles", "src"):
        (base / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "config", base / "config")
    shutil.copytree(ROOT / "data" / "raw" / "published", base / "data" / "raw" / "published")
    return base


def demo_workdir(base: Path, authorities: list[str]) -> Path:
    """A scratch workflow whose study holds only ``authorities``, with their demo data."""
    work = make_workdir(base)
    cfg_path = work / "config/config.yaml"
    config = yaml.safe_load(cfg_path.read_text())
    config["authorities"] = authorities
    cfg_path.write_text(yaml.safe_dump(config, sort_keys=False))
    run([str(BIN / "oversight"), "demo-data", "--only", ",".join(authorities)], work)
    return work


def run(cmd: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """The demo data generated and the whole pipeline run once, in a scratch folder."""
    work = make_workdir(tmp_path_factory.mktemp("pipeline") / "work")
    run([str(BIN / "oversight"), "demo-data"], work)
    run([str(BIN / "snakemake"), "--cores", "2"], work)
    return work


@pytest.fixture(scope="session")
def truth(demo_run) -> dict:
    return json.loads((demo_run / "data" / "raw" / "demo_truth.json").read_text())
