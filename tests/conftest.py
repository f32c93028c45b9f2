"""Shared test helpers: where the project is, and a demo pipeline run in a scratch folder."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# A pseudonymisation key for the tests that plant or change files in a demo LA's folder: the
# public demo key is refused for them (DEMO_DATA.json lists the generated files only). 64 hex
# characters as `secrets.token_hex(32)` makes them; a test key, never a study's.
TEST_KEY = hashlib.sha256(b"oversight tests: a test key, never a study's").hexdigest()


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


def keyed_env() -> dict[str, str]:
    """This process's environment with :data:`TEST_KEY` as the pseudonymisation key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_KEY")}
    return env | {"OVERSIGHT_KEY": TEST_KEY}


def run(
    cmd: list[str], cwd: Path, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
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


@pytest.fixture
def sandbox(tmp_path):
    """A throwaway project (tests.helpers.Sandbox): config, raw files and ingest of one LA."""
    from tests.helpers import Sandbox

    return Sandbox(tmp_path)
