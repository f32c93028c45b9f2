"""Staff survey analysis: pure functions on the long survey frame.

Input is the ingested long frame (``data/interim/<la>/survey.parquet``, concatenated over
LAs): ``la_code, respondent_id, wave, role, item_id, response, scale_points`` (other
columns are carried but unused). Rows with ``item_id == "free_text"``, rows with no
``response`` and items not in the instrument are ignored. A respondent is identified by
``(la_code, wave, respondent_id)``: baseline and follow-up surveys are anonymous, so the
same person in both waves cannot be linked and waves are treated as independent samples.

Scale conversion follows :mod:`oversight.survey.scales` (linear rescaling of positions to
0-1; see :data:`~oversight.survey.scales.SCALE_ASSUMPTION`).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from oversight.stats import cronbach_alpha
from oversight.survey.instrument import Instrument
from oversight.survey.scales import to_five, to_unit

KEY = ["la_code", "wave", "respondent_id"]
PRACTITIONER_ROLES = frozenset({"social_worker", "senior_practitioner"})
MANAGER_ROLES = frozenset({"team_manager", "service_manager"})
MIN_N = 10
WAVES = ("baseline", "follow_up")


def answers(long: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Scored answers only, with ``construct``, ``reverse``, ``unit`` and ``score`` added.

    ``unit`` is the answer on the 0-1 scale as given; ``score`` is the same with
    reverse-worded items flipped (``1 - unit``) so that higher is always more favourable.
    """
    items = {it.id: it for it in instrument.items}
    frame = long.loc[long["item_id"].isin(items) & long["response"].notna()].copy()
    frame["construct"] = frame["item_id"].map({k: v.construct for k, v in items.items()})
    frame["reverse"] = frame["item_id"].map({k: v.reverse for k, v in items.items()})
    frame["unit"] = to_unit(frame["response"], frame["scale_points"]).astype(float)
    frame["score"] = np.where(frame["reverse"], 1.0 - frame["unit"], frame["unit"])
    return frame.reset_index(drop=True)


def response_counts(
    long: pd.DataFrame,
    eligible: pd.DataFrame | Mapping[tuple[str, str], int] | None = None,
    by: Sequence[str] = ("la_code", "role"),
) -> pd.DataFrame:
    """Respondents by LA and role (``by``), with a response rate where a denominator is given.

    A respondent counts once however many items they answered (a return with only a comment
    counts). ``eligible`` is the number of staff who were invited: a DataFrame with the
    ``by`` columns and ``eligible``, or a mapping from the ``by`` values (a tuple) to the
    count. ``response_rate = respondents / eligible`` (missing where no denominator is given;
    groups in the denominator with no respondents are kept with 0 respondents).
    """
    by = list(by)
    counts = (
        long.drop_duplicates([*KEY])
        .groupby(by, dropna=False)
        .size()
        .rename("respondents")
        .reset_index()
    )
    if eligible is None:
        counts["eligible"] = pd.array([pd.NA] * len(counts), dtype="Int64")
        counts["response_rate"] = pd.array([pd.NA] * len(counts), dtype="Float64")
        return counts
    if isinstance(eligible, Mapping):
        eligible = pd.DataFrame(
            [(*(k if isinstance(k, tuple) else (k,)), v) for k, v in eligible.items()],
            columns=[*by, "eligible"],
        )
    out = counts.merge(eligible[[*by, "eligible"]], on=by, how="outer")
    out["respondents"] = out["respondents"].fillna(0).astype(int)
    out["eligible"] = out["eligible"].astype("Int64")
    out["response_rate"] = (out["respondents"] / out["eligible"].astype("Float64")).astype(
        "Float64"
    )
    return out.sort_values(by).reset_index(drop=True)


def construct_scores(
    long: pd.DataFrame,
    instrument: Instrument,
    min_share: float = 0.5,
    denominator: Literal["asked", "instrument"] = "asked",
) -> pd.DataFrame:
    """Construct score per respondent: mean ``score`` (0-1, reverse items flipped).

    A score is reported only if the respondent answered at least ``min_share`` of the
    construct's items. The denominator is, by default, the items the LA **asked** (items of
    the construct answered by anyone in that LA and wave), because LAs adopting the
    instrument part-way may not ask every item; ``denominator="instrument"`` uses all the
    construct's items in the instrument instead.

    Returns one row per respondent and construct: ``la_code, wave, respondent_id, role,
    construct, n_items, n_answered, score``.
    """
    scored = answers(long, instrument)
    if denominator == "instrument":
        n_items = pd.Series(
            {c: len(instrument.construct_items(c)) for c in instrument.scored_constructs}
        )
        asked = pd.DataFrame({"construct": n_items.index, "n_items": n_items.to_numpy()})
        on = ["construct"]
    elif denominator == "asked":
        asked = (
            scored.groupby(["la_code", "wave", "construct"])["item_id"]
            .nunique()
            .rename("n_items")
            .reset_index()
        )
        on = ["la_code", "wave", "construct"]
    else:
        raise ValueError(f"denominator must be 'asked' or 'instrument', got {denominator!r}")
    per = (
        scored.groupby([*KEY, "construct"])
        .agg(role=("role", "first"), n_answered=("item_id", "nunique"), score=("score", "mean"))
        .reset_index()
        .merge(asked, on=on, how="left")
    )
    per = per.loc[per["n_answered"] >= min_share * per["n_items"]]
    cols = [*KEY, "role", "construct", "n_items", "n_answered", "score"]
    return per[cols].sort_values([*KEY, "construct"]).reset_index(drop=True)


def item_matrix(long: pd.DataFrame, instrument: Instrument, construct: str) -> pd.DataFrame:
    """Respondents x items of ``construct``: 0-1 scores with reverse items flipped."""
    ids = [it.id for it in instrument.construct_items(construct)]
    scored = answers(long, instrument)
    scored = scored.loc[scored["item_id"].isin(ids)]
    wide = scored.pivot_table(index=KEY, columns="item_id", values="score", aggfunc="first")
    return wide.reindex(columns=[i for i in ids if i in wide.columns])


def construct_alpha(
    long: pd.DataFrame,
    instrument: Instrument,
    constructs: Iterable[str] | None = None,
    nan_policy: Literal["pairwise", "listwise"] = "pairwise",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha per construct with Feldt's interval (``oversight.stats``).

    Items are put on the 0-1 scale and reverse items flipped first (alpha is unchanged by
    rescaling all items alike, but mixes of 4/5/7-point LAs need the common scale). A
    construct with fewer than two answered items or respondents gets missing values and a
    ``note``. Columns: ``construct, n_items, n_respondents, alpha, ci_lower, ci_upper, note``.
    """
    rows = []
    for construct in constructs or instrument.scored_constructs:
        wide = item_matrix(long, instrument, construct).dropna(axis=1, how="all")
        if nan_policy == "listwise":
            n_resp = int(wide.dropna(how="any").shape[0])
        else:
            n_resp = int(wide.dropna(how="all").shape[0])
        row = {"construct": construct, "n_items": wide.shape[1], "n_respondents": n_resp}
        try:
            alpha, (lo, hi) = cronbach_alpha(wide, nan_policy=nan_policy, confidence=confidence)
            row.update(alpha=alpha, ci_lower=lo, ci_upper=hi, note="")
        except ValueError as err:
            row.update(alpha=np.nan, ci_lower=np.nan, ci_upper=np.nan, note=str(err))
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class OrdinalFit:
    """A proportional-odds (ordinal logistic) fit.

    ``coefficients``: one row per regressor with ``coef, se, z, p_value, odds_ratio,
    or_lower, or_upper``; the model is ``logit P(Y <= j) = threshold_j - x'b`` (as R's
    ``MASS::polr``), so an odds ratio above 1 means higher categories are more likely.
    ``thresholds``: the cut-points, named ``"lower|upper"``.
    """

    coefficients: pd.DataFrame
    thresholds: pd.Series
    n: int
    llf: float
    converged: bool

    @property
    def deviance(self) -> float:
        return -2.0 * self.llf


def ordinal_logit(
    y: pd.Series,
    X: pd.DataFrame,
    categories: Sequence[object] | None = None,
    weights: pd.Series | None = None,
    confidence: float = 0.95,
) -> OrdinalFit:
    """Fit statsmodels ``OrderedModel(distr="logit")`` by Newton's method.

    With more than eight regressors BFGS supplies the start values (OrderedModel's Hessian
    is numerical, so each Newton step costs O(p^2) likelihood evaluations); ``converged``
    means statsmodels reported convergence or the largest per-observation score component
    is below 1e-6.

    Args:
        y: Ordinal outcome. ``categories`` gives the order (lowest first); otherwise the
            sorted distinct values (or the categories of an ordered Categorical).
            Categories nobody chose are dropped (the model cannot estimate their cut-point).
        X: Regressors, numeric, **without** a constant (the thresholds play that part).
        weights: Optional whole-number frequency weights: each row counts that many times
            (rows are repeated, which gives the same likelihood as weighting).
        confidence: Level of the Wald intervals for the odds ratios.
    """
    data = X.astype(float).copy()
    data["__y"] = pd.Series(y).to_numpy()
    if weights is not None:
        w = pd.Series(weights).to_numpy()
        if np.any(w < 0) or np.any(w != np.round(w)):
            raise ValueError("weights must be whole, non-negative frequencies")
        data = data.loc[data.index.repeat(w.astype(int))]
    data = data.dropna()
    if categories is None:
        yy = data["__y"]
        categories = (
            list(yy.cat.categories) if isinstance(yy.dtype, pd.CategoricalDtype) else None
        ) or sorted(yy.unique())
    present = [c for c in categories if (data["__y"] == c).any()]
    if len(present) < 2:
        raise ValueError("the outcome needs at least two observed categories")
    endog = pd.Series(
        pd.Categorical(data["__y"], categories=present, ordered=True), index=data.index
    )
    exog = data.drop(columns="__y")
    constant = [c for c in exog.columns if exog[c].nunique() <= 1]
    if constant:
        raise ValueError(f"regressors with no variation: {', '.join(map(str, constant))}")
    model = OrderedModel(endog, exog, distr="logit")
    with warnings.catch_warnings():
        # statsmodels' Newton stops on a parameter-change tolerance that its numerical
        # Hessian can keep missing at the optimum; convergence is judged on the score below.
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = None
        if exog.shape[1] > 8:  # many regressors: BFGS start values save Newton iterations
            start = model.fit(method="bfgs", disp=False, maxiter=500).params.to_numpy()
        # Newton from BFGS start values converges in a few steps.
        maxiter = 50 if start is None else 5
        res = model.fit(method="newton", start_params=start, disp=False, maxiter=maxiter)
    gradient = np.abs(model.score(res.params.to_numpy())) / len(endog)
    converged = bool(res.mle_retvals.get("converged", False) or gradient.max() < 1e-6)
    k = exog.shape[1]
    coef = res.params.iloc[:k]
    se = res.bse.iloc[:k]
    z = stats.norm.isf((1 - confidence) / 2)
    table = pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "z": coef / se,
            "p_value": res.pvalues.iloc[:k],
            "odds_ratio": np.exp(coef),
            "or_lower": np.exp(coef - z * se),
            "or_upper": np.exp(coef + z * se),
        }
    )
    cuts = model.transform_threshold_params(res.params.to_numpy())[1:-1]
    names = [f"{a}|{b}" for a, b in itertools.pairwise(present)]
    return OrdinalFit(
        table,
        pd.Series(cuts, index=names, name="threshold"),
        len(endog),
        float(res.llf),
        converged,
    )


def compare_roles(
    long: pd.DataFrame,
    instrument: Instrument,
    constructs: Iterable[str] | None = None,
    la_effects: bool = False,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Managers vs practitioners per construct, by ordinal logistic regression.

    For each construct every answer to its items is one observation: outcome the answer on
    the common 5-point scale (rounded; reverse items flipped, so 5 is the most favourable),
    regressors ``manager`` (team or service manager = 1, social worker or senior
    practitioner = 0; role "other" is left out), item fixed effects (items differ in how
    readily people agree) and, with ``la_effects=True``, LA fixed effects.

    Returns one row per construct: ``construct, odds_ratio, ci_lower, ci_upper, p_value,
    n_answers, n_practitioners, n_managers, la_effects, note``. ``odds_ratio > 1``: managers
    give more favourable answers. Intervals treat answers as independent although each
    respondent answers several items, so they are somewhat too narrow (no cluster-robust
    variance for OrderedModel); with one item per construct this does not arise.
    """
    scored = answers(long, instrument)
    scored = scored.loc[scored["role"].isin(PRACTITIONER_ROLES | MANAGER_ROLES)].copy()
    flipped = (
        scored["response"]
        .astype(float)
        .where(~scored["reverse"], scored["scale_points"].astype(float) + 1 - scored["response"])
    )
    scored["five"] = to_five(flipped, scored["scale_points"], rounded=True).astype(float)
    scored["manager"] = scored["role"].isin(MANAGER_ROLES).astype(float)
    rows = []
    for construct in constructs or instrument.scored_constructs:
        part = scored.loc[scored["construct"] == construct]
        people = part.drop_duplicates(KEY)
        row = {
            "construct": construct,
            "n_answers": len(part),
            "n_practitioners": int((people["manager"] == 0).sum()),
            "n_managers": int((people["manager"] == 1).sum()),
            "la_effects": la_effects,
        }
        X = part[["manager"]]
        if part["item_id"].nunique() > 1:
            X = X.join(pd.get_dummies(part["item_id"], prefix="item", drop_first=True))
        if la_effects and part["la_code"].nunique() > 1:
            X = X.join(pd.get_dummies(part["la_code"], prefix="la", drop_first=True))
        try:
            fit = ordinal_logit(part["five"], X, [1, 2, 3, 4, 5], confidence=confidence)
            m = fit.coefficients.loc["manager"]
            row.update(
                odds_ratio=m["odds_ratio"],
                ci_lower=m["or_lower"],
                ci_upper=m["or_upper"],
                p_value=m["p_value"],
                note="" if fit.converged else "did not converge",
            )
        except (ValueError, np.linalg.LinAlgError) as err:
            row.update(odds_ratio=np.nan, ci_lower=np.nan, ci_upper=np.nan, p_value=np.nan)
            row["note"] = str(err)
        rows.append(row)
    return pd.DataFrame(rows)


def la_breakdown(
    scores: pd.DataFrame, by: Sequence[str] = ("la_code", "construct"), min_n: int = MIN_N
) -> pd.DataFrame:
    """Mean construct score by LA (``by``), suppressed where fewer than ``min_n`` respondents.

    ``scores`` is :func:`construct_scores` output. Columns: the ``by`` columns, ``n``,
    ``mean``, ``sd``, ``suppressed``. A suppressed row keeps its keys but ``n``, ``mean``
    and ``sd`` are missing, so a published table cannot show groups of fewer than
    ``min_n`` staff (or, from ``n``, how small they were).
    """
    by = list(by)
    out = scores.groupby(by)["score"].agg(n="count", mean="mean", sd="std").reset_index()
    out["suppressed"] = out["n"] < min_n
    out["n"] = out["n"].astype("Int64").mask(out["suppressed"])
    out[["mean", "sd"]] = out[["mean", "sd"]].mask(out["suppressed"], np.nan)
    return out


def _hodges_lehmann(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, float, float]:
    diffs = np.sort(np.subtract.outer(a, b).ravel())
    n1, n2 = len(a), len(b)
    z = stats.norm.isf((1 - confidence) / 2)
    k = int(np.floor(n1 * n2 / 2 - z * np.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)))
    k = min(max(k, 0), len(diffs) - 1)
    return float(np.median(diffs)), float(diffs[k]), float(diffs[len(diffs) - 1 - k])


def wave_comparison(
    scores: pd.DataFrame,
    by: Sequence[str] = ("construct",),
    method: Literal["welch", "mann_whitney"] = "welch",
    min_n: int = MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Follow-up minus baseline construct score (0-1 scale), per construct (and ``by``).

    ``method="welch"``: difference in means with Welch's t interval and p-value
    (``scipy.stats.ttest_ind(equal_var=False)``). ``method="mann_whitney"``: the
    Hodges-Lehmann shift (median of all follow-up minus baseline differences) with its
    normal-approximation interval (no tie correction) and the Mann-Whitney U p-value.
    Samples are independent (anonymous waves). Groups where either wave has fewer than
    ``min_n`` respondents are ``suppressed`` (estimates missing).

    Columns: the ``by`` columns, ``n_baseline, n_follow_up, mean_baseline, mean_follow_up,
    difference, ci_lower, ci_upper, p_value, method, suppressed``.
    """
    by = list(by)
    rows = []
    for key, part in scores.groupby(by):
        key = key if isinstance(key, tuple) else (key,)
        base = part.loc[part["wave"] == WAVES[0], "score"].dropna().to_numpy(float)
        follow = part.loc[part["wave"] == WAVES[1], "score"].dropna().to_numpy(float)
        row = dict(zip(by, key, strict=True))
        row.update(n_baseline=len(base), n_follow_up=len(follow), method=method)
        suppressed = min(len(base), len(follow)) < min_n
        row["suppressed"] = suppressed
        est = dict.fromkeys(
            ["mean_baseline", "mean_follow_up", "difference", "ci_lower", "ci_upper", "p_value"],
            np.nan,
        )
        if not suppressed:
            est["mean_baseline"], est["mean_follow_up"] = base.mean(), follow.mean()
            if method == "welch":
                res = stats.ttest_ind(follow, base, equal_var=False)
                ci = res.confidence_interval(confidence)
                est.update(
                    difference=follow.mean() - base.mean(),
                    ci_lower=ci.low,
                    ci_upper=ci.high,
                    p_value=res.pvalue,
                )
            elif method == "mann_whitney":
                shift, lo, hi = _hodges_lehmann(follow, base, confidence)
                p = stats.mannwhitneyu(follow, base, alternative="two-sided").pvalue
                est.update(difference=shift, ci_lower=lo, ci_upper=hi, p_value=p)
            else:
                raise ValueError(f"unknown method {method!r}")
        row.update(est)
        rows.append(row)
    cols = [
        *by,
        "n_baseline",
        "n_follow_up",
        "mean_baseline",
        "mean_follow_up",
        "difference",
        "ci_lower",
        "ci_upper",
        "p_value",
        "method",
        "suppressed",
    ]
    return pd.DataFrame(rows, columns=cols)
