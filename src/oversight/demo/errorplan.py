"""Which known data errors to plant in one export, how many, and how to make each.

Each planted row breaks exactly one validation rule (:func:`oversight.demo.render.plant`),
so the truth file can count the rejects the pipeline must find.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from oversight.demo import render

Cell = Callable[[list, int], Any]  # makes the corrupted cell from the row and column
# The field whose blank breaks the ``required`` rule, per dataset.
ID_FIELD = {
    "supervision": "worker_id",
    "caseload": "child_id",
    "oversight": "child_id",
    "audits": "audit_id",
    "survey": "respondent_id",
    "strategy_discussions": "child_id",
}
# Per dataset: the date field, whether future dates are planted in it, and the coded field
# given an unknown code (with the key of render.UNKNOWN_CODES it takes).
DATES = {
    "supervision": ("session_date", True),
    "caseload": ("episode_start", False),
    "oversight": ("entry_date", True),
    "audits": ("audit_date", False),
    "strategy_discussions": ("discussion_date", True),
}
CODED = {
    "supervision": ("session_type", "session_type"),
    "caseload": ("legal_status", "legal_status"),
    "oversight": ("entry_type", "entry_type"),
    "audits": ("grade", "grade"),
}
# Future dates start this long after the extracts' last day.
FUTURE_AFTER = pd.Timedelta(days=60)


def const(value: Any) -> Cell:
    """A cell maker that always writes ``value``."""
    return lambda _row, _col: value


def error_plan(
    dataset: str,
    dialect: dict[str, Any],
    rng: np.random.Generator,
    native_cells: bool,
    data_end: pd.Timestamp,
    item_header: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Which errors to plant in one export, how many (1..4 each), and how to make them."""
    headers = dialect["headers"]

    def n() -> int:
        return int(rng.integers(1, 5))

    plan: dict[str, dict[str, Any]] = {
        "required": {"n": n(), "column": headers[ID_FIELD[dataset]], "value": const("")},
        "duplicate_row": {"n": n()},
    }
    if dataset in DATES:
        field, future = DATES[dataset]
        plan["date_format"] = {"n": n(), "column": headers[field], "value": _bad_date(rng)}
        if future:
            fmt = dialect.get("date_format", "%d/%m/%Y")
            when = _future(rng, fmt, native_cells, data_end + FUTURE_AFTER)
            plan["future_date"] = {"n": n(), "column": headers[field], "value": when}
    if dataset in CODED:
        field, kind = CODED[dataset]
        code = const(render.UNKNOWN_CODES[kind])
        plan["allowed_codes"] = {"n": n(), "column": headers[field], "value": code}
    if dataset == "supervision":
        plan["value_range"] = {"n": n(), "column": headers["duration_min"], "value": const("-30")}
    if dataset == "survey" and item_header:
        code = const(render.UNKNOWN_CODES["item"])
        plan["allowed_codes"] = {"n": n(), "column": item_header, "value": code}
    return plan


def _bad_date(rng: np.random.Generator) -> Cell:
    """A cell maker writing one of the unreadable dates."""
    return lambda _row, _col: render.BAD_DATES[int(rng.integers(0, len(render.BAD_DATES)))]


def _future(rng: np.random.Generator, fmt: str, native_cells: bool, first: pd.Timestamp) -> Cell:
    """A cell maker writing a date after the extracts were taken (from ``first`` on)."""

    def cell(_row: list, _col: int) -> Any:
        when = first + pd.Timedelta(days=int(rng.integers(0, 500)))
        return render.native_date(when, fmt, native_cells)

    return cell
