"""The LA annex pages: what each shows, on real published tables of a demo run.

The fixture (tests/fixtures/annex) holds rows of the published tables of a demo run for Kent,
East Sussex, West Sussex, Medway and the region (oversight_metrics: whole-LA rows of the
year and the months; survey_constructs: every LA). Expected values are read off those rows by
hand, e.g. Kent's children with oversight within 28 days: 7300 / 11643 = 62.7%. Funnel
positions use the table's own flags (adjusted limits where over-dispersed, centred on the
study LAs' median).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest

from oversight.config import load_yaml
from oversight.report import annex as anx
from oversight.report import annex_part, render
from oversight.report.annex_charts import trend_chart
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/fixtures/annex"
KENT, EAST_SUSSEX, WEST_SUSSEX, MEDWAY = "E10000016", "E10000011", "E10000032", "E06000035"
REGION = "E12000008"
NAMES = {
    KENT: "Kent",
    EAST_SUSSEX: "East Sussex",
    WEST_SUSSEX: "West Sussex",
    MEDWAY: "Medway",
    REGION: "South East",
}
# DfE's statistical neighbours that are in the study, in DfE's order (sn_model_2025_wide).
NEIGHBOURS = {
    KENT: [EAST_SUSSEX, WEST_SUSSEX],
    EAST_SUSSEX: [KENT, WEST_SUSSEX],
    MEDWAY: [KENT],
    WEST_SUSSEX: [],
}
STUDY = {"title": "Management oversight study", "region": "South East"}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
        for p in sorted(FIXTURE.glob("*.csv"))
    }


def context(demo: bool = True) -> anx.AnnexContext:
    impact = load_yaml(ROOT / "config/impact.yaml")["adoption"]
    slugs = {KENT: "kent", EAST_SUSSEX: "east_sussex", WEST_SUSSEX: "west_sussex", MEDWAY: "medway"}
    pages = {code: f"results/quality/{slug}/index.html" for code, slug in slugs.items()}
    constructs = load_yaml(ROOT / "config/survey.yaml")["constructs"]
    return anx.AnnexContext(
        year="2024-25",
        region_code=REGION,
        names=NAMES,
        neighbours=NEIGHBOURS,
        kpi_period="2025",
        indicators=load_yaml(ROOT / "config/published.yaml")["indicators"],
        constructs={k: v for k, v in constructs.items() if k != "demographics"},
        adoption={code: impact[slug] for code, slug in slugs.items()},
        quality=anx.quality_links(pages, "results/report/la"),
        demo=demo,
    )


def by_metric(annex: dict) -> dict[str, dict]:
    return {r["metric"]: r for r in annex["metrics"]}


def test_metric_rows_are_percentages_beside_region_and_statistical_neighbours(tables) -> None:
    rows = by_metric(anx.la_annex(KENT, tables, context()))
    kent = rows["child_oversight_28d"]
    assert kent["label"] == "Children with oversight within 28 days"
    assert kent["value"] == "62.7%"  # 7300 / 11643
    assert kent["interval"] == "61.8% to 63.6%"
    assert kent["region"] == "66.2%"  # 40389 / 61005
    assert kent["neighbours"] == "62.4%"  # (0.616366 + 0.632068) / 2
    # Over-dispersed: the adjusted limits place Kent within the range around the LAs' median.
    assert kent["funnel"] == "within the expected range, adjusted limits"
    assert kent["centre"] == "61.9%"  # the median of the 19 LAs' values
    part2 = rows["part2_practitioner_reflection"]  # above the unadjusted 99.8% limit
    assert part2["value"] == "21.5%"
    assert part2["funnel"] == "within the expected range, adjusted limits"
    # East Sussex's value is hidden: the average is of the neighbours shown, and says so.
    assert rows["staff_supervision_28d"]["neighbours"] == "70.9% (1 of 2 shown)"
    assert rows["staff_supervision_28d"]["funnel"] == "within the expected range"


def test_hidden_cells_show_c_never_blank(tables) -> None:
    rows = by_metric(anx.la_annex(EAST_SUSSEX, tables, context()))
    hidden = rows["staff_supervision_28d"]
    assert (hidden["value"], hidden["funnel"], hidden["interval"]) == ("c", "c", "")
    # The funnel's centre is hidden where it is built on a hidden value.
    assert rows["staff_supervision_28d"]["centre"] == "c"
    assert rows["neither_reflection"]["region"] == "6.2%"  # 349 / 5659
    assert rows["child_oversight_28d"]["value"] == "61.6%"


def test_comparison_points_hold_the_la_its_neighbours_and_the_region(tables) -> None:
    points = anx.la_annex(KENT, tables, context())["points"]
    part = points[points["metric"] == "child_oversight_28d"]
    assert part["name"].tolist() == ["Kent", "East Sussex", "West Sussex", "Region"]
    assert part["role"].tolist() == ["la", "neighbour", "neighbour", "region"]
    staff = points[points["metric"] == "staff_supervision_28d"].set_index("code")
    assert bool(staff.loc[EAST_SUSSEX, "hidden"]) and pd.isna(staff.loc[EAST_SUSSEX, "value"])


def test_trend_is_monthly_la_and_region(tables) -> None:
    trend = anx.la_annex(KENT, tables, context())["trend"]
    assert set(trend["role"]) == {"la", "region"}
    assert trend["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    kent = trend[(trend["role"] == "la") & (trend["metric"] == "child_oversight_28d")]
    assert kent["period"].tolist() == sorted(kent["period"])
    assert len(kent) == 12  # April 2024 to March 2025


def test_impact_step_in_numbers_and_words(tables) -> None:
    impact = anx.la_annex(KENT, tables, context())["impact"]
    assert impact["adopted"] and impact["part1"] == "May 2025" and impact["part2"] == "May 2025"
    step = {r["label"]: r for r in impact["rows"]}["Children with oversight within 28 days"]
    assert (step["ratio"], step["interval"]) == ("1.59", "1.53 to 1.64")
    assert step["words"].startswith("a rise")
    audit = {r["label"]: r for r in anx.la_annex(MEDWAY, tables, context())["impact"]["rows"]}
    assert audit["Audits grading management oversight good or better"]["interval"] == (
        "0.81 to 6.67"
    )
    assert "no clear step" in audit["Audits grading management oversight good or better"]["words"]


def test_kpis_have_plain_labels_percentages_and_dfe_symbols(tables) -> None:
    kpis = anx.la_annex(MEDWAY, tables, context())["kpis"]
    rows = {r["label"]: r for r in kpis["rows"]}
    rerefer = rows["Re-referrals within 12 months"]
    assert (rerefer["value"], rerefer["change"]) == ("24.8%", "+0.9 points")
    assert (rerefer["region"], rerefer["neighbours"], rerefer["england"]) == (
        "28.4%",
        "21.0%",
        "22.6%",
    )
    assert rows["Child protection plans open two years or more (31 March)"]["value"] == "c"
    assert any(s.startswith("c (DfE)") for s in kpis["symbols"])
    assert rows["Cases per case-holding social worker (FTE)"]["value"] == "15.7"
    labels = " ".join(rows)
    assert "_" not in labels and "cpp" not in labels
    series = kpis["series"]
    assert series["period"].min() < 2020 and series["period"].max() == 2025


def test_ofsted_points_about_oversight_from_the_latest_report(tables) -> None:
    medway = anx.la_annex(MEDWAY, tables, context())["ofsted"]
    assert medway["published"] == "11 September 2023"
    assert medway["points"] == ["The quality and consistency of management oversight."]
    assert medway["all_points"] == 4
    assert ("Overall effectiveness", "Good") in medway["judgements"]
    kent = anx.la_annex(KENT, tables, context())["ofsted"]
    assert kent["points"] == [] and kent["all_points"] == 3
    east = anx.la_annex(EAST_SUSSEX, tables, context())["ofsted"]
    assert len(east["points"]) == 2 and east["all_points"] == 3  # not the plans point


def test_oversight_points_leave_out_foster_carers_and_boards() -> None:
    assert anx.oversight_point("The recording of management oversight, supervision and direction.")
    assert not anx.oversight_point("The supervision of foster carers and their training.")
    assert not anx.oversight_point("Oversight of the corporate parenting board's priorities.")
    assert not anx.oversight_point("The quality of plans for care leavers.")


def test_the_annex_picks_the_points_the_hand_labels_mark_as_oversight_of_practice() -> None:
    """The annex lists the points the labelled coder counts (tests/coding), so an LA's page
    and the report's table by grade agree: private fostering and placement arrangements out,
    a manager's recorded rationale in."""
    labels = pd.read_csv(ROOT / "tests/fixtures/coding/improvement_labels.csv")
    picked = labels["text"].map(anx.oversight_point)
    assert picked.tolist() == labels["oversight_of_practice"].tolist()
    assert not anx.oversight_point(
        "The quality of practice and senior management oversight of children living in "
        "private fostering arrangements."
    )
    assert anx.oversight_point(
        "The consideration and recording of managers’ rationale for the timescales they agree "
        "for completing family assessments."
    )


def test_survey_scores_are_percentages_with_plain_labels(tables) -> None:
    rows = {r["label"]: r for r in anx.la_annex(KENT, tables, context())["constructs"]}
    assert rows["Personal reflection"] == {
        "label": "Personal reflection",
        "n": "449",
        "score": "49.5%",
        "region": "57.3%",  # all 19 LAs' respondents, means weighted by respondents
    }
    assert list(rows) == [
        "Supervision frequency and format",
        "Quality of supervision",
        "Recording and oversight",
        "Personal reflection",
        "Workload and wellbeing",
    ]  # questionnaire order


def test_quality_link_resolves_from_the_annex_page() -> None:
    link = context().quality[KENT]
    assert link == "../../quality/kent/index.html"
    page = Path("results/report/la") / f"{KENT}.html"
    assert (page.parent / link).resolve() == Path("results/quality/kent/index.html").resolve()


def _page(tables, code: str, demo: bool) -> str:
    ctx = context(demo)
    annex = anx.la_annex(code, tables, ctx)
    annex["figures"] = anx.annex_figures(annex, ctx)
    env = render.environment(ROOT / "report_templates")
    return anx.render_annex(env, STUDY, annex, ctx)


def _svgs(html: str) -> dict[str, str]:
    found = re.findall(
        r'<figure id="([^"]+)".*?<img src="data:image/svg\+xml;base64,([^"]+)"', html, re.S
    )
    return {fid: base64.b64decode(data).decode() for fid, data in found}


def test_demo_page_has_banner_charts_and_marks(tables) -> None:
    html = _page(tables, KENT, demo=True)
    assert 'class="demo-banner"' in html and "Synthetic demonstration data." in html
    svgs = _svgs(html)
    assert sorted(svgs) == [f"FIG-LA-{KENT}-{k}" for k in ("COMPARE", "IMPACT", "KPIS", "TREND")]
    for fid, svg in svgs.items():
        # The DfE chart holds only published figures: it is never marked synthetic.
        marked = '<g id="demo-mark"><title>Synthetic demonstration data' in svg
        assert marked == (not fid.endswith("-KPIS")), fid
        assert '<g id="source-note"><title>Source:' in svg, fid
    assert "real in a demonstration run too" in svgs[f"FIG-LA-{KENT}-KPIS"]
    assert anx.C_EXPLAINED in html
    assert "the funnel's centre (the median of the study LAs&#39; values)" in html
    assert 'href="../../quality/kent/index.html"' in html
    assert "Statistical neighbours</dfn>" in html and "East Sussex, West Sussex" in html
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<img [^>]*>", "", html))
    for raw in ("low 998", "low_998", "cpp 2yrs", "child_oversight", "0.62"):
        assert raw not in text, raw


def test_real_page_has_no_demo_mark(tables) -> None:
    html = _page(tables, MEDWAY, demo=False)
    assert 'class="demo-banner"' not in html and "Synthetic demonstration" not in html
    svgs = _svgs(html)
    assert len(svgs) == 4
    assert all("demo-mark" not in svg and "source-note" in svg for svg in svgs.values())


def test_annex_part_is_appended_to_the_report_with_one_section_per_la(tables) -> None:
    ctx = context()
    annexes = [anx.la_annex(c, tables, ctx) for c in (KENT, MEDWAY)]
    env = render.environment(ROOT / "report_templates")
    part = annex_part.render_annex_part(env, STUDY, annexes, ctx)
    html = annex_part.with_annexes("<html><body><h1>Report</h1></body></html>", part)
    assert (
        html.index("<h1>Report</h1>") < html.index('id="annex-E10000016"') < html.index("</body>")
    )
    assert html.count('<section class="annex-la"') == 2
    # In the PDF, links point inside the document and the quality page is named, not linked.
    assert "../index.html" not in part and 'href="../../quality' not in part
    assert "results/quality/kent/index.html" in part
    with pytest.raises(ValueError):
        annex_part.with_annexes("<p>no body</p>", part)


def test_the_trend_chart_alt_text_counts_its_measures_in_words_that_agree() -> None:
    rows = [
        {"metric": m, "label": m.title(), "period": p, "role": r, "value": 0.5}
        for m in ("a", "b")
        for p in ("2024-04", "2024-05")
        for r in ("la", "region")
    ]
    one = pd.DataFrame([r for r in rows if r["metric"] == "a"])
    _, spec = trend_chart(one, "Kent", "FIG-LA-X-TREND")
    assert spec.alt.startswith("Line chart of 1 measure for Kent and the region by month")
    _, spec = trend_chart(pd.DataFrame(rows), "Kent", "FIG-LA-X-TREND")
    assert spec.alt.startswith("Line charts of 2 measures for Kent")
