"""Findings F-HYP-01..05 (oversight.report.findings_hypothesis) from published-like tables:
the measures computed on hand-built frames, written and read back as the report reads them."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from oversight.hypothesis import decisions as dec
from oversight.hypothesis import predictions as h
from oversight.report import findings_hypothesis as fh
from oversight.report import findings_impact
from oversight.report.findings import Context

ROOT = Path(__file__).resolve().parents[2]
REGION = "R"
CTX = Context("2024-25", REGION, {"A": "Aville", "B": "Btown"}, frozenset())


def published(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as the report reads a published CSV (text, blanks as empty strings)."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    buf.seek(0)
    return pd.read_csv(buf, dtype=str, keep_default_na=False)


def held(la: str, kind: str, counts: dict[str, int]) -> pd.DataFrame:
    flags = {
        "neither": (False, False),
        "part1_only": (True, False),
        "part2_only": (False, True),
        "both": (True, True),
    }
    rows = [flags[p] for p, n in counts.items() for _ in range(n)]
    return pd.DataFrame(
        {
            "la_code": la,
            "session_type": kind,
            "status": "held",
            "family_reflection_recorded": pd.array([r[0] for r in rows], dtype="boolean"),
            "practitioner_reflection_recorded": pd.array([r[1] for r in rows], dtype="boolean"),
        }
    )


def pattern_table() -> pd.DataFrame:
    frame = pd.concat(
        [
            held("A", "case", {"neither": 60, "part1_only": 30, "part2_only": 6, "both": 4}),
            held("A", "personal", {"neither": 50, "part2_only": 50}),
            held("B", "case", {"neither": 90, "part1_only": 10}),
            held("B", "personal", {"neither": 80, "part2_only": 20}),
        ],
        ignore_index=True,
    )
    return h.pattern_table(frame, REGION)


def test_patterns_finding_quotes_the_published_cells():
    table = pattern_table()
    f = fh.patterns({"hypothesis_patterns": published(table)}, CTX)
    region = table[(table["la_code"] == REGION) & (table["session_type"] == "all")].iloc[0]
    assert region["neither_share"] == pytest.approx(280 / 400)
    assert f.id == "F-HYP-01" and f.tables == ["TAB-HYP-PATTERNS"]
    assert "Of 400 held supervisions across the region in 2024-25" in f.text
    lo, hi = 100 * region["neither_lower95"], 100 * region["neither_upper95"]
    assert f"neither part 1 nor part 2: 70.0% (95% interval {lo:.1f}% to {hi:.1f}%)" in f.text
    # the range across LAs of "neither": Aville 110/200, Btown 170/200
    assert "ranged from 55% (Aville) to 85% (Btown) across 2 LAs" in f.text
    assert f.message.startswith("70% of held supervisions recorded neither part 1 nor part 2")


def test_patterns_finding_says_hidden_shares_are_not_shown():
    shown = published(pattern_table())
    for col in ("both", "both_share", "both_lower95", "both_upper95"):
        shown.loc[(shown["la_code"] == REGION) & (shown["session_type"] == "all"), col] = "c"
    f = fh.patterns({"hypothesis_patterns": shown}, CTX)
    assert "both: not shown (small numbers)" in f.text


def test_patterns_finding_without_classified_sessions():
    empty = h.pattern_table(held("A", "case", {}), REGION)
    f = fh.patterns({"hypothesis_patterns": published(empty)}, CTX)
    assert "not available" in f.text and not f.message


def test_file_content_not_measured_is_not_zero():
    table = pd.DataFrame([h._file_row(REGION, 30, 0, None)])
    f = fh.file_content({"hypothesis_file_content": published(table)}, CTX)
    assert "not measured" in f.text and "not a count of zero" in f.text


def test_file_content_measured():
    table = pd.DataFrame([h._file_row("A", 80, 50, 5), h._file_row(REGION, 80, 50, 5)])
    f = fh.file_content({"hypothesis_file_content": published(table)}, CTX)
    row = table.iloc[1]
    assert "In the one LA that sends case-supervision record text (Aville)" in f.text
    assert "10.0% of 50 record texts" in f.text
    assert f"{100 * row['lower95']:.1f}% to {100 * row['upper95']:.1f}%" in f.text


def test_pairs_finding_states_difference_interval_and_p():
    table = pd.DataFrame(
        {
            "pair": ["own_bias", "own_bias"],
            "role": ["all", "manager"],
            "respondents": [40, 12],
            "mean_discussed": [3.6, 3.5],
            "mean_recorded": [2.4, 3.4],
            "difference": [1.2, 0.1],
            "lower95": [0.8, -0.3],
            "upper95": [1.6, 0.5],
            "wilcoxon_p": [0.0004, 0.61],
        }
    )
    f = fh.pairs({"hypothesis_pairs": published(table)}, CTX)
    assert (
        "Their own biases: discussed more often than recorded, clearly, by 1.20 scale points "
        "(95% interval +0.80 to +1.60, Wilcoxon p < 0.001, 40 staff)" in f.text
    )
    assert "Managers: discussed clearly above recorded on 0 of 1 pairs shown." in f.text


def test_pairs_finding_when_no_pair_can_be_shown():
    table = pd.DataFrame({"pair": ["own_bias"], "role": ["all"], "respondents": ["c"]})
    table[["difference", "lower95", "upper95", "wilcoxon_p"]] = ""
    f = fh.pairs({"hypothesis_pairs": published(table)}, CTX)
    assert "not measured" in f.text


def test_focus_groups_finding_counts_and_two_quotes_per_code():
    fg = pd.DataFrame(
        {
            "code": ["part2_practitioner_reflection", "sar_data_protection"],
            "label": ["Part 2: practitioner's own reflection", "Subject access"],
            "groups": [4, 0],
            "las": [3, 0],
        }
    )
    freq = pd.DataFrame(
        {
            "source": ["transcript", "transcript"],
            "la_code": [REGION, "A"],
            "code": ["part2_practitioner_reflection"] * 2,
            "n_units": ["17", "9"],
        }
    )
    quotes = pd.DataFrame(
        {
            "code": ["part2_practitioner_reflection"] * 4,
            "rank": ["3", "1", "2", "1"],
            "quote": ["third", "first", "second", "from a survey"],
            "source": ["transcript", "transcript", "transcript", "survey"],
        }
    )
    tables = {"hypothesis_focus_groups": published(fg), "code_frequencies": freq, "quotes": quotes}
    f = fh.focus_groups(tables, CTX)
    assert "Part 2: practitioner's own reflection: 17 turns in four groups across three LAs" in (
        f.text
    )
    assert "Subject access: not raised" in f.text
    assert f.quotes == [
        "Part 2: practitioner's own reflection: “first”",
        "Part 2: practitioner's own reflection: “second”",
    ]


def test_verdict_finding_says_when_the_data_contradict():
    plan = h.load_plan(ROOT / "config/hypothesis.yaml", "2024-04-01")
    contrary = dec.Measures(
        patterns=h.pattern_table(
            held("A", "case", {"neither": 20, "part1_only": 30, "both": 300}), REGION
        ),
        file_content=pd.DataFrame([h._file_row(REGION, 30, 0, None)]),
        pairs=pd.DataFrame(
            {"pair": ["own_bias"], "role": ["all"], "lower95": [-0.9], "upper95": [-0.2]}
        ),
        focus_groups=pd.DataFrame({"code": ["part2_practitioner_reflection"], "las": [0]}),
        region_code=REGION,
    )
    table = dec.verdicts(plan, contrary)
    f = fh.verdict({"hypothesis_verdict": published(table)}, CTX)
    assert f.text.startswith("Overall the hypothesis is contradicted")
    assert "The data contradict the hypothesis on H1 (neither kind of reflection is recorded)" in (
        f.text
    )
    assert "H5 (part 2 reflection ends up on the child's file) not measured" in f.text
    assert f.message.startswith("The data contradict the hypothesis")


def test_findings_module_builds_the_five_hypothesis_findings():
    tables = {"hypothesis_patterns": published(pattern_table())}
    ids = [findings_impact.hypothesis_finding(tables, CTX, n).id for n in range(1, 6)]
    assert ids == ["F-HYP-01", "F-HYP-02", "F-HYP-03", "F-HYP-04", "F-HYP-05"]


def test_appendix_views_show_region_then_each_la():
    from oversight.config import load_checked
    from oversight.report.appendix import appendix_views

    table_config = load_checked(ROOT / "config/tables.yaml", "tables.schema.yaml")
    tables = {"hypothesis_patterns": published(pattern_table())}
    (v,) = appendix_views(tables, table_config, CTX.year, dict(CTX.names), REGION)
    assert v.id == "TAB-HYP-PATTERNS"
    assert [r[:2] for r in v.rows] == [
        ["R", "case"],
        ["R", "personal"],
        ["R", "all"],
        ["Aville", "all"],
        ["Btown", "all"],
    ]
    assert v.rows[2][3] == "70.0%" and v.columns[3] == "Neither"
