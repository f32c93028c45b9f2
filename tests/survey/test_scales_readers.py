"""Scale conversion, earlier-survey mapping and survey-tool export parsers."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from oversight.survey import (
    flatten_two_row_header,
    legacy_construct_scores,
    legacy_long,
    load_instrument,
    match_item_columns,
    read_ms_forms_xlsx,
    read_two_header_csv,
    reverse,
    to_five,
    to_unit,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("points", "unit", "five_rounded"),
    [
        (4, [0, 1 / 3, 2 / 3, 1], [1, 2, 4, 5]),
        (5, [0, 0.25, 0.5, 0.75, 1], [1, 2, 3, 4, 5]),
        (7, [0, 1 / 6, 2 / 6, 0.5, 4 / 6, 5 / 6, 1], [1, 2, 2, 3, 4, 4, 5]),
    ],
)
def test_linear_rescaling(points, unit, five_rounded):
    r = np.arange(1, points + 1)
    assert to_unit(r, points) == pytest.approx(unit)
    assert to_five(r, points) == pytest.approx(1 + 4 * np.array(unit))
    assert to_five(r, points, rounded=True).tolist() == five_rounded
    assert reverse(r, points).tolist() == list(range(points, 0, -1))


def test_conversion_scalars_series_and_errors():
    assert to_unit(3, 5) == 0.5
    assert to_unit(6, 11) == 0.5  # 0-10 scale: position 6 is the answer "5"
    s = pd.Series([1, pd.NA, 7], dtype="Int64", index=[10, 11, 12])
    out = to_unit(s, pd.Series([4, 5, 7], dtype="Int64", index=s.index))
    assert out.index.tolist() == [10, 11, 12]
    assert out.iloc[0] == 0 and pd.isna(out.iloc[1]) and out.iloc[2] == 1
    with pytest.raises(ValueError, match=r"1\.\.points"):
        to_unit(5, 4)
    with pytest.raises(ValueError, match=r"1\.\.points"):
        to_unit(0, 5)


def test_legacy_mapping_converts_to_constructs():
    mapping = load_instrument().legacy_mappings["example_la_2023"]
    headers = [q.header for q in mapping.questions]
    wide = pd.DataFrame(
        [
            [
                "Strongly agree",
                "Agree",
                "Disagree",
                "agree ",
                "Strongly agree",
                "Agree",
                "Strongly disagree",
            ],
            [None, None, "Agree", None, None, "Disagree", "Agree"],
        ],
        columns=headers,
    )
    long = legacy_long(wide, mapping)
    first = long.loc[long["row"] == 0].set_index("header")
    assert first.loc[headers[0], "score"] == 1.0
    assert first.loc[headers[3], "score"] == pytest.approx(2 / 3)  # case/space ignored
    # "I often have to record case notes in my own time" is reversed: strongly agree -> 0
    assert first.loc[headers[4], ["response", "score"]].tolist() == [1, 0.0]
    scores = legacy_construct_scores(wide, mapping).set_index(["row", "construct"])["score"]
    assert scores[(0, "supervision_quality")] == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert scores[(0, "recording_oversight")] == pytest.approx((2 / 3 + 0) / 2)
    # respondent 1 answered one of two quality items (half: kept), no frequency item (dropped)
    assert scores[(1, "supervision_quality")] == pytest.approx(2 / 3)
    assert (1, "supervision_frequency") not in scores.index
    assert (1, "recording_oversight") not in scores.index
    bad = wide.copy()
    bad.iloc[0, 0] = "Maybe"
    with pytest.raises(ValueError, match="Maybe"):
        legacy_long(bad, mapping)


def test_flatten_two_row_header_rules():
    rows = [
        ["Respondent ID", "Role", "", "Agree?", "", "Comments", "Comments"],
        ["", "Response", "Other (please specify)", "Item A", "Item B", "Open-Ended Response"],
    ]
    assert flatten_two_row_header(rows) == [
        "Respondent ID",
        "Role",
        "Role - Other (please specify)",
        "Agree? - Item A",
        "Agree? - Item B",
        "Comments",
        "Comments (2)",
    ]


def test_two_header_csv_fixture():
    raw = (FIXTURES / "surveymonkey_two_header.csv").read_bytes()
    frame = read_two_header_csv(b"\xef\xbb\xbf" + raw)  # with a UTF-8 byte-order mark
    assert frame.shape == (3, 13)
    matrix = "Please say how far you agree with each statement."
    formats = "Which of these supervision formats have you had in the last 3 months? "
    assert frame.columns.tolist() == [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "What is your current role?",
        "What is your current role? - Other (please specify)",
        f"{matrix} - My workload is manageable",
        f"{matrix} - I feel supported by my manager",
        f"{matrix} - Supervision keeps the child's lived experience in focus",
        f"{formats}(tick all that apply) - One-to-one",
        f"{formats}(tick all that apply) - Group",
        f"{formats}(tick all that apply) - Peer",
        "Any other comments?",
    ]
    assert frame.iloc[1, 5] == "Family support worker"
    assert pd.isna(frame.iloc[1, 7])
    assert frame.iloc[2, -1] == "Caseloads are high, supervision slips"
    # cp1252 fallback for older exports
    text = raw.decode("utf-8").replace("Peer,More", "Peer,Caf\u00e9 chat")
    assert (
        read_two_header_csv(text.encode("cp1252")).iloc[0, -1]
        == "Caf\u00e9 chat reflective time please"
    )
    # matrix statements carry their full text, so they map to items
    mapped = match_item_columns([c.split(" - ", 1)[-1] for c in frame.columns], load_instrument())
    assert mapped == {
        "My workload is manageable": "wb_workload",
        "I feel supported by my manager": "wb_support",
        "Supervision keeps the child's lived experience in focus": "sup_child",
        "What is your current role?": "demo_role",
    }


def _ms_forms_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "What is your current role?",
            "My workload is manageable",
            "My planned supervision sessions are cancelled or cut short",
            "Which formats have you had?",
            "Any other comments?",
        ]
    )
    ws.append(
        [
            1,
            datetime(2025, 10, 1, 9, 1),
            datetime(2025, 10, 1, 9, 9),
            "anonymous",
            None,
            "Social worker",
            "Agree",
            "Often",
            "One-to-one;Group;",
            "  More   time  ",
        ]
    )
    ws.append(
        [
            2,
            datetime(2025, 10, 2, 14, 0),
            datetime(2025, 10, 2, 14, 5),
            "anonymous",
            None,
            "Team manager",
            None,
            "Never",
            "One-to-one;",
            None,
        ]
    )
    ws.append([None] * 10)  # trailing blank row
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_ms_forms_xlsx():
    frame = read_ms_forms_xlsx(_ms_forms_bytes())
    assert frame.shape == (2, 10)
    assert frame.columns[6] == "My workload is manageable"
    assert frame.loc[0, "Start time"] == "2025-10-01T09:01:00"
    assert frame.loc[0, "ID"] == "1"
    assert frame.loc[0, "Any other comments?"] == "More time"
    assert frame.loc[0, "Which formats have you had?"] == "One-to-one;Group;"
    assert pd.isna(frame.loc[1, "My workload is manageable"])
    mapped = match_item_columns(frame.columns, load_instrument())
    assert mapped == {
        "What is your current role?": "demo_role",
        "My workload is manageable": "wb_workload",
        "My planned supervision sessions are cancelled or cut short": "sup_freq_cancelled",
    }
    assert read_ms_forms_xlsx(io.BytesIO(_ms_forms_bytes()), sheet="Sheet1").shape == (2, 10)
