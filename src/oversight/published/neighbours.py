"""DfE's statistical neighbours as a map from each LA to its neighbours (light on imports:
the report's annex pages read it without the release parsers' statistics)."""

from __future__ import annotations

import pandas as pd


def neighbour_map(sn: pd.DataFrame, count: int) -> dict[str, list[str]]:
    """Old LA code -> the old codes of its statistical neighbours, closest first."""
    cols = [f"SN_{i}" for i in range(1, count + 1)]
    return {
        str(r["old_la_code"]): [str(r[c]) for c in cols if isinstance(r[c], str) and r[c]]
        for _, r in sn.iterrows()
    }
