"""dates.parse_dates: declared formats only, ISO always, Excel serials on request."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.ingest.dates import describe_formats, parse_dates

FORMATS = ["%d/%m/%Y", "%d-%b-%y", "excel_serial"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/05/2024", "2024-05-01"),  # dd/mm/yyyy, never mm/dd
        ("1/5/2024", "2024-05-01"),
        (" 02/05/2024 ", "2024-05-02"),
        ("29/02/2024", "2024-02-29"),  # leap day
        ("5-Apr-24", "2024-04-05"),  # d-Mon-yy
        ("05-apr-24", "2024-04-05"),
        ("2024-04-30", "2024-04-30"),  # ISO always accepted
        ("2024-04-30 10:15:00", "2024-04-30"),  # time dropped (day precision)
        ("2024-04-30T10:15:00", "2024-04-30"),
        ("45412", "2024-04-30"),  # Excel serial
        ("45412.0", "2024-04-30"),
        ("45383", "2024-04-01"),
    ],
)
def test_parse_dates_accepts(text, expected):
    out = parse_dates(pd.Series([text], dtype="string"), FORMATS)
    assert out.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2024",  # no such day
        "2024-02-30",
        "29/02/2023",
        "13/13/2024",
        "yesterday",
        "4541",  # not a five-digit serial
        "45412.5",  # part days are not serial dates
        "05/01/24",  # two-digit year is not %Y
        "",
        "   ",
    ],
)
def test_parse_dates_rejects(text):
    assert parse_dates(pd.Series([text], dtype="string"), FORMATS).isna().all()


def test_parse_dates_missing_and_index_kept():
    values = pd.Series(["01/05/2024", None, "2024-06-01"], index=[10, 11, 12], dtype="string")
    out = parse_dates(values, FORMATS)
    assert list(out.index) == [10, 11, 12]
    assert str(out.dtype) == "datetime64[s]"
    assert out.isna().tolist() == [False, True, False]


def test_only_iso_without_declared_formats():
    out = parse_dates(pd.Series(["2024-05-01", "01/05/2024", "45412", "5-Apr-24"]), [])
    assert out.iloc[0] == pd.Timestamp("2024-05-01")
    assert out.iloc[1:].isna().all()


def test_day_first_is_never_guessed_as_month_first():
    out = parse_dates(pd.Series(["12/05/2024", "05/12/2024"]), ["%d/%m/%Y"])
    assert out.tolist() == [pd.Timestamp("2024-05-12"), pd.Timestamp("2024-12-05")]


def test_describe_formats():
    assert describe_formats(FORMATS) == "yyyy-mm-dd, dd/mm/yyyy, d-Mon-yy, Excel serial number"
    assert describe_formats(["%Y-%m-%d", "%m/%d/%Y"]) == "yyyy-mm-dd, mm/dd/yyyy"
    assert describe_formats(["%Y/%d/%m"]) == "yyyy-mm-dd, %Y/%d/%m"
    assert describe_formats([]) == "yyyy-mm-dd"
