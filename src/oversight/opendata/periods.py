"""The time columns of the open data files: each published period label as an EES
time_period and time_identifier, and the kind of period (year, quarter, month), which decides
the file it goes to (EES never mixes a year with its quarters or months in one file)."""

from __future__ import annotations

import re

import pandas as pd

from oversight.errors import ConfigError
from oversight.opendata import ees

YEAR = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# The file name suffix of each kind of period.
SUFFIX = {"year": "", "quarters": "_quarters", "months": "_months"}
# The month a study year of each identifier starts.
YEAR_START = {"Financial year": 4, "Academic year": 9, "Calendar year": 1}


def check_study_year(identifiers: dict[str, str], period_start: str) -> None:
    """The study year's identifier fits the month the study starts (a financial year starts
    in April)."""
    start = pd.Timestamp(period_start).month
    expected = YEAR_START[identifiers["year"]]
    if start != expected:
        raise ConfigError(
            f"config/open_data.yaml study_year.year: {identifiers['year']!r} starts in month "
            f"{expected}, but the study starts on {period_start} (config/config.yaml "
            "study.period_start); name the identifier of a year that starts then"
        )


def year_period(label: str) -> str:
    """'2024-25' as a six-digit EES period (202425); a year must run into the next."""
    match = YEAR.match(label)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{label!r} is not a study year like 2024-25")
    return match.group(1) + match.group(2)


def study_period(
    label: str, identifiers: dict[str, str], whole_year: bool, study_year: str
) -> tuple[str, str, str]:
    """A study period label as (time_period, time_identifier, kind); with ``whole_year`` a
    quarter is taken as its year. '2010-11' could be a year or a month: the study year's own
    label is its year, any other such label a month."""
    if label == study_year or (YEAR.match(label) and not MONTH.match(label)):
        return year_period(label), identifiers["year"], "year"
    quarter = QUARTER.match(label)
    if quarter:
        period = year_period(label.split(" ")[0])
        if whole_year:
            return period, identifiers["year"], "year"
        ident = identifiers["quarters"].format(quarter=quarter.group(3))
        return period, ident, "quarters"
    month = MONTH.match(label)
    if month:
        if whole_year:
            raise ValueError(f"{label!r} is a month; whole_year takes years and quarters")
        return month.group(1), ees.MONTHS[int(month.group(2)) - 1], "months"
    raise ValueError(f"{label!r} is not a study period (2024-25, 2024-25 Q1 or 2024-04)")


def time_columns(
    frame: pd.DataFrame, time: dict, identifiers: dict[str, str], study_year: str, table: str
) -> pd.DataFrame:
    """time_period, time_identifier and kind for each row of the published ``table``, as its
    ``time`` entry of config/open_data.yaml says."""
    kind = time["kind"]
    if kind == "study_year":
        values = [(year_period(study_year), identifiers["year"], "year")] * len(frame)
    else:
        column = time["column"]
        if column not in frame:
            raise ConfigError(
                f"config/open_data.yaml tables.{table}.time.column: {column!r} is not a column "
                f"of results/tables/{table}.csv"
            )
        values = [
            period_of(v, kind, time, identifiers, study_year, table, i)
            for i, v in frame[column].items()
        ]
    return pd.DataFrame(
        values, columns=["time_period", "time_identifier", "kind"], index=frame.index
    )


def period_of(
    label: str,
    kind: str,
    time: dict,
    identifiers: dict[str, str],
    study_year: str,
    table: str,
    row: int,
) -> tuple[str, str, str]:
    """One period cell; an error names the table, line and column."""
    try:
        if kind == "reporting_year":
            if not re.fullmatch(r"\d{4}", label):
                raise ValueError(f"{label!r} is not a 4-digit reporting year")
            return label, "Reporting year", "year"
        return study_period(label, identifiers, time.get("whole_year", False), study_year)
    except ValueError as err:
        raise ConfigError(
            f"results/tables/{table}.csv line {row + 2}, column {time['column']!r}: {err}; "
            f"check config/open_data.yaml tables.{table}.time"
        ) from err
