"""The rule coder against hand-labelled sentences, negation pairs and the summaries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oversight.coding import (
    REQUIRED_CODE_IDS,
    CodebookError,
    check_required_codes,
    code_frequencies,
    code_sentence,
    code_units,
    cooccurrence,
    exemplars,
    load_codebook,
    parse_codebook,
    split_sentences,
    units_from_survey,
    units_from_transcripts,
)
from oversight.coding.agreement import code_agreement, overall_alpha

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(ROOT / "config" / "codebook.yaml")


@pytest.fixture(scope="module")
def labelled():
    return pd.read_csv(FIXTURES / "labelled_sentences.csv", keep_default_na=False, dtype=str)


def codes_of(text, codebook):
    return {m.code for m in code_sentence(text, codebook)}


def test_codebook_has_every_required_code_and_theme(codebook):
    check_required_codes(codebook)
    assert {t.id for t in codebook.themes} == {
        "reflection",
        "recording_barriers",
        "data_protection",
        "capacity",
        "partnership",
        "identity",
        "drift",
        "oversight",
    }
    assert codebook.theme_of("rationale_missing") == "oversight"
    for code in codebook.codes:
        assert code.include and code.definition and code.label


def test_labelled_fixtures_cover_every_code(labelled):
    used = {c for codes in labelled["codes"] for c in codes.split(";") if c}
    assert used == set(REQUIRED_CODE_IDS)
    assert (labelled["codes"] == "").sum() >= 6  # tricky exclusions with no code


def test_rule_coder_agrees_with_hand_labels(codebook, labelled):
    rows = []
    for r in labelled.itertuples(index=False):
        rows += [(r.sentence_id, c, "human") for c in r.codes.split(";") if c]
        rows += [(r.sentence_id, c, "rules") for c in codes_of(r.text, codebook)]
    codings = pd.DataFrame(rows, columns=["unit_id", "code", "coder"])
    units = list(labelled["sentence_id"])
    table = code_agreement(codings, "rules", "human", units=units, codes=REQUIRED_CODE_IDS)
    print("\n" + table[["code", "both", "a_only", "b_only", "kappa", "a_recall_of_b"]].to_string())
    alpha = overall_alpha(codings, "rules", "human", units=units, codes=REQUIRED_CODE_IDS)
    both = table["both"].sum()
    pooled = pd.DataFrame(
        [[both, table["a_only"].sum()], [table["b_only"].sum(), table["neither"].sum()]]
    )
    from oversight.stats import cohen_kappa

    overall = cohen_kappa(pooled.to_numpy()).kappa
    print(f"pooled kappa {overall:.3f}, alpha {alpha:.3f}")
    assert overall >= 0.8
    assert alpha >= 0.8
    assert (table["a_recall_of_b"] >= 0.75).all(), table
    assert (table["kappa"] >= 0.6).all(), table


@pytest.mark.parametrize(
    ("positive", "negative"),
    [
        ("Rationale recorded.", "No rationale recorded."),
        ("The rationale was recorded.", "The rationale was not recorded."),
        (
            "The rationale for the decision is clearly recorded on the file.",
            "The rationale for the decision to close the case was never recorded.",
        ),
        ("Decisions are recorded with reasons.", "Decisions are recorded without reasons."),
        ("The reasoning is written on the file.", "The reasoning isn't written on the file."),
    ],
)
def test_rationale_negation_pairs(codebook, positive, negative):
    assert "rationale_recorded" in codes_of(positive, codebook)
    assert "rationale_missing" not in codes_of(positive, codebook)
    assert "rationale_missing" in codes_of(negative, codebook)
    assert "rationale_recorded" not in codes_of(negative, codebook)


def test_oversight_negation_pairs(codebook):
    assert codes_of("There is evidence of management oversight.", codebook) >= {"oversight_quality"}
    weak = codes_of("There is no evidence of management oversight.", codebook)
    assert "oversight_weak" in weak and "oversight_quality" not in weak
    assert "oversight_weak" in codes_of("Management oversight is not evident.", codebook)
    assert "oversight_weak" in codes_of("There is a lack of management oversight.", codebook)


def test_negated_flag_is_set(codebook):
    [drift] = [m for m in code_sentence("There is no delay in taking action.", codebook)]
    assert drift.code == "drift_delay" and drift.negated
    [drift] = code_sentence("There is delay in taking action.", codebook)
    assert not drift.negated
    [partner] = code_sentence("Partners rarely attend the meetings.", codebook)
    assert partner.code == "partner_attendance" and partner.negated


def test_clause_boundary_stops_negation(codebook):
    codes = codes_of("There was no time, but the rationale is clearly recorded.", codebook)
    assert "rationale_recorded" in codes and "rationale_missing" not in codes


def test_split_sentences_keeps_offsets_and_wrapped_lines():
    text = (
        "1. Supervision is regular. Managers record\ndecisions (e.g. closures) well.\n\n"
        "◼ The quality of management oversight.\n◼ Caseloads."
    )
    spans = split_sentences(text)
    sentences = [text[s:e] for s, e in spans]
    assert sentences == [
        "Supervision is regular.",
        "Managers record\ndecisions (e.g. closures) well.",
        "The quality of management oversight.",
        "Caseloads.",
    ]


def test_split_sentences_drops_the_private_use_bullets_of_pdf_text():
    """East Sussex 2018's improvement list is bulleted with U+F06E (a Wingdings glyph): the
    quotes began with it, or with a space where redaction removed it."""
    text = (
        "\uf06e The consideration and recording of managers’ rationale for the timescales they\n"
        "agree for completing family assessments.\n\uf06e The clarity of letters.\n"
        "\uf0b7 Return home interviews."
    )
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == [
        "The consideration and recording of managers’ rationale for the timescales they\n"
        "agree for completing family assessments.",
        "The clarity of letters.",
        "Return home interviews.",
    ]


def test_codebook_errors_name_code_and_rule():
    base = {
        "themes": [
            {
                "id": "t",
                "label": "T",
                "codes": [
                    {
                        "id": "c1",
                        "label": "C",
                        "definition": "d",
                        "include": ["x"],
                        "rules": [{"words": ["ok"]}, {"patterns": ["(unclosed"]}],
                    },
                ],
            },
        ]
    }
    with pytest.raises(CodebookError, match=r"code 'c1', rule 2: invalid pattern"):
        parse_codebook(base)
    base["themes"][0]["codes"][0]["rules"] = [{"words": ["two words"]}]
    with pytest.raises(CodebookError, match=r"code 'c1', rule 1: word 'two words'"):
        parse_codebook(base)
    base["themes"][0]["codes"][0]["rules"] = [{"words": ["ok"], "negation": "sometimes"}]
    with pytest.raises(CodebookError, match=r"code 'c1', rule 1: negation mode"):
        parse_codebook(base)
    base["themes"][0]["codes"][0]["rules"] = [{"words": [False]}]
    with pytest.raises(CodebookError, match="quote it"):
        parse_codebook(base)
    base["themes"][0]["codes"][0]["rules"] = [{"requires": ["x"]}]
    with pytest.raises(CodebookError, match="no phrases, words or patterns"):
        parse_codebook(base)
    with pytest.raises(CodebookError, match="lacks required codes"):
        base["themes"][0]["codes"][0]["rules"] = [{"words": ["ok"]}]
        check_required_codes(parse_codebook(base))


@pytest.fixture
def transcripts():
    texts = [
        ("facilitator", "How does supervision help you think about the family?"),
        ("social_worker", "Supervision is too often cancelled. Caseloads are too high."),
        ("team_manager", "No rationale recorded. Jane said the plan drifted."),
        ("social_worker", "Caseloads are so high that supervision becomes a list of tasks."),
    ]
    return pd.DataFrame(
        {
            "la_code": ["E1", "E1", "E1", "E2"],
            "source_file": ["a.vtt"] * 3 + ["b.vtt"],
            "source_row": [1, 2, 3, 1],
            "session_id": "s",
            "turn": [1, 2, 3, 1],
            "speaker_id": ["f", "w", "m", "w2"],
            "speaker_role": [r for r, _ in texts],
            "text": [t for _, t in texts],
            "timestamp": "00:00:01.000",
        }
    )


def test_code_units_segments_and_summaries(codebook, transcripts):
    units = units_from_transcripts(transcripts)
    assert len(units) == 3  # facilitator left out
    seg = code_units(units, codebook)
    for row in seg.itertuples(index=False):
        text = units.set_index("unit_id").at[row.unit_id, "text"]
        assert text[row.span_start : row.span_end] == row.evidence
    assert set(seg.columns) >= {
        "source",
        "la_code",
        "source_file",
        "source_row",
        "unit_id",
        "sentence_index",
        "span_start",
        "span_end",
        "code",
        "theme",
        "evidence",
        "negated",
    }
    missing = seg[seg["code"] == "rationale_missing"]
    assert len(missing) == 1 and bool(missing["negated"].iloc[0])

    freq = code_frequencies(seg, by="la_code", units=units)
    caseload = freq[(freq["la_code"] == "E1") & (freq["code"] == "caseload")].iloc[0]
    assert caseload["n_units"] == 1 and caseload["units_total"] == 2
    assert caseload["share"] == pytest.approx(0.5)
    by_role = code_frequencies(seg, by=["source", "role"])
    assert set(by_role["role"]) == {"social_worker", "team_manager"}

    co = cooccurrence(seg, codes=["caseload", "oversight_weak", "drift_delay"])
    assert co.loc["caseload", "oversight_weak"] == 2
    assert co.loc["caseload", "caseload"] == 2
    assert co.loc["drift_delay", "caseload"] == 0

    ex = exemplars(seg, units, names=["Jane"])
    assert (ex.groupby("code").size() <= 3).all()
    drift = ex[ex["code"] == "drift_delay"]["quote"].tolist()
    assert drift == ["[name] said the plan drifted."]
    assert ex.equals(exemplars(seg.sample(frac=1, random_state=3), units, names=["Jane"]))


def test_units_from_survey_uses_free_text_rows(codebook):
    survey = pd.DataFrame(
        {
            "la_code": ["E1", "E1"],
            "source_file": ["s.csv", "s.csv"],
            "source_row": [2, 3],
            "role": ["social_worker", "social_worker"],
            "item_id": ["q1", "free_text"],
            "free_text": [None, "I am not sure who can read my personal reflections."],
        }
    )
    units = units_from_survey(survey)
    assert list(units["source"]) == ["survey"]
    codes = set(code_units(units, codebook)["code"])
    assert codes == {"part2_practitioner_reflection", "sar_data_protection"}
