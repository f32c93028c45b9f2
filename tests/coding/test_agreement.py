"""Agreement between coders on a table small enough to compute by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from oversight.coding.agreement import (
    agreement_report,
    code_agreement,
    overall_alpha,
    segments_to_codings,
)

UNITS = [f"u{i}" for i in range(1, 11)]


@pytest.fixture
def codings():
    """Ten units; code "x" by coders A and B:

    A applies x to u1-u5, B to u1-u4 and u6. Presence table (rows A, columns B)::

                  B yes  B no
        A yes       4      1
        A no        1      4

    p_o = 8/10 = 0.8; p_e = 0.5*0.5 + 0.5*0.5 = 0.5; kappa = (0.8 - 0.5) / (1 - 0.5) = 0.6.

    Code "y": A applies it to u1 only, B never. p_o = 9/10; p_A = 0.1, p_B = 0;
    p_e = 0.1*0 + 0.9*1 = 0.9; kappa = (0.9 - 0.9) / 0.1 = 0.
    """
    rows = [(u, "x", "A") for u in UNITS[:5]]
    rows += [(u, "x", "B") for u in [*UNITS[:4], "u6"]]
    rows += [("u1", "y", "A")]
    return pd.DataFrame(rows, columns=["unit_id", "code", "coder"])


def test_per_code_kappa_matches_hand_computation(codings):
    table = code_agreement(codings, "A", "B", units=UNITS).set_index("code")
    x = table.loc["x"]
    assert (x["both"], x["a_only"], x["b_only"], x["neither"]) == (4, 1, 1, 4)
    assert x["agreement"] == pytest.approx(0.8)
    assert x["kappa"] == pytest.approx(0.6)
    assert x["lower"] < 0.6 < x["upper"]
    assert table.loc["y", "kappa"] == pytest.approx(0.0)


def test_kappa_is_nan_when_neither_coder_uses_a_code(codings):
    table = code_agreement(codings, "A", "B", units=UNITS, codes=["x", "z"]).set_index("code")
    assert math.isnan(table.loc["z", "kappa"])
    assert table.loc["z", "agreement"] == 1.0


def test_overall_alpha_by_hand(codings):
    """Alpha on the 20 (unit, code) pairs: values 1 where coded.

    Pairs: x has 4 (1,1), 1 (1,0), 1 (0,1), 4 (0,0); y has 1 (1,0), 9 (0,0).
    Coincidences: o_11 = 8, o_00 = 26, o_10 = o_01 = 3; n_1 = 11, n_0 = 29, n = 40.
    alpha = 1 - (n - 1) * o_01*2 / (2 * n_1 * n_0) = 1 - 39 * 6 / (2 * 11 * 29) = 1 - 234/638.
    """
    alpha = overall_alpha(codings, "A", "B", units=UNITS)
    assert alpha == pytest.approx(1 - 234 / 638)


def test_disagreements_table_and_report(codings):
    texts = {u: f"text of {u}" for u in UNITS}
    report = agreement_report(codings, "A", "B", units=UNITS, texts=texts)
    d = report.disagreements
    assert d[["unit_id", "code", "coder_a", "coder_b"]].values.tolist() == [
        ["u1", "y", True, False],
        ["u5", "x", True, False],
        ["u6", "x", False, True],
    ]
    assert d["text"].tolist() == ["text of u1", "text of u5", "text of u6"]
    assert report.alpha == pytest.approx(1 - 234 / 638)


def test_rule_coder_codings_from_segments():
    seg = pd.DataFrame({"unit_id": ["u1", "u1", "u2"], "code": ["x", "x", "y"]})
    out = segments_to_codings(seg)
    assert out.values.tolist() == [["u1", "x", "rules"], ["u2", "y", "rules"]]


def test_errors(codings):
    with pytest.raises(ValueError, match="no codings by coder"):
        code_agreement(codings, "A", "C")
    with pytest.raises(ValueError, match="outside"):
        code_agreement(codings, "A", "B", units=["u1"])
