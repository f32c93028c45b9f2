"""The EES checks (oversight.opendata.validate_ees): a hand-made good pair passes, and each
rule of the open data standards rejects a pair that breaks it, with a message saying where
and what to change."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from oversight.opendata import validate_ees

GEO = {
    "geographic_level": "Local authority",
    "country_code": "E92000001",
    "country_name": "England",
    "region_code": "E12000008",
    "region_name": "South East",
    "new_la_code": "E06000035",
    "old_la_code": "887",
    "la_name": "Medway",
}
REGION = {
    **GEO,
    "geographic_level": "Regional",
    "new_la_code": "",
    "old_la_code": "",
    "la_name": "",
}


def good_data() -> pd.DataFrame:
    """Two LA rows and a regional row of a Financial year file with one filter."""
    rows = [
        {"time_period": "202425", "time_identifier": "Financial year", **GEO,
         "domain": "Total", "children": "93", "share": "0.632653"},
        {"time_period": "202425", "time_identifier": "Financial year", **GEO,
         "domain": "assessment", "children": "c", "share": "c"},
        {"time_period": "202425", "time_identifier": "Financial year", **REGION,
         "domain": "Total", "children": "1402", "share": "z"},
    ]  # fmt: skip
    return pd.DataFrame(rows)


def good_meta() -> pd.DataFrame:
    rows = [
        ["domain", "Filter", "Audit domain", "", "", "", "Filter by audit domain", ""],
        ["children", "Indicator", "Children", "", "", "0", "", ""],
        ["share", "Indicator", "Share of children", "", "", "3", "", ""],
    ]
    columns = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit"]
    columns += ["indicator_dp", "filter_hint", "filter_grouping_column"]
    return pd.DataFrame(rows, columns=columns)


def write_pair(tmp_path: Path, data: pd.DataFrame, meta: pd.DataFrame) -> tuple[Path, Path]:
    data_csv, meta_csv = tmp_path / "metrics.csv", tmp_path / "metrics.meta.csv"
    data.to_csv(data_csv, index=False)
    meta.to_csv(meta_csv, index=False)
    return data_csv, meta_csv


def test_a_good_pair_passes(tmp_path) -> None:
    assert validate_ees(*write_pair(tmp_path, good_data(), good_meta())) == []


def test_a_legacy_la_without_a_new_code_passes(tmp_path) -> None:
    """EES leaves new_la_code blank for an LA that never had a 9-character code."""
    data = set_cell(good_data(), 0, "new_la_code", "")
    assert validate_ees(*write_pair(tmp_path, data, good_meta())) == []


def set_cell(frame: pd.DataFrame, row: int, col: str, value: str) -> pd.DataFrame:
    frame.loc[row, col] = value
    return frame


# Each rule: how a good pair is broken, and what the message says.
DATA_RULES: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "required column": (
        lambda d: d.drop(columns=["time_identifier"]),
        r"metrics\.csv: column 'time_identifier' is missing",
    ),
    "geographic level": (
        lambda d: set_cell(d, 2, "geographic_level", "Network"),
        r"geographic_level \['Network'\] on line\(s\) 4 is not an EES level",
    ),
    "LA columns filled": (
        lambda d: set_cell(d, 1, "la_name", ""),
        r"la_name is blank on Local authority line\(s\) 3",
    ),
    "LA old code filled": (
        lambda d: set_cell(d, 0, "old_la_code", ""),
        r"old_la_code is blank on Local authority line\(s\) 2",
    ),
    "region columns filled": (
        lambda d: set_cell(d, 2, "region_code", ""),
        r"region_code is blank on Regional line\(s\) 4",
    ),
    "country on every row": (
        lambda d: set_cell(d, 0, "country_code", ""),
        r"country_code is blank on Local authority line\(s\) 2",
    ),
    "level columns present": (
        lambda d: d.drop(columns=["old_la_code"]),
        r"the Local authority rows need column 'old_la_code'",
    ),
    "time identifier": (
        lambda d: set_cell(d, 0, "time_identifier", "Study year"),
        r"time_identifier \['Study year'\] on line\(s\) 2 is not an EES time identifier",
    ),
    "one kind of period": (
        lambda d: set_cell(set_cell(d, 0, "time_identifier", "April"), 0, "time_period", "2024"),
        r"time identifiers of different kinds \(financial year, months\) share the file",
    ),
    "period digits": (
        lambda d: set_cell(d, 1, "time_period", "2024"),
        r"time_period \['2024'\] on line\(s\) 3 does not fit its financial year identifier: "
        r"write 6 digits, like 202425",
    ),
    "consecutive years": (
        lambda d: set_cell(d, 1, "time_period", "202426"),
        r"time_period on line\(s\) 3 is not two consecutive years",
    ),
    "blank filter": (
        lambda d: set_cell(d, 0, "domain", ""),
        r"filter 'domain' is blank on line\(s\) 2; write 'Total'",
    ),
    "indicator text": (
        lambda d: set_cell(d, 0, "children", "93.0 children"),
        r"indicator 'children' holds \['93.0 children'\] on line\(s\) 2; write a number or a "
        r"symbol: c, x, z, u, low",
    ),
    "indicator blank": (
        lambda d: set_cell(d, 2, "share", ""),
        r"indicator 'share' holds \[''\] on line\(s\) 4",
    ),
    "retired symbol": (
        lambda d: set_cell(d, 2, "share", ":"),
        r"indicator 'share' holds \[':'\]",
    ),
    "column without metadata": (
        lambda d: d.assign(extra_count=["1", "2", "3"]),
        r"metrics\.meta\.csv: data column 'extra_count' has no metadata row",
    ),
    "snake case": (
        lambda d: d.rename(columns={"share": "Share of children"}),
        r"column name 'Share of children' is not snake_case",
    ),
    "no rows": (
        lambda d: d.iloc[0:0],
        r"metrics\.csv: the data file has no rows",
    ),
}


@pytest.mark.parametrize("rule", sorted(DATA_RULES))
def test_each_data_rule_rejects_a_file_that_breaks_it(tmp_path, rule: str) -> None:
    change, message = DATA_RULES[rule]
    problems = validate_ees(*write_pair(tmp_path, change(good_data()), good_meta()))
    assert any(re.search(message, p) for p in problems), problems


META_RULES: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "row for a missing column": (
        lambda m: pd.concat([m, m.iloc[[1]].assign(col_name="pupils")], ignore_index=True),
        r"metrics\.meta\.csv line 5 \('pupils'\): the data file has no such column",
    ),
    "row for a geography column": (
        lambda m: pd.concat([m, m.iloc[[0]].assign(col_name="la_name")], ignore_index=True),
        r"line 5 \('la_name'\): time and geography columns take no metadata row",
    ),
    "col_type": (
        lambda m: set_cell(m, 1, "col_type", "Measure"),
        r"line 3 \('children'\): col_type 'Measure' must be Filter or Indicator",
    ),
    "label": (
        lambda m: set_cell(m, 2, "label", ""),
        r"line 4 \('share'\): label is blank",
    ),
    "indicator_dp": (
        lambda m: set_cell(m, 2, "indicator_dp", "1.5"),
        r"line 4 \('share'\): indicator_dp '1.5' must be blank or a whole number",
    ),
    "indicator_unit": (
        lambda m: set_cell(m, 2, "indicator_unit", "percent"),
        r"line 4 \('share'\): indicator_unit 'percent' must be blank or one of '%'",
    ),
    "filter grouping column": (
        lambda m: set_cell(m, 0, "filter_grouping_column", "domain_group"),
        r"filter_grouping_column 'domain_group' must name a data column",
    ),
    "duplicate row": (
        lambda m: pd.concat([m, m.iloc[[1]]], ignore_index=True),
        r"col_name \['children'\] appear more than once",
    ),
    "metadata columns": (
        lambda m: m.drop(columns=["filter_hint"]).assign(notes=""),
        r"metadata column\(s\) \['filter_hint'\] are missing",
    ),
}


@pytest.mark.parametrize("rule", sorted(META_RULES))
def test_each_metadata_rule_rejects_a_file_that_breaks_it(tmp_path, rule: str) -> None:
    change, message = META_RULES[rule]
    problems = validate_ees(*write_pair(tmp_path, good_data(), change(good_meta())))
    assert any(re.search(message, p) for p in problems), problems


def test_a_column_of_one_value_needs_no_row_and_a_filter_of_one_level_takes_none(
    tmp_path,
) -> None:
    data = good_data().assign(data_status="synthetic demonstration data")
    assert validate_ees(*write_pair(tmp_path, data, good_meta())) == []
    meta = pd.concat([good_meta(), good_meta().iloc[[0]].assign(col_name="data_status")])
    problems = validate_ees(*write_pair(tmp_path, data, meta.reset_index(drop=True)))
    assert problems == [
        "metrics.meta.csv: filter 'data_status' has fewer than two levels in metrics.csv; "
        "remove its metadata row (the column may stay in the data)"
    ]


def test_a_repeated_column_and_a_misnamed_metadata_file_are_named(tmp_path) -> None:
    data_csv = tmp_path / "metrics.csv"
    text = good_data().to_csv(index=False).splitlines()
    text = [line + ("," + line.split(",")[-1]) for line in text]  # share twice
    data_csv.write_text("\n".join(text) + "\n", encoding="utf-8")
    meta_csv = tmp_path / "metrics_meta.csv"
    good_meta().to_csv(meta_csv, index=False)
    problems = validate_ees(data_csv, meta_csv)
    assert "metrics.csv: column name(s) ['share'] appear more than once" in problems
    assert "metrics_meta.csv: a metadata file is named after its data file: metrics.meta.csv" in (
        problems
    )


def test_reporting_years_and_months_take_four_digits(tmp_path) -> None:
    data = good_data().assign(time_identifier="Reporting year", time_period="2025")
    assert validate_ees(*write_pair(tmp_path, data, good_meta())) == []
    data = good_data().assign(time_identifier=["April", "May", "March"], time_period="2024")
    assert validate_ees(*write_pair(tmp_path, data, good_meta())) == []
    data.loc[2, "time_period"] = "202425"
    problems = validate_ees(*write_pair(tmp_path, data, good_meta()))
    assert problems == [
        "metrics.csv: time_period ['202425'] on line(s) 4 does not fit its months identifier: "
        "write 4 digits, like 2024"
    ]
