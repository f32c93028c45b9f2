"""The published tables in the EES open data shape (oversight.opendata): rule ``open_data``
called as a function on published tables made for each entry of config/open_data.yaml, and
the reshaping rules one by one (periods, places, breakdowns, numbers, symbols)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oversight.config import load_yaml
from oversight.errors import ConfigError, DisclosureError
from oversight.opendata import run_open_data, validate_ees
from oversight.opendata.periods import check_study_year, study_period
from oversight.opendata.reshape import check_covered, indicator_column, split_breakdown
from oversight.opendata.run.open_data import check_hidden
from oversight.opendata.spec import file_names, load_spec
from tests.conftest import ROOT

CONFIG = ROOT / "config/open_data.yaml"
CATALOGUE = ROOT / "config/tables.yaml"
AUTHORITIES = sorted((ROOT / "config/authorities").glob("*.yaml"))
REFERENCE = ROOT / "data/raw/published/seslip_las.csv"
REGION, MEDWAY, KENT = "E12000008", "E06000035", "E10000016"
IDS = {"year": "Financial year", "quarters": "Financial year Q{quarter}"}
# Period cells of each kind of time column, and the files they go to.
PERIODS = {"period": ["2024-25", "2024-25 Q1", "2024-04"], "reporting_year": ["2024", "2025"]}


def cell(column: str, entry: dict, i: int) -> str:
    """A published cell of ``column`` on row ``i`` of a table configured as ``entry``."""
    if column in entry["indicators"]:
        return ["93.0", "c", "", "0.632653", "", "1.4e-45"][i % 6]
    if column == entry.get("status"):
        return ["", "c", "c", "", "", ""][i % 6]
    split = entry["filters"].get(column, {})
    if split.get("split"):
        return ["all", "domain=assessment;grade=1", "domain=planning", "all"][i % 4]
    if "total" in split:
        return [split["total"], "case"][i % 2]
    return f"{column} {i % 2}"


def published_table(name: str, entry: dict) -> pd.DataFrame:
    """A table as results/tables/ holds it: two LAs and the network's row, every column the
    entry names, cells of every kind (whole numbers, decimals, c, blanks)."""
    time = entry["time"]
    labels = PERIODS.get(time["kind"], [""])
    if time.get("whole_year"):
        labels = ["2024-25 Q4"]
    columns = [*entry["filters"], *entry["indicators"], *entry.get("omit", {})]
    columns += [entry["status"]] if entry.get("status") else []
    rows = []
    places = [(la, p) for p in labels for la in (MEDWAY, KENT)] + [(REGION, p) for p in labels]
    for i, (la, label) in enumerate(places):
        row = {c: cell(c, entry, i) for c in columns}
        row["la_code"] = la
        if time["kind"] != "study_year":
            row[time["column"]] = label
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture
def written(tmp_path) -> tuple[dict, dict[str, pd.DataFrame], Path]:
    """Rule open_data run on a published table for every entry of config/open_data.yaml."""
    spec = load_yaml(CONFIG)
    sources = {name: published_table(name, entry) for name, entry in spec["tables"].items()}
    folder = tmp_path / "tables"
    folder.mkdir()
    for name, frame in sources.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    out = tmp_path / "open_data"
    run_open_data(
        tables=sorted(folder.glob("*.csv")),
        config=CONFIG,
        catalogue=CATALOGUE,
        authorities=AUTHORITIES,
        reference=REFERENCE,
        region_code=REGION,
        region_name="South East",
        period_start="2024-04-01",
        out_dir=out,
    )
    return spec, sources, out


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_every_configured_file_is_written_and_passes_the_ees_checks(written) -> None:
    spec, _, out = written
    names = file_names(spec["tables"])
    assert "oversight_metrics_quarters" in names and "kpis" in names
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.csv" for n in names] + [f"{n}.meta.csv" for n in names]
    )
    for name in names:
        assert validate_ees(out / f"{name}.csv", out / f"{name}.meta.csv") == [], name


def test_la_rows_carry_their_codes_region_and_country_and_network_rows_are_left_out(
    written,
) -> None:
    _, _, out = written
    data = read(out / "survey_responses.csv")
    assert set(data["geographic_level"]) == {"Local authority"}
    kent = data[data["new_la_code"] == KENT].iloc[0]
    assert (kent["old_la_code"], kent["la_name"]) == ("886", "Kent")
    assert (kent["region_code"], kent["region_name"]) == (REGION, "South East")
    assert (kent["country_code"], kent["country_name"]) == ("E92000001", "England")
    assert REGION not in set(data["new_la_code"])


def test_years_quarters_and_months_go_to_their_own_files(written) -> None:
    _, _, out = written
    times = {
        name: read(out / f"{name}.csv")[["time_period", "time_identifier"]].drop_duplicates()
        for name in ("oversight_metrics", "oversight_metrics_quarters", "oversight_metrics_months")
    }
    assert times["oversight_metrics"].values.tolist() == [["202425", "Financial year"]]
    assert times["oversight_metrics_quarters"].values.tolist() == [["202425", "Financial year Q1"]]
    assert times["oversight_metrics_months"].values.tolist() == [["2024", "April"]]
    kpis = read(out / "kpis.csv")[["time_period", "time_identifier"]].drop_duplicates()
    assert kpis.values.tolist() == [["2024", "Reporting year"], ["2025", "Reporting year"]]
    change = read(out / "oversight_change.csv")
    assert change[["time_period", "time_identifier", "to"]].drop_duplicates().values.tolist() == [
        ["202425", "Financial year", "2024-25 Q4"]
    ]


def test_a_suppressed_cell_stays_suppressed_and_numbers_are_written_as_published(
    written,
) -> None:
    spec, sources, out = written
    source = sources["oversight_metrics"]
    la_rows = source[source["la_code"] != REGION].reset_index(drop=True)
    files = [read(out / f"oversight_metrics{s}.csv") for s in ("", "_quarters", "_months")]
    data = pd.concat(files, ignore_index=True)
    for col in spec["tables"]["oversight_metrics"]["indicators"]:
        hidden = la_rows[col] == "c"
        assert hidden.any() and (data.loc[hidden, col] == "c").all(), col
        # 93.0 is a whole number: 93; 0.632653 stays as published
        assert set(data.loc[la_rows[col] == "93.0", col]) == {"93"}
        assert set(data.loc[la_rows[col] == "0.632653", col]) == {"0.632653"}
    # a blank cell of a row whose status is c is c; other blanks are the table's symbol (z)
    blank = la_rows["value"] == ""
    assert set(data.loc[blank & (la_rows["status"] == "c"), "value"]) == {"c"}
    assert set(data.loc[blank & (la_rows["status"] == ""), "value"]) == {"z"}


def test_breakdowns_become_filter_columns_with_total(written) -> None:
    _, _, out = written
    data = read(out / "oversight_metrics.csv")
    assert data[["domain", "grade", "legal_status"]].values.tolist() == [
        ["Total", "Total", "Total"],
        ["assessment", "1", "Total"],
    ]
    meta = read(out / "oversight_metrics.meta.csv").set_index("col_name")
    assert meta.loc["grade", "col_type"] == "Filter" and meta.loc["grade", "label"] == "Audit grade"
    assert meta.loc["value", "indicator_dp"] == "3" and "breakdown" not in meta.index
    patterns = read(out / "hypothesis_patterns.csv")
    assert set(patterns["session_type"]) == {"Total", "case"}  # "all" is the Total


def test_the_metadata_lists_each_filter_and_indicator_in_file_order(written) -> None:
    spec, _, out = written
    meta = read(out / "kpis.meta.csv")
    entry = spec["tables"]["kpis"]
    assert meta["col_name"].tolist() == [*entry["filters"], *entry["indicators"]]
    assert meta["col_type"].tolist() == ["Filter"] + ["Indicator"] * len(entry["indicators"])
    data = read(out / "kpis.csv")
    assert "numerator" in data and "denominator" in data and "la_name" in data
    assert "funnel_flag" not in data and "status" not in data


def test_split_breakdown_names_a_key_the_configuration_lacks() -> None:
    cells = pd.Series(["all", "domain=assessment;grade=1", "team=x"])
    with pytest.raises(ConfigError, match=r"line 4: breakdown 'team=x' has key\(s\) \['team'\]"):
        split_breakdown(cells, {"domain": "Domain", "grade": "Grade"}, "oversight_metrics")
    out = split_breakdown(cells[:2], {"domain": "Domain", "grade": "Grade"}, "t")
    assert out.values.tolist() == [["Total", "Total"], ["assessment", "1"]]


def test_blank_cells_take_the_row_status_or_the_blank_symbol() -> None:
    cells = pd.Series(["", "", "7.0", "1.4e-45", "c", "-2.000"])
    status = pd.Series(["u", "", "", "", "c", ""])
    got = indicator_column(cells, status, "x").tolist()
    assert got == ["u", "x", "7", "1.4e-45", "c", "-2"]


def test_check_hidden_stops_a_file_that_shows_a_hidden_cell() -> None:
    source = pd.DataFrame({"la_code": [MEDWAY, KENT], "value": ["c", "0.5"]})
    check_hidden(source, {"t": pd.DataFrame({"value": ["c", "0.5"]})}, "t")
    with pytest.raises(DisclosureError, match=r"column 'value' shows 1 cell\(s\) that"):
        check_hidden(source, {"t": pd.DataFrame({"value": ["0.25", "0.5"]})}, "t")


@pytest.mark.parametrize(
    "label,expected",
    [
        ("2024-25", ("202425", "Financial year", "year")),
        ("2024-25 Q3", ("202425", "Financial year Q3", "quarters")),
        ("2025-03", ("2025", "March", "months")),
        ("2010-11", ("2010", "November", "months")),  # not the study year: a month
    ],
)
def test_study_periods_as_ees_time(label: str, expected: tuple) -> None:
    assert study_period(label, IDS, False, "2024-25") == expected


def test_the_study_year_label_itself_is_a_year_and_a_quarter_can_stand_for_its_year() -> None:
    assert study_period("2010-11", IDS, False, "2010-11") == ("201011", "Financial year", "year")
    assert study_period("2024-25 Q4", IDS, True, "2024-25")[:2] == ("202425", "Financial year")


def test_a_study_year_identifier_must_fit_the_study_start() -> None:
    check_study_year(IDS, "2024-04-01")
    with pytest.raises(ConfigError, match=r"'Financial year' starts in month 4, but the study"):
        check_study_year(IDS, "2024-09-01")


def test_every_published_table_is_written_or_excluded_with_a_reason(tmp_path) -> None:
    published = load_yaml(CATALOGUE)["tables"]
    spec = load_spec(CONFIG, published)
    assert set(spec["tables"]) | set(spec["excluded"]) == set(published)
    with pytest.raises(ConfigError, match=r"neither written nor excluded \(say why\): \['new'\]"):
        load_spec(CONFIG, [*published, "new"])


def test_a_column_the_configuration_does_not_name_is_an_error() -> None:
    entry = load_yaml(CONFIG)["tables"]["survey_responses"]
    frame = published_table("survey_responses", entry)
    check_covered(frame, entry, "survey_responses")
    with pytest.raises(ConfigError, match=r"tables.survey_responses: .* \['late_column'\]"):
        check_covered(frame.assign(late_column="1"), entry, "survey_responses")
    with pytest.raises(ConfigError, match=r"lacks column\(s\) \['eligible'\]"):
        check_covered(frame.drop(columns=["eligible"]), entry, "survey_responses")


def test_a_study_of_fewer_las_places_the_reference_file_s_others_from_it() -> None:
    # The published kpis table holds every LA of the reference file; a study reading the
    # extracts of two of them still places the other 17 (codes and names from the file).
    from oversight import artefacts
    from oversight.config import load_authority
    from oversight.opendata.places import la_places

    path = ROOT / "data/raw/published/seslip_las.csv"
    reference = artefacts.read_reference(path)
    study = {s: load_authority(ROOT / f"config/authorities/{s}.yaml") for s in ("kent", "slough")}
    places = la_places(study, reference, path, REGION)
    assert len(places) == 19
    assert places["E10000016"] == {
        "new_la_code": "E10000016",
        "old_la_code": "886",
        "la_name": "Kent",
    }
    assert places["E06000035"] == {
        "new_la_code": "E06000035",
        "old_la_code": "887",
        "la_name": "Medway",
    }
    # An LA of another region in the reference file is not placed.
    moved = reference.copy()
    moved.loc[moved["la_name"] == "Medway", "region"] = "North East (E12000001)"
    assert "E06000035" not in la_places(study, moved, path, REGION)
