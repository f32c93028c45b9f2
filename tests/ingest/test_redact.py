"""Redaction of contact details and names from free text."""

from __future__ import annotations

import pytest

from oversight.ingest.redact import name_parts, participants, redact
from oversight.ingest.words import forenames


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email jane.smith+sw@example.org.uk today", "Email [email] today"),
        ("Call 07700 900123 tomorrow", "Call [phone] tomorrow"),
        ("Call 07700900123.", "Call [phone]."),
        ("Ring +44 (0)20 7946 0958 now", "Ring [phone] now"),
        ("Ring +44 7700 900123", "Ring [phone]"),
        ("Office 01632 960123", "Office [phone]"),
        ("Lives at SW1A 1AA and me14 1xx", "Lives at [postcode] and [postcode]"),
        ("Moved to 12 Acacia Avenue last week", "Moved to [address] last week"),
    ],
)
def test_contact_details_removed(text, expected):
    assert redact(text) == expected


def test_participant_names_full_and_parts():
    text = "Jane Smith said Smith and Jane agreed; Jane's plan. Zoltan Kovacs too, Kovacs said."
    out = redact(text, ["Jane Smith", "Zoltan Kovacs"])
    assert out == ("[name] said [name] and [name] agreed; [name] plan. [name] too, [name] said.")


def test_common_forenames_removed_without_participant_list():
    assert {"Alice", "Oliver", "Mohammed"} <= forenames()
    assert redact("Alice told Oliver about Mohammed") == "[name] told [name] about [name]"


@pytest.mark.parametrize(
    "text",
    [
        "Will we record it?",
        "May be next week, in the Grace period.",
        "We mark the plan and review it in 2 weeks.",
        "The session ran 45 minutes; 3 of 10 items were discussed.",
    ],
)
def test_ordinary_words_are_kept(text):
    assert redact(text, ["Jane Smith"]) == text


def test_participant_names_inside_words_are_not_matched():
    # "Jane" is not found inside "Janet" (the gazetteer layer judges "Janet" on its own).
    assert participants("Janet and Smithson", ["Jane Smith"]) == []
    assert redact("Alicent", []) == "Alicent"


def test_name_parts():
    assert name_parts(["Jane Smith", " O'Neil, Ann-Marie ", "", "J Bloggs"]) == {
        "Jane Smith",
        "Jane",
        "Smith",
        "O'Neil, Ann-Marie",
        "O'Neil",
        "Ann-Marie",
        "J Bloggs",
        "Bloggs",
    }


def test_empty_text_is_returned_as_is():
    assert redact("") == ""


def test_participant_names_redacted_whatever_the_case():
    out = redact("thanks zoltan, and KOVACS agreed", ["Zoltan Kovacs"])
    assert "zoltan" not in out.lower() and "kovacs" not in out.lower()
