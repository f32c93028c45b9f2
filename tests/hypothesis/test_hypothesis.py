"""The hypothesis measures (oversight.hypothesis.predictions) and verdicts
(oversight.hypothesis.decisions) on hand-built frames.

Reference values: Wilson intervals from Newcombe (1998) Table II (method 3); Goodman
simultaneous intervals from Sison & Glaz (1995) example 1, as printed to three decimals; the
Wilcoxon signed-rank p-value from scipy's documented example (Darwin's paired plant heights,
exact two-sided p = 0.041259765625); the t interval by hand.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oversight.coding.codebook import load_codebook
from oversight.config import load_checked
from oversight.errors import ConfigError
from oversight.hypothesis import decisions as dec
from oversight.hypothesis import predictions as h

ROOT = Path(__file__).resolve().parents[2]
REGION = "E12000008"
PART2 = ["part2_practitioner_reflection"]


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(ROOT / "config/codebook.yaml")


@pytest.fixture(scope="module")
def plan():
    return h.load_plan(ROOT / "config/hypothesis.yaml", "2024-04-01")


def sessions(la: str, kind: str, counts: dict[str, int], unknown: int = 0) -> pd.DataFrame:
    """Held sessions of one LA and type with the given pattern counts, plus ``unknown``
    sessions whose part 2 flag is missing."""
    flags = {
        "neither": (False, False),
        "part1_only": (True, False),
        "part2_only": (False, True),
        "both": (True, True),
    }
    rows = [flags[p] for p, n in counts.items() for _ in range(n)]
    rows += [(True, None)] * unknown
    return pd.DataFrame(
        {
            "la_code": la,
            "session_type": kind,
            "status": "held",
            "session_date": pd.Timestamp("2024-06-01"),
            "family_reflection_recorded": pd.array([r[0] for r in rows], dtype="boolean"),
            "practitioner_reflection_recorded": pd.array([r[1] for r in rows], dtype="boolean"),
        }
    )


def supervision_frame() -> pd.DataFrame:
    parts = [
        sessions("E1", "case", {"neither": 6, "part1_only": 3, "part2_only": 1}, unknown=1),
        sessions("E1", "personal", {"neither": 5, "both": 2}),
        sessions("E2", "case", {"neither": 4, "part1_only": 4}),
        sessions("E2", "personal", {"part2_only": 3, "both": 1}, unknown=2),
    ]
    cancelled = sessions("E1", "case", {"neither": 4}).assign(status="cancelled")
    return pd.concat([*parts, cancelled], ignore_index=True)


# ------------------------------------------------------------------ the plan
def test_plan_registered_before_the_study_period():
    config = load_checked(ROOT / "config/config.yaml", "config.schema.yaml")
    plan = h.load_plan(ROOT / "config/hypothesis.yaml", config["study"]["period_start"])
    assert plan["registered"] < config["study"]["period_start"]
    assert [p["id"] for p in plan["predictions"] if p["role"] == "primary"] == ["H1"]


def test_plan_registered_after_the_data_is_refused(plan):
    late = copy.deepcopy(plan) | {"registered": "2024-04-01"}
    with pytest.raises(ConfigError, match="not before the study period"):
        h.check_registered(late, "2024-04-01")


# ------------------------------------------------------------------ a. patterns
def test_recording_pattern_and_unknown_flags():
    fam = pd.Series([True, True, False, False, None], dtype="boolean")
    pra = pd.Series([True, False, True, False, False], dtype="boolean")
    got = h.recording_pattern(fam, pra)
    assert got.iloc[:4].tolist() == ["both", "part1_only", "part2_only", "neither"]
    assert pd.isna(got.iloc[4])


def test_pattern_table_counts_by_la_type_and_region():
    t = h.pattern_table(supervision_frame(), REGION).set_index(["la_code", "session_type"])
    e1 = t.loc[("E1", "case")]
    assert (e1["held"], e1["unknown"], e1["sessions"]) == (11, 1, 10)
    assert (e1["neither"], e1["part1_only"], e1["part2_only"], e1["both"]) == (6, 3, 1, 0)
    assert e1["neither_share"] == pytest.approx(0.6)
    # all = case + personal + group, and the region = the LAs
    for la in ("E1", "E2", REGION):
        parts = t.loc[[(la, "case"), (la, "personal")]]
        for col in ("held", "unknown", "sessions", *h.PATTERNS):
            assert t.loc[(la, "all"), col] == parts[col].sum()
    for kind in ("case", "personal", "all"):
        las = t.loc[[("E1", kind), ("E2", kind)]]
        assert t.loc[(REGION, kind), "sessions"] == las["sessions"].sum()
    assert t.loc[(REGION, "all"), "neither"] == 15
    assert "group" not in t.index.get_level_values("session_type")


def test_pattern_wilson_interval_matches_newcombe():
    """81 of 263: 0.2553 to 0.3662 (Newcombe 1998, Table II, method 3)."""
    frame = sessions("E1", "case", {"neither": 81, "part1_only": 182})
    row = h.pattern_table(frame, REGION).iloc[0]
    assert row["neither_lower95"] == pytest.approx(0.2553, abs=5e-5)
    assert row["neither_upper95"] == pytest.approx(0.3662, abs=5e-5)


def test_goodman_intervals_match_sison_and_glaz_example():
    """Sison & Glaz (1995) example 1, Goodman's intervals as printed (3 decimals)."""
    got = h.goodman_ci([56, 72, 73, 59, 62, 87, 58])
    expected = [
        [0.085, 0.166],
        [0.115, 0.204],
        [0.116, 0.207],
        [0.091, 0.173],
        [0.096, 0.181],
        [0.143, 0.239],
        [0.089, 0.171],
    ]
    np.testing.assert_allclose(got, expected, atol=5e-4)
    assert np.isnan(h.goodman_ci([0, 0, 0, 0])).all()


def test_in_period_leaves_out_follow_up_months():
    frame = supervision_frame()
    frame.loc[:3, "session_date"] = pd.Timestamp("2025-06-01")
    assert len(h.in_period(frame, "2024-04-01", "2025-03-31")) == len(frame) - 4


# ------------------------------------------------------------------ b. part 2 on the file
def case_texts(texts: dict[str, list[str | None]]) -> pd.DataFrame:
    rows = [(la, t) for la, items in texts.items() for t in items]
    return pd.DataFrame(
        {
            "la_code": [r[0] for r in rows],
            "session_type": "case",
            "status": "held",
            "record_text": pd.array([r[1] for r in rows], dtype="string"),
        }
    )


def test_file_content_counts_texts_with_part2_codes(codebook):
    frame = case_texts(
        {
            "E1": [
                "We discussed how my own experience as a parent shaped my view of the mother.",
                "We discussed the family's capacity to change.",
                "No personal reflection was recorded.",  # negated: not part 2 content
                "Plan reviewed; visits to continue weekly.",
                None,
            ],
            "E2": [None, None],  # sends no text: left out, not counted as zero
        }
    )
    t = h.file_content(frame, codebook, PART2, REGION).set_index("la_code")
    assert list(t.index) == ["E1", REGION]
    e1 = t.loc["E1"]
    assert (e1["case_records"], e1["with_text"], e1["with_part2"]) == (5, 4, 1)
    assert e1["share_part2"] == pytest.approx(0.25)
    # Wilson 1/4 by hand: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z = 1.959963984540054
    p, n = 0.25, 4
    centre, half = p + z**2 / (2 * n), z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert e1["lower95"] == pytest.approx((centre - half) / (1 + z**2 / n))
    assert e1["upper95"] == pytest.approx((centre + half) / (1 + z**2 / n))
    assert t.loc[REGION, "with_part2"] == 1 and t.loc[REGION, "status"] == "measured"


def test_file_content_without_text_is_not_measured(codebook):
    frame = case_texts({"E1": [None, None], "E2": [None]}).drop(columns="record_text")
    t = h.file_content(frame, codebook, PART2, REGION)
    assert len(t) == 1 and t.iloc[0]["la_code"] == REGION
    assert t.iloc[0]["status"].startswith("not measured")
    assert pd.isna(t.iloc[0]["with_part2"]) and t.iloc[0]["case_records"] == 3


# ------------------------------------------------------------------ c. survey pairs
ITEMS = [
    {"id": "a_disc", "scale": "agree5", "compare": {"pair": "own_bias", "side": "discussed"}},
    {"id": "a_rec", "scale": "agree5", "compare": {"pair": "own_bias", "side": "recorded"}},
    {"id": "plain", "scale": "agree5"},
]


def test_survey_pairs_from_items():
    assert h.survey_pairs(ITEMS) == {"own_bias": {"discussed": "a_disc", "recorded": "a_rec"}}
    with pytest.raises(ConfigError, match="needs a discussed and a recorded"):
        h.survey_pairs(ITEMS[:1])


def test_answers_move_to_the_item_scale():
    got = h.on_item_scale(pd.Series([4, 4, 1]), pd.Series([4, 7, 5]), 5)
    assert got.tolist() == pytest.approx([5.0, 3.0, 1.0])


def answers(pairs: list[tuple[float, float]], roles: list[str], points: int = 5) -> pd.DataFrame:
    rows = []
    for i, ((disc, rec), role) in enumerate(zip(pairs, roles, strict=True)):
        for item, value in (("a_disc", disc), ("a_rec", rec)):
            rows.append(("E1", f"R{i}", "baseline", role, item, value, points))
    cols = ["la_code", "respondent_id", "wave", "role", "item_id", "response", "scale_points"]
    return pd.DataFrame(rows, columns=cols)


PAIRS = {"own_bias": {"discussed": "a_disc", "recorded": "a_rec"}}


def test_paired_difference_t_interval_by_hand():
    """Differences 1, 1, 0, 2, 1: mean 1, sd sqrt(0.5), t(0.975, 4) = 2.776445."""
    survey = answers([(4, 3), (5, 4), (3, 3), (5, 3), (2, 1)], ["social_worker"] * 5)
    t = h.paired_differences(survey, PAIRS, {"a_disc": 5, "a_rec": 5}, min_n=2)
    row = t[t["role"] == "all"].iloc[0]
    half = 2.776445 * np.sqrt(0.5) / np.sqrt(5)
    assert row["respondents"] == 5 and row["difference"] == pytest.approx(1.0)
    assert row["lower95"] == pytest.approx(1 - half, abs=1e-5)
    assert row["upper95"] == pytest.approx(1 + half, abs=1e-5)
    assert (row["mean_discussed"], row["mean_recorded"]) == pytest.approx((3.8, 2.8))


def test_paired_wilcoxon_matches_scipy_documented_example():
    """scipy.stats.wilcoxon docs: Darwin's 15 differences, exact two-sided p = 0.041259765625."""
    d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    # On a 200-point scale answered on the same scale, positions are the values themselves.
    survey = answers([(100 + x, 100) for x in d], ["team_manager"] * 15, points=200)
    t = h.paired_differences(survey, PAIRS, {"a_disc": 200, "a_rec": 200}, min_n=10)
    row = t[t["role"] == "all"].iloc[0]
    assert row["wilcoxon_p"] == pytest.approx(0.041259765625)
    assert row["difference"] == pytest.approx(314 / 15)
    by_role = t.set_index("role")
    assert by_role.loc["manager", "respondents"] == 15
    assert by_role.loc["practitioner", "respondents"] == 0
    assert pd.isna(by_role.loc["practitioner", "difference"])


def test_paired_rows_below_min_n_keep_only_their_count():
    survey = answers([(4, 3)] * 9, ["social_worker"] * 9)
    t = h.paired_differences(survey, PAIRS, {"a_disc": 5, "a_rec": 5}, min_n=10)
    row = t[t["role"] == "all"].iloc[0]
    assert row["respondents"] == 9 and pd.isna(row["difference"]) and pd.isna(row["wilcoxon_p"])


# ------------------------------------------------------------------ d. focus groups
def test_focus_group_codes_counts_turns_groups_las():
    seg = pd.DataFrame(
        {
            "source": ["transcript"] * 4 + ["survey"],
            "la_code": ["E1", "E1", "E1", "E2", "E3"],
            "source_file": ["g1", "g1", "g2", "g9", "s"],
            "unit_id": ["t1", "t1", "t2", "t3", "s1"],
            "code": [PART2[0]] * 5,
        }
    )
    t = h.focus_group_codes(seg, [PART2[0], "sar_data_protection"]).set_index("code")
    assert t.loc[PART2[0], ["turns", "groups", "las"]].tolist() == [3, 3, 2]
    assert t.loc["sar_data_protection", ["turns", "groups", "las"]].tolist() == [0, 0, 0]


# ------------------------------------------------------------------ e. verdicts
def pattern_rows(counts: dict[str, int]) -> pd.DataFrame:
    frame = pd.concat(
        [sessions("E1", kind, counts) for kind in ("case", "personal")], ignore_index=True
    )
    return h.pattern_table(frame, REGION)


def pair_rows(lower: float, upper: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair": ["family_capacity", "own_bias"],
            "role": "all",
            "respondents": 40,
            "difference": (lower + upper) / 2,
            "lower95": lower,
            "upper95": upper,
        }
    )


def fg_rows(las: int) -> pd.DataFrame:
    codes = [PART2[0], "sar_data_protection"]
    return pd.DataFrame({"code": codes, "turns": 3 * las, "groups": las, "las": las})


def file_rows(coded: int, texts: int) -> pd.DataFrame:
    lower, upper = h.wilson_ci(coded, texts)
    return pd.DataFrame(
        [
            {
                "la_code": REGION,
                "with_text": texts,
                "with_part2": coded,
                "lower95": float(lower),
                "upper95": float(upper),
                "status": "measured",
            }
        ]
    )


def measures(**kw) -> dec.Measures:
    base = {
        "patterns": pattern_rows({"neither": 300, "part1_only": 80, "part2_only": 40, "both": 20}),
        "file_content": file_rows(12, 200),
        "pairs": pair_rows(0.3, 0.9),
        "focus_groups": fg_rows(4),
        "region_code": REGION,
    }
    return dec.Measures(**(base | kw))


def verdict_of(table: pd.DataFrame) -> dict[str, str]:
    return dict(zip(table["id"], table["verdict"], strict=True))


def test_supporting_data_give_supported(plan):
    got = verdict_of(dec.verdicts(plan, measures()))
    assert got == dict.fromkeys(["H1", "H2", "H3", "H4", "H5", "H6", "overall"], "supported")


def test_contradicting_data_give_contradicted(plan):
    contrary = measures(
        patterns=pattern_rows({"neither": 40, "part1_only": 80, "part2_only": 20, "both": 300}),
        file_content=file_rows(0, 400),
        pairs=pair_rows(-0.9, -0.3),
        focus_groups=fg_rows(0),
    )
    table = dec.verdicts(plan, contrary)
    got = verdict_of(table)
    assert got == dict.fromkeys(["H1", "H2", "H3", "H4", "H5", "H6", "overall"], "contradicted")
    overall = table[table["id"] == "overall"].iloc[0]
    assert "the data contradict H1, H2, H3, H4, H5, H6" in overall["reason"]
    assert overall["message"].startswith("The data contradict the hypothesis")
    assert "both lies wholly above neither" in table.iloc[0]["reason"]


def test_missing_text_is_not_measured_and_overlap_is_inconclusive(plan):
    no_text = pd.DataFrame(
        [{"la_code": REGION, "with_text": 0, "with_part2": np.nan, "lower95": np.nan}]
    )
    close = pattern_rows({"neither": 30, "part1_only": 28, "part2_only": 5, "both": 5})
    table = dec.verdicts(plan, measures(file_content=no_text, patterns=close))
    got = verdict_of(table)
    assert got["H5"] == "not measured"
    assert got["H1"] == "inconclusive"
    # primary inconclusive, a secondary (H4) supported: the plan says partly supported
    assert got["overall"] == "partly supported"


def test_no_classified_sessions_make_the_hypothesis_untestable(plan):
    empty = h.pattern_table(sessions("E1", "case", {}, unknown=5), REGION)
    got = verdict_of(dec.verdicts(plan, measures(patterns=empty)))
    assert got["H1"] == "not measured" and got["overall"] == "not testable with these data"


def test_primary_supported_with_a_contradicted_secondary_is_partly_supported(plan):
    got = verdict_of(dec.verdicts(plan, measures(pairs=pair_rows(-0.9, -0.3))))
    assert got["H1"] == "supported" and got["H4"] == "contradicted"
    assert got["overall"] == "partly supported"


# ------------------------------------------------------------------ disclosure of the patterns
def test_patterns_publish_hides_a_partner_across_session_types():
    """A small count in one LA's case row needs partners in its row (the patterns add up to
    the sessions), in its LA's other session types (they add up to "all") and across LAs
    (they add up to the region): without the sum_rows relation the audit finds it exposed."""
    from oversight.disclosure.publish import check_published, publish
    from oversight.errors import DisclosureError

    spec = load_checked(ROOT / "config/tables.yaml", "tables.schema.yaml")["tables"][
        "hypothesis_patterns"
    ]
    big = {"neither": 60, "part1_only": 30, "part2_only": 20, "both": 15}
    frame = pd.concat(
        [
            sessions("E1", "case", big | {"both": 2}),
            sessions("E1", "personal", big),
            sessions("E2", "case", big),
            sessions("E2", "personal", big),
            sessions("E3", "case", big),
            sessions("E3", "personal", big),
        ],
        ignore_index=True,
    )
    table = h.pattern_table(frame, REGION)
    band = {"low": 1, "high": 5, "min_width": 5}
    shown = publish("hypothesis_patterns", table, spec, REGION, **band)
    check_published("hypothesis_patterns", shown, spec, REGION, table, **band)
    e1 = shown[shown["la_code"] == "E1"].set_index("session_type")
    assert e1.loc["case", "both"] == "c" and e1.loc["case", "both_share"] == "c"
    assert (e1.loc[["personal", "all"], "both"] == "c").any()
    # the same table protected without the relation: the audit that knows it refuses it
    blind = copy.deepcopy(spec)
    blind["disclosure"]["relations"] = [
        r for r in spec["disclosure"]["relations"] if r["kind"] != "sum_rows"
    ]
    weak = publish("hypothesis_patterns", table, blind, REGION, **band)
    e1_weak = weak[weak["la_code"] == "E1"].set_index("session_type")
    assert (e1_weak.loc[["personal", "all"], "both"] != "c").all()  # all - personal = case
    with pytest.raises(DisclosureError):
        check_published("hypothesis_patterns", weak, spec, REGION, table, **band)
