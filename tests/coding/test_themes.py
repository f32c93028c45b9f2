"""Focus groups by theme: groups (sessions) and LAs per codebook theme, and their quotes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.coding import load_codebook
from oversight.coding.themes import theme_summary
from oversight.report.findings import Context
from oversight.report.findings_focus import focus_overview, theme_finding, theme_quotes

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = load_codebook(ROOT / "config" / "codebook.yaml")


def _segments() -> pd.DataFrame:
    """Coded turns: LA E1 held sessions g1 and g2, LA E2 held g3; a survey answer is not a
    focus group. Partner attendance comes up in g1 (twice) and g3; subject access in g2."""
    rows = [
        ("transcript", "E1", "e1/g1.vtt", "partner_attendance"),
        ("transcript", "E1", "e1/g1.vtt", "partner_attendance"),
        ("transcript", "E1", "e1/g1.vtt", "part2_practitioner_reflection"),
        ("transcript", "E1", "e1/g2.vtt", "sar_data_protection"),
        ("transcript", "E2", "e2/g3.vtt", "partner_attendance"),
        ("transcript", "E2", "e2/g3.vtt", "part1_family_reflection"),
        ("survey", "E3", "e3/survey.csv", "sar_data_protection"),
    ]
    return pd.DataFrame(rows, columns=["source", "la_code", "source_file", "code"])


def _units() -> pd.DataFrame:
    """Every turn, coded or not: LA E3 also held a group (g4) where nothing was coded."""
    rows = [(s, la, f) for s, la, f, _ in _segments().itertuples(index=False)]
    rows.append(("transcript", "E3", "e3/g4.vtt"))
    return pd.DataFrame(rows, columns=["source", "la_code", "source_file"])


def test_groups_and_las_per_theme() -> None:
    table = theme_summary(_segments(), CODEBOOK, _units()).set_index("theme")
    assert table.loc["partnership", ["sessions", "las"]].tolist() == [2, 2]  # g1, g3; E1, E2
    assert table.loc["data_protection", ["sessions", "las"]].tolist() == [1, 1]  # g2 only
    assert table.loc["reflection", ["sessions", "las"]].tolist() == [2, 2]  # g1, g3
    assert table.loc["drift", ["sessions", "las"]].tolist() == [0, 0]
    # Totals count every group held (g4 had no coded turn), not only those with codes.
    assert table["sessions_total"].unique().tolist() == [4]
    assert table["las_total"].unique().tolist() == [3]
    assert table.loc["partnership", "codes"] == "partner_attendance"
    assert list(table.index) == [t.id for t in CODEBOOK.themes]


def test_totals_without_units_count_groups_with_a_code() -> None:
    table = theme_summary(_segments(), CODEBOOK)
    assert table["sessions_total"].unique().tolist() == [3]


def _tables() -> dict[str, pd.DataFrame]:
    themes = theme_summary(_segments(), CODEBOOK, _units()).astype(str)
    quotes = pd.DataFrame(
        [
            (
                "partner_attendance",
                "1",
                "Police rarely come to strategy meetings.",
                "transcript",
                "E1",
            ),
            ("partner_attendance", "2", "Health attend when asked.", "transcript", "E1"),
            ("partner_attendance", "3", "Schools send a report.", "transcript", "E2"),
            ("partner_attendance", "1", "Partners attend.", "ofsted", "E9"),
            ("sar_data_protection", "1", "A survey answer.", "survey", "E3"),
        ],
        columns=["code", "rank", "quote", "source", "la_code"],
    )
    return {"focus_group_themes": themes, "quotes": quotes}


def test_quotes_are_focus_group_quotes_one_per_la_first() -> None:
    quotes = theme_quotes(_tables()["quotes"], ["partner_attendance"])
    # The best-ranked quote of E1, then E2's before E1's second; never the Ofsted quote.
    assert quotes == ["Police rarely come to strategy meetings.", "Schools send a report."]


def test_theme_findings() -> None:
    ctx = Context("2024-25", "R", {}, frozenset())
    partner = theme_finding(_tables(), ctx, "F-FG-06")
    assert partner.text.startswith(
        "Partnership working (partner attendance) came up in 2 of the 4 groups, in 2 of the 3 LAs."
    )
    assert partner.quotes == ["Police rarely come to strategy meetings.", "Schools send a report."]
    sar = theme_finding(_tables(), ctx, "F-FG-04")
    assert sar.quotes == []  # the only subject access quote is a survey answer
    assert "holds no focus-group quotation" in sar.text
    overview = focus_overview(_tables(), ctx)
    assert overview.id == "F-FG-01"
    assert overview.text.startswith("4 focus groups were held in 3 LAs")
    assert "partnership working (partner attendance) came up in 2 of the 4 groups (F-FG-06)" in (
        overview.text
    )
