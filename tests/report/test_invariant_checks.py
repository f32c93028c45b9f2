"""The report invariant checks themselves catch what they are for (a check that cannot fail
would let the report mislead)."""

import pandas as pd

from tests.report import invariants as inv

TABLES = {
    "oversight_metrics": pd.DataFrame(
        {"la_code": ["A", "B"], "value": ["0.412", "c"], "lower95": ["0.38", ""]}
    ),
    "impact_did": pd.DataFrame({"att": ["0.0312"], "lower": ["-0.004"], "upper": ["0.066"]}),
}
IDS = {"TAB-METRICS": "oversight_metrics", "TAB-IMPACT-DID": "impact_did"}


def test_a_number_from_a_cited_cell_passes_and_an_invented_one_fails():
    good = {
        "id": "F-X-01",
        "text": "It was 41% (95% interval 38.0% to ...).",
        "tables": ["TAB-METRICS"],
    }
    assert inv.numbers_from_cells(good, TABLES, IDS) == []
    bad = {"id": "F-X-01", "text": "It was 43% across LAs.", "tables": ["TAB-METRICS"]}
    assert inv.numbers_from_cells(bad, TABLES, IDS) == ["F-X-01: 43% is no cell of ['TAB-METRICS']"]
    # A number from a table the finding does not cite does not count.
    other = {"id": "F-X-02", "text": "rose by 3.1 points", "tables": ["TAB-METRICS"]}
    assert inv.numbers_from_cells(other, TABLES, IDS) == [
        "F-X-02: 3.1 is no cell of ['TAB-METRICS']"
    ]
    other["tables"] = ["TAB-IMPACT-DID"]
    assert inv.numbers_from_cells(other, TABLES, IDS) == []
    # A bound is not a value: "p < 0.001" needs no cell.
    bound = {"id": "F-X-03", "text": "rose by 3.1 points (p < 0.001)", "tables": ["TAB-IMPACT-DID"]}
    assert inv.numbers_from_cells(bound, TABLES, IDS) == []


def test_kappa_band_must_follow_landis_and_koch():
    assert inv.kappa_words("weighted κ = 0.80 (substantial agreement on the scale)") == []
    assert inv.kappa_words("weighted κ = 0.80 (almost perfect agreement)") == [
        "κ = 0.80 is called 'almost perfect', Landis and Koch say 'substantial'"
    ]
    assert inv.kappa_words("κ = 0.81 (almost perfect agreement)") == []


def test_interval_words_must_follow_the_interval():
    ok = "(95% interval +0.4 to +6.6); the 95% interval does not include zero, so"
    assert inv.interval_words(ok) == []
    wrong = "(95% interval -0.4 to +6.6); the 95% interval does not include zero, so"
    assert inv.interval_words(wrong) == [
        "interval -0.4 to +6.6 is said to be: does not include zero"
    ]
    assert (
        inv.interval_words("(95% interval -0.4 to +6.6); the 95% interval includes no change, so")
        == []
    )
