"""Number formats that depend on the row. In a long table whose rows hold different kinds of
measure (the metrics table: proportions beside ratios; DfE's indicators: proportions, FTE
rates and ratios), the kind of each row's measure, from the configuration that defines it,
picks the format of its value columns: a proportion as a percentage, a ratio with decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.config import config_file, load_yaml


def kinds(source: str, published: str | Path | None = None) -> dict[str, str]:
    """Each measure's kind: ``metrics`` (config/metrics.yaml, shipped with the software) or
    ``indicators`` (the DfE indicators of the study's ``published`` release configuration;
    by default config/published.yaml)."""
    if source == "metrics":
        entries = load_yaml(config_file("config/metrics.yaml"))
    else:
        entries = load_yaml(Path(published or config_file("config/published.yaml")))
        entries = entries["indicators"]
    return {str(name): str(e.get("kind", "")) for name, e in entries.items() if isinstance(e, dict)}


def row_formats(
    table: str,
    frame: pd.DataFrame,
    layout: Mapping[str, Any],
    published: str | Path | None = None,
) -> dict[str, tuple[str | None, ...]]:
    """For each column whose format depends on the row, the format's name on every row
    (None: the column's own), from config/workbook.yaml `tables: <table>: rows:`."""
    rule = layout.get("tables", {}).get(table, {}).get("rows")
    if not rule or rule["key"] not in frame.columns:
        return {}
    kind = kinds(rule["kinds"], published)
    names = tuple(rule["formats"].get(kind.get(str(key), "")) for key in frame[rule["key"]])
    return {c: names for c in rule["columns"] if c in frame.columns}
