"""Survey analysis against published reference values and on small hand-made frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from oversight.figures.survey import diverging_data, diverging_figure
from oversight.survey import (
    compare_roles,
    construct_alpha,
    construct_scores,
    la_breakdown,
    load_instrument,
    ordinal_logit,
    parse_instrument,
    response_counts,
    wave_comparison,
)

FIXTURES = Path(__file__).parent / "fixtures"

# pingouin dataset "cronbach_alpha" (15 subjects x 10 items on a 1..7 scale), typed once in
# tests/stats/test_stats_reliability.py; pingouin documents alpha 0.5917188485995826 and the
# Feldt interval [0.195, 0.84] (R psych::alpha agrees on alpha = 0.592).
from tests.stats.test_stats_reliability import LIKERT  # noqa: E402


def _instrument(n_items: int, reverse: tuple[int, ...] = ()):
    return parse_instrument(
        {
            "constructs": {"c": "Construct"},
            "scales": {"seven": [str(i) for i in range(1, 8)]},
            "items": [
                {
                    "id": f"q{i}",
                    "construct": "c",
                    "text": f"Q{i}",
                    "scale": "seven",
                    "reverse": i in reverse,
                }
                for i in range(n_items)
            ],
        }
    )


def _long(matrix: np.ndarray, points: int, **cols) -> pd.DataFrame:
    rows = []
    for r, answers in enumerate(matrix):
        for i, value in enumerate(answers):
            rows.append(
                {
                    "la_code": cols.get("la_code", "E1"),
                    "respondent_id": f"R{r}",
                    "wave": cols.get("wave", "baseline"),
                    "role": cols.get("role", "social_worker"),
                    "item_id": f"q{i}",
                    "response": value,
                    "scale_points": points,
                }
            )
    frame = pd.DataFrame(rows)
    frame["response"] = frame["response"].astype("Int64")
    frame["scale_points"] = frame["scale_points"].astype("Int64")
    return frame


def test_construct_alpha_reproduces_pingouin_example():
    long = _long(LIKERT, 7)
    # a comment row and an item outside the instrument are ignored
    extra = long.iloc[:2].assign(item_id=["free_text", "other_item"], response=pd.NA)
    out = construct_alpha(pd.concat([long, extra]), _instrument(10))
    row = out.iloc[0]
    assert row["construct"] == "c" and row["n_items"] == 10 and row["n_respondents"] == 15
    assert row["alpha"] == pytest.approx(0.5917188485995826, abs=1e-9)
    assert row["ci_lower"] == pytest.approx(0.195, abs=5e-4)
    assert row["ci_upper"] == pytest.approx(0.840, abs=5e-4)


def test_construct_alpha_flips_reverse_items():
    flipped = LIKERT.copy()
    flipped[:, 3] = 8 - flipped[:, 3]  # item q3 stored as worded the other way
    out = construct_alpha(_long(flipped, 7), _instrument(10, reverse=(3,)))
    assert out.loc[0, "alpha"] == pytest.approx(0.5917188485995826, abs=1e-9)
    one = construct_alpha(_long(LIKERT[:, :1], 7), _instrument(1))
    assert np.isnan(one.loc[0, "alpha"]) and "two items" in one.loc[0, "note"]


def _housing() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / "housing.csv")
    assert len(frame) == 72 and frame["Freq"].sum() == 1681
    return frame


def test_ordinal_logit_reproduces_mass_polr_housing():
    """MASS::polr(Sat ~ Infl + Type + Cont, weights = Freq, data = housing), Venables &
    Ripley (2002) MASS 4th ed. section 7.3 and the polr help page: coefficients InflMedium
    0.5664, InflHigh 1.2888, TypeApartment -0.5724, TypeAtrium -0.3662, TypeTerrace -1.0910,
    ContHigh 0.3603; intercepts Low|Medium -0.4961, Medium|High 0.6907; residual deviance
    3479.149."""
    h = _housing()
    X = pd.DataFrame(
        {
            "InflMedium": h["Infl"] == "Medium",
            "InflHigh": h["Infl"] == "High",
            "TypeApartment": h["Type"] == "Apartment",
            "TypeAtrium": h["Type"] == "Atrium",
            "TypeTerrace": h["Type"] == "Terrace",
            "ContHigh": h["Cont"] == "High",
        }
    )
    fit = ordinal_logit(h["Sat"], X, categories=["Low", "Medium", "High"], weights=h["Freq"])
    expected = {
        "InflMedium": 0.5664,
        "InflHigh": 1.2888,
        "TypeApartment": -0.5724,
        "TypeAtrium": -0.3662,
        "TypeTerrace": -1.0910,
        "ContHigh": 0.3603,
    }
    assert fit.converged and fit.n == 1681
    assert fit.coefficients["coef"].to_dict() == pytest.approx(expected, abs=5e-4)
    assert fit.thresholds.to_dict() == pytest.approx(
        {"Low|Medium": -0.4961, "Medium|High": 0.6907}, abs=5e-4
    )
    assert fit.deviance == pytest.approx(3479.149, abs=1e-3)
    # odds ratios are exp(coef) with Wald limits; polr's printed SE for InflHigh is 0.1271
    infl = fit.coefficients.loc["InflHigh"]
    assert infl["se"] == pytest.approx(0.1271, abs=5e-4)
    assert infl["odds_ratio"] == pytest.approx(np.exp(1.2888), rel=1e-3)
    assert infl["or_lower"] == pytest.approx(np.exp(infl["coef"] - 1.959964 * infl["se"]))


def _roles_long(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for role, shift, n in (("social_worker", 0.0, 120), ("team_manager", 1.0, 60)):
        latent = rng.logistic(size=(n, 1)) + shift + rng.normal(0, 0.3, size=(n, 3))
        answers = np.digitize(latent, [-1.0, 0.0, 1.0, 2.0]) + 1
        part = _long(answers, 5, role=role)
        part["respondent_id"] = role + part["respondent_id"]
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def test_compare_roles_managers_more_favourable():
    inst = parse_instrument(
        {
            "constructs": {"c": "C"},
            "scales": {"agree5": list("abcde")},
            "items": [{"id": f"q{i}", "construct": "c", "text": "t"} for i in range(3)],
        }
    )
    long = _roles_long()
    other = long.iloc[:3].assign(role="other", respondent_id="X")
    out = compare_roles(pd.concat([long, other]), inst)
    row = out.iloc[0]
    assert row["n_practitioners"] == 120 and row["n_managers"] == 60
    assert row["n_answers"] == 180 * 3
    assert row["odds_ratio"] > 1.5 and row["ci_lower"] > 1 and row["p_value"] < 0.01
    assert row["ci_lower"] < row["odds_ratio"] < row["ci_upper"]
    # same answers read from a 7-point scale give a similar, not identical, estimate
    seven = long.assign(
        response=long["response"] + (long["response"] > 2).astype(int) * 2, scale_points=7
    )
    assert compare_roles(seven, inst).loc[0, "odds_ratio"] > 1.5


def test_construct_scores_half_rule_reverse_and_denominator():
    inst = _instrument(4, reverse=(3,))
    matrix = np.array([[7, 7, 1, 1], [4, 1, 1, 4], [7, 1, 4, 7]], dtype=object)
    long = _long(matrix, 7)
    long.loc[
        (long["respondent_id"] == "R1") & long["item_id"].isin(["q0", "q1", "q2"]), "response"
    ] = pd.NA  # R1 answered 1 of 4: no score
    long.loc[(long["respondent_id"] == "R2") & long["item_id"].isin(["q0", "q1"]), "response"] = (
        pd.NA
    )  # R2 answered 2 of 4: kept
    scores = construct_scores(long, inst).set_index("respondent_id")
    assert scores.loc["R0", "score"] == pytest.approx((1 + 1 + 0 + 1) / 4)
    assert scores.loc["R2", "score"] == pytest.approx((0.5 + 0) / 2)
    assert "R1" not in scores.index
    assert scores["n_items"].tolist() == [4, 4]
    # an LA that asked two of the four items: "asked" keeps, "instrument" needs 2 of 4
    asked = _long(matrix, 7)
    asked = asked.loc[asked["item_id"].isin(["q0", "q1"])]
    asked.loc[(asked["respondent_id"] == "R1") & (asked["item_id"] == "q1"), "response"] = pd.NA
    kept = construct_scores(asked, inst)
    assert kept["respondent_id"].tolist() == ["R0", "R1", "R2"]  # R1: 1 of 2 asked
    assert kept["n_items"].tolist() == [2, 2, 2]
    strict = construct_scores(asked, inst, denominator="instrument")
    assert strict["respondent_id"].tolist() == ["R0", "R2"]  # R1: 1 of 4 in the instrument


def test_la_breakdown_suppresses_below_ten():
    scores = pd.DataFrame(
        {
            "la_code": ["A"] * 10 + ["B"] * 9,
            "construct": "c",
            "score": np.linspace(0, 1, 19),
        }
    )
    out = la_breakdown(scores).set_index("la_code")
    assert not out.loc["A", "suppressed"] and out.loc["A", "n"] == 10
    assert out.loc["A", "mean"] == pytest.approx(scores["score"][:10].mean())
    assert out.loc["B", "suppressed"]
    assert pd.isna(out.loc["B", "n"]) and np.isnan(out.loc["B", "mean"])
    assert la_breakdown(scores, min_n=5)["suppressed"].sum() == 0


def test_response_counts_and_rates():
    long = pd.DataFrame(
        {
            "la_code": ["A", "A", "A", "A", "B"],
            "wave": "baseline",
            "respondent_id": ["1", "1", "2", "3", "1"],
            "role": [
                "social_worker",
                "social_worker",
                "social_worker",
                "team_manager",
                "social_worker",
            ],
            "item_id": ["q0", "free_text", "q0", "q0", "q0"],
        }
    )
    plain = response_counts(long)
    assert plain["respondents"].tolist() == [2, 1, 1]
    assert plain["response_rate"].isna().all()
    rated = response_counts(
        long,
        {("A", "social_worker"): 8, ("A", "team_manager"): 2, ("B", "team_manager"): 3},
    ).set_index(["la_code", "role"])
    assert rated.loc[("A", "social_worker"), "response_rate"] == 0.25
    assert rated.loc[("A", "team_manager"), "response_rate"] == 0.5
    assert rated.loc[("B", "team_manager"), "respondents"] == 0
    assert pd.isna(rated.loc[("B", "social_worker"), "response_rate"])
    by_la = response_counts(long, pd.DataFrame({"la_code": ["A"], "eligible": [6]}), ["la_code"])
    assert by_la.set_index("la_code").loc["A", "response_rate"] == 0.5


def test_wave_comparison_welch_and_mann_whitney():
    rng = np.random.default_rng(3)
    base, follow = rng.beta(4, 4, 40), rng.beta(5, 3, 30)
    scores = pd.DataFrame(
        {
            "construct": "c",
            "wave": ["baseline"] * 40 + ["follow_up"] * 30,
            "score": np.r_[base, follow],
        }
    )
    welch = wave_comparison(scores).iloc[0]
    ref = stats.ttest_ind(follow, base, equal_var=False)
    ci = ref.confidence_interval()
    assert welch["difference"] == pytest.approx(follow.mean() - base.mean())
    assert (welch["ci_lower"], welch["ci_upper"]) == pytest.approx((ci.low, ci.high))
    assert welch["p_value"] == pytest.approx(ref.pvalue)
    mw = wave_comparison(scores, method="mann_whitney").iloc[0]
    assert mw["difference"] == pytest.approx(np.median(np.subtract.outer(follow, base)))
    assert mw["ci_lower"] < mw["difference"] < mw["ci_upper"]
    assert mw["p_value"] == pytest.approx(
        stats.mannwhitneyu(follow, base, alternative="two-sided").pvalue
    )
    small = wave_comparison(scores.iloc[:45]).iloc[0]  # 5 at follow-up
    assert small["suppressed"] and np.isnan(small["difference"])


def test_diverging_data_and_figure():
    inst = load_instrument()
    rows = []
    # 4 disagree, 2 neutral, 6 agree on a 5-point scale; a 4-point LA has no neutral
    for n, r in enumerate([1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5]):
        rows.append(("E1", f"R{n}", "sup_freq", r, 5))
    for n, r in enumerate([1, 2, 3, 4]):
        rows.append(("E2", f"S{n}", "wb_stress", r, 4))
    long = pd.DataFrame(
        rows, columns=["la_code", "respondent_id", "item_id", "response", "scale_points"]
    )
    long = long.assign(wave="baseline", role="social_worker")
    data = diverging_data(long, inst).set_index("item_id")
    assert data.loc["sup_freq", ["disagree", "neutral", "agree"]].tolist() == pytest.approx(
        [4 / 12, 2 / 12, 6 / 12]
    )
    assert data.loc["sup_freq", "left"] == pytest.approx(-(4 / 12 + 1 / 12))
    assert data.loc["wb_stress", "suppressed"] and data.loc["wb_stress", "reverse"]
    assert "rec_time" not in data.index  # items nobody answered are left out
    fig, caption, alt = diverging_figure(data.reset_index(), title="Supervision")
    ax = fig.axes[0]
    assert len(ax.patches) == 3  # one bar per answer class, suppressed item not drawn
    assert {p.get_hatch() or "" for p in ax.patches} == {"///", "", "..."}
    assert "wb_stress" in caption and "fewer than 10" in caption
    assert "50% agree, 33% disagree" in alt
