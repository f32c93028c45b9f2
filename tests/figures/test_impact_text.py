"""The impact figures' captions and alt text, filled from figure_text.yaml."""

from __future__ import annotations

import pandas as pd

from oversight.figures.impact import describe_event_study


def test_an_event_study_with_too_few_las_says_so_instead_of_nan() -> None:
    events = pd.DataFrame({"event_time": [-2, -1, 0, 1], "att": [0.01, -0.01, 0.05, 0.07]})
    nan = float("nan")
    few = pd.Series({"att": 0.06, "lower": nan, "upper": nan, "pretrend_p": nan, "twfe": 0.05})
    spec = describe_event_study(events, few, "child_oversight_28d")
    assert "nan" not in spec.caption and "nan" not in spec.alt
    assert "(pre-trend test not estimable with so few LAs)" in spec.caption
    assert "Overall effect +6.0 points (no interval with so few LAs)" in spec.caption
    many = few.copy()
    many[["lower", "upper", "pretrend_p"]] = [0.02, 0.10, 0.4321]
    spec = describe_event_study(events, many, "child_oversight_28d")
    assert "(pre-trend test p = 0.43)" in spec.caption
    assert "Overall effect +6.0 points (95% interval +2.0 to +10.0)" in spec.caption
    assert spec.alt.endswith("overall effect +6.0 points (+2.0 to +10.0).")
