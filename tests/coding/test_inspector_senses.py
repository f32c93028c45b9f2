"""What inspectors said: only the management oversight and supervision of social work counts.

The sentences below are the real improvement points of the Ofsted reports in
``data/raw/published/ofsted/`` that mention supervision or oversight of something else (the
supervision of foster carers, the corporate parenting board's oversight, the quality
assurance of commissioned placements) and were once counted as management oversight.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

from oversight.coding.inspectors import is_management_oversight, oversight_mentions, senses
from oversight.config import load_yaml
from oversight.errors import ConfigError
from oversight.published import inspections as ins
from oversight.published import report_parser as parser

ROOT = Path(__file__).resolve().parents[2]
OFSTED = ROOT / "data" / "raw" / "published" / "ofsted"
SESLIP = ROOT / "data" / "raw" / "published" / "seslip_las.csv"

FOSTER = "The quality and frequency of supervision and support of foster carers."
BOARD = "The oversight and impact of the corporate parenting board."
COMMISSIONED = "quality assurance oversight of commissioned placement arrangements."
# True mentions from the same reports: they must still count.
KEPT = {
    "80582_wokingham__childrens_services_inspection_-_15_july_2019.txt": (
        "The level of critical scrutiny, and quality of supervision, provided by frontline "
        "managers."
    ),
    "80524_milton_keynes__childrens_services_inspection_-_17_december_2021.txt": (
        "Oversight of children in need plans by qualified social workers."
    ),
}


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    reports = [
        parser.parse_report(parser.read_report(p), p.name) for p in sorted(OFSTED.glob("*.txt"))
    ]
    frame = ins.inspections_frame(reports, pd.read_csv(SESLIP))
    return oversight_mentions(frame)


def _quotes(mentions: pd.DataFrame) -> list[str]:
    return [q for qs in mentions["quotes"] for q in qs]


def _improvement_text(name: str) -> str:
    """The report's improvement section as the parser reads it (the sentence is really there)."""
    report = parser.parse_report(parser.read_report(OFSTED / name), name)
    return " ".join(
        " ".join(s["text"].split())
        for s in report["sections"]
        if s["section"] == "what_needs_to_improve"
    )


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("80524_milton_keynes__childrens_services_inspection_-_17_december_2021.txt", FOSTER),
        ("80582_wokingham__childrens_services_inspection_-_15_july_2019.txt", BOARD),
        ("80540_reading__childrens_services_inspection_-_28_october_2019.txt", COMMISSIONED),
    ],
)
def test_other_senses_are_in_the_reports_and_no_longer_counted(mentions, name, sentence):
    assert sentence in _improvement_text(name)
    assert not any(sentence in q for q in _quotes(mentions))
    assert not is_management_oversight(sentence)


def test_true_mentions_still_count(mentions):
    quotes = _quotes(mentions)
    for name, sentence in KEPT.items():
        assert sentence in _improvement_text(name)
        assert sentence in quotes
    row = mentions[mentions["source_file"].str.startswith("80582_wokingham")].iloc[0]
    assert row["raises_oversight"]


def test_reading_2019_no_longer_raises_oversight(mentions):
    # Its only mention was the quality assurance of commissioned placements.
    row = mentions[
        mentions["source_file"].str.startswith(
            "80540_reading__childrens_services_inspection_-_28_october_2019"
        )
    ]
    assert row["has_section"].tolist() == [True]
    assert row["raises_oversight"].tolist() == [False]


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        ("The oversight of the budget for placements.", False),
        ("The corporate parenting board's oversight of sufficiency.", False),
        ("Supervising social workers provide regular supervision to foster carers.", False),
        # Both senses in one sentence: the social-work one still counts.
        ("Management oversight of plans and the supervision of foster carers.", True),
        ("The quality and consistency of management oversight.", True),
    ],
)
def test_senses_within_a_sentence(sentence, counts):
    assert is_management_oversight(sentence) is counts


@pytest.mark.parametrize(
    "sentence",
    [
        # Other objects of oversight met in reports of other regions and years.
        "Senior management oversight of children living in private fostering arrangements.",
        "The oversight of return home interviews for children who go missing.",
        "The designated officer's oversight and recording of allegations.",
        "Leaders' oversight of the multi-agency child exploitation panel.",
        "The supervision and support of connected carers.",
        "The timeliness and oversight of placement with parents arrangements.",
        "The oversight of placement sufficiency.",
        "The supervision of family time for children in care.",
    ],
)
def test_other_objects_do_not_count(sentence):
    assert is_management_oversight(sentence) is False


@pytest.mark.parametrize(
    "sentence",
    [
        "The quality of supervision of social workers and personal advisers.",
        "Managers' decisions and direction on children's files.",
        "Improved management decision-making on step-down and case closure.",
        "The recording of case direction on children's records.",
        "Oversight of children in care by frontline managers.",
        "Team managers supervise social workers at least monthly.",
        # A second object of the same oversight, one of them practice.
        "The oversight of children's plans and of private fostering arrangements.",
        "The supervision of newly qualified social workers and of foster carers.",
    ],
)
def test_oversight_of_practice_counts_without_the_codebook(sentence):
    assert is_management_oversight(sentence) is True


def test_a_broken_pattern_is_named_by_file_and_id(tmp_path):
    data = load_yaml(Path(str(resources.files("oversight.coding") / "inspector_senses.yaml")))
    data["not_management_oversight"][0]["pattern"] = "(unclosed"
    path = tmp_path / "senses.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"senses\.yaml: not_management_oversight\[0\] \(id "):
        senses(path)


def test_a_sense_without_a_reason_is_refused(tmp_path):
    data = load_yaml(Path(str(resources.files("oversight.coding") / "inspector_senses.yaml")))
    del data["management_of_practice"][0]["why"]
    path = tmp_path / "senses.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"inspector_senses\.schema\.yaml"):
        senses(path)
