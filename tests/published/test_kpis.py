"""Published DfE statistics: the real files, checked against what they publish."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oversight.config import config_ref, load_yaml
from oversight.errors import ExtractError
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.published.diff import release_diff
from oversight.published.neighbours import neighbour_map
from oversight.published.releases import (
    SYMBOLS,
    indicator_rows,
    kpis,
    numbers,
    read_release,
)
from tests.conftest import ROOT

RAW = ROOT / "data/raw"
CONFIG = ROOT / "config/published.yaml"
PUB = load_yaml(CONFIG)
REFERENCE = pd.read_csv(RAW / "published/seslip_las.csv", dtype=str)


def _ref(keys):
    return config_ref(CONFIG, ["releases", *keys])


def _release(name: str, spec: dict | None = None, path: Path | None = None) -> pd.DataFrame:
    spec = spec or PUB["releases"][name]
    return read_release(path or RAW / spec["path"], name, spec, _ref)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frames = {n: _release(n) for n in PUB["releases"]}
    rows = pd.concat(
        [indicator_rows(frames[s["release"]], n, s, "f") for n, s in PUB["indicators"].items()],
        ignore_index=True,
    )
    sn = pd.read_csv(RAW / PUB["neighbours"]["path"], dtype=str, encoding="utf-8-sig")
    kinds = {n: s["kind"] for n, s in PUB["indicators"].items()}
    return kpis(rows, REFERENCE, neighbour_map(sn, 10), "E12000008", kinds)


def test_milton_keynes_s47_to_icpc_2024(table) -> None:
    row = table[
        (table.la_name == "Milton Keynes")
        & (table.period == "2024")
        & (table.indicator == "s47_icpc_conversion")
    ].iloc[0]
    assert (row.numerator, row.denominator) == (335, 1214)
    assert round(100 * row.value, 1) == 27.6
    assert row.lower95 < row.value < row.upper95


def test_all_19_las_every_indicator(table) -> None:
    assert table.la_code.nunique() == 19
    latest = table[table.period == "2025"]
    assert latest.groupby("indicator").la_code.nunique().eq(19).all()
    assert set(latest.indicator) == set(PUB["indicators"])


def test_no_suppressed_cell_holds_a_number(table) -> None:
    suppressed = table[table.status != ""]
    assert len(suppressed) > 50  # the real files do suppress, so this checks something
    assert set(suppressed.status) <= SYMBOLS
    assert suppressed[["numerator", "denominator", "value"]].isna().all().all()


def test_england_region_and_neighbours(table) -> None:
    row = table[
        (table.la_name == "Kent")
        & (table.period == "2025")
        & (table.indicator == "rereferral_rate")
    ].iloc[0]
    assert row.england == pytest.approx(142900 / 632830, abs=1e-6)  # national row, 2025
    assert row.neighbours_n == 10 and 0.1 < row.neighbours < 0.4
    assert row.funnel_flag in {"low_998", "low_95", "within", "high_95", "high_998"}


# ------------------------------------------------------------------ publication check
PERCENTS = {  # release file -> (published column, numerator columns, denominator columns)
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv": [
        ("rereferral_percent", ["rereferral_count"], ["referral_count"]),
        ("no_further_action_percent", ["no_further_action_count"], ["referral_count"]),
        ("not_in_need_percent", ["not_in_need_count"], ["referral_count"]),
        ("rereferral_child_percent", ["rereferral_child_count"], ["referral_child_count"]),
    ],
    "d5_cpps_at31march_by_duration_2013_to_2025.csv": [
        (f"{c}_percent", [c], ["CPP_At31"])
        for c in (
            "3_months_or_less",
            "more_than_3_months_6_months",
            "more_than_6_months_less_than_1_year",
            "1_year_less_than_2_years",
            "2_years_or_more",
        )
    ],
    "csww_indicators_2017_to_2025.csv": [
        ("turnover_rate_fte", ["leavers_fte"], ["inpost_fte"]),
        ("turnover_rate_headcount", ["leavers_headcount"], ["inpost_headcount"]),
        ("agency_rate_fte", ["agency_fte"], ["agency_fte", "inpost_fte"]),
        ("agency_rate_headcount", ["agency_headcount"], ["agency_headcount", "inpost_headcount"]),
        ("vacancy_rate_fte", ["vacancy_fte"], ["vacancy_fte", "inpost_fte"]),
    ],
}


def _raw(name: str) -> pd.DataFrame:
    path = RAW / "published/dfe" / name
    table = read_table(path, {"format": "csv", "encoding": "utf-8"}, name, set(), norm_label)
    frame = table.rows.copy()
    frame.columns = table.header
    frame["source_row"] = frame.index
    return frame.reset_index(drop=True)


def _bounds(values: pd.DataFrame, cols: list[str], half_unit: pd.Series) -> tuple:
    total = values[cols].sum(axis=1)
    return total - half_unit * len(cols), total + half_unit * len(cols)


@pytest.mark.parametrize("name", sorted(PERCENTS))
def test_every_published_percentage_recomputes_from_its_counts(name: str) -> None:
    """Every unsuppressed LA-year: 100 * numerator / denominator agrees with the published
    figure to its rounding (one decimal). Where the counts are themselves published rounded
    (FTEs to one decimal), the recomputed value is an interval and must meet the published
    one's interval."""
    frame = _raw(name)
    la = frame[frame["geographic_level"] == "Local authority"]
    checked = 0
    for published, num_cols, den_cols in PERCENTS[name]:
        values, _ = numbers(la, [published, *num_cols, *den_cols], name)
        ok = values.notna().all(axis=1)
        v = values[ok]
        # FTEs are published to one decimal (so 148.0 may be 147.96); counts are exact.
        rounded = any(c.endswith("_fte") for c in [*num_cols, *den_cols])
        half = pd.Series(0.05 if rounded else 0.0, index=v.index)
        n_lo, n_hi = _bounds(v, num_cols, half)
        d_lo, d_hi = _bounds(v, den_cols, half)
        lo = 100 * n_lo / np.maximum(d_hi, n_lo)  # numerator can never exceed denominator
        hi = 100 * n_hi / np.maximum(d_lo, 1e-12)
        pub = v[published]
        agree = (lo <= pub + 0.05 + 1e-9) & (pub - 0.05 - 1e-9 <= hi)
        bad = v[~agree]
        assert bad.empty, (published, bad.head().to_dict("records"))
        checked += len(v)
    assert checked > 5000


def test_caseload_recomputes(table) -> None:
    """caseload_fte = cases / case-holding FTE, the FTE published to one decimal."""
    frame = _raw("csww_indicators_2017_to_2025.csv")
    la = frame[frame["geographic_level"] == "Local authority"]
    values, _ = numbers(la, ["caseload_fte", "cases", "case_holders_fte"], "csww")
    v = values.dropna()
    lo = v.cases / (v.case_holders_fte + 0.05)
    hi = v.cases / (v.case_holders_fte - 0.05)
    assert ((lo <= v.caseload_fte + 0.05 + 1e-9) & (v.caseload_fte - 0.05 - 1e-9 <= hi)).all()
    assert len(v) > 1000


# ------------------------------------------------------------------ renamed releases
def test_renamed_release_loads_with_a_yaml_change_alone(tmp_path: Path) -> None:
    """An older c1 release called the measures Referrals, Re_referrals, Re_referrals_percent."""
    spec = PUB["releases"]["c1"]
    original = (RAW / spec["path"]).read_text(encoding="utf-8")
    header, rest = original.split("\n", 1)
    header = (
        header.replace("rereferral_count", "Re_referrals")
        .replace("referral_count", "Referrals")
        .replace("rereferral_percent", "Re_referrals_percent")
    )
    old = tmp_path / "c1_old_release.csv"
    old.write_text(header + "\n" + rest, encoding="utf-8")

    without_aliases = copy.deepcopy(spec)
    for field, names in (
        ("referrals", "referral_count"),
        ("rereferrals", "rereferral_count"),
        ("rereferral_percent", "rereferral_percent"),
    ):
        without_aliases["columns"][field] = names
    with pytest.raises(ExtractError) as err:
        _release("c1", without_aliases, old)
    assert "missing required column" in str(err.value)
    assert "Referrals" in str(err.value)

    renamed = _release("c1", spec, old)  # the committed YAML lists the older names too
    current = _release("c1")
    ind = PUB["indicators"]["rereferral_rate"]
    a = indicator_rows(renamed, "rereferral_rate", ind, "old")
    b = indicator_rows(current, "rereferral_rate", ind, "new")
    pd.testing.assert_series_equal(a["value"], b["value"])
    assert a["value"].notna().sum() > 1500


# ------------------------------------------------------------------ release diff
def test_release_diff_reports_fields_las_and_revisions() -> None:
    new = _raw("c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv").drop(
        columns="source_row"
    )
    old = new.copy()
    old = old.drop(columns="ICPC_child")  # the newer release added a field
    mk = (old["la_name"] == "Milton Keynes") & (old["time_period"] == "2024")
    old.loc[mk, "ICPC"] = "330"  # the newer release revised a value
    old = old[~((old["la_name"] == "Slough") & (old["time_period"] == "2025"))]  # LA added
    keys = [
        "time_period",
        "geographic_level",
        "region_code",
        "old_la_code",
        "new_la_code",
        "la_name",
    ]
    diff = release_diff(old, new, keys)
    assert set(diff.change) == {"column added", "row added", "value revised"}
    assert diff[diff.change == "column added"].column.tolist() == ["ICPC_child"]
    added = diff[diff.change == "row added"]
    assert len(added) == 1 and "Slough" in added.key.iloc[0]
    revised = diff[diff.change == "value revised"].iloc[0]
    assert (revised.column, revised.old_value, revised.new_value) == ("ICPC", "330", "335")
    assert release_diff(new, new, keys).empty


def test_release_diff_lists_a_repeated_row_instead_of_dropping_it() -> None:
    """A release with a breakdown the key columns do not hold (two rows for Milton Keynes
    2024): the second is listed as not compared, in either release, never dropped unseen."""
    new = _raw("c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv").drop(
        columns="source_row"
    )
    keys = [
        "time_period",
        "geographic_level",
        "region_code",
        "old_la_code",
        "new_la_code",
        "la_name",
    ]
    mk = new[(new["la_name"] == "Milton Keynes") & (new["time_period"] == "2024")]
    repeated = pd.concat([new, mk.assign(ICPC="1")], ignore_index=True)
    diff = release_diff(new, repeated, keys)
    assert diff.change.tolist() == ["row repeated in the new release, not compared"]
    assert diff.key.iloc[0] == "2024|Local authority|E12000008|826|E06000042|Milton Keynes"
    back = release_diff(repeated, new, keys)
    assert back.change.tolist() == ["row repeated in the old release, not compared"]
