"""Figures that do not mislead: labels that never overlap, a source note on every image, the
demo mark inside every image in demo mode, years on time axes, and a titled, sorted survey
chart with n.

``demo_like.csv`` holds the values of the synthetic demo run (19 LAs: the supervision and
child-oversight counts for 2024-25 and the DfE caseload beside them), where labels crowd:
14 LAs sit just below the regional line in a narrow band.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oversight.compare.comparison import COLUMNS
from oversight.figures import labels as placement
from oversight.figures.funnel import MAX_FUNNEL_LABELS, funnel_plot
from oversight.figures.grades import grade_distribution
from oversight.figures.labels import LABEL_GID
from oversight.figures.links import link_plot
from oversight.figures.run.figures import build_all
from oversight.figures.style import DPI, EDGE, MARK_SIZE, Marks, finish, marks_for, save
from oversight.figures.survey import diverging_figure
from oversight.figures.trend import trend_small_multiples
from oversight.stats import funnel_limits

from .conftest import PERIOD, _row, make_table

DEMO_LIKE = pd.read_csv(Path(__file__).with_name("demo_like.csv"), dtype={"la_code": str})
NAMES = dict(zip(DEMO_LIKE["la_code"], DEMO_LIKE["name"], strict=True))
MARK = "Synthetic demonstration data — not real LA figures"
DEMO = marks_for("comparison", True, period=PERIOD)
REAL = marks_for("comparison", False, period=PERIOD)


def demo_like_table() -> pd.DataFrame:
    """The demo run's LA rows for two metrics, flags left blank (computed from the limits
    around the pooled regional value)."""
    rows = [
        _row(r.la_code, PERIOD, metric, "all", r[f"{metric}_num"], r[f"{metric}_den"])
        for metric in ("child_oversight_28d", "staff_supervision_28d")
        for _, r in DEMO_LIKE.iterrows()
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def caseloads() -> pd.DataFrame:
    return DEMO_LIKE.assign(indicator="caseload_fte", period="2025", lower95=np.nan).rename(
        columns={"caseload_fte": "value"}
    )[["la_code", "indicator", "period", "value", "lower95"]]


def link(marks: Marks | None = None):
    return link_plot(
        demo_like_table(),
        caseloads(),
        "staff_supervision_28d",
        "caseload_fte",
        PERIOD,
        "2025",
        "Cases per case-holding social worker (FTE)",
        NAMES,
    )


def label_boxes(fig):
    renderer = fig._get_renderer()
    return {
        t.get_text(): (ax, t.get_window_extent(renderer))
        for ax in fig.axes
        for t in ax.texts
        if str(t.get_gid()).startswith(LABEL_GID)
    }


def overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


# --------------------------------------------------------------------------- labels
@pytest.mark.parametrize(
    "build",
    [
        lambda: funnel_plot(demo_like_table(), "child_oversight_28d", PERIOD, NAMES),
        lambda: funnel_plot(demo_like_table(), "staff_supervision_28d", PERIOD, NAMES),
        link,
    ],
    ids=["funnel-children", "funnel-workers", "scatter-caseload"],
)
def test_point_labels_never_overlap_each_other_or_points(build):
    fig, spec = build()
    finish(fig, spec, DEMO)
    boxes = label_boxes(fig)
    assert len(boxes) >= 2
    for (name_a, (_, a)), (name_b, (_, b)) in itertools.combinations(boxes.items(), 2):
        assert not overlap(a, b), (name_a, name_b)
    for name, (ax, box) in boxes.items():
        frame = ax.get_window_extent(fig._get_renderer())
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, name
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, name
        points = placement._obstacles(ax)
        assert not placement._covers_point(box, points), name


def test_without_placement_the_scatter_labels_would_overlap():
    """The check above has teeth: the labels as first drawn (on their points) do overlap."""
    fig, _ = link()
    fig.draw_without_rendering()
    boxes = [box for _, box in label_boxes(fig).values()]
    assert any(overlap(a, b) for a, b in itertools.combinations(boxes, 2))


def test_scatter_names_every_la_and_moved_labels_have_leaders():
    fig, spec = link()
    finish(fig, spec, REAL)
    assert set(label_boxes(fig)) == set(NAMES.values())
    leaders = [p for p in fig.axes[0].patches if str(p.get_gid()).startswith("leader-")]
    assert leaders  # the crowded middle of the scatter needs some
    assert {p.get_gid()[len("leader-") :] for p in leaders} <= set(NAMES.values())


def test_funnel_names_only_the_furthest_outside_the_998_limits():
    table = demo_like_table()
    fig, spec = funnel_plot(table, "child_oversight_28d", PERIOD, NAMES)
    named = set(label_boxes(fig))
    rows = table[table["metric"] == "child_oversight_28d"]
    baseline = rows["numerator"].sum() / rows["denominator"].sum()
    z = (rows["value"] - baseline) / np.sqrt(baseline * (1 - baseline) / rows["denominator"])
    lo998, hi998 = funnel_limits(baseline, rows["denominator"].to_numpy(float), 0.998)
    outside = rows[(rows["value"] < lo998) | (rows["value"] > hi998)]
    assert len(outside) == 15 and len(named) == MAX_FUNNEL_LABELS == 6
    zs = {NAMES[c]: abs(z[i]) for i, c in outside["la_code"].items()}
    assert named <= set(zs)
    assert min(zs[n] for n in named) >= max(zs[n] for n in set(zs) - named)
    assert {"Slough", "Hampshire", "Kent"} <= named
    assert "the 6 of the 15 LAs outside the 99.8% limits" in spec.caption
    assert "ranked chart names every LA" in spec.caption


def test_labelled_figure_is_byte_identical_across_runs(tmp_path):
    for run in ("a", "b"):
        save(*link(), tmp_path / run, DEMO)
    for ext in ("svg", "png"):
        name = f"FIG-LINK-staff_supervision_28d-caseload_fte.{ext}"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


# --------------------------------------------------------------------------- marks
def test_demo_mark_is_inside_the_image_and_the_alt_text(tmp_path):
    out = {}
    for mode, marks in (("demo", DEMO), ("real", REAL)):
        fig, spec = funnel_plot(make_table(), "child_oversight_28d", PERIOD)
        out[mode] = save(fig, spec, tmp_path / mode, marks)
    demo_svg = (tmp_path / "demo" / out["demo"]["svg"]).read_text()
    real_svg = (tmp_path / "real" / out["real"]["svg"]).read_text()
    assert f'<g id="demo-mark"><title>{MARK}</title>' in demo_svg
    assert (
        "demo-mark" not in real_svg and "Synthetic" not in real_svg and "synthetic" not in real_svg
    )
    demo_png = (tmp_path / "demo" / out["demo"]["png"]).read_bytes()
    real_png = (tmp_path / "real" / out["real"]["png"]).read_bytes()
    assert demo_png != real_png
    # The demo image is taller by the band that holds the mark; widths are the page's.
    height = lambda png: int.from_bytes(png[20:24], "big")  # noqa: E731
    assert height(demo_png) > height(real_png)
    assert demo_png[16:20] == real_png[16:20]
    assert out["demo"]["alt"].startswith("Synthetic demonstration data, not real LA figures. ")
    assert out["demo"]["alt"].endswith(out["real"]["alt"])
    assert out["demo"]["caption"].endswith("synthetic demonstration data, not real LA figures.")
    assert "ynthetic" not in out["real"]["alt"] + out["real"]["caption"]


def test_demo_mark_sits_in_the_same_place_on_every_figure():
    """Top left, the same distance from the image's top and left edges whatever its size."""
    offsets = set()
    for fig, spec in build_all(make_table(), PERIOD):
        finish(fig, spec, DEMO)
        mark = next(t for t in fig.texts if t.get_gid() == "demo-mark")
        box = mark.get_window_extent(fig._get_renderer())
        top_strip = MARK_SIZE * 1.3 / 72 + 4 * EDGE
        image_top = fig.get_figheight() * fig.dpi + top_strip * fig.dpi
        offsets.add((round(box.x0, 1), round(image_top - box.y1, 1)))
    assert len(offsets) == 1
    ((left, top),) = offsets
    assert 0 <= left < 0.15 * DPI and 0 <= top < 0.15 * DPI  # the corner


def test_every_image_has_a_source_note_within_it(tmp_path):
    table = make_table()
    for fig, spec in build_all(table, PERIOD):
        save(fig, spec, tmp_path, REAL)
    for svg in sorted(tmp_path.glob("*.svg")):
        text = svg.read_text()
        note = re.search(r'<g id="source-note"><title>([^<]+)</title>', text)
        assert note, svg.name
        assert note.group(1) == (
            "Source: LA case-recording extracts, 2024-25; analysis by the oversight study."
        )
    assert len(list(tmp_path.glob("*.svg"))) == 12


def test_marks_for_each_kind_of_figure():
    link_marks = marks_for("link", True, period="2024-25", kpi_period="2025", release="csww")
    assert link_marks == Marks(
        "Source: LA extracts (synthetic demonstration data), 2024-25; "
        "DfE, Children's social work workforce, 2025.",
        True,
    )
    assert marks_for("survey", False).source == (
        "Source: staff survey returns collected by the LAs; analysis by the oversight study."
    )
    assert "synthetic" in marks_for("impact", True).source
    with pytest.raises(KeyError):
        marks_for("link", False, period="2024-25")  # no DfE release named


def test_long_source_note_wraps_inside_the_image_width():
    fig, spec = grade_distribution(make_table(), PERIOD)
    long = Marks("Source: " + "a long list of releases and extracts; " * 12, False)
    finish(fig, spec, long)
    note = next(t for t in fig.texts if t.get_gid() == "source-note")
    box = note.get_window_extent(fig._get_renderer())
    assert note.get_text().count("\n") >= 2
    assert box.x0 >= 0 and box.x1 <= fig.get_figwidth() * fig.dpi


# --------------------------------------------------------------------------- axes, survey
def test_time_axis_ticks_carry_the_year():
    fig, _ = trend_small_multiples(make_table())
    ticks = [t.get_text() for ax in fig.axes if ax.get_lines() for t in ax.get_xticklabels()]
    assert ticks and all(re.fullmatch(r"[A-Z][a-z]{2}\n20\d\d", t) for t in ticks)
    assert ticks[:4] == ["Apr\n2024", "Jul\n2024", "Oct\n2024", "Jan\n2025"]


def test_survey_chart_is_titled_sorted_by_agreement_and_shows_n():
    data = pd.DataFrame(
        {
            "item_id": ["a", "b", "c", "d"],
            "text": ["Low agreement", "High agreement", "Middle agreement", "Too few"],
            "construct": "c",
            "reverse": [False, False, True, False],
            "n": [40, 52, 47, 3],
            "disagree": [0.6, 0.1, 0.3, np.nan],
            "neutral": [0.1, 0.1, 0.2, np.nan],
            "agree": [0.3, 0.8, 0.5, np.nan],
            "suppressed": [False, False, False, True],
        }
    )
    data["left"] = -(data["disagree"] + data["neutral"] / 2)
    fig, caption, alt = diverging_figure(data)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1]  # top first
    assert labels == [
        "High agreement (n = 52)",
        "Middle agreement (reverse-worded) (n = 47)",
        "Low agreement (n = 40)",
    ]
    title = fig._suptitle.get_text().replace("\n", " ")
    assert title == "Staff survey: agreement with each statement (40 to 52 respondents a statement)"
    assert "ordered from most to least agreed with" in caption
    assert alt.index("High agreement: 80% agree") < alt.index("Low agreement: 30% agree")
    assert "(n = 52)" in alt and "Too few" not in alt
