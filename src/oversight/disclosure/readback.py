"""Published tables read back as numbers: the symbol of a hidden cell, and hidden cells as
missing values. Light on imports (pandas and numpy only), so that the report's pages, which
only read what disclosure control wrote, do not load the solvers that wrote it."""

from __future__ import annotations

import numpy as np
import pandas as pd

# What a hidden cell shows in every published table.
SYMBOL = "c"

# The numeric columns of the published metrics table.
METRIC_NUMBERS = [
    "numerator",
    "denominator",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "funnel_centre",
    "funnel_phi",
    "funnel_tau2",
]


def as_numbers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A published table read back for plotting: hidden cells (``c``) become missing."""
    out = frame.copy()
    for col in columns:
        if col in out:
            out[col] = pd.to_numeric(out[col].replace(SYMBOL, np.nan), errors="coerce")
    return out


def read_published_metrics(path: str) -> pd.DataFrame:
    """``results/tables/oversight_metrics.csv`` with numbers as numbers and hidden ones missing."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame = as_numbers(frame, METRIC_NUMBERS)
    for col in ("funnel_flag", "funnel_flag_unadjusted"):
        if col in frame:
            frame[col] = frame[col].replace(SYMBOL, np.nan)
    return frame
