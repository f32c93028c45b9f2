"""The published stage's rules, each called as one function without Snakemake
(``oversight.published.run``), writing into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.config import load_yaml
from oversight.published import run_inspections, run_kpis, run_release_diff
from tests.conftest import ROOT

RAW = ROOT / "data/raw"
CONFIG = ROOT / "config/published.yaml"
REFERENCE = RAW / "published/seslip_las.csv"
OFSTED = RAW / "published/ofsted"
MK_2021, MK_2024, WOKINGHAM_2019 = (
    OFSTED / f"{name}__childrens_services_inspection_-_{date}.txt"
    for name, date in (
        ("80524_milton_keynes", "17_december_2021"),
        ("80524_milton_keynes", "17_december_2024"),
        ("80582_wokingham", "15_july_2019"),
    )
)
GD, OS, RI = "Good", "Outstanding", "Requires improvement to be good"
SPEC = {"path": "published/dfe/test.csv", "format": "csv", "encoding": "utf-8"}


def test_run_kpis_reads_every_release_into_the_dataset_and_the_indicator_table(
    tmp_path: Path,
) -> None:
    pub = load_yaml(CONFIG)
    run_kpis(
        releases=[RAW / spec["path"] for spec in pub["releases"].values()],
        neighbours=RAW / pub["neighbours"]["path"],
        reference=REFERENCE,
        config=CONFIG,
        region_code="E12000008",
        comparator="england",
        out_dataset=tmp_path / "kpis.parquet",
        out_table=tmp_path / "kpis.csv",
    )
    rows = pd.read_parquet(tmp_path / "kpis.parquet")
    assert set(rows["indicator"]) == set(pub["indicators"])
    table = pd.read_csv(tmp_path / "kpis.csv", dtype={"period": str})
    assert table["la_code"].nunique() == 19
    mk = table[
        (table.la_name == "Milton Keynes")
        & (table.period == "2024")
        & (table.indicator == "s47_icpc_conversion")
    ].iloc[0]
    assert (mk.numerator, mk.denominator) == (335, 1214)
    assert round(100 * mk.value, 1) == 27.6
    assert set(table["funnel_comparator"].dropna()) == {"england"}


def test_run_release_diff_lists_columns_rows_and_values_that_changed(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text(
        "time_period,la_name,referrals\n2024,Kent,10\n2024,Slough,5\n"
    )
    (tmp_path / "new.csv").write_text(
        "time_period,la_name,referrals,rate\n2024,Kent,12,1\n2025,Kent,9,1\n"
    )
    run_release_diff(
        release=tmp_path / "new.csv",
        previous=[tmp_path / "old.csv"],
        spec=SPEC,
        out=tmp_path / "diff.csv",
    )
    diff = pd.read_csv(tmp_path / "diff.csv", dtype=str, keep_default_na=False)
    assert diff.values.tolist() == [
        ["column added", "", "rate", "", ""],
        ["row added", "2025|Kent", "", "", ""],
        ["row removed", "2024|Slough", "", "", ""],
        ["value revised", "2024|Kent", "referrals", "10", "12"],
    ]


def test_run_release_diff_of_a_first_release_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "new.csv").write_text("time_period,la_name,referrals\n2024,Kent,12\n")
    run_release_diff(release=tmp_path / "new.csv", previous=[], spec=SPEC, out=tmp_path / "d.csv")
    assert (tmp_path / "d.csv").read_text() == "change,key,column,old_value,new_value\n"


def test_run_inspections_writes_the_sections_latest_judgements_and_improvements(
    tmp_path: Path,
) -> None:
    run_inspections(
        reports=[MK_2021, MK_2024, WOKINGHAM_2019],
        reference=REFERENCE,
        out_dataset=tmp_path / "inspections.parquet",
        out_latest=tmp_path / "latest.csv",
        out_improve=tmp_path / "improve.csv",
        out_set_aside=tmp_path / "set_aside.csv",
    )
    sections = pd.read_parquet(tmp_path / "inspections.parquet")
    assert sections.groupby("source_file").size().tolist() == [5, 6, 5]
    latest = pd.read_csv(tmp_path / "latest.csv", dtype=str).set_index("la_name")
    assert latest.loc["Milton Keynes", "published"] == "2024-12-17"
    judgements = ["overall", "leaders", "help_protection", "children_in_care", "care_leavers"]
    assert latest.loc["Milton Keynes", judgements].tolist() == [GD, GD, GD, GD, OS]
    assert latest.loc["Wokingham", judgements].tolist() == [RI] * 5
    assert latest.loc["Wokingham", "combined_cla_care_leavers"] == "True"
    improve = pd.read_csv(tmp_path / "improve.csv", dtype=str)
    assert improve.groupby(["la_code", "published"]).size().tolist() == [5, 8, 3]
    assert improve["text"].iloc[0] == (
        "The stability of the workforce in the disabled children’s team and the three "
        "long-term teams."
    )
    assert (tmp_path / "set_aside.csv").read_text() == "source_file,problem\n"


def test_run_inspections_sets_an_unparseable_report_aside_and_finishes(tmp_path: Path) -> None:
    """Milton Keynes 2024 with its "Judgement Grade" table cut: that report is listed as set
    aside (file and what was missing); Milton Keynes 2021 and Wokingham 2019 are read."""
    text = MK_2024.read_text(encoding="utf-8")
    broken = tmp_path / MK_2024.name
    broken.write_text(text.replace("Judgement Grade", "Judgements"), encoding="utf-8")
    run_inspections(
        reports=[MK_2021, broken, WOKINGHAM_2019],
        reference=REFERENCE,
        out_dataset=tmp_path / "inspections.parquet",
        out_latest=tmp_path / "latest.csv",
        out_improve=tmp_path / "improve.csv",
        out_set_aside=tmp_path / "set_aside.csv",
    )
    set_aside = pd.read_csv(tmp_path / "set_aside.csv", dtype=str)
    assert set_aside["source_file"].tolist() == [MK_2024.name]
    assert set_aside["problem"].iloc[0].startswith("no judgement grades block found")
    sections = pd.read_parquet(tmp_path / "inspections.parquet")
    assert sorted(sections["source_file"].unique()) == [MK_2021.name, WOKINGHAM_2019.name]
    latest = pd.read_csv(tmp_path / "latest.csv", dtype=str).set_index("la_name")
    assert latest.loc["Milton Keynes", "published"] == "2021-12-17"
    improve = pd.read_csv(tmp_path / "improve.csv", dtype=str)
    assert improve.groupby(["la_code", "published"]).size().tolist() == [5, 8]
