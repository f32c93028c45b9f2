"""An LA's dataset marked unreliable in the ledger is left out of the comparison, the region's
totals, the funnels, the model and the findings; its other datasets stay in."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.compare.comparison import compare, heterogeneity
from oversight.compare.metrics import definitions
from oversight.config import common_schema, load_checked
from oversight.disclosure.publish import data_received, publish
from oversight.quality.exclusions import (
    analyses,
    drop_for,
    drop_las,
    metric_datasets,
    table,
    unreliable,
)
from oversight.report.annex import AnnexContext, la_annex, render_annex
from oversight.report.findings import Context, _spread
from oversight.report.findings_exclusions import exclusions_finding, with_left_out
from oversight.report.render import environment
from tests.conftest import ROOT

REGION = "E12000008"
YEAR = "2024-25"
CODES = [f"E0600000{i}" for i in range(6)]
OUT = CODES[5]  # its oversight data are unreliable
NAMES = {c: f"LA {c[-1]}" for c in CODES} | {REGION: "South East"}
REASON = (
    "12.5% of oversight entries are for a child not in the caseload, above the study's limit of 5%"
)
CATALOGUE = load_checked(ROOT / "config/tables.yaml", "tables.schema.yaml")["tables"]


def _ledger() -> pd.DataFrame:
    rows = []
    for code in CODES:
        for dataset in ("supervision", "caseload", "oversight", "audits"):
            bad = code == OUT and dataset == "oversight"
            rows.append(
                {
                    "la_code": code,
                    "dataset": dataset,
                    "rows_in": 1000,
                    "rows_loaded": 990,
                    "rows_rejected": 10,
                    "blank_rows_skipped": 0,
                    "file_problem": "",
                    "status": f"unreliable: {REASON}" if bad else "ok",
                    "balanced": True,
                }
            )
    return pd.DataFrame(rows)


def _counts() -> pd.DataFrame:
    # Five LAs near 70% on both metrics; the sixth far below on both. Its staff supervision
    # is reliable and must still be compared; its child oversight must not be.
    staff = [700, 690, 710, 705, 695, 295]
    child = [600, 610, 590, 605, 595, 200]
    rows = []
    for code, s, c in zip(CODES, staff, child, strict=True):
        rows.append((code, "2024-25", "staff_supervision_28d", "all", s, 1000))
        rows.append((code, "2024-25", "child_oversight_28d", "all", c, 1000))
        rows.append((code, "2024-25", "oversight_rationale", "all", 400, 800))
        rows.append((code, "2024-25", "audit_mo_good", "all", 300, 500))
    return pd.DataFrame(
        rows, columns=["la_code", "period", "metric", "breakdown", "numerator", "denominator"]
    )


@pytest.fixture(scope="module")
def bad() -> pd.DataFrame:
    return unreliable(_ledger())


@pytest.fixture(scope="module")
def metrics(bad) -> pd.DataFrame:
    return compare(drop_for(_counts(), bad, "comparison"), REGION)


def _row(table: pd.DataFrame, code: str, metric: str) -> pd.DataFrame:
    return table[(table.la_code == code) & (table.metric == metric)]


def test_unreliable_lines_come_from_the_ledger_status(bad) -> None:
    assert bad.to_dict("records") == [{"la_code": OUT, "dataset": "oversight", "reason": REASON}]
    assert unreliable(_ledger().drop(columns=["status"])).empty


def test_only_the_metrics_built_on_the_unreliable_dataset_leave_the_comparison(metrics) -> None:
    assert _row(metrics, OUT, "child_oversight_28d").empty
    assert _row(metrics, OUT, "oversight_rationale").empty
    # Its supervision and audits are reliable: compared, and its low staff value flagged.
    staff = _row(metrics, OUT, "staff_supervision_28d").iloc[0]
    assert staff.funnel_flag == "low_998"
    assert len(_row(metrics, OUT, "audit_mo_good")) == 1


def test_the_region_total_excludes_it(metrics) -> None:
    child = _row(metrics, REGION, "child_oversight_28d").iloc[0]
    assert (child.numerator, child.denominator) == (3000, 5000)  # five LAs, not six
    staff = _row(metrics, REGION, "staff_supervision_28d").iloc[0]
    assert (staff.numerator, staff.denominator) == (3795, 6000)  # all six
    het = heterogeneity(metrics, REGION, "2024-25").set_index("metric")
    assert het.loc["child_oversight_28d", "las"] == 5
    assert het.loc["staff_supervision_28d", "las"] == 6
    # Included, the sixth LA would pull the region down and sit below the funnel.
    whole = compare(_counts(), REGION)
    assert _row(whole, REGION, "child_oversight_28d").iloc[0].numerator == 3200
    assert _row(whole, OUT, "child_oversight_28d").iloc[0].funnel_flag == "low_998"


def test_the_model_survey_and_coding_leave_out_what_rests_on_it(bad) -> None:
    units = pd.DataFrame({"la_code": CODES, "within_window": [1, 0, 1, 1, 0, 0]})
    assert list(drop_for(units, bad, "model")["la_code"]) == CODES[:5]
    # The survey reads no oversight data: nothing is dropped from it.
    survey = pd.DataFrame({"la_code": CODES, "respondent_id": list("abcdef")})
    assert drop_for(survey, bad, "survey").equals(survey)
    assert drop_las(survey, bad, ["transcripts"]).equals(survey)
    series = pd.DataFrame(
        {
            "la_code": [OUT, OUT, CODES[0]],
            "metric": ["child_oversight_28d", "audit_mo_good", "child_oversight_28d"],
        }
    )
    kept = drop_for(series, bad, "impact")
    assert kept.values.tolist() == [[OUT, "audit_mo_good"], [CODES[0], "child_oversight_28d"]]


def test_every_metric_and_analysis_names_the_datasets_it_reads() -> None:
    known = set(common_schema())
    for metric in definitions():
        assert metric_datasets(metric) and set(metric_datasets(metric)) <= known, metric
    for name, spec in analyses().items():
        assert spec["datasets"] == "metrics" or set(spec["datasets"]) <= known, name
        assert spec["label"], name


def test_published_list_says_why_and_what_it_was_left_out_of() -> None:
    out = table(_ledger())
    assert out[["la_code", "dataset", "reason"]].values.tolist() == [[OUT, "oversight", REASON]]
    left = out.iloc[0]["left_out_of"]
    assert left.startswith("the regional comparison of the metrics built on it")
    assert "the model of oversight on children's files (TAB-MODEL)" in left
    assert "survey" not in left.replace("supervision", "")  # the survey does not read it
    shown = publish("data_exclusions", out, CATALOGUE["data_exclusions"], REGION)
    assert shown.equals(out)
    received = data_received(_ledger()).set_index("dataset")
    assert received.loc["oversight", "las_unreliable"] == 1
    assert received.loc["supervision", "las_unreliable"] == 0


def test_findings_name_no_left_out_la_and_say_it_was_left_out(metrics) -> None:
    published = publish(
        "oversight_metrics", metrics, CATALOGUE["oversight_metrics"], REGION
    ).astype(str)
    tables = {"oversight_metrics": published, "data_exclusions": table(_ledger()).astype(str)}
    ctx = Context("2024-25", REGION, NAMES, frozenset(), "more than 5% of its rows rejected")
    child = with_left_out(_spread(tables, ctx, "child_oversight_28d", "F-OVS-01", "o"), tables, ctx)
    assert "across 5 LAs" in child.text and "stood at 60%" in child.text
    assert "no LAs lay below the 99.8% funnel limit (none)" in child.text
    assert child.text.endswith(
        "Left out as unreliable, here and in the region's figures: LA 5 (oversight data) "
        "(F-DATA-02)."
    )
    assert "TAB-EXCLUSIONS" in child.tables
    # Its reliable staff data are still compared, and it is named where it stands out.
    staff = with_left_out(
        _spread(tables, ctx, "staff_supervision_28d", "F-SUP-01", "s"), tables, ctx
    )
    assert "below the 99.8% funnel limit (LA 5)" in staff.text
    assert "Left out" not in staff.text
    data = exclusions_finding(tables, ctx)
    assert data.text == (
        f"One LA dataset was judged unreliable and left out of the comparisons, the region's "
        f"totals and every finding about the LA: LA 5's oversight data ({REASON}), left out "
        f"of {tables['data_exclusions'].iloc[0]['left_out_of']}. Their LAs' data-quality "
        "pages show the rows concerned."
    )
    none = exclusions_finding({"data_exclusions": table(_ledger().assign(status="ok"))}, ctx)
    assert none.text == (
        "No LA's dataset had more than 5% of its rows rejected, so every dataset entered the "
        "comparisons and the region's totals."
    )


def test_the_la_annex_says_what_was_left_out(metrics) -> None:
    published = publish("oversight_metrics", metrics, CATALOGUE["oversight_metrics"], REGION)
    columns = {
        "kpis": "la_code period indicator value status change_1y region neighbours england",
        "impact_its": "la_code metric adopted level_or level_lower level_upper level_p note",
        "ofsted_latest": "la_code published",
        "ofsted_what_needs_to_improve": "la_code published item text",
        "survey_constructs": "la_code construct n mean suppressed",
    }
    tables = {name: pd.DataFrame(columns=cols.split()) for name, cols in columns.items()}
    tables |= {"oversight_metrics": published.astype(str), "data_exclusions": table(_ledger())}
    ctx = AnnexContext(YEAR, REGION, NAMES, {}, "2025", {}, {})
    annex = la_annex(OUT, tables, ctx)
    labels = [row["label"] for row in annex["metrics"]]
    assert definitions()["staff_supervision_28d"]["label"] in labels
    assert definitions()["child_oversight_28d"]["label"] not in labels
    assert [x["dataset"] for x in annex["left_out"]] == ["oversight"]
    assert annex["left_out"][0]["reason"] == REASON
    env = environment(ROOT / "report_templates")
    html = " ".join(render_annex(env, {"title": "T", "region": "SE"}, annex, ctx).split())
    assert (
        f"<strong>Left out as unreliable.</strong> LA 5's oversight data ({REASON}) were left "
        "out of the regional comparison of the metrics built on it"
    ) in html.replace("&#39;", "'")
    assert "No survey returns." in html  # its survey was not left out
    survey = annex | {"left_out": [{"dataset": "survey", "reason": "r", "left_out_of": "x"}]}
    html = render_annex(env, {"title": "T", "region": "SE"}, survey, ctx)
    assert "The survey returns were left out as unreliable" in html
