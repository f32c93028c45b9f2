"""Published DfE statistics: releases to the long ``kpis`` dataset, and indicators from it.

Releases are read with the same readers and header mapping as LA extracts
(:mod:`oversight.ingest.readers`, :func:`oversight.ingest.harmonise.map_headers`), configured in
``config/published.yaml``. Status symbols become missing values with the symbol kept in
``status``; national, regional and LA rows are kept apart; LAs are identified by new code,
then old code, then normalised name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oversight.compare.comparison import funnel_flags
from oversight.disclosure.conventions import load_conventions
from oversight.errors import ExtractError
from oversight.ingest import harmonise
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.stats import wilson_ci

# DfE's and the GSS's symbols (c, k, low, u, x, z) and their meanings are data:
# config/dfe_conventions.yaml. Older releases' ":" and "~" are read as today's x and low.
SYMBOLS = frozenset(load_conventions().symbols)
KEYS = ["time_period", "geographic_level", "region_code", "old_la_code", "new_la_code", "la_name"]
KPI_COLUMNS = [
    "la_code",
    "la_name",
    "old_la_code",
    "period",
    "indicator",
    "numerator",
    "denominator",
    "value",
    "status",
]
OUTPUT_COLUMNS = [
    *KPI_COLUMNS,
    "lower95",
    "upper95",
    "england",
    "region",
    "neighbours",
    "neighbours_n",
    "change_1y",
    "funnel_flag",
    "funnel_comparator",
]
# The DfE indicators' funnel centre line (config/config.yaml comparison.kpi_comparator).
KPI_COMPARATORS = ("england", "region", "la_median")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def norm_name(name: str) -> str:
    """LA names compared across releases: '&' and 'and', case and spacing do not matter."""
    return re.sub(r"\s+", " ", norm_label(name).replace("&", " and ")).strip()


def read_release(path: Path, name: str, spec: dict[str, Any], config_ref) -> pd.DataFrame:
    """One release as text, one column per configured field, rows numbered as in the file."""
    fields = {f: {"type": "text", "required": True} for f in spec["columns"]}
    table = read_table(
        path, spec, spec["path"], harmonise.known_headers(spec), norm_label, config_ref([name])
    )
    mapping = harmonise.map_headers(
        table.header,
        spec,
        fields,
        spec["path"],
        lambda keys: config_ref([name, *keys]),
        table.header_row,
        public=True,
    )
    frame = harmonise.mapped_frame(table.rows, mapping, spec, fields)
    frame["source_file"] = spec["path"]
    frame["source_row"] = frame.index
    return frame.reset_index(drop=True)


def numbers(frame: pd.DataFrame, fields: list[str], file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numeric values and status symbols of measure columns.

    A symbol gives a missing value and keeps the symbol (an older release's ``:`` and ``~``
    kept as today's ``x`` and ``low``, config/dfe_conventions.yaml); anything else that is
    not a number stops the release with the file, row and column, because a published file
    should never hold it.
    """
    conv = load_conventions()
    today = {s: s for s in conv.symbols} | conv.obsolete  # what a cell may hold -> symbol
    values, status = pd.DataFrame(index=frame.index), pd.DataFrame(index=frame.index)
    for col in fields:
        text = frame[col].fillna("").str.strip()
        is_num = text.str.match(NUMBER).fillna(False).astype(bool)
        symbol = text.str.lower().map(today)
        is_sym = symbol.notna()
        bad = ~(is_num | is_sym | (text == ""))
        if bad.any():
            i = bad.idxmax()
            raise ExtractError(
                file,
                f"{text[i]!r} is neither a number nor a status symbol",
                expected="a number or one of " + ", ".join(sorted(SYMBOLS)),
                found=repr(text[i]),
                row=int(frame.at[i, "source_row"]),
                column=col,
                fix=(
                    "check the release; if DfE added a symbol, add it with its meaning to "
                    "config/dfe_conventions.yaml"
                ),
            )
        values[col] = pd.to_numeric(text.where(is_num), errors="coerce").astype("float64")
        status[col] = symbol.where(is_sym, "").astype(str)
    return values, status


def identify(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.Series:
    """New LA code for each LA row: its own new code, else via old code, else via name."""
    by_new = set(reference["la_code_new"])
    by_old = dict(zip(reference["la_code_old"].astype(str), reference["la_code_new"], strict=True))
    by_name = {
        norm_name(n): c for n, c in zip(reference["la_name"], reference["la_code_new"], strict=True)
    }
    out = []
    for new, old, name in zip(
        frame["new_la_code"], frame["old_la_code"], frame["la_name"], strict=True
    ):
        if isinstance(new, str) and new in by_new:
            out.append(new)
        elif isinstance(old, str) and old in by_old:
            out.append(by_old[old])
        else:
            out.append(by_name.get(norm_name(name)) if isinstance(name, str) else None)
    return pd.Series(out, index=frame.index, dtype="string")


def indicator_rows(frame: pd.DataFrame, name: str, spec: dict[str, Any], file: str) -> pd.DataFrame:
    """One indicator for every row of its release (all levels), with status symbols."""
    fields = [spec["numerator"], *spec["denominator"]]
    values, status = numbers(frame, fields, file)
    num = values[spec["numerator"]]
    den = values[spec["denominator"]].sum(axis=1, min_count=len(spec["denominator"]))
    sym = status[fields].apply(lambda r: next((s for s in r if s), ""), axis=1)
    out = pd.DataFrame(
        {
            "geographic_level": frame["geographic_level"],
            "region_code": frame["region_code"],
            "new_la_code": frame["new_la_code"],
            "old_la_code": frame["old_la_code"],
            "la_name": frame["la_name"],
            "period": frame["time_period"],
            "indicator": name,
            "numerator": num.where(sym == ""),
            "denominator": den.where(sym == ""),
            "status": sym,
            "source_row": frame["source_row"],
        }
    )
    den = out["denominator"].to_numpy(dtype=float, na_value=np.nan)
    out["value"] = np.where(
        den > 0,
        out["numerator"].to_numpy(dtype=float, na_value=np.nan) / np.where(den > 0, den, 1),
        np.nan,
    )
    return out


def kpis(
    rows: pd.DataFrame,
    reference: pd.DataFrame,
    neighbours: dict[str, list[str]],
    region_code: str,
    kinds: dict[str, str],
    comparator: str = "england",
) -> pd.DataFrame:
    """The study LAs' indicators with England, the region, neighbours, change and funnel
    (flagged against the unadjusted limits around the ``comparator``: England's value, the
    region's published value or the median of the study LAs' values)."""
    if comparator not in KPI_COMPARATORS:
        raise ValueError(f"comparator must be one of {KPI_COMPARATORS}, got {comparator!r}")
    la = rows[rows["geographic_level"] == "Local authority"].copy()
    la["la_code"] = identify(la, reference)
    nat = rows[rows["geographic_level"] == "National"].set_index(["period", "indicator"])["value"]
    reg = rows[(rows["geographic_level"] == "Regional") & (rows["region_code"] == region_code)]
    reg = reg.set_index(["period", "indicator"])["value"]
    by_old = la.set_index(["old_la_code", "period", "indicator"])["value"]
    study = la[la["la_code"].isin(reference["la_code_new"])].copy()
    ref = reference.set_index("la_code_new")
    study["la_name"] = study["la_code"].map(ref["la_name"])
    study["old_la_code"] = study["la_code"].map(ref["la_code_old"].astype(str))
    study["england"] = [
        nat.get((p, i), np.nan) for p, i in zip(study["period"], study["indicator"], strict=True)
    ]
    study["region"] = [
        reg.get((p, i), np.nan) for p, i in zip(study["period"], study["indicator"], strict=True)
    ]
    means, counts = [], []
    for old, p, i in zip(study["old_la_code"], study["period"], study["indicator"], strict=True):
        vals = [by_old.get((n, p, i), np.nan) for n in neighbours.get(old, [])]
        vals = [v for v in vals if not np.isnan(v)]
        means.append(float(np.mean(vals)) if vals else np.nan)
        counts.append(len(vals))
    study["neighbours"], study["neighbours_n"] = means, counts
    study = study.sort_values(["la_code", "indicator", "period"], kind="stable")
    study["change_1y"] = study.groupby(["la_code", "indicator"])["value"].diff()
    prop = study["indicator"].map(kinds) == "proportion"
    ok = prop & (study["denominator"] > 0)
    study["lower95"], study["upper95"] = np.nan, np.nan
    lo, hi = wilson_ci(
        study.loc[ok, "numerator"].to_numpy(), study.loc[ok, "denominator"].to_numpy()
    )
    study.loc[ok, "lower95"], study.loc[ok, "upper95"] = lo, hi
    study["funnel_flag"] = ""
    centre = {"england": study["england"], "region": study["region"]}.get(comparator)
    if centre is None:
        centre = study.groupby(["period", "indicator"])["value"].transform("median")
    flag = ok & centre.notna()
    study.loc[flag, "funnel_flag"] = funnel_flags(
        study.loc[flag, "value"].to_numpy(float),
        centre[flag].to_numpy(float),
        study.loc[flag, "denominator"].to_numpy(float),
    )
    study["funnel_comparator"] = np.where(flag, comparator, "")
    out = study[OUTPUT_COLUMNS].sort_values(["la_code", "indicator", "period"], kind="stable")
    for col in ("value", "lower95", "upper95", "england", "region", "neighbours", "change_1y"):
        out[col] = out[col].astype(float).round(6)
    return out.reset_index(drop=True)
