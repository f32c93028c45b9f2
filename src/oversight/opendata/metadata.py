"""The EES metadata file of an open data file: one row per filter and indicator, saying
what EES needs to show it (label, hint, unit, decimal places)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from oversight.opendata import ees


def meta_rows(data: pd.DataFrame, spec: Mapping[str, Any]) -> pd.DataFrame:
    """The metadata of the EES ``data`` frame made from a table with entry ``spec`` of
    config/open_data.yaml: its filters of two levels or more (split breakdowns labelled from
    split_labels), then its indicators, in the data file's column order. A filter of one
    level (data_status, or a breakdown no row of this file uses) stays in the data file
    without a row, as EES asks."""
    labels = spec.get("split_labels", {})
    rows = []
    for col in data.columns:
        if col in ees.TIME_COLUMNS or col in ees.LOCATION_COLUMNS:
            continue
        if col in spec["indicators"]:
            ind = spec["indicators"][col]
            rows.append(
                {
                    "col_name": col,
                    "col_type": "Indicator",
                    "label": ind["label"],
                    "indicator_grouping": ind.get("grouping", ""),
                    "indicator_unit": ind.get("unit", ""),
                    "indicator_dp": str(ind["dp"]) if "dp" in ind else "",
                }
            )
            continue
        if data[col].nunique() < 2:
            continue  # a filter with one level in this file: EES wants no row for it
        filt = spec["filters"].get(col, {})
        rows.append(
            {
                "col_name": col,
                "col_type": "Filter",
                "label": filt.get("label") or labels[col],
                "filter_hint": filt.get("hint", ""),
            }
        )
    return pd.DataFrame(rows, columns=list(ees.META_COLUMNS), dtype=object).fillna("")
