"""The bulletin: main points from message-led findings, the glossary read off the text."""

import pytest

from oversight.config import load_checked
from oversight.errors import ConfigError
from oversight.report.bulletin import first_sentences, glossary_used, main_points, plain_text
from oversight.report.findings import Finding


def _finding(fid: str, message: str = "") -> Finding:
    return Finding(
        fid, "s", "Topic", "First sentence here. Second one. Then " + "x" * 400, [], [], message
    )


def test_main_points_are_the_named_findings_with_their_messages_in_order():
    found = [
        _finding("F-A-01", "A rose"),
        _finding("F-B-01", "B fell"),
        _finding("F-C-01", "C held"),
    ]
    points = main_points(found, ["F-C-01", "F-A-01", "F-B-01"], "config/report.yaml")
    assert [(p.id, p.message) for p in points] == [
        ("F-C-01", "C held"),
        ("F-A-01", "A rose"),
        ("F-B-01", "B fell"),
    ]
    # A main point is the finding's opening, not the whole finding.
    assert points[0].text == "First sentence here. Second one."


def test_an_unknown_main_point_or_too_few_messages_stop_the_build():
    found = [_finding("F-A-01", "A rose"), _finding("F-B-01", "B fell"), _finding("F-C-01")]
    with pytest.raises(ConfigError, match="F-Z-09, which are not findings"):
        main_points(found, ["F-A-01", "F-Z-09"], "config/report.yaml")
    with pytest.raises(ConfigError, match="F-C-01 have no message-led title"):
        main_points(found, ["F-A-01", "F-B-01", "F-C-01"], "config/report.yaml")


def test_first_sentences_keep_decimals_and_stop_before_the_limit():
    text = "It was 1.10 per session due. Then 4.2% were cancelled. " + "Long " * 80 + "end."
    assert first_sentences(text) == "It was 1.10 per session due. Then 4.2% were cancelled."


def test_the_glossary_lists_exactly_the_terms_the_text_uses():
    terms = load_checked("config/glossary.yaml", "glossary.schema.yaml")["terms"]
    page = (
        "<p>Weighted κ = 0.80 and a <b>funnel</b> plot.</p>"
        '<img src="data:image/svg+xml;base64,Wilcoxon">'
    )
    used = [t["term"] for t in glossary_used([plain_text(page)], terms)]
    assert used == ["Funnel plot", "Weighted κ (kappa)"]
    assert glossary_used(["Nothing statistical here."], terms) == []
