"""Share of Ofsted reports whose improvement section raises oversight, by grade."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oversight.coding.inspectors import oversight_by_grade, oversight_mentions, oversight_quotes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def inspections():
    rows = [
        ("E1", "2023-01-01", "Good", "summary", "Children are safe.", "a.txt"),
        (
            "E1",
            "2023-01-01",
            "Good",
            "what_needs_to_improve",
            "◼ The quality and consistency of management oversight.\n◼ Care leavers' housing.",
            "a.txt",
        ),
        (
            "E2",
            "2022-05-01",
            "Good",
            "what_needs_to_improve",
            "◼ The timeliness of assessments.",
            "b.txt",
        ),
        (
            "E3",
            "2019-06-01",
            "Inadequate",
            "what_needs_to_improve",
            "◼ The frequency of supervision, which Jane Smith said was weak.",
            "c.txt",
        ),
        ("E4", "2024-02-01", "Outstanding", "summary", "Excellent.", "d.txt"),
    ]
    df = pd.DataFrame(
        rows, columns=["la_code", "published", "overall", "section", "text", "source_file"]
    )
    df["published"] = pd.to_datetime(df["published"])
    return df


def test_share_by_grade_and_quotes(inspections):
    mentions = oversight_mentions(inspections, names=["Jane Smith"])
    assert mentions["raises_oversight"].tolist() == [True, False, True, False]
    assert mentions["has_section"].tolist() == [True, True, True, False]
    table = oversight_by_grade(mentions)
    assert table["overall"].tolist() == ["Good", "Inadequate"]
    assert table["share"].tolist() == [0.5, 1.0]
    quotes = oversight_quotes(mentions)
    assert quotes["quote"].tolist() == [
        "The quality and consistency of management oversight.",
        "The frequency of supervision, which [name] said was weak.",
    ]
