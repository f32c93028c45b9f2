"""The layered redactor: the hostile examples of issue 15, each layer, the publishing gate,
and recall on the labelled corpus (tests/fixtures/redaction/corpus.yaml)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from oversight.ingest.redact import publishable, redact, unsure_words

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("My manager Quorn is supportive.", "Quorn"),
        ("spoke to sarah about the plan", "sarah"),
        ("Social worker Jones visited.", "Jones"),
        ("IRO Smith raised a dispute.", "Smith"),
        ("Team manager Patel signed it off.", "Patel"),
        ("The Okafor family asked for a new worker.", "Okafor"),
        ("Mum's NI number QQ123456C was needed.", "QQ123456C"),
        ("Call (01753) 875 000 out of hours.", "875 000"),
        ("Dad is on 0044 7700 900123 abroad.", "900123"),
        ("New number 07700.900.123 for nan.", "900.123"),
        ("SUPERVISION WITH KAREN IS NEVER ON TIME", "KAREN"),
        ("mum is now at 7 ashdown close with her sister", "ashdown"),
        ("DOB: 2011-04-17 checked with health.", "2011-04-17"),
        ("mr quorn did not attend", "quorn"),
    ],
)
def test_hostile_examples_are_redacted(text, gone):
    assert gone not in redact(text)


def test_la_identifier_pattern_from_config():
    assert redact("Case CH204518 closed.", id_patterns=[r"CH\d{6}"]) == "Case [id] closed."
    # Without the pattern a short ID of another shape survives, with it it goes.
    assert "AB1234" in redact("Ref AB1234 noted.")
    assert redact("Ref AB1234 noted.", id_patterns=[r"AB\d{4}"]) == "Ref [id] noted."


@pytest.mark.parametrize(
    "text",
    [
        "Will we get supervision every four weeks now?",
        "There is a grace period before the audit is due.",
        "Supervision was cancelled twice in March because of court.",
        "Managers in Reading and Wokingham share a duty system.",
        "Ofsted said management oversight needs to improve.",
        "The social worker visited on Monday and Thursday.",
    ],
)
def test_ordinary_sentences_are_kept(text):
    assert redact(text, known=["Reading", "Wokingham"]) == text


def test_publishable_refuses_unknown_capitalised_words():
    assert publishable("My manager is supportive.")
    assert publishable("My manager [name] is supportive.")
    assert not publishable("Quorn said it was fine.")
    assert unsure_words("Quorn said it was fine.") == ["Quorn"]
    # On a raw string such as a file name: a name in it makes it unpublishable.
    assert not publishable("Jane_Smith_2024-03-01")
    assert publishable("focus_group_1")


def test_a_capitalised_name_that_is_also_a_word_holds_its_quote_back():
    """Mid-sentence, "Smith" and "Baker" are names even though they are English words: not
    redacted (the common-word rule keeps "smith"), but not published either."""
    assert unsure_words("I spoke to Smith yesterday.") == ["Smith"]
    assert not publishable("Ask Baker about the plan.")
    # At the start of a sentence a capital says nothing.
    assert publishable("Will we get supervision this month?")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Surnames wordfreq finds common (Zipf 3.9-4.3) but English writes only capitalised.
        ("dad and murphy were both at the door", "dad and [name] were both at the door"),
        ("Case moved from HUGHES to WALSH today.", "Case moved from [name] to [name] today."),
        ("SUPERVISION WITH CAMPBELL IS NEVER ON TIME", "SUPERVISION WITH [name] IS NEVER ON TIME"),
        # Webster's lists "patel" in lower case; the spelling dictionary overrides it.
        ("I met Patel on Monday.", "I met [name] on Monday."),
        # Surnames that are common words stay, in lower case and in capitals.
        ("we agreed a plan for the weeks ahead", "we agreed a plan for the weeks ahead"),
        ("We agreed a PLAN for the WEEKS ahead.", "We agreed a PLAN for the WEEKS ahead."),
        # A modal verb followed by a verb of the third person is a name.
        ("will is the eldest and cooks for them", "[name] is the eldest and cooks for them"),
        ("Will has moved school.", "[name] has moved school."),
        ("We will have supervision.", "We will have supervision."),
        ("the will is contested", "the will is contested"),
    ],
)
def test_surnames_in_lower_case_and_capitals(text, expected):
    assert redact(text) == expected


def test_proper_names_list_is_built_from_capitalised_only_entries():
    from oversight.ingest.gazetteer_proper_build import proper_nouns
    from oversight.ingest.words import proper_names

    words = ["plan", "plans", "Jones", "Jones's", "smith", "Smith", "UK", "McCarthy", "Co"]
    assert proper_nouns(words) == {"jones", "mccarthy", "co"}
    assert {"murphy", "hughes", "patel"} <= proper_names()
    assert not {"plan", "weeks", "smith"} & proper_names()


def test_acronyms_in_capitals_are_kept_and_known():
    text = "The ICPC and RCPC were moved; the IRO, LADO and SEN team agreed."
    assert redact(text) == text
    assert publishable(text)
    # An acronym only in capitals: "Sen" after a title is a surname.
    assert redact("Dr Sen chaired the ICPC.") == "Dr [name] chaired the ICPC."


def test_gate_on_words_in_capitals_and_unknown_lower_case_words():
    # An unknown word in capitals (not common English, not a listed acronym) is unsure.
    assert unsure_words("The QWERTZ panel met.") == ["QWERTZ"]
    assert not publishable("The QWERTZ panel met.")
    assert publishable("We agreed a PLAN for the WEEKS ahead.")
    # In a text without capitals a word neither the gazetteer nor English knows is unsure;
    # in ordinary text the case of such a word says it is no name.
    assert unsure_words("handed over to quillon on monday") == ["quillon"]
    assert publishable("Handed over to quillon on Monday.")


def _benchmark():
    spec = importlib.util.spec_from_file_location("redaction", ROOT / "benchmarks/redaction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recall_on_the_labelled_corpus_is_at_least_98_percent():
    bench = _benchmark()
    corpus = bench.load_corpus()
    assert len(corpus) >= 300
    assert sum(1 for c in corpus if not c["spans"]) >= 100
    result = bench.measure(corpus)
    missed = "; ".join(f"{i} {kind} {piece!r}" for i, kind, piece, _ in result["misses"])
    assert result["recall"] >= 0.98, f"recall {result['recall']:.1%}; missed: {missed}"
    assert result["precision"] >= 0.90, f"precision {result['precision']:.1%}"
    # Every span the layers miss is held back by the publishing gate.
    assert result["leaked"] == [], f"missed and publishable: {result['leaked']}"
