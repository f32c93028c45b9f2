"""The package works installed, not only from a checkout.

The wheel is built as a user builds it (an sdist, then the wheel from the sdist), installed
into a fresh virtual environment that cannot see the checkout, and run in a folder outside
the checkout: ``oversight init``, ``oversight demo-data`` for one LA, ``oversight check``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import oversight
from oversight import resources
from oversight.resources import SHIPPED
from tests.conftest import ROOT, run

LA = "slough"  # a small demo LA: its demo data is written in about a second
BUNDLE = "oversight/_bundled/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from the checkout's sdist, without network (--no-isolation)."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)], out)
    (found,) = out.glob("*.whl")
    return found


def checkout_files(relative: str) -> set[str]:
    """The files under ``relative`` in the checkout (a file: itself), as the wheel names
    them; caches and hidden files are never shipped."""
    base = ROOT / relative
    if base.is_file():
        return {relative}
    return {
        f"{relative}/{p.relative_to(base).as_posix()}"
        for p in base.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not any(part.startswith(".") for part in p.relative_to(base).parts)
    }


def test_the_wheel_carries_every_file_the_package_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {n.removeprefix(BUNDLE) for n in names if n.startswith(BUNDLE)}
    # Schemas, the software's facts, templates, reference data and the citation, by name ...
    for name in (
        "config/schemas/config.schema.yaml",
        "config/schemas/authority.schema.yaml",
        "config/common_schema.yaml",
        "config/metrics.yaml",
        "config/artefacts.yaml",
        "config/tables.yaml",
        "report_templates/questionnaire.html.j2",
        "report_templates/report/index.html.j2",
        "data/raw/published/seslip_las.csv",
        "CITATION.cff",
        "LICENSE",
    ):
        assert name in bundled, name
    # ... and every file of each shipped folder, nothing left behind.
    for shipped in SHIPPED:
        missing = checkout_files(shipped) - bundled
        assert not missing, f"{shipped}: not in the wheel: {sorted(missing)[:5]}"
    assert len(checkout_files("config/schemas")) >= 11
    # The package's own data beside its modules (trace.yaml, ingest/data/...).
    package = ROOT / "src" / "oversight"
    data = {
        f"oversight/{p.relative_to(package).as_posix()}"
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    }
    assert "oversight/trace.yaml" in data and "oversight/ingest/data/redaction.yaml" in data
    assert data <= names, sorted(data - names)
    assert f"oversight-{oversight.__version__}.dist-info/licenses/LICENSE" in names


def test_from_the_checkout_the_package_reads_the_checkout() -> None:
    """An editable install (make setup) carries no copy: the checkout is the one source."""
    assert resources.bundled_root() is None
    assert resources.root() == ROOT
    assert resources.shipped("config/schemas") == ROOT / "config" / "schemas"


def clean_venv(folder: Path, wheel: Path) -> Path:
    """A new virtual environment holding only the wheel; the dependencies are the test
    environment's, made visible by a path file added after the install (pip then never
    sees, nor touches, the checkout's own installation)."""
    env = outside_env()
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)], folder.parent, env=env)
    python = folder / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    run([*pip, "--no-deps", "--no-index", str(wheel)], folder.parent, env=env)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    # A directory on a path file's line is added as it is: the .pth files in it (such as an
    # editable install's, pointing at the checkout) are not read.
    Path(purelib, "zz_test_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return folder / "bin"


def outside_env() -> dict[str, str]:
    """This environment without anything that would put the checkout on the path."""
    drop = ("PYTHONPATH", "PYTHONHOME", "OVERSIGHT_KEY", "OVERSIGHT_KEY_FILE", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k not in drop}


def test_installed_from_the_wheel_it_starts_a_study_and_checks_an_la(
    wheel: Path, tmp_path: Path
) -> None:
    bin_dir = clean_venv(tmp_path / "venv", wheel)
    env = outside_env()
    study = tmp_path / "study"
    study.mkdir()
    assert not study.is_relative_to(ROOT)

    where = run(
        [
            str(bin_dir / "python"),
            "-c",
            "import oversight.resources as r, oversight as o; "
            "print(o.__file__); print(r.root()); print(o.citation())",
        ],
        study,
        env=env,
    ).stdout.splitlines()
    assert Path(where[0]).is_relative_to(tmp_path / "venv")
    assert Path(where[1]) == Path(where[0]).parent / "_bundled"
    assert where[2].endswith(f"Version {oversight.__version__}.")
    version = run([str(bin_dir / "oversight"), "--version"], study, env=env)
    assert version.stdout == f"oversight {oversight.__version__}\n"

    init = run([str(bin_dir / "oversight"), "init"], study, env=env)
    assert init.stdout.startswith("wrote the study configuration to .: config/ (")
    assert (study / "config" / "config.yaml").read_bytes() == (
        ROOT / "config" / "config.yaml"
    ).read_bytes()
    run([str(bin_dir / "oversight"), "demo-data", "--only", LA], study, env=env)
    check = run([str(bin_dir / "oversight"), "check", LA], study, check=False, env=env)
    assert check.returncode == 1, check.stderr  # the demo plants rejected rows
    truth = json.loads((study / "data/raw/demo_truth.json").read_text(encoding="utf-8"))
    rows_in = truth["authorities"][LA]["rows_in"]
    for dataset in ("supervision", "caseload", "oversight", "audits", "survey"):
        line = re.search(
            rf"^{dataset}: (\d+) rows, (\d+) loaded, (\d+) rejected$", check.stdout, re.M
        )
        assert line, dataset
        total, loaded, rejected = map(int, line.groups())
        assert total == rows_in[dataset] > 0 and loaded + rejected == total and rejected > 0
        assert re.search(rf"^{LA} {dataset}: [\d,]+ rows, .* \(\d+\.\d s\)$", check.stderr, re.M)
    assert check.stdout.rstrip().splitlines()[-1].startswith("result: ")

    # The checkout's code gives the same report on the same files.
    same = run([sys.executable, "-m", "oversight.cli", "check", LA], study, check=False)
    assert (same.returncode, same.stdout) == (check.returncode, check.stdout)
