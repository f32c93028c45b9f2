"""The analysts' recommendations (``config/recommendations.yaml``), checked against findings.

Each recommendation cites the findings it rests on by ID. A citation of an ID that the
findings do not contain stops the build with the file, line and the IDs that do exist, so a
recommendation can never point at evidence that is not in the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.config import load_checked, yaml_line
from oversight.errors import ConfigError


def load(path: str | Path) -> list[dict[str, Any]]:
    return load_checked(path, "recommendations.schema.yaml")["recommendations"]


def check_citations(
    recommendations: list[dict[str, Any]], finding_ids: list[str], path: str | Path
) -> None:
    """Raise :class:`ConfigError` naming every citation that no finding has."""
    known = set(finding_ids)
    problems = []
    for i, rec in enumerate(recommendations):
        for j, cited in enumerate(rec["cites"]):
            if cited not in known:
                line = yaml_line(path, ["recommendations", i, "cites", j])
                where = f"{path} line {line}" if line else str(path)
                problems.append(f"{where}: recommendation {rec['id']} cites {cited!r}")
    if problems:
        raise ConfigError(
            "recommendations cite findings that do not exist:\n  "
            + "\n  ".join(problems)
            + "\nThe findings are: "
            + ", ".join(sorted(known))
        )


def done(tables: Mapping[str, pd.DataFrame]) -> set[str]:
    """What this report already did, which a recommendation must build on rather than ask
    for: a baseline measurement always; the templates' adoption and their impact evaluation
    when the impact tables hold results."""
    did = {"baseline_measurement"}
    impact = tables.get("impact_did")
    if impact is not None and not impact.empty:
        did |= {"template_adoption", "impact_evaluation"}
    return did


def check_not_done(
    recommendations: list[dict[str, Any]], already: set[str], path: str | Path
) -> None:
    """Raise :class:`ConfigError` when a recommendation asks for what the report already did
    (``asks_for`` in config/recommendations.yaml), naming it and the line."""
    problems = []
    for i, rec in enumerate(recommendations):
        for j, ask in enumerate(rec.get("asks_for", [])):
            if ask in already:
                line = yaml_line(path, ["recommendations", i, "asks_for", j])
                where = f"{path} line {line}" if line else str(path)
                problems.append(f"{where}: {rec['id']} asks for {ask.replace('_', ' ')}")
    if problems:
        raise ConfigError(
            "recommendations ask for work this report already did; rewrite them to build on "
            "it:\n  " + "\n  ".join(problems)
        )
