"""Rule ``hypothesis`` as one function (oversight.hypothesis.run_hypothesis), without
Snakemake: two LAs' small frames, one LA's supervision marked unreliable by the ledger."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.hypothesis import run_hypothesis

ROOT = Path(__file__).resolve().parents[2]
REGION = "E12000008"
OUTPUTS = ("patterns", "file_content", "pairs", "focus_groups", "verdict")


def supervision(la: str, rows: list[tuple[str, bool, bool, str | None]]) -> pd.DataFrame:
    """Held case sessions of one LA: (date, part 1 recorded, part 2 recorded, record text)."""
    return pd.DataFrame(
        {
            "la_code": la,
            "session_type": "case",
            "status": "held",
            "session_date": pd.to_datetime([r[0] for r in rows]),
            "family_reflection_recorded": pd.array([r[1] for r in rows], dtype="boolean"),
            "practitioner_reflection_recorded": pd.array([r[2] for r in rows], dtype="boolean"),
            "record_text": pd.array([r[3] for r in rows], dtype="string"),
        }
    )


def survey(la: str, answers: list[tuple[int, int]]) -> pd.DataFrame:
    """Each respondent's answers to the family-capacity pair (discussed, recorded)."""
    rows = []
    for i, (disc, rec) in enumerate(answers):
        for item, value in (("disc_family_capacity", disc), ("rec_family_capacity", rec)):
            rows.append((la, f"R{la}{i}", "baseline", "social_worker", item, value, 5))
    cols = ["la_code", "respondent_id", "wave", "role", "item_id", "response", "scale_points"]
    return pd.DataFrame(rows, columns=cols)


def test_run_hypothesis_writes_the_measures_and_verdicts(tmp_path: Path) -> None:
    in_period = "2024-06-01"
    e1 = supervision(
        "E1",
        [
            (in_period, False, False, "We talked about my own feelings about the family."),
            (in_period, False, False, None),
            (in_period, False, False, None),
            (in_period, True, False, None),
            ("2025-06-01", True, True, None),  # after the study year: left out
        ],
    )
    e2 = supervision("E2", [(in_period, True, True, None)] * 4)
    paths = {}
    for la, frame in (("e1", e1), ("e2", e2)):
        paths[la] = tmp_path / f"{la}_supervision.parquet"
        frame.to_parquet(paths[la])
    answers = [(5, 2), (4, 2), (4, 3)]
    pd.concat([survey("E1", answers), survey("E2", [(1, 5)] * 3)]).to_parquet(
        tmp_path / "survey.parquet"
    )
    segments = pd.DataFrame(
        {
            "source": ["transcript", "transcript", "survey"],
            "la_code": ["E1", "E2", "E1"],
            "source_file": ["g1", "g2", "s"],
            "unit_id": ["t1", "t2", "s1"],
            "code": ["sar_data_protection"] * 3,
        }
    )
    segments.to_parquet(tmp_path / "segments.parquet")
    pd.DataFrame(
        {
            "la_code": ["E1", "E1", "E2", "E2"],
            "dataset": ["supervision", "survey", "supervision", "survey"],
            "status": ["ok", "ok", "unreliable: most rows rejected", "ok"],
        }
    ).to_csv(tmp_path / "ledger.csv", index=False)

    out = {name: tmp_path / "out" / f"hypothesis_{name}.csv" for name in OUTPUTS}
    run_hypothesis(
        supervision=[paths["e1"], paths["e2"]],
        survey=[tmp_path / "survey.parquet"],
        segments=tmp_path / "segments.parquet",
        plan=ROOT / "config/hypothesis.yaml",
        instrument=ROOT / "config/survey.yaml",
        codebook=ROOT / "config/codebook.yaml",
        ledger=tmp_path / "ledger.csv",
        **out,
        region_code=REGION,
        period_start="2024-04-01",
        period_end="2025-03-31",
        min_n=3,
    )

    patterns = pd.read_csv(out["patterns"], dtype={"la_code": str})
    case = patterns[patterns["session_type"] == "case"].set_index("la_code")
    # E2's supervision is unreliable: only E1's four in-period sessions count.
    assert list(case.index) == ["E1", REGION]
    assert case.loc[REGION, ["held", "neither", "part1_only", "both"]].tolist() == [4, 3, 1, 0]

    content = pd.read_csv(out["file_content"], dtype={"la_code": str}).set_index("la_code")
    assert content.loc[REGION, ["case_records", "with_text", "with_part2"]].tolist() == [4, 1, 1]

    pairs = pd.read_csv(out["pairs"])
    row = pairs[(pairs["pair"] == "family_capacity") & (pairs["role"] == "all")].iloc[0]
    # Both LAs' survey counts (its ledger line is ok): E1's differences 3, 2, 1 and E2's -4s.
    assert row["respondents"] == 6
    assert row["difference"] == (3 + 2 + 1 - 4 * 3) / 6

    groups = pd.read_csv(out["focus_groups"]).set_index("code")
    assert groups.loc["sar_data_protection", ["turns", "groups", "las"]].tolist() == [2, 2, 2]
    assert groups.loc["part2_practitioner_reflection", "turns"] == 0

    verdict = pd.read_csv(out["verdict"]).set_index("id")
    assert list(verdict.index) == ["H1", "H2", "H3", "H4", "H5", "H6", "overall"]
    # The one record text carries part 2: H5 holds; E1 has no personal sessions: H3 unmeasured.
    assert verdict["verdict"].tolist() == [
        "inconclusive",
        "inconclusive",
        "not measured",
        "inconclusive",
        "supported",
        "inconclusive",
        "partly supported",
    ]
