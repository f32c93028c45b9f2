from __future__ import annotations

import pytest

from tests.helpers import SUP_HEADER, Sandbox, csv_text, sup_row, supervision_spec


@pytest.fixture(scope="session", autouse=True)
def _warm_up(tmp_path_factory):
    """Pay pandera's one-off lazy initialisation (about 1-2 s) once, not in the first test."""
    box = Sandbox(tmp_path_factory.mktemp("warm_up"))
    la = box.authority({"supervision": supervision_spec()})
    box.write(
        la.config["datasets"]["supervision"]["path"],
        csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="")),
    )
    box.ingest(la, "supervision")
