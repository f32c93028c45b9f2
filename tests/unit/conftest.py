from __future__ import annotations

import pytest

from .helpers import Sandbox


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    return Sandbox(tmp_path)
