"""CI (.ci/run) runs `make lint` and `make test`, both whatever the other's outcome, and fails
when either fails. `make` and the system tools are stand-ins here that record their calls."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

# A stand-in `make`: records its target, fails for the targets listed in FAIL.
MAKE = """#!/usr/bin/env bash
echo "$1" >> "$CALLS"
case " $FAIL " in *" $1 "*) exit 2 ;; esac
exit 0
"""


def _ci(tmp_path: Path, fail: str) -> tuple[int, list[str]]:
    """Run a copy of .ci/run with stand-ins on the PATH; its exit status and make's targets."""
    (tmp_path / ".ci").mkdir()
    shutil.copy2(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in {
        "make": MAKE,
        "apt-get": "#!/bin/sh\nexit 0\n",  # never install anything from a test
        "chromium": "#!/bin/sh\nexit 0\n",
        "pdftoppm": "#!/bin/sh\nexit 0\n",
    }.items():
        tool = bin_dir / name
        tool.write_text(body)
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    calls = tmp_path / "calls"
    env = os.environ | {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "FAIL": fail,
    }
    proc = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")], env=env, capture_output=True, text=True
    )
    return proc.returncode, calls.read_text().split()


@pytest.mark.parametrize(
    "fail,status",
    [("", 0), ("lint", 2), ("test", 2), ("lint test", 2)],
)
def test_ci_runs_lint_and_tests_and_fails_when_either_fails(
    tmp_path: Path, fail: str, status: int
) -> None:
    code, targets = _ci(tmp_path, fail)
    assert targets == ["lint", "test"]
    assert code == status
