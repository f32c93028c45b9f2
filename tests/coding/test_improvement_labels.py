"""Precision and recall of the inspectors' coder against hand labels of real improvement points.

``tests/fixtures/coding/improvement_labels.csv`` holds every "what needs to improve" item of
the Ofsted reports in ``data/raw/published/ofsted/``, each read and labelled by hand: does it
raise management oversight or supervision *of social work practice* (the codebook definition
is in ``src/oversight/coding/inspector_senses.yaml``)? The items are re-parsed from the
shipped reports, so the labels must cover exactly the published text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oversight.coding.inspectors import oversight_mentions, raises_oversight_of_practice
from oversight.published import inspections as ins
from oversight.published import report_parser as parser

ROOT = Path(__file__).resolve().parents[2]
OFSTED = ROOT / "data" / "raw" / "published" / "ofsted"
SESLIP = ROOT / "data" / "raw" / "published" / "seslip_las.csv"
LABELS = ROOT / "tests" / "fixtures" / "coding" / "improvement_labels.csv"
KEYS = ["la_code", "published", "item"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The shipped reports, parsed now (one row per section)."""
    reports = [
        parser.parse_report(parser.read_report(p), p.name) for p in sorted(OFSTED.glob("*.txt"))
    ]
    return ins.inspections_frame(reports, pd.read_csv(SESLIP))


@pytest.fixture(scope="module")
def labelled(frame) -> pd.DataFrame:
    """The labels joined to the items parsed now from the shipped reports."""
    items = ins.what_needs_to_improve(frame)
    items = items.assign(
        la_code=items["la_code"].astype(str),
        published=items["published"].dt.strftime("%Y-%m-%d"),
        text=items["text"].astype(str),
    )
    labels = pd.read_csv(LABELS, dtype={"la_code": str, "published": str}, keep_default_na=False)
    return items.merge(labels, on=KEYS, how="outer", suffixes=("", "_label"), indicator=True)


def test_labels_cover_every_published_item(labelled):
    assert len(labelled) >= 150
    assert (labelled["_merge"] == "both").all(), labelled.loc[labelled["_merge"] != "both", KEYS]
    assert (labelled["text"] == labelled["text_label"]).all()
    assert set(labelled["oversight_of_practice"]) == {True, False}


def test_precision_and_recall(labelled):
    truth = labelled["oversight_of_practice"].astype(bool)
    coded = labelled["text"].map(raises_oversight_of_practice)
    tp = int((coded & truth).sum())
    precision = tp / int(coded.sum())
    recall = tp / int(truth.sum())
    print(
        f"\nimprovement points {len(labelled)}, labelled yes {int(truth.sum())}, "
        f"coded yes {int(coded.sum())}, agree yes {tp}: "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    for row, c in zip(labelled.itertuples(index=False), coded, strict=True):
        if c != row.oversight_of_practice:
            print(f"  {'FP' if c else 'FN'} {row.la_code} {row.published} #{row.item}: {row.text}")
    assert precision >= 0.9
    assert recall >= 0.9


def test_reports_raising_it_agree_with_the_labels(frame, labelled):
    """The report-level table (``inspectors_oversight.csv``) codes each report's whole section;
    a report raises it, by hand, when any of its labelled points does."""
    mentions = oversight_mentions(frame)
    mentions = mentions[mentions["has_section"]].assign(
        published=lambda m: pd.to_datetime(m["published"]).dt.strftime("%Y-%m-%d")
    )
    by_hand = labelled.groupby(["la_code", "published"])["oversight_of_practice"].any()
    coded = mentions.set_index(["la_code", "published"])["raises_oversight"]
    joined = pd.concat([by_hand.rename("by_hand"), coded.rename("coded")], axis=1)
    print(
        f"\nreports {len(joined)}, raising it by hand {int(joined['by_hand'].sum())}, "
        f"coded {int(joined['coded'].sum())}"
    )
    assert len(joined) == len(by_hand) == len(coded)
    assert (joined["by_hand"] == joined["coded"]).all(), joined[
        joined["by_hand"] != joined["coded"]
    ]
