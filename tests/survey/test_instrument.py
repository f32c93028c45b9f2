"""The common instrument: validation, HTML questionnaire and xlsx import template."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from oversight.survey import (
    InstrumentError,
    import_template,
    load_instrument,
    parse_instrument,
    render_questionnaire,
    write_import_template,
    write_questionnaire,
)

ORIGINAL = {
    "sup_freq": "supervision_frequency",
    "sup_reflect": "supervision_quality",
    "sup_challenge": "supervision_quality",
    "sup_child": "supervision_quality",
    "rec_decisions": "recording_oversight",
    "rec_time": "recording_oversight",
    "pers_safe": "personal_reflection",
    "pers_where": "personal_reflection",
    "wb_workload": "workload_wellbeing",
    "wb_support": "workload_wellbeing",
}


@pytest.fixture(scope="module")
def instrument():
    return load_instrument()


def test_original_items_kept_and_instrument_extended(instrument):
    constructs = {it.id: it.construct for it in instrument.items}
    assert {k: constructs[k] for k in ORIGINAL} == ORIGINAL
    assert instrument.item_ids[:10] == list(ORIGINAL)
    assert len(instrument.items) > 10
    assert set(instrument.scales) >= {"agree5", "freq5", "scale0_10"}
    assert len(instrument.scales["scale0_10"]) == 11
    assert any(it.reverse for it in instrument.items)
    assert {d.id for d in instrument.demographics} == {
        "demo_role",
        "demo_years_qualified",
        "demo_contract",
        "demo_team_type",
    }
    assert "example_la_2023" in instrument.legacy_mappings


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"constructs": {"a": "A"}, "items": [{"id": "x", "construct": "b", "text": "t"}]},
            "unknown construct",
        ),
        (
            {
                "constructs": {"a": "A"},
                "scales": {"s": ["1", "2"]},
                "items": [
                    {"id": "x", "construct": "a", "text": "t", "scale": "s"},
                    {"id": "x", "construct": "a", "text": "u", "scale": "s"},
                ],
            },
            "duplicate id",
        ),
        (
            {
                "constructs": {"a": "A"},
                "scales": {"s": ["1", "2"]},
                "items": [{"id": "x", "construct": "a", "text": "t", "scale": "nope"}],
            },
            "unknown scale",
        ),
        (
            {
                "constructs": {"a": "A"},
                "scales": {"s": ["1", "2"]},
                "items": [{"id": "x", "construct": "a", "scale": "s"}],
            },
            "missing 'text'",
        ),
    ],
)
def test_invalid_instrument_rejected(raw, message):
    with pytest.raises(InstrumentError, match=message):
        parse_instrument(raw)


def test_questionnaire_has_every_item_and_a_fieldset_per_construct(instrument):
    html = render_questionnaire(instrument, la_name="Testshire")
    sections = re.findall(r'<fieldset class="construct" id="([a-z_]+)">', html)
    assert sections == [*instrument.constructs, "comments"]
    for construct, heading in instrument.constructs.items():
        # each section's legend is a heading: screen readers and the PDF's tags navigate by it
        assert f"{heading}</h2></legend>" in html.replace("&#39;", "'"), construct
    for it in (*instrument.items, *instrument.demographics):
        assert f'data-item-id="{it.id}"' in html
        assert f"({it.id})</span></h3></legend>" in html
        options = instrument.scales[it.scale] if it.scale else it.options
        # one labelled radio button per answer option
        assert html.count(f'name="{it.id}"') == len(options)
        assert f'<label for="{it.id}-1">' in html
    questions = len(instrument.items) + len(instrument.demographics)
    assert html.count('<fieldset class="question"') == questions
    assert html.count("<legend>") == questions + len(instrument.constructs) + 1
    assert 'lang="en-GB"' in html and "Testshire" in html
    # autoescaped: apostrophes in item text are escaped, not raw HTML
    assert "child&#39;s lived experience" in html


def test_import_template_columns_match_instrument(instrument, tmp_path):
    wb = import_template(instrument)
    ws = wb["Responses"]
    ids = [c.value for c in ws[1]]
    texts = [c.value for c in ws[2]]
    expected = [d.id for d in instrument.demographics] + instrument.item_ids
    assert ids == ["respondent_id", "wave", *expected]
    by_id = {it.id: it.text for it in (*instrument.items, *instrument.demographics)}
    assert texts[2:] == [by_id[i] for i in expected]
    notes = {row[0]: row for row in wb["Notes"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert set(expected) <= set(notes)
    assert notes["sup_freq"][3] == "; ".join(instrument.scales["agree5"])
    assert notes["wb_stress"][4] == "yes"
    assert notes["demo_contract"][3].startswith("Permanent; Agency")

    path = write_import_template(instrument, tmp_path / "out" / "template.xlsx")
    assert [c.value for c in load_workbook(path)["Responses"][1]] == ids
    page = write_questionnaire(instrument, tmp_path / "q.html")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
