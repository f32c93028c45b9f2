"""Checks that the report says only what its tables say (used by the report invariant tests).

Each check returns a list of problems in words (empty: the invariant holds), so a test
failure names the finding, the number and what it should have been.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from oversight.report.findings import agreement_band

# Percentages and decimals in prose. Interval levels and limits (95%, 99.8%) are not data.
PERCENT = re.compile(r"(?<![\w.])([+-]?\d+(?:\.\d+)?)%")
# A decimal after "< " is a bound ("p < 0.001"), not a value.
DECIMAL = re.compile(r"(?<![\w.%])(?<!< )([+-]?\d+\.\d+)(?![\d%])")
LEVELS = {"95", "99.8", "95.0"}
KAPPA = re.compile(r"κ = (-?\d\.\d\d) \(([a-z ]+?) agreement")
SURE = re.compile(
    r"95% interval ([+-]?\d+(?:\.\d+)?) to ([+-]?\d+(?:\.\d+)?)\); the 95% interval "
    r"(does not include zero|includes no change)"
)


def _cells(frames: Iterable[pd.DataFrame]) -> np.ndarray:
    values = [
        pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
        for frame in frames
        for c in frame.columns
    ]
    joined = np.concatenate(values) if values else np.array([])
    return joined[np.isfinite(joined)]


def _decimals(token: str) -> int:
    return len(token.split(".")[1]) if "." in token else 0


def _matches(token: str, cells: np.ndarray, scales: tuple[float, ...]) -> bool:
    """Whether some cell, times one of ``scales`` and rounded as the token is, gives it."""
    want = float(token)
    digits = _decimals(token)
    for scale in scales:
        shown = np.round(cells * scale, digits)
        # Signs are words in prose ("fell by 3.1 points"), so either sign matches.
        if np.any(np.isclose(shown, want, atol=1e-9)) or np.any(
            np.isclose(-shown, want, atol=1e-9)
        ):
            return True
    return False


def numbers_from_cells(
    finding: Mapping, tables: Mapping[str, pd.DataFrame], ids: Mapping[str, str]
) -> list[str]:
    """Every percentage and decimal in the finding's text is a cell of a table it cites
    (shown as a percentage, in percentage points, or as printed)."""
    cited = [tables[ids[t]] for t in finding["tables"] if t in ids and ids[t] in tables]
    cells = _cells(cited)
    problems = []
    for token in PERCENT.findall(finding["text"]):
        if token.lstrip("+-") in LEVELS:
            continue
        if not _matches(token, cells, (100.0, 1.0)):
            problems.append(f"{finding['id']}: {token}% is no cell of {finding['tables']}")
    for token in DECIMAL.findall(finding["text"]):
        if not _matches(token, cells, (1.0, 100.0)):
            problems.append(f"{finding['id']}: {token} is no cell of {finding['tables']}")
    return problems


def kappa_words(text: str) -> list[str]:
    """Each 'κ = x (band agreement' uses the Landis and Koch band of x as printed."""
    return [
        f"κ = {value} is called {band!r}, Landis and Koch say {agreement_band(float(value))!r}"
        for value, band in KAPPA.findall(text)
        if agreement_band(float(value)) != band
    ]


def interval_words(text: str) -> list[str]:
    """'does not include zero' only for an interval that excludes zero, and the reverse."""
    problems = []
    for lower, upper, words in SURE.findall(text):
        excludes = float(lower) > 0 or float(upper) < 0
        if excludes != (words == "does not include zero"):
            problems.append(f"interval {lower} to {upper} is said to be: {words}")
    return problems
