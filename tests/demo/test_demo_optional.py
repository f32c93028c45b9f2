"""The demo data's reflection recording, optional fields and paired survey items, read back
through ingest: every reflection pattern occurs, the optional fields and dataset come only from
the LAs chosen to send them, record text is redacted and codable, discussed > recorded."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from oversight.coding.codebook import load_codebook
from oversight.coding.coder import code_text
from oversight.config import load_authority, load_yaml
from oversight.demo.generate import Generator
from oversight.demo.profiles import PROFILES
from oversight.ingest.extracts import NOT_SENT, Authority, Study, ingest_authority
from oversight.survey.instrument import load_instrument
from tests.conftest import ROOT, TEST_KEY

# medway: record text and strategy discussions; windsor_and_maidenhead: strategy discussions
# without education (an ods export); bracknell_forest: learning conversations (xlsx); slough:
# none of them.
SUBSET = ["bracknell_forest", "medway", "slough", "windsor_and_maidenhead"]
PATTERNS = ["neither", "part1_only", "part2_only", "both"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("optional")
    gen = Generator(
        ROOT / "data/raw/published/seslip_las.csv",
        ROOT / "config/survey.yaml",
        impact_yaml=ROOT / "config/impact.yaml",
    )
    gen.run(out / "raw", out / "config", only=SUBSET)
    study = load_yaml(ROOT / "config/config.yaml")
    items = [i["id"] for i in load_yaml(ROOT / "config/survey.yaml")["items"]]
    frames = {}
    for slug in SUBSET:
        path = out / "config" / f"{slug}.yaml"
        la = Authority(slug, load_authority(path), path)
        results = ingest_authority(
            la,
            study["datasets"],
            out / "raw",
            Study.from_config(study["study"], items, study.get("ingest")),
            bytes.fromhex(TEST_KEY),
        )
        assert not [d for d, r in results.items() if r.problem], slug
        frames[slug] = results
    truth = json.loads((out / "raw/demo_truth.json").read_text())
    return {"root": out, "results": frames, "truth": truth}


def _patterns(sup: pd.DataFrame) -> pd.Series:
    fam = sup["family_reflection_recorded"].astype(bool)
    prac = sup["practitioner_reflection_recorded"].astype(bool)
    pattern = pd.Series("neither", index=sup.index)
    pattern[fam & ~prac] = "part1_only"
    pattern[~fam & prac] = "part2_only"
    pattern[fam & prac] = "both"
    return pattern


@pytest.mark.parametrize("slug", SUBSET)
def test_every_held_session_records_both_flags_in_four_patterns(demo, slug) -> None:
    sup = demo["results"][slug]["supervision"].data
    held = sup[(sup["status"] == "held") & sup["session_type"].isin(["case", "personal"])]
    flags = ["family_reflection_recorded", "practitioner_reflection_recorded"]
    assert held[flags].notna().all().all()
    assert sup.loc[sup["session_type"] == "group", flags].isna().all().all()
    for kind in ("case", "personal"):
        counts = _patterns(held[held["session_type"] == kind]).value_counts()
        assert all(counts.get(p, 0) > 0 for p in PATTERNS), (slug, kind, counts.to_dict())
        assert counts["neither"] / counts.sum() > 0.5  # most sessions record neither
    case, personal = (held[held["session_type"] == k] for k in ("case", "personal"))
    # part 1 more often in case records; part 2 lands in case records, but rarely
    assert case[flags[0]].mean() > personal[flags[0]].mean()
    assert 0 < case[flags[1]].mean() < personal[flags[1]].mean()


@pytest.mark.parametrize("slug", SUBSET)
def test_some_workers_have_no_reflection_recorded_all_year(demo, slug) -> None:
    """The per-worker "neither" measure is not degenerate: the planted never-recording share
    of workers shows up (between 3% and 10% are drawn; some others record nothing by chance)."""
    sup = demo["results"][slug]["supervision"].data
    year = sup[sup["session_date"].between("2024-04-01", "2025-03-31") & (sup["status"] == "held")]
    any_flag = year["family_reflection_recorded"].fillna(False) | year[
        "practitioner_reflection_recorded"
    ].fillna(False)
    share = 1 - any_flag.groupby(year["worker_id"]).any().mean()
    never = demo["truth"]["authorities"][slug]["reflection"]["never_reflect"]
    assert 0.5 * never < share < 0.3


def test_optional_fields_only_from_the_chosen_las(demo) -> None:
    for slug in SUBSET:
        config = load_yaml(demo["root"] / "config" / f"{slug}.yaml")["datasets"]
        results = demo["results"][slug]
        text = results["supervision"].data["record_text"]
        learning = results["audits"].data["learning_conversation"]
        strategy = results["strategy_discussions"]
        sends = PROFILES[slug]
        assert ("record_text" in config["supervision"]["columns"]) == ("record_text" in sends)
        assert text.notna().any() == ("record_text" in sends)
        assert learning.notna().any() == ("learning_conversation" in sends)
        assert ("strategy_discussions" in config) == ("strategy_discussions" in sends)
        assert (len(strategy.data) > 100) == ("strategy_discussions" in sends)
        assert (strategy.notes == [NOT_SENT]) == ("strategy_discussions" not in sends)
        led = strategy.ledger
        assert led["rows_in"] == led["rows_loaded"] + led["rows_rejected"]
    windsor = demo["results"]["windsor_and_maidenhead"]["strategy_discussions"].data
    assert windsor["education_attended"].isna().all() and windsor["police_attended"].notna().any()
    learning = demo["results"]["bracknell_forest"]["audits"].data["learning_conversation"]
    assert learning.notna().mean() > 0.9


def test_record_text_is_redacted_and_codes_as_its_flags(demo) -> None:
    sup = demo["results"]["medway"]["supervision"].data
    raw = (demo["root"] / "raw/medway/supervision_2024-25.csv").read_text(encoding="cp1252")
    with_text = sup[sup["record_text"].notna()]
    assert set(with_text["status"]) == {"held"}
    assert set(with_text["session_type"]) == {"case", "personal"}
    # the raw export names children; the harmonised text never does
    named = r"(?:plan for|Discussed|tasks for|meeting for) [A-Z][a-z]+"
    assert re.search(named, raw)
    assert not with_text["record_text"].str.contains(named).any()
    assert with_text["record_text"].str.contains(r"\[name\]", regex=True).any()
    codebook = load_codebook(ROOT / "config/codebook.yaml")
    sample = with_text.groupby(
        ["session_type", "family_reflection_recorded", "practitioner_reflection_recorded"]
    ).head(5)
    for row in sample.itertuples():
        codes = {m.code for *_, m in code_text(row.record_text, codebook)}
        assert ("part1_family_reflection" in codes) == row.family_reflection_recorded, row
        assert ("part2_practitioner_reflection" in codes) == row.practitioner_reflection_recorded
    # part 2 content on the child's file: case supervision records holding it
    part2_case = with_text[
        (with_text["session_type"] == "case") & with_text["practitioner_reflection_recorded"]
    ]
    assert len(part2_case) > 10
    assert part2_case["record_text"].str.contains("my own|I felt|how I felt").all()


def test_discussed_above_recorded_for_every_pair(demo) -> None:
    instrument = load_instrument(ROOT / "config/survey.yaml")
    pairs: dict[str, dict[str, str]] = {}
    for item in instrument.items:
        if item.compare:
            pairs.setdefault(item.compare[0], {})[item.compare[1]] = item.id
    assert {"family_capacity", "family_prognosis", "own_feelings", "own_bias"} <= set(pairs)
    survey = pd.concat(demo["results"][s]["survey"].data for s in SUBSET)
    score = (survey["response"] - 1) / (survey["scale_points"] - 1)
    means = score.groupby(survey["item_id"]).mean()
    for pair, side in pairs.items():
        assert means[side["discussed"]] > means[side["recorded"]] + 0.05, pair
