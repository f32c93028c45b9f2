"""What the demo focus groups and survey comments say, read from ``speech.yaml`` (read once,
when the module is imported, and never changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oversight.config import load_yaml

_DATA: dict[str, Any] = load_yaml(Path(__file__).with_name("speech.yaml"))

SURNAMES: list[str] = _DATA["surnames"]
ROLES_SPOKEN: list[str] = _DATA["roles_spoken"]
FACILITATOR: list[str] = _DATA["facilitator"]
# Practitioners' answers: (text, the codebook code it plants).
WORKER: list[tuple[str, str]] = [(w["text"], w["code"]) for w in _DATA["worker"]]
SENSITIVE: list[str] = _DATA["sensitive"]
SURVEY_COMMENTS: list[str] = _DATA["survey_comments"]
