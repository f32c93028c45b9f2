"""A DfE release whose columns were renamed: onboarded in one run, then compared with the
current release through the configured aliases.

The earlier edition is written from the shipped CSWW file (data/raw/published/dfe/
csww_indicators_2017_to_2025.csv): its 2017-2024 rows, five headers renamed, the
``absence_rate_fte`` column not yet published, and three values as a provisional edition could
have held them. Every new value asserted is the shipped file's own.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from oversight import cli
from oversight.config import config_ref, load_yaml
from oversight.errors import ExtractError
from oversight.ingest import suggest
from oversight.ingest.matching import assign, similarity
from oversight.published import run_release_diff
from oversight.published.releases import read_release
from tests.conftest import ROOT

RAW = ROOT / "data/raw"
CONFIG = ROOT / "config/published.yaml"
PUB = load_yaml(CONFIG)
CSWW = RAW / PUB["releases"]["csww"]["path"]
# Current header -> the earlier edition's header.
RENAMES = {
    "inpost_fte": "fte_social_workers_in_post",
    "vacancy_fte": "vacancies_fte",
    "turnover_rate_fte": "fte_turnover_rate",
    "agency_rate_fte": "fte_agency_rate",
    "caseload_fte": "average_caseload_fte",
}
# (LA, current header, the earlier edition's value); 2024 rows.
REVISED = [
    ("Milton Keynes", "inpost_fte", "170.4"),
    ("Slough", "caseload_fte", "15.9"),
    ("Kent", "vacancy_fte", "140"),
]


def _earlier_edition(folder: Path) -> Path:
    """The 2017-2024 edition of the CSWW release under its older headers."""
    table = pd.read_csv(CSWW, dtype=str, keep_default_na=False)
    old = table[table["time_period"] != "2025"].drop(columns="absence_rate_fte")
    for la, column, value in REVISED:
        old.loc[(old["la_name"] == la) & (old["time_period"] == "2024"), column] = value
    # Written with a trailing zero: the same number, not a revision.
    wok = (old["la_name"] == "Wokingham") & (old["time_period"] == "2024")
    assert old.loc[wok, "turnover_rate_fte"].tolist() == ["12"]
    old.loc[wok, "turnover_rate_fte"] = "12.0"
    path = folder / "csww_indicators_2017_to_2024.csv"
    old.rename(columns=RENAMES).to_csv(path, index=False)
    return path


def _ref(keys):
    return config_ref(CONFIG, ["releases", *keys])


def test_words_and_numbers_decide_which_header_is_closest() -> None:
    assert similarity("inpost_fte", "fte_social_workers_in_post") == 66.7
    assert similarity("inpost_fte", "working_days_lost_fte") == 33.3
    assert similarity("agency_rate_fte", "fte_agency_rate") == 100.0
    assert similarity("agency_rate_fte", "agency_fte") == 80.0
    # A tie that words cannot break: the hint names the first, the reader must check it.
    assert similarity("agency_rate_fte", "agency_cover_rate_fte") == 85.7
    assert similarity("vacancy_fte", "vacancies_fte") == 100.0
    # Headers naming different numbers are never alike (D5's duration bands).
    assert similarity("2_years_or_more", "1_year_less_than_2_years") == 0.0
    d5 = ["CPP_At31", "1_year_less_than_2_years", "2_years_plus", "2_years_plus_percent"]
    hits = assign({"cpp_2yrs_plus": ["2_years_or_more"]}, dict(enumerate(d5)))
    assert hits == {"cpp_2yrs_plus": (2, 57.1, "2_years_or_more")}


def test_a_renamed_release_names_every_missing_column_and_its_header_in_one_run(
    tmp_path: Path,
) -> None:
    old = _earlier_edition(tmp_path)
    spec = copy.deepcopy(PUB["releases"]["csww"])
    with pytest.raises(ExtractError) as info:
        read_release(old, "csww", spec, _ref)
    err = info.value
    assert err.problem == (
        "missing required columns for 5 fields: 'inpost_fte', 'vacancy_fte', "
        "'turnover_rate_fte', 'agency_rate_fte', 'caseload_fte'"
    )
    hints = dict(h.split(": ", 1) for h in err.closest.split("; "))
    assert hints == {
        "'inpost_fte'": "column 11, 'fte_social_workers_in_post', 67% similar to 'inpost_fte'",
        "'vacancy_fte'": "column 25, 'vacancies_fte', 100% similar to 'vacancy_fte'",
        "'turnover_rate_fte'": "column 17, 'fte_turnover_rate', 100% similar to "
        "'turnover_rate_fte'",
        "'agency_rate_fte'": "column 21, 'fte_agency_rate', 100% similar to 'agency_rate_fte'",
        "'caseload_fte'": "column 30, 'average_caseload_fte', 80% similar to 'caseload_fte'",
    }
    assert "working_days_lost_fte" not in err.closest
    assert err.fix.count("releases.csww.columns.") == 5
    # The hints taken as aliases, the earlier edition reads: the same LAs and years.
    for field, header in RENAMES.items():
        spec["columns"][field] = [field, header]
    frame = read_release(old, "csww", spec, _ref)
    mk = frame[(frame.la_name == "Milton Keynes") & (frame.time_period == "2024")]
    assert mk["inpost_fte"].tolist() == ["170.4"]


def test_suggest_mapping_reads_a_dfe_release(tmp_path: Path, capsys) -> None:
    old = _earlier_edition(tmp_path)
    code = cli.main(["suggest-mapping", str(old), "--release", "csww", "--published", str(CONFIG)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[2:5] == ["releases:", "  csww:", "    columns:"]
    assert (
        "      inpost_fte: [inpost_fte, fte_social_workers_in_post]  # column 11 is 67% like "
        "'inpost_fte': check it"
    ) in out
    assert "      agency_fte: [agency_fte]  # found as 'agency_fte'" in out
    assert (
        "      agency_rate_fte: [agency_rate_fte, fte_agency_rate]  # column 21 is 100% "
        "like 'agency_rate_fte': check it"
    ) in out
    assert "      # not used: 'working_days_lost_fte'" in out


def test_a_tie_words_cannot_break_is_shown_not_settled(tmp_path: Path, capsys) -> None:
    """'Agency worker rate (FTE)' and the unchanged 'agency_cover_rate_fte' share the same
    three words with 'agency_rate_fte': the suggestion names both for the reviewer."""
    table = pd.read_csv(CSWW, dtype=str, keep_default_na=False)
    path = tmp_path / "csww_renamed.csv"
    table.rename(columns={"agency_rate_fte": "Agency worker rate (FTE)"}).to_csv(path, index=False)
    code = cli.main(["suggest-mapping", str(path), "--release", "csww", "--published", str(CONFIG)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    [line] = [o for o in out if o.startswith("      agency_rate_fte:")]
    assert line.endswith(
        "# column 24 is 86% like 'agency_rate_fte', as is column 21 'Agency worker rate (FTE)': "
        "check it"
    )
    # A hint without a rival names one column.
    assert not any(", as is column" in o for o in out if o is not line)


def test_release_diff_compares_renamed_columns_and_counts_the_revisions(tmp_path: Path) -> None:
    old = _earlier_edition(tmp_path)
    spec = copy.deepcopy(PUB["releases"]["csww"])
    header = list(pd.read_csv(old, nrows=0).columns)
    _, hints = suggest.release_suggestions(header, spec)
    for field, (pos, _, _) in hints.items():
        spec["columns"][field] = [spec["columns"][field], header[pos]]
    out, counts = tmp_path / "diff.csv", tmp_path / "counts.csv"
    run_release_diff(release=CSWW, previous=[old], spec=spec, out=out, out_counts=counts)
    diff = pd.read_csv(out, dtype=str, keep_default_na=False)

    renamed = diff[diff.change == "column renamed"]
    assert sorted(zip(renamed.column, renamed.old_value, renamed.new_value, strict=True)) == [
        ("agency_rate_fte", "fte_agency_rate", "agency_rate_fte"),
        ("caseload_fte", "average_caseload_fte", "caseload_fte"),
        ("inpost_fte", "fte_social_workers_in_post", "inpost_fte"),
        ("turnover_rate_fte", "fte_turnover_rate", "turnover_rate_fte"),
        ("vacancy_fte", "vacancies_fte", "vacancy_fte"),
    ]
    assert diff[diff.change == "column added"].column.tolist() == ["absence_rate_fte"]
    assert "column removed" not in set(diff.change)
    shipped = pd.read_csv(CSWW, dtype=str)
    assert (diff.change == "row added").sum() == (shipped.time_period == "2025").sum()
    revised = diff[diff.change == "value revised"]
    found = [
        (k.split("|")[0], k.split("|")[-1], c, a, b)
        for k, c, a, b in zip(
            revised.key, revised.column, revised.old_value, revised.new_value, strict=True
        )
    ]
    assert sorted(found) == [
        ("2024", "Kent", "vacancy_fte", "140", "136.8"),
        ("2024", "Milton Keynes", "inpost_fte", "170.4", "173.1"),
        ("2024", "Slough", "caseload_fte", "15.9", "15.4"),
    ]
    table = pd.read_csv(counts, keep_default_na=False).set_index("column")
    rows = int((shipped.time_period != "2025").sum())
    assert table.loc["inpost_fte", ["old_header", "rows_compared", "revised"]].tolist() == [
        "fte_social_workers_in_post",
        rows,
        1,
    ]
    assert table.loc["turnover_rate_fte", "revised"] == 0  # 12.0 and 12 are one number
    assert table.loc["all", "revised"] == 3


def test_without_the_aliases_renamed_columns_are_removed_and_added(tmp_path: Path) -> None:
    old = _earlier_edition(tmp_path)
    spec = copy.deepcopy(PUB["releases"]["csww"])
    out = tmp_path / "diff.csv"
    run_release_diff(release=CSWW, previous=[old], spec=spec, out=out)
    diff = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert sorted(diff[diff.change == "column removed"].column) == sorted(RENAMES.values())
    assert "column renamed" not in set(diff.change)
    assert (diff.change == "value revised").sum() == 0


def test_an_alias_that_names_a_second_column_is_refused_with_both_headers(
    tmp_path: Path,
) -> None:
    old = _earlier_edition(tmp_path)
    spec = copy.deepcopy(PUB["releases"]["csww"])
    # The tie the word hints cannot break, taken without checking: two columns, one field.
    spec["columns"]["agency_rate_fte"] = ["agency_rate_fte", "agency_cover_rate_fte"]
    with pytest.raises(ExtractError) as info:
        run_release_diff(release=CSWW, previous=[old], spec=spec, out=tmp_path / "d.csv")
    err = info.value
    assert err.file == str(CSWW)
    assert err.problem == (
        "two columns name 'agency_rate_fte': 'agency_rate_fte' and 'agency_cover_rate_fte'"
    )
    assert err.found == "column 24 'agency_cover_rate_fte'"


def test_an_la_renamed_between_editions_is_the_same_la_by_its_code(tmp_path: Path) -> None:
    old = _earlier_edition(tmp_path)
    table = pd.read_csv(old, dtype=str, keep_default_na=False)
    # The shipped file's "Bristol, City of" (old code 801) under a shorter name.
    bristol = (table["old_la_code"] == "801") & (table["time_period"] == "2024")
    assert table.loc[bristol, "la_name"].tolist() == ["Bristol, City of"]
    table.loc[bristol, "la_name"] = "Bristol"
    table.to_csv(old, index=False)
    spec = copy.deepcopy(PUB["releases"]["csww"])
    for field, header in RENAMES.items():
        spec["columns"][field] = [field, header]
    run_release_diff(release=CSWW, previous=[old], spec=spec, out=tmp_path / "d.csv")
    diff = pd.read_csv(tmp_path / "d.csv", dtype=str, keep_default_na=False)
    relabelled = diff[diff.change == "key revised"]
    assert relabelled[["column", "old_value", "new_value"]].values.tolist() == [
        ["la_name", "Bristol", "Bristol, City of"]
    ]
    assert relabelled.key.iloc[0].startswith("2024|Local authority|")
    assert "row removed" not in set(diff.change)
    assert (diff.change == "value revised").sum() == 3
