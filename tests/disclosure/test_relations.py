"""What a reader can use (oversight.disclosure.relations): the cells and relations of each kind
of published table, and the attacker's audit of published tables built to leak."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.disclosure.audit import feasible_intervals
from oversight.disclosure.publish import check_published, publish
from oversight.disclosure.relations import metrics_relations
from oversight.disclosure.table_relations import counts_relations, matrix_relations
from oversight.errors import DisclosureError

REGION = "E12000008"
METRICS_SPEC = {"disclosure": {"method": "long_metrics"}}
COLUMNS = ["la_code", "period", "metric", "breakdown", "numerator", "denominator", "value"]


def _long(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS[:6])
    num = pd.to_numeric(frame["numerator"], errors="coerce")
    den = pd.to_numeric(frame["denominator"], errors="coerce")
    frame["value"] = (num / den).where(frame["numerator"] != "c", "c")
    frame["status"] = ""
    return frame


def _interval(table, cell) -> tuple[float, float]:
    iv = feasible_intervals(table.values, table.relations)[cell]
    return iv.lower, iv.upper


def test_the_issue_breakdown_leak_is_caught() -> None:
    """E06000037, 2024-25, staff_supervision_28d: role=other's denominator hidden beside
    all = 116 and the other roles 19, 83 and 12: 116 - (19 + 83 + 12) = 2."""
    la, year, m = "E06000037", "2024-25", "staff_supervision_28d"
    shown = _long(
        [
            (la, year, m, "all", 80, 116),
            (la, year, m, "role=social_worker", 15, 19),
            (la, year, m, "role=senior_practitioner", 55, 83),
            (la, year, m, "role=team_manager", 10, 12),
            (la, year, m, "role=other", "c", "c"),
        ]
    )
    table = metrics_relations(shown, REGION)
    assert _interval(table, (la, year, m, "role=other", "denominator")) == (2, 2)
    with pytest.raises(DisclosureError) as err:
        check_published("oversight_metrics", shown, METRICS_SPEC, REGION)
    message = str(err.value)
    assert "la_code E06000037, period 2024-25, metric staff_supervision_28d" in message
    assert "breakdown role=other, denominator: a reader can tell it is 2 to 2" in message


def test_the_issue_quarter_leak_is_caught() -> None:
    """E06000036 supervision_cancelled: sessions are events, so the quarters add up to the
    year: Q3 = 36 - (13 + 9 + 10) = 4."""
    la, m = "E06000036", "supervision_cancelled"
    shown = _long(
        [
            (la, "2024-25", m, "all", 36, 400),
            (la, "2024-25 Q1", m, "all", 13, 100),
            (la, "2024-25 Q2", m, "all", 9, 100),
            (la, "2024-25 Q3", m, "all", "c", 100),
            (la, "2024-25 Q4", m, "all", 10, 100),
        ]
    )
    table = metrics_relations(shown, REGION)
    assert _interval(table, (la, "2024-25 Q3", m, "all", "numerator")) == (4, 4)
    with pytest.raises(DisclosureError, match=r"period 2024-25 Q3, .* numerator: .* 4 to 4"):
        check_published("oversight_metrics", shown, METRICS_SPEC, REGION)


def test_census_metrics_are_not_summed_over_quarters() -> None:
    """Workers at a census date do not add up over quarters; the year's census is Q4's, so
    the year equals Q4 (and a hidden Q4 beside a shown year is exposed)."""
    la, m = "E06000036", "staff_supervision_28d"
    rows = [(la, p, m, "all", 60 + i, 80 + i) for i, p in enumerate(["2024-25 Q1", "2024-25 Q2"])]
    rows += [(la, "2024-25 Q3", m, "all", "c", 90), (la, "2024-25 Q4", m, "all", "c", 95)]
    rows += [(la, "2024-25", m, "all", 70, 95)]
    table = metrics_relations(_long(rows), REGION)
    q3 = (la, "2024-25 Q3", m, "all", "numerator")
    q4 = (la, "2024-25 Q4", m, "all", "numerator")
    assert _interval(table, q3) == (0, 90)  # no sum over quarters
    assert _interval(table, q4) == (70, 70)  # the year is Q4


def test_complement_nested_windows_and_grade_shares() -> None:
    la, year = "E06000040", "2024-25"
    rows = [
        # 28-day within 42-day, same workers: 28d hidden, 42d = 50 of 52
        (la, year, "staff_supervision_28d", "all", "c", 52),
        (la, year, "staff_supervision_42d", "all", 50, 52),
        # grades 3 and 4 of a domain are its good-or-better grades
        (la, year, "audit_good_or_better", "domain=planning", 30, 40),
        (la, year, "audit_grade_share", "domain=planning;grade=1", 4, 40),
        (la, year, "audit_grade_share", "domain=planning;grade=2", 6, 40),
        (la, year, "audit_grade_share", "domain=planning;grade=3", 27, 40),
        (la, year, "audit_grade_share", "domain=planning;grade=4", "c", 40),
    ]
    table = metrics_relations(_long(rows), REGION)
    assert _interval(table, (la, year, "staff_supervision_28d", "all", "numerator")) == (0, 50)
    # the count not meeting 28 days is at least the 2 not meeting 42 days
    assert _interval(table, (la, year, "staff_supervision_28d", "all", "complement")) == (2, 52)
    grade4 = (la, year, "audit_grade_share", "domain=planning;grade=4", "numerator")
    assert _interval(table, grade4) == (3, 3)


def test_breakdown_parts_short_of_the_total_are_at_most() -> None:
    """A worker without a role is in ``all`` but in no role: with the truth, the relation
    becomes 'at most' and the audit stays feasible."""
    la, year, m = "E06000036", "2024-25", "oversight_rationale"
    truth = _long(
        [
            (la, year, m, "all", 50, 90),
            (la, year, m, "entry_type=a", 20, 40),
            (la, year, m, "entry_type=b", 25, 45),
        ]
    )
    shown = truth.astype(object)
    shown.loc[2, ["numerator", "value"]] = "c"
    table = metrics_relations(shown, REGION, truth=truth)
    assert _interval(table, (la, year, m, "entry_type=b", "numerator")) == (0, 30)


def test_wide_counts_lines_relations_and_rounding() -> None:
    frame = pd.DataFrame(
        {
            "dataset": ["audits", "caseload"],
            "rows_received": [49510, 900],
            "rows_loaded": [49335, 897],
            "rows_rejected": [176, "c"],
        }
    )
    rule = {
        "counts": ["rows_received", "rows_loaded", "rows_rejected"],
        "relations": [
            {
                "kind": "sum",
                "column": "rows_received",
                "parts": ["rows_loaded", "rows_rejected"],
                "rounded": {"base": 5, "above": 1000},
            }
        ],
    }
    table = counts_relations(frame, rule, REGION)
    # 900 and 897 are exact (not above 1,000): rejected = 3
    assert _interval(table, (1, "rows_rejected")) == (3, 3)
    assert table.describe((1, "rows_rejected")) == "row 2 (dataset caseload), column rows_rejected"
    big = frame.assign(rows_received=[49510, 1900], rows_loaded=[49335, 1895])
    # both rounded to 5: rejected = 5 give or take 2 + 2
    assert _interval(counts_relations(big, rule, REGION), (1, "rows_rejected")) == (1, 9)


def test_wide_counts_total_published_elsewhere_comes_from_the_truth() -> None:
    truth = pd.DataFrame({"la_code": ["A", "B", "C"], "respondents": [3, 40, 12]})
    shown = truth.astype(object).copy()
    shown.loc[0, "respondents"] = "c"
    rule = {"counts": ["respondents"], "lines": [[]]}
    assert _interval(counts_relations(shown, rule, REGION, truth), (0, "respondents")) == (3, 3)
    # without the truth a reader of this table alone knows no total
    assert _interval(counts_relations(shown, rule, REGION), (0, "respondents"))[0] == 0


def test_matrix_symmetry_and_diagonal() -> None:
    frame = pd.DataFrame(
        {"code": ["a", "b", "c"], "a": [40, "c", 9], "b": [3, 20, "c"], "c": [9, "c", 15]}
    )
    rule = {"index": "code", "relations": [{"kind": "symmetric"}, {"kind": "diagonal_bounds"}]}
    table = matrix_relations(frame, rule)
    assert _interval(table, ("b", "a")) == (3, 3)  # its mirror (a, b) is shown
    assert _interval(table, ("b", "c")) == (0, 15)  # at most the diagonal of c


def test_publish_protects_a_matrix_by_its_relations() -> None:
    frame = pd.DataFrame(
        {"code": ["a", "b", "c"], "a": [40, 3, 9], "b": [3, 20, 7], "c": [9, 7, 15]}
    )
    spec = {
        "disclosure": {
            "method": "matrix",
            "index": "code",
            "relations": [{"kind": "symmetric"}, {"kind": "diagonal_bounds"}],
        }
    }
    shown = publish("m", frame, spec, REGION)
    assert shown.loc[0, "b"] == "c" and shown.loc[1, "a"] == "c"  # both halves hidden
    check_published("m", shown, spec, REGION, frame)


def test_a_shown_value_computed_from_a_hidden_count_is_caught() -> None:
    """Sessions due are eligible workers x days / window: shown beside a hidden count of
    eligible workers, they give it away."""
    la, year = "E06000036", "2024-25"
    shown = _long(
        [
            (la, year, "staff_supervision_28d", "all", "c", "c"),
            (la, year, "sessions_held_vs_due", "all", 40, 52.1),
        ]
    )
    with pytest.raises(DisclosureError, match="sessions_held_vs_due, breakdown all, denominator"):
        check_published("oversight_metrics", shown, METRICS_SPEC, REGION)


def test_a_count_pinned_by_a_total_published_elsewhere_cannot_be_protected() -> None:
    """One LA's respondents against the total of the whole table published in another table:
    nothing in this table can hide it, so publication stops."""
    frame = pd.DataFrame({"la_code": ["A"], "respondents": [3], "eligible": [40]})
    spec = {"disclosure": {"method": "counts", "counts": ["respondents"], "lines": [[]]}}
    with pytest.raises(DisclosureError, match=r"row 1 .*column respondents can be worked out"):
        publish("survey_responses", frame, spec, REGION)


def test_sessions_due_are_hidden_with_the_workers_they_count() -> None:
    """Four eligible workers: their count is hidden, and so are the sessions due computed from
    it (4 x 365 / 28) and the held sessions' ratio beside them."""
    la, year = "E06000036", "2024-25"
    rows = [
        (la, year, "staff_supervision_28d", "all", 3, 4),
        (la, year, "staff_supervision_42d", "all", 4, 4),
        (la, year, "sessions_held_vs_due", "all", 40, 52.1),
    ]
    out = publish("oversight_metrics", _long(rows), METRICS_SPEC, REGION).set_index("metric")
    assert out.loc["staff_supervision_28d", "denominator"] == "c"
    assert out.loc["sessions_held_vs_due", ["numerator", "denominator", "value"]].eq("c").all()
    check_published("oversight_metrics", out.reset_index(), METRICS_SPEC, REGION, _long(rows))
