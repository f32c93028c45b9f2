"""Check a data file and its metadata file against the EES open data standards
(:mod:`oversight.opendata.ees`): :func:`validate_ees` lists every problem found, each naming
the file, the row or column and what to change; an empty list means the pair passes.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from oversight.opendata import ees

NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
# The most rows of one kind a message quotes before it counts the rest.
SHOWN = 3


def read_exact(path: str | Path) -> pd.DataFrame:
    """A CSV as written: every cell text, an empty cell the empty string."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def rows_of(mask: pd.Series) -> str:
    """The file lines (header is line 1) where ``mask`` holds, the first few of them."""
    lines = [str(i + 2) for i in mask[mask].index[:SHOWN]]
    more = f" and {int(mask.sum()) - SHOWN} more" if mask.sum() > SHOWN else ""
    return ", ".join(lines) + more


def header(path: str | Path) -> list[str]:
    """The column names of a CSV as written (pandas renames a repeated one)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def check_columns(data: pd.DataFrame, names: list[str], name: str) -> list[str]:
    """Column names: the compulsory ones present, each machine readable and used once."""
    problems = [
        f"{name}: column {col!r} is missing; every EES data file has "
        + ", ".join(ees.REQUIRED_COLUMNS)
        for col in ees.REQUIRED_COLUMNS
        if col not in data.columns
    ]
    for col in names:
        if not SNAKE.match(col):
            problems.append(
                f"{name}: column name {col!r} is not snake_case (lower case letters, digits "
                "and underscores, starting with a letter); rename it"
            )
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        problems.append(f"{name}: column name(s) {dupes} appear more than once")
    return problems


def check_geography(data: pd.DataFrame, name: str) -> list[str]:
    """geographic_level values allowed, and the columns of each level filled on its rows."""
    if "geographic_level" not in data:
        return []
    problems = []
    bad = ~data["geographic_level"].isin(list(ees.LEVEL_COLUMNS))
    if bad.any():
        found = sorted(set(data.loc[bad, "geographic_level"]))
        problems.append(
            f"{name}: geographic_level {found} on line(s) {rows_of(bad)} is not an EES level; "
            "use one of " + ", ".join(ees.LEVEL_COLUMNS)
        )
    for level, columns in ees.LEVEL_COLUMNS.items():
        rows = data["geographic_level"] == level
        if not rows.any():
            continue
        for col in ("country_code", "country_name", *columns):
            if col not in data:
                problems.append(
                    f"{name}: the {level} rows need column {col!r}, which the file lacks"
                )
                continue
            empty = rows & (data[col].str.strip() == "")
            if empty.any() and col not in ees.MAY_BE_BLANK:
                problems.append(
                    f"{name}: {col} is blank on {level} line(s) {rows_of(empty)}; fill it "
                    "(a code of x if the place is unknown)"
                )
    return problems


def check_time(data: pd.DataFrame, name: str) -> list[str]:
    """time_identifier values allowed and from one group; time_period digits to match."""
    if not {"time_period", "time_identifier"} <= set(data.columns):
        return []
    problems = []
    ids = data["time_identifier"]
    bad = ~ids.isin(list(ees.TIME_IDENTIFIERS))
    if bad.any():
        problems.append(
            f"{name}: time_identifier {sorted(set(ids[bad]))} on line(s) {rows_of(bad)} is not "
            "an EES time identifier (for example 'Financial year', 'Reporting year', 'April')"
        )
    groups = sorted({ees.TIME_IDENTIFIERS[i] for i in ids[~bad]})
    if len(groups) > 1:
        problems.append(
            f"{name}: time identifiers of different kinds ({', '.join(groups)}) share the file; "
            "write one file per kind, or one identifier with a filter column for the part of "
            "the year"
        )
    for group in groups:
        digits = ees.TIME_GROUPS[group][0]
        rows = ids.map(ees.TIME_IDENTIFIERS.get) == group
        problems += check_periods(data["time_period"], rows, digits, group, name)
    return problems


def check_periods(
    periods: pd.Series, rows: pd.Series, digits: int, group: str, name: str
) -> list[str]:
    """time_period on ``rows``: ``digits`` digits; six-digit periods two consecutive years."""
    text = periods.str.strip()
    wrong = rows & ~text.str.fullmatch(rf"\d{{{digits}}}")
    problems = []
    if wrong.any():
        example = "2024" if digits == 4 else "202425"
        problems.append(
            f"{name}: time_period {sorted(set(text[wrong]))[:SHOWN]} on line(s) "
            f"{rows_of(wrong)} does not fit its {group} identifier: write {digits} digits, "
            f"like {example}"
        )
    if digits == 6:
        ok = rows & ~wrong
        years = text[ok]
        apart = (years.str[2:4].astype(int) + 1) % 100 != years.str[4:6].astype(int)
        jump = pd.Series(False, index=text.index)
        jump[apart[apart].index] = True
        if jump.any():
            problems.append(
                f"{name}: time_period on line(s) {rows_of(jump)} is not two consecutive years "
                "(201718, not 201619)"
            )
    return problems


def validate_ees(data_csv: str | Path, meta_csv: str | Path) -> list[str]:
    """Every way the data file ``data_csv`` and its metadata file ``meta_csv`` break the EES
    open data standards, each problem in words naming the file, the line or column and the
    fix; an empty list when the pair passes."""
    from oversight.opendata.validate_meta import check_cells, check_meta

    data_name, meta_name = Path(data_csv).name, Path(meta_csv).name
    problems: list[str] = []
    if Path(meta_csv).name != Path(data_csv).name.removesuffix(".csv") + ".meta.csv":
        problems.append(
            f"{meta_name}: a metadata file is named after its data file: "
            f"{Path(data_csv).stem}.meta.csv"
        )
    data, meta = read_exact(data_csv), read_exact(meta_csv)
    if data.empty:
        problems.append(f"{data_name}: the data file has no rows")
    problems += check_columns(data, header(data_csv), data_name)
    problems += check_geography(data, data_name)
    problems += check_time(data, data_name)
    meta_problems, columns = check_meta(meta, data, meta_name)
    problems += meta_problems
    problems += check_cells(data, columns, data_name)
    return problems
