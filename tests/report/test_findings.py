"""Findings read the published tables: a suppressed count is never summed as if it were zero."""

from __future__ import annotations

import pandas as pd

from oversight.report.findings import Context
from oversight.report.findings_survey import survey_response

CTX = Context("2024-25", "R", {"A": "Aville", "B": "Btown", "C": "Cford"}, frozenset())
ALPHA = pd.DataFrame({"construct": ["x", "y"], "alpha": ["0.81", "0.77"]})


def _tables(respondents: list[str], rates: list[str]) -> dict[str, pd.DataFrame]:
    responses = pd.DataFrame(
        {
            "la_code": ["A", "B", "C"],
            "respondents": respondents,
            "eligible": ["90", "120", "40"],
            "response_rate": rates,
        }
    )
    return {"survey_responses": responses, "survey_alpha": ALPHA}


def test_total_respondents_when_all_are_published() -> None:
    text = survey_response(_tables(["31", "50", "12"], ["0.34", "0.42", "0.30"]), CTX).text
    assert text.startswith("93 staff answered the survey")
    assert "from 30% to 42%" in text and "α 0.77 to 0.81" in text


def test_a_suppressed_count_makes_the_total_a_lower_bound() -> None:
    text = survey_response(_tables(["31", "50", "c"], ["0.34", "0.42", "c"]), CTX).text
    assert text.startswith("At least 81 staff answered the survey")
    assert "from 34% to 42%" in text


def _change(lower: str, upper: str) -> dict[str, pd.DataFrame]:
    row = {
        "la_code": "R",
        "metric": "child_oversight_28d",
        "from": "2023-24 Q1",
        "to": "2023-24 Q4",
        "value_from": "0.40",
        "value_to": "0.46",
        "difference": "0.06",
        "lower95": lower,
        "upper95": upper,
    }
    return {"oversight_change": pd.DataFrame([row])}


def test_the_change_over_the_year_is_judged_from_its_interval() -> None:
    from oversight.report.findings import _trend

    text = _trend(_change("0.01", "0.11"), CTX).text
    assert "(difference +6.0 points, 95% interval +1.0 to +11.0): a change beyond chance." in text
    assert _trend(_change("-0.02", "0.14"), CTX).text.endswith("no real change over the year.")


def test_a_change_without_an_interval_is_not_called_chance_or_real() -> None:
    from oversight.report.findings import _trend

    text = _trend(_change("", ""), CTX).text
    assert "nan" not in text
    assert "(difference +6.0 points, no interval could be estimated)" in text
    assert text.endswith("whether it is more than chance cannot be told.")


def test_impact_words_with_one_adopter_and_no_interval() -> None:
    from oversight.report.findings_impact import _las, _sure

    assert (_las(1), _las(2)) == ("LA", "LAs")
    assert _sure(float("nan"), float("nan"), float("nan")).startswith(
        "with so few LAs no interval can be estimated"
    )
    assert _sure(0.01, 0.05, 0.5).startswith("the 95% interval does not include zero")


def _inspection_tables(set_aside: list[str]) -> dict[str, pd.DataFrame]:
    grades = pd.DataFrame(
        {
            "overall": ["Good", "Requires improvement", "Inadequate"],
            "reports": ["6", "5", "2"],
            "raising": ["1", "3", "2"],
            "share": ["0.1667", "0.6", "1.0"],
        }
    )
    aside = pd.DataFrame(
        {"source_file": set_aside, "problem": ["no overall judgement line"] * len(set_aside)}
    )
    return {"inspectors_oversight": grades, "ofsted_set_aside": aside}


def test_inspectors_finding_says_every_report_was_read() -> None:
    from oversight.report.findings import _inspectors

    found = _inspectors(_inspection_tables([]), CTX)
    assert "1 of 6 rated Good; 3 of 5 rated Requires improvement; 2 of 2 rated Inadequate" in (
        found.text
    )
    assert "more often the lower the judgement" in found.text
    assert found.text.endswith("All 13 inspection reports supplied were read; none was set aside.")
    assert "TAB-OFSTED-SET-ASIDE" in found.tables


def test_inspectors_finding_counts_the_reports_set_aside() -> None:
    from oversight.report.findings import _inspectors

    one = _inspectors(_inspection_tables(["a.txt"]), CTX).text
    assert "1 of the 14 inspection reports supplied could not be read and was set aside" in one
    two = _inspectors(_inspection_tables(["a.txt", "b.txt"]), CTX).text
    assert "2 of the 15 inspection reports supplied could not be read and were set aside" in two
    assert two.endswith("(TAB-OFSTED-SET-ASIDE); the counts above are of the reports read.")
