"""A file that cannot be used: its LA's page explains it, and the roll-ups refuse to run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import BIN, demo_workdir, keyed_env, run

pytestmark = pytest.mark.e2e
LAS = ["windsor_and_maidenhead", "wokingham"]


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory) -> tuple[Path, object]:
    work = demo_workdir(tmp_path_factory.mktemp("broken") / "work", LAS)
    target = work / "data/raw/windsor_and_maidenhead/caseload_2024-25.csv"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace("Child ID", "Child reference no", 1)
    target.write_text("".join(lines), encoding="utf-8")
    # A changed demo file is not demo data: the public demo key is refused, a key is set.
    proc = run(
        [str(BIN / "snakemake"), "--cores", "2", "--keep-going"],
        work,
        check=False,
        env=keyed_env(),
    )
    return work, proc


def test_roll_up_stops_with_the_reason(broken_run) -> None:
    work, proc = broken_run
    assert proc.returncode != 0
    log = (work / "logs/quality/ledger_caseload.log").read_text()
    assert "1 extract(s) could not be used" in log
    assert "caseload" in log and "missing required column for 'child_id'" in log
    assert not (work / "results/quality/ledger.csv").exists()


def test_page_tells_the_data_lead_what_to_change(broken_run) -> None:
    work, _ = broken_run
    page = (work / "results/quality/windsor_and_maidenhead/index.html").read_text()
    assert "The file could not be used" in page
    assert "missing required column for &#39;child_id&#39;" in page
    # What was found, described and never quoted: an unknown cell may be a name or an ID.
    assert "Child reference no" not in page
    assert "an unrecognised header of 18 characters" in page
    assert "config/authorities/windsor_and_maidenhead.yaml line" in page  # where to fix
    # The LA's other datasets were still checked and reported.
    assert "supervision" in page and "duplicate_row" in page
    other = (work / "results/quality/wokingham/index.html").read_text()
    assert "could not be used" not in other


def test_check_command_exits_non_zero(broken_run) -> None:
    work, _ = broken_run
    proc = run(
        [str(BIN / "oversight"), "check", "windsor_and_maidenhead"],
        work,
        check=False,
        env=keyed_env(),
    )
    assert proc.returncode == 1
    assert "1 file(s) could not be used" in proc.stdout
    assert "closest:" in proc.stdout and "Child reference no" not in proc.stdout
    assert re.search(
        r"column 1, an unrecognised header of 18 characters, \d+% similar", proc.stdout
    )
