"""The report's appendix: an empty published table says so, and the set-aside list of
inspection reports prints under its own headers."""

from __future__ import annotations

import pandas as pd

from oversight.config import load_checked
from oversight.report.appendix import appendix_views

CATALOGUE = load_checked("config/tables.yaml", "tables.schema.yaml")


def _set_aside(files: list[str]) -> dict[str, pd.DataFrame]:
    frame = pd.DataFrame({"source_file": files, "problem": ["no overall judgement"] * len(files)})
    return {"ofsted_set_aside": frame}


def test_an_empty_set_aside_list_says_it_has_no_rows() -> None:
    [shown] = appendix_views(_set_aside([]), CATALOGUE, "2024-25", {}, "E12000008")
    assert shown.id == "TAB-OFSTED-SET-ASIDE"
    assert shown.columns == ["Report file", "What the parser could not find"]
    assert shown.rows == []
    assert shown.note == "No rows in this run."


def test_a_set_aside_report_is_listed_with_what_was_missing() -> None:
    [shown] = appendix_views(_set_aside(["x.txt"]), CATALOGUE, "2024-25", {}, "E12000008")
    assert shown.rows == [["x.txt", "no overall judgement"]]
    assert shown.note == ""
