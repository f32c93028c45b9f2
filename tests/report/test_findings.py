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
