"""Fuzz suites: warm pandera once, and (under `make fuzz`) write the outcome tally."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fuzz.harness import write_tally
from tests.helpers import SUP_HEADER, Sandbox, csv_text, sup_row, supervision_spec

# `make test` replays the same examples on every run (a failure reproduces exactly);
# `make fuzz` draws fresh ones each time.
settings.register_profile("replay", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("OVERSIGHT_FUZZ_RANDOM") else "replay")


@pytest.fixture(scope="session", autouse=True)
def _warm_up(tmp_path_factory):
    box = Sandbox(tmp_path_factory.mktemp("warm_up"))
    la = box.authority({"supervision": supervision_spec()})
    box.write(la.config["datasets"]["supervision"]["path"], csv_text(SUP_HEADER, sup_row()))
    box.ingest(la, "supervision")


def pytest_sessionfinish(session) -> None:
    target = os.environ.get("OVERSIGHT_FUZZ_TALLY")
    if target:
        write_tally(Path(target))
