"""The inspections rule on the real workflow with reports it cannot read in the folder: the
job finishes, the readable reports are read, and the set-aside list (published as
TAB-OFSTED-SET-ASIDE) names what was wrong without a word of the unreadable files; the log
keeps the detail for whoever fixes them. No LA extract is needed: the rule reads only the
published reports and the reference table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import BIN, make_workdir, run

pytestmark = pytest.mark.e2e
OFSTED = "data/raw/published/ofsted"
SUFFIX = "__childrens_services_inspection_-_"
VISIT = f"80476_kent{SUFFIX}21_february_2024.txt"
NAMED_NOTE = f"80553_slough{SUFFIX}01_june_2021.txt"
UNNAMED_NOTE = "jane_doe_case_note.txt"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    work = make_workdir(tmp_path_factory.mktemp("set_aside") / "work")
    folder = work / OFSTED
    (folder / VISIT).write_text(
        "Focused visit to Kent children's services\n\nInspection dates: 20 and 21 February 2024\n",
        encoding="utf-8",
    )
    note = (
        "Inspection of Slough children's services\n\n"
        "Inspection dates: Jane Doe seen at 12 Acacia Avenue\n"
    )
    (folder / NAMED_NOTE).write_text(note, encoding="utf-8")
    (folder / UNNAMED_NOTE).write_text(note, encoding="utf-8")
    target = "data/interim/tables/ofsted_set_aside.csv"
    run([str(BIN / "snakemake"), "--cores", "1", target], work)
    return work


def test_the_rule_finishes_and_reads_every_readable_report(work: Path) -> None:
    sections = pd.read_parquet(work / "data/interim/published/inspections.parquet")
    shipped = len(list((Path(__file__).parents[2] / OFSTED).glob("*.txt")))
    assert sections["source_file"].nunique() == shipped == 35


def test_the_set_aside_list_says_what_was_wrong_and_nothing_of_the_files(work: Path) -> None:
    listed = pd.read_csv(work / "data/interim/tables/ofsted_set_aside.csv", dtype=str)
    # In file-name order, as the rule reads them.
    assert listed.to_dict("records") == [
        {
            "source_file": VISIT,
            "problem": "a focused visit, not a graded inspection (visits have no judgements; "
            "only full and short ILACS inspections and SIF reports are read)",
        },
        {
            "source_file": NAMED_NOTE,
            "problem": "inspection dates not understood: “…” (expected e.g. '28 October to 8 "
            "November 2024' or '9 to 13 May and 23 to 27 May 2022')",
        },
        {
            "source_file": "(a file not named as an Ofsted report; its name is in the "
            "inspections log)",
            "problem": "file name does not look like "
            "'<urn>_<la>__childrens_services_inspection_-_<dd>_<month>_<yyyy>.txt'",
        },
    ]
    text = (work / "data/interim/tables/ofsted_set_aside.csv").read_text(encoding="utf-8")
    for words in ("Jane", "Doe", "Acacia", "jane_doe"):
        assert words not in text


def test_the_log_keeps_the_detail(work: Path) -> None:
    log = (work / "logs/published/inspections.log").read_text(encoding="utf-8")
    assert f"{UNNAMED_NOTE}: set aside, not parsed" in log
    assert "“Jane Doe seen at 12 Acacia Avenue”" in log
    assert "3 of 38 inspection report(s) set aside" in log
