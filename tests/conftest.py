"""Shared test helpers: where the project is, and a demo pipeline run in a scratch folder.

The full demo run is made once per test session, whatever the number of pytest-xdist workers
(``demo_run``): the first worker to need it builds it under a lock, the others wait and read
the same folder. Tests only read it; one that changes files works in its own ``copy_run``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# A pseudonymisation key for the tests that plant or change files in a demo LA's folder: the
# public demo key is refused for them (DEMO_DATA.json lists the generated files only). 64 hex
# characters as `secrets.token_hex(32)` makes them; a test key, never a study's.
TEST_KEY = hashlib.sha256(b"oversight tests: a test key, never a study's").hexdigest()
# What a finished run writes: Snakemake removes a job's outputs and logs before it runs the
# job, so a copy may share these files with the run it copies (hard links).
OUTPUTS = ("results", "data/interim", "logs")


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


def copy_raw(source: Path, work: Path) -> None:
    """The raw extracts of the workflow ``source`` (its demo data, manifest and truth) copied
    into ``work``: the same inputs as generating them again, without the generator's time."""
    shutil.copytree(source / "data/raw", work / "data/raw", symlinks=True, dirs_exist_ok=True)


def _link(src: str, dst: str) -> None:
    """A hard link, or a copy where the two folders cannot share a file."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def copy_run(source: Path, dest: Path) -> Path:
    """A private copy of the finished workflow ``source``, for a test that changes it.

    Raw data, configuration and Snakemake's records are copied with their times (Snakemake
    plans reruns by them); the outputs and logs (:data:`OUTPUTS`) are hard links to the
    source's, which a rerun replaces rather than writes into. A test may change a raw or
    configuration file in place, but an output only by replacing it (write a new file,
    then rename), never by writing into it."""
    linked = {str(source / rel) for rel in OUTPUTS}

    def skip(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if os.path.join(folder, n) in linked]

    shutil.copytree(source, dest, symlinks=True, ignore=skip)
    for rel in OUTPUTS:
        if (source / rel).is_dir():
            shutil.copytree(source / rel, dest / rel, symlinks=True, copy_function=_link)
    return dest


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


def session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder every worker of this test session sees: under pytest-xdist each
    worker's base temporary folder lies in one folder of the session."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(folder: Path, build: Callable[[Path], None]) -> Path:
    """``folder``, made by ``build(folder)`` once for the whole session: the first worker to
    ask builds it while holding a lock, the others wait for it. A failed build is recorded,
    so that every worker fails with its message instead of building it again."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    done = folder.with_name(folder.name + ".done")
    failed = folder.with_name(folder.name + ".failed")
    with open(folder.with_name(folder.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if failed.exists():
            raise AssertionError(f"{folder} could not be built:\n{failed.read_text()}")
        if not done.exists():
            try:
                build(folder)
            except Exception as exc:
                failed.write_text(str(exc))
                raise
            done.touch()
    return folder


def _demo_pipeline(work: Path) -> None:
    """The demo data generated and the whole pipeline run in the new workflow ``work``."""
    make_workdir(work)
    run([str(BIN / "oversight"), "demo-data"], work)
    run([str(BIN / "snakemake"), "--cores", "2"], work)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """The demo data generated and the whole pipeline run once, in a scratch folder shared
    by every worker of the session. Read it; change files only in a ``copy_run`` of it."""
    return build_once(session_folder(tmp_path_factory) / "demo_run" / "work", _demo_pipeline)


@pytest.fixture(scope="session")
def truth(demo_run) -> dict:
    return json.loads((demo_run / "data" / "raw" / "demo_truth.json").read_text())


@pytest.fixture
def sandbox(tmp_path):
    """A throwaway project (tests.helpers.Sandbox): config, raw files and ingest of one LA."""
    from tests.helpers import Sandbox

    return Sandbox(tmp_path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/ or on the demo run is end to end (``-m "not e2e"`` leaves
    it out), whether or not its module says so."""
    e2e = ROOT / "tests" / "e2e"
    for item in items:
        if e2e in item.path.parents or "demo_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)
