"""DfE's rounding and symbol conventions (config/dfe_conventions.yaml), checked against the
examples DfE itself publishes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from oversight.config import ROOT, load_checked
from oversight.disclosure.conventions import (
    current_symbol,
    load_conventions,
    meaning,
    round_five_up,
    round_half_up,
    rounded_total,
    shown,
)
from oversight.disclosure.publish import data_received
from oversight.errors import ConfigError
from oversight.published.releases import numbers


@pytest.mark.parametrize(
    ("number", "dp", "expected"),
    [
        # dfeR (DfE analytical services), tests/testthat/test-round_five_up.R, "Rounds fives up"
        (285, -1, 290),
        (2.85, 0, 3),
        (2.5, 0, 3),
        (2.85, 1, 2.9),
        # ... and "Rounds other numbers"
        (283.54, -2, 300),
        (283.54, -1, 280),
        (283.234, 0, 283),
        (2.86, 1, 2.9),
        (2.86, 2, 2.86),
    ],
)
def test_round_five_up_matches_dfer_tests(number: float, dp: int, expected: float) -> None:
    assert round_five_up(number, dp) == expected


def test_round_five_up_on_dfer_documented_example() -> None:
    # dfeR's help page for round_five_up rounds 2485.85 to 2, 1, 0, -1 and -2 places; its
    # formula, trunc(abs(x) * 10^dp + 0.5 + eps) / 10^dp, gives these values.
    got = [round_five_up(2485.85, dp) for dp in (2, 1, 0, -1, -2)]
    assert got == [2485.85, 2485.9, 2486, 2490, 2500]


def test_halves_go_up_not_to_even() -> None:
    # Python (and pandas) round a half to the even neighbour: 285 would publish as 280
    assert round(285 / 10) * 10 == 280
    assert round_half_up(285, 10) == 290 and round_half_up(275, 10) == 280
    assert round_half_up(-285, 10) == -290  # dfeR: sign(x) * the rounded size
    assert round_half_up(np.int64(1725), 10) == 1730
    assert round_half_up(1722.5, 5) == 1725  # nearest 5 where a rule says so
    assert np.isnan(round_half_up(float("nan"), 10))


def test_totals_rule_is_the_nearest_10_above_1000() -> None:
    # EES methodology "Children looked after: A focus on placement location": "National and
    # regional figures have been rounded to the nearest 10. Local authority figures are
    # unrounded."
    rule = load_conventions().rule("totals")
    assert (rule.base, rule.above) == (10, 1000)
    assert "nearest 10" in rule.source
    assert rounded_total(1724) == 1720 and rounded_total(1725) == 1730
    assert rounded_total(49_515) == 49_520  # Python's round would give 49_520 too: 4951.5
    assert rounded_total(49_505) == 49_510  # ... but 49_500 here (4950.5 to even)
    assert rounded_total(1000) == 1000 and rounded_total(997) == 997  # exact up to 1,000
    with pytest.raises(KeyError, match="no rounding rule 'national'"):
        rounded_total(5000, "national")


def test_low_for_a_value_that_rounds_to_zero_but_is_not_zero() -> None:
    # DfE analysts' guide, open data standards, "Data symbols": low, "Rounds to 0, but is not
    # 0": "Rounding to the nearest thousand, 499 would otherwise show as 0. Only use 0 for
    # true 0's"
    assert shown(499, 1000) == "low"
    assert shown(0, 1000) == "0"
    assert shown(500, 1000) == "1000"  # a half goes up
    # EES "k": a percentage below 0.5% shown to whole numbers rounds to 0 but is not 0
    assert shown(0.4, 1) == "low" and meaning("k").startswith(meaning("low"))


def test_symbols_and_their_meanings() -> None:
    # DfE analysts' guide, "Data symbols" (GSS symbols): z not applicable, x unavailable,
    # c confidential, low rounds to 0, u low reliability; EES adds k (same as low)
    conv = load_conventions()
    assert set(conv.symbols) == {"c", "x", "z", "u", "low", "k"}
    assert meaning("z") == "not applicable"
    assert meaning("u") == "low reliability"
    assert meaning("c").startswith("confidential")
    assert meaning("x").startswith("not available")
    # the obsolete equivalents the guide lists: ":" for x, "~" for low
    assert current_symbol(":") == "x" and current_symbol("~") == "low"
    assert current_symbol(" C ") == "c" and current_symbol("12") is None
    with pytest.raises(KeyError, match="'q' is not a symbol"):
        meaning("q")


def test_older_release_symbols_are_read_as_todays() -> None:
    frame = pd.DataFrame(
        {"source_row": [2, 3, 4, 5], "rate": ["12.5", ":", "~", "c"]},
    )
    values, status = numbers(frame, ["rate"], "cla_2012.csv")
    assert status["rate"].tolist() == ["", "x", "low", "c"]
    assert values["rate"].isna().tolist() == [False, True, True, True]


def test_data_received_totals_follow_the_convention() -> None:
    ledger = pd.DataFrame(
        {
            "la_code": ["A", "B"],
            "dataset": ["audits", "audits"],
            "rows_in": [1000, 1285],
            "rows_loaded": [990, 1280],
            "rows_rejected": [10, 5],
            "blank_rows_skipped": [0, 0],
            "file_problem": ["", ""],
        }
    )
    out = data_received(ledger).set_index("dataset")
    assert out.loc["audits", "rows_received"] == 2290  # 2285, halves up (not 2280)
    assert out.loc["audits", "rows_loaded"] == 2270
    assert out.loc["audits", "rows_rejected"] == 15  # up to 1,000: exact


def test_table_catalogue_rounds_as_the_convention_does() -> None:
    # the disclosure audit's relation for data_received must know how its totals are rounded
    tables = load_checked(ROOT / "config/tables.yaml", "tables.schema.yaml")["tables"]
    (relation,) = tables["data_received"]["disclosure"]["relations"]
    rule = load_conventions().rule("totals")
    assert relation["rounded"] == {"base": rule.base, "above": rule.above}
    assert "nearest 10" in tables["data_received"]["title"]


def test_a_broken_conventions_file_names_itself(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "config/dfe_conventions.yaml").read_text())
    data["rounding"]["rules"]["totals"]["base"] = 0
    bad = tmp_path / "dfe_conventions.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(
        ConfigError, match=r"(?s)dfe_conventions.yaml.*rounding/rules/totals/base \(line 10\)"
    ):
        load_conventions(bad)


def test_every_symbol_is_explained_in_the_annex_and_open_data_uses_the_guides_set() -> None:
    from oversight.opendata import ees
    from oversight.report.annex import DFE_SYMBOLS

    conv = load_conventions()
    assert set(DFE_SYMBOLS) == set(conv.symbols)
    assert DFE_SYMBOLS["z"] == "z (DfE): not applicable"
    assert DFE_SYMBOLS["c"] == "c (DfE): withheld by DfE to protect confidentiality"
    # open data files follow the analysts' guide: its five symbols, not the retired ones
    assert set(ees.SYMBOLS) == set(conv.symbols) - {"k"}
    assert set(ees.LEGACY_SYMBOLS) == set(conv.obsolete)


def test_the_workbook_explains_every_dfe_symbol() -> None:
    from oversight.report.workbook_spec import load_layout

    symbols = load_layout()["symbols"]
    assert set(symbols) == set(load_conventions().symbols)
    # GSS shorthand: k is written [low], as the guide's low and EES's "low / k" are one symbol
    assert symbols["k"]["shorthand"] == symbols["low"]["shorthand"] == "[low]"
