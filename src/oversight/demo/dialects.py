"""How the synthetic LAs' systems export their data, read from ``dialects.yaml``.

Six dialects per dataset stand for the different case-management systems, HR trackers, audit
tools and survey tools an LA may use: a header for every common field (a few add columns the
study does not use), the labels each system uses for the common codes, and the date format.
The names below are read once, when the module is imported, and never changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oversight.config import load_yaml

_DATA: dict[str, Any] = load_yaml(Path(__file__).with_name("dialects.yaml"))

ROLE_LABELS: list[dict[str, str]] = _DATA["role_labels"]
BOOL_LABELS: list[list[str]] = _DATA["bool_labels"]
TEAM_LABELS: list[dict[str, str]] = _DATA["team_labels"]
DOMAIN_LABELS: list[dict[str, str]] = _DATA["domain_labels"]
GRADE_SCALES: list[dict[str, Any]] = _DATA["grade_scales"]
SUPERVISION: list[dict[str, Any]] = _DATA["supervision"]
CASELOAD: list[dict[str, Any]] = _DATA["caseload"]
OVERSIGHT: list[dict[str, Any]] = _DATA["oversight"]
AUDITS: list[dict[str, Any]] = _DATA["audits"]
STRATEGY: list[dict[str, Any]] = _DATA["strategy"]
SCALES: dict[str, dict[str, Any]] = _DATA["scales"]
SURVEY: list[dict[str, Any]] = _DATA["survey"]
CONTAINERS: dict[str, dict[str, str]] = _DATA["containers"]
# The dialects of each tabular dataset every LA sends.
TABULAR = {
    "supervision": SUPERVISION,
    "caseload": CASELOAD,
    "oversight": OVERSIGHT,
    "audits": AUDITS,
}


def item_header(style: str, number: int, item_id: str, text: str) -> str:
    """The question as one survey tool heads its column."""
    if style == "numbered":
        return f"Q{number}. {text}"
    if style == "code":
        return item_id.upper()
    if style == "curly":
        return text.replace("'", "\u2019")
    if style == "dash":
        return f"Q{number} \u2013 {text}"
    if style == "bracket":
        return f"[Supervision survey] {text}"
    return text
