"""The metadata half of the EES checks (:func:`oversight.opendata.validate.validate_ees`):
one metadata row for each filter and indicator of the data file and none other, its fields
as EES reads them, and the cells of each filter and indicator column."""

from __future__ import annotations

import pandas as pd

from oversight.opendata import ees
from oversight.opendata.validate import NUMBER, rows_of

# Metadata columns EES reads beside the required ones.
OPTIONAL_META = ("filter_default",)


def check_meta_columns(meta: pd.DataFrame, name: str) -> list[str]:
    """The metadata file's own columns: exactly the EES ones."""
    missing = [c for c in ees.META_COLUMNS if c not in meta.columns]
    extra = [c for c in meta.columns if c not in ees.META_COLUMNS + OPTIONAL_META]
    problems = []
    if missing:
        problems.append(f"{name}: metadata column(s) {missing} are missing")
    if extra:
        problems.append(
            f"{name}: column(s) {extra} are not EES metadata columns "
            f"({', '.join(ees.META_COLUMNS)}); remove them"
        )
    return problems


def check_meta_rows(meta: pd.DataFrame, data: pd.DataFrame, name: str) -> list[str]:
    """Each metadata row: a data column that is not time or geography, named once, typed
    Filter or Indicator, labelled, with a whole indicator_dp and a known unit."""
    problems = []
    for i, row in meta.iterrows():
        where = f"{name} line {int(i) + 2} ({row['col_name']!r})"
        if row["col_name"] not in data.columns:
            problems.append(f"{where}: the data file has no such column; remove the row")
        if row["col_name"] in ees.TIME_COLUMNS or row["col_name"] in ees.LOCATION_COLUMNS:
            problems.append(f"{where}: time and geography columns take no metadata row")
        if row["col_type"] not in ees.COL_TYPES:
            problems.append(f"{where}: col_type {row['col_type']!r} must be Filter or Indicator")
        if not row["label"].strip():
            problems.append(f"{where}: label is blank; give the name users will see")
        dp = row["indicator_dp"].strip()
        if dp and not dp.isdigit():
            problems.append(f"{where}: indicator_dp {dp!r} must be blank or a whole number ≥ 0")
        if row["indicator_unit"] not in ees.INDICATOR_UNITS:
            problems.append(
                f"{where}: indicator_unit {row['indicator_unit']!r} must be blank or one of "
                + ", ".join(repr(u) for u in ees.INDICATOR_UNITS if u)
            )
        group = row["filter_grouping_column"].strip()
        if group and (group not in data.columns or row["col_type"] != "Filter"):
            problems.append(
                f"{where}: filter_grouping_column {group!r} must name a data column, on a Filter"
            )
    dupes = sorted(set(meta["col_name"][meta["col_name"].duplicated()]))
    if dupes:
        problems.append(f"{name}: col_name {dupes} appear more than once")
    return problems


def check_meta(
    meta: pd.DataFrame, data: pd.DataFrame, name: str
) -> tuple[list[str], dict[str, list[str]]]:
    """Problems of the metadata file, and its filter and indicator columns (the filters with
    their grouping columns) for the cell checks."""
    problems = check_meta_columns(meta, name)
    if problems:
        return problems, {"Filter": [], "Indicator": []}
    problems += check_meta_rows(meta, data, name)
    groups = {g for g in meta["filter_grouping_column"] if g.strip()}
    described = set(meta["col_name"]) | groups
    for col in data.columns:
        if col in ees.TIME_COLUMNS or col in ees.LOCATION_COLUMNS or col in described:
            continue
        # a column of one value (a filter with one level) needs no row: EES ignores it
        if data[col].nunique() > 1:
            problems.append(
                f"{name}: data column {col!r} has no metadata row; add it as a Filter or an "
                "Indicator"
            )
    present = meta[meta["col_name"].isin(data.columns)]
    for col in present.loc[present["col_type"] == "Filter", "col_name"]:
        if data[col].nunique() < 2:
            problems.append(
                f"{name}: filter {col!r} has fewer than two levels in {data_name(name)}; "
                "remove its metadata row (the column may stay in the data)"
            )
    columns = {
        "Filter": [*present.loc[present["col_type"] == "Filter", "col_name"], *sorted(groups)],
        "Indicator": list(present.loc[present["col_type"] == "Indicator", "col_name"]),
    }
    columns["Filter"] = [c for c in dict.fromkeys(columns["Filter"]) if c in data.columns]
    return problems, columns


def check_cells(data: pd.DataFrame, columns: dict[str, list[str]], name: str) -> list[str]:
    """Filter cells never blank ('Total' for a row not broken down); indicator cells a number
    or a GSS symbol, never blank or a retired symbol."""
    problems = []
    for col in columns["Filter"]:
        blank = data[col].str.strip() == ""
        if blank.any():
            problems.append(
                f"{name}: filter {col!r} is blank on line(s) {rows_of(blank)}; write "
                f"{ees.TOTAL!r} for a row not broken down by it"
            )
    for col in columns["Indicator"]:
        text = data[col].str.strip()
        bad = ~(text.str.match(NUMBER) | text.isin(ees.SYMBOLS))
        if bad.any():
            found = sorted(set(text[bad]))[:SHOWN_VALUES]
            problems.append(
                f"{name}: indicator {col!r} holds {found} on line(s) {rows_of(bad)}; write a "
                "number or a symbol: " + ", ".join(ees.SYMBOLS)
            )
    return problems


SHOWN_VALUES = 5


def data_name(meta_name: str) -> str:
    """The data file a metadata file describes."""
    return meta_name.removesuffix(".meta.csv") + ".csv"
