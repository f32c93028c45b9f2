"""Report invariants on the demo run: the report says only what its tables say, labels follow
the numbers, every published table and figure is in it, and a demo run says on every
artefact that its LA figures are synthetic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from oversight.config import load_yaml
from oversight.quality.links import Limits
from oversight.report import bulletin, marking
from oversight.report.exports import META_SHEETS
from oversight.report.recommendations import check_not_done, done, load
from tests.report import invariants as inv

pytestmark = pytest.mark.e2e

# Statistical terms a reader may not know; each one the report uses needs a glossary entry.
STATISTICAL_TERMS = [
    "φ",
    "κ",
    "odds ratio",
    "confidence interval",
    "95% interval",
    "p-value",
    "funnel",
    "over-dispersion",
    "Spiegelhalter",
    "Wilson",
    "Newcombe",
    "Cronbach",
    "quasi-binomial",
    "binomial",
    "difference-in-differences",
    "fixed-effects",
    "interrupted time series",
    "placebo",
    "event study",
    "pre-trend",
    "Ljung-Box",
    "Newey-West",
    "Durbin-Watson",
    "Landis",
    "median",
    "χ²",
    "ordinal",
    "percentage points",
    "statistical neighbours",
    "Wilcoxon",
    "multinomial",
    "comparator",
]


@pytest.fixture(scope="module")
def report(demo_run: Path) -> dict:
    catalogue = load_yaml(demo_run / "config/tables.yaml")["tables"]
    tables = {
        name: pd.read_csv(
            demo_run / f"results/tables/{name}.csv",
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        )
        for name in catalogue
    }
    html = (demo_run / "results/report/index.html").read_text(encoding="utf-8")
    findings = json.loads((demo_run / "results/report/findings.json").read_text())
    return {
        "catalogue": catalogue,
        "tables": tables,
        "ids": {spec["id"]: name for name, spec in catalogue.items()},
        "html": html,
        "text": bulletin.plain_text(html),
        "findings": findings,
    }


def test_every_published_table_and_figure_is_in_the_report(demo_run: Path, report) -> None:
    missing = [i for i in report["ids"] if f'id="{i}"' not in report["html"]]
    assert missing == []
    figures = [
        e["id"]
        for manifest in sorted((demo_run / "results/figures").glob("*.json"))
        for e in json.loads(manifest.read_text())
    ]
    assert len(figures) >= 20
    assert [f for f in figures if f'id="{f}"' not in report["html"]] == []


def test_every_number_in_a_finding_is_a_cell_it_cites(demo_run: Path, report) -> None:
    # The study's configured limits (F-DATA-02 states them) are settings, not data.
    limits = Limits.from_config(load_yaml(demo_run / "config/config.yaml")["quality"]).describe()
    problems = [
        p
        for f in report["findings"]
        for p in inv.numbers_from_cells(
            f | {"text": f["text"].replace(limits, "")}, report["tables"], report["ids"]
        )
    ]
    assert problems == []


def test_labels_follow_the_numbers(report) -> None:
    assert inv.kappa_words(report["text"]) == []
    assert inv.interval_words(report["text"]) == []
    assert re.search(r"κ = \d\.\d\d \(", report["text"])  # the check had something to check


def test_counts_of_las_agree(demo_run: Path, report) -> None:
    las = len(load_yaml(demo_run / "config/config.yaml")["authorities"])
    # No sentence counts more LAs than the study has.
    for number in re.findall(r"(?<!\bin )\b(\d+) (?:adopting |comparison )?LAs\b", report["text"]):
        assert int(number) <= las
    # The impact findings' adopters and comparisons add up to the study's LAs once the LAs
    # left out for that outcome are named.
    did = report["tables"]["impact_did"]
    for row in did.itertuples():
        treated, comparison = int(row.las_treated), int(row.las_comparison)
        excluded = [x for x in str(row.excluded or "").split(";") if x and x != "nan"]
        assert treated + comparison + len(excluded) == las, row.metric


def test_plans_precede_what_they_plan(demo_run: Path) -> None:
    impact = load_yaml(demo_run / "config/impact.yaml")
    registered = impact["plan"]["registered"]
    months = [m for a in impact["adoption"].values() for m in a.values() if m]
    assert months and all(registered[:7] < m for m in months)
    plan = demo_run / "config/hypothesis.yaml"
    if plan.exists():
        study = load_yaml(demo_run / "config/config.yaml")["study"]
        assert str(load_yaml(plan)["registered"]) < study["period_start"]


def test_recommendations_build_on_what_the_report_did(demo_run: Path, report) -> None:
    recs = load(demo_run / "config/recommendations.yaml")
    already = done(report["tables"])
    assert "impact_evaluation" in already  # the demo evaluates the templates
    check_not_done(recs, already, "config/recommendations.yaml")


def test_the_bulletin_has_main_points_glossary_and_authorship(demo_run: Path, report) -> None:
    text, html = report["text"], report["html"]
    points = re.findall(r'<li id="main-(F-[A-Z]+-\d\d)"><h3>([^<]+)</h3>', html)
    assert 3 <= len(points) <= 6
    assert all(len(title.split()) >= 5 for _, title in points)  # messages, not topics
    config = load_yaml(demo_run / "config/report.yaml")["about"]
    assert f"Version {config['version']}" in text and config["date"] in text
    glossary = html[html.index('id="glossary"') : html.index('id="methods"')]
    glossary_text = bulletin.plain_text(glossary).lower()
    body = text.replace(bulletin.plain_text(glossary), "")
    terms = load_yaml(demo_run / "config/glossary.yaml")["terms"]
    for term in STATISTICAL_TERMS:
        if term.lower() in body.lower():
            entry = [t for t in terms if re.search(t["match"], term, flags=re.IGNORECASE)]
            assert entry, f"{term!r} is used but has no glossary entry"
            assert entry[0]["term"].lower() in glossary_text, term
    assert text.count("What this means for practice") >= 6


def test_a_demo_run_marks_every_artefact(demo_run: Path, report) -> None:
    assert marking.DEMO_NOTE in report["text"]
    for name, spec in report["catalogue"].items():
        frame = report["tables"][name]
        marked = "data_status" in frame.columns
        assert marked == marking.from_la_extracts(spec), name
        if marked and len(frame):
            assert set(frame["data_status"]) == {marking.DEMO_STATUS}
    assert all(f["data"] == marking.DEMO_NOTE for f in report["findings"])
    book = load_workbook(demo_run / "results/report/tables.xlsx", read_only=True)
    ids = {spec["id"]: spec for spec in report["catalogue"].values()}
    for ws in book.worksheets[len(META_SHEETS) :]:
        title = str(next(ws.iter_rows(min_row=1, max_row=1, values_only=True))[0])
        assert (marking.DEMO_NOTE in title) == marking.from_la_extracts(ids[ws.title])
    for svg in sorted((demo_run / "results/figures").rglob("*.svg")):
        assert "ynthetic" in svg.read_text(encoding="utf-8") or "DfE" in svg.read_text(
            encoding="utf-8"
        ), svg.name
    for page in sorted((demo_run / "results/report/la").glob("*.html")):
        assert "synthetic" in page.read_text(encoding="utf-8").lower(), page.name
