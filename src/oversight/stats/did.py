"""Difference-in-differences with staggered adoption (Callaway & Sant'Anna 2021).

:func:`staggered_did` estimates the group-time average treatment effects ATT(g, t) of
Callaway & Sant'Anna (2021) on a balanced panel *without covariates*, aggregates them the
way the R package ``did`` does (``att_gt`` followed by ``aggte``), tests the pre-adoption
ATT(g, t) jointly, and reports the naive two-way fixed-effects (TWFE) coefficient for
comparison.

Without covariates the paper's doubly robust, inverse-probability-weighted and
outcome-regression estimators all reduce to the same 2x2 difference in differences of
(weighted) group means, so that is what is computed here; the influence functions are the
ones ``DRDID::reg_did_panel`` returns for an intercept-only model, rescaled by ``n / n1``
as ``did::compute.att_gt`` does. Standard errors come from those influence functions
(``did``'s ``bstrap = FALSE`` output); the optional multiplier bootstrap (Rademacher
weights as ``did`` draws them, or Mammen weights; fixed seed) gives the sup-t critical
values of simultaneous confidence bands, as ``did::mboot`` does.

Terminology: a *group* (cohort) is the set of units first treated in the same period
``g``; never-treated units have group 0 (or NaN). ``e = t - g`` is event time.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm
from scipy.stats import norm

from oversight.stats.did_effects import (
    event_effects,
    group_average,
    group_effects,
    group_shares,
    group_time_effects,
    weighted_aggregate,
)
from oversight.stats.did_inference import (
    analytic_se,
    multiplier_bootstrap,
    pre_average,
    pretrend_test,
    summary,
)
from oversight.stats.did_panel import FloatArray, Panel, prepare_panel

ControlGroup = Literal["never_treated", "not_yet_treated"]
BasePeriod = Literal["varying", "universal"]
Multiplier = Literal["rademacher", "mammen"]


@dataclass(frozen=True)
class DiDResult:
    """Callaway-Sant'Anna estimates, their aggregations, a pre-trend test and naive TWFE.

    Every interval is two-sided at level ``1 - alpha``. With ``bootstrap > 0`` the bands
    of the three tables (``att_gt``, ``by_group``, ``event_study``) are *simultaneous*
    sup-t bands, ``att +/- c * se_boot``, with ``c`` the bootstrap critical value of that
    table (in :attr:`critical_values`) and ``se_boot`` the bootstrap standard error, as
    ``did`` builds them with ``bstrap = TRUE, cband = TRUE``; with ``bootstrap = 0`` they
    are pointwise, ``att +/- z * se``. The ``se`` column is always the analytic
    influence-function standard error (``did`` with ``bstrap = FALSE``). The scalar
    summaries (:attr:`overall`, :attr:`group_average`, :attr:`event_average`) always use
    the analytic standard error and a pointwise normal interval.
    """

    att_gt: pd.DataFrame
    """One row per (group, time): group, time, att, se, se_boot, lower, upper, post."""
    overall: dict[str, float]
    """``aggte(type = "simple")``: post-adoption ATT(g, t) averaged with weights
    proportional to group size. Keys att, se, lower, upper."""
    by_group: pd.DataFrame
    """``aggte(type = "group")``: each group's average post-adoption effect. Columns group,
    att, se, se_boot, lower, upper."""
    group_average: dict[str, float]
    """The overall effect of ``aggte(type = "group")``: the group effects averaged with
    weights proportional to group size (``did``'s recommended summary)."""
    event_study: pd.DataFrame
    """``aggte(type = "dynamic")``: effects by event time ``e = t - g`` (negative ``e`` are
    pre-adoption placebo effects). Columns event_time, att, se, se_boot, lower, upper."""
    event_average: dict[str, float]
    """The overall effect of ``aggte(type = "dynamic")``: the mean over ``e >= 0``."""
    pretrend: dict[str, float]
    """Wald test that all pre-adoption ATT(g, t) are zero: stat, df, p_value (NaN when
    their covariance is singular, as with more pre-periods than units)."""
    pre_average: dict[str, float]
    """The mean of the pre-adoption event-study effects (``e < 0``) with its analytic
    standard error, interval and two-sided p-value: a one-degree-of-freedom pre-trend check
    that still works with few units."""
    twfe: dict[str, float]
    """Naive TWFE coefficient on 1{treated and t >= g}: coef, se, lower, upper."""
    control_group: str
    base_period: str
    n_units: int
    n_groups: int
    critical_values: dict[str, float] = field(default_factory=dict)
    """Critical value used for the bands of att_gt, by_group and event_study."""


def staggered_did(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    group: str,
    outcome: str,
    control_group: ControlGroup = "never_treated",
    base_period: BasePeriod = "varying",
    weights: str | None = None,
    alpha: float = 0.05,
    bootstrap: int = 999,
    seed: int = 20240401,
    cluster: str | None = None,
    multiplier: Multiplier = "rademacher",
) -> DiDResult:
    """Staggered-adoption difference in differences (Callaway & Sant'Anna 2021).

    For each treated group ``g`` and period ``t`` the group-time effect is the 2x2
    difference in differences::

        ATT(g, t) = mean_G[Y_t - Y_b] - mean_C[Y_t - Y_b]

    over units of group ``g`` (G) and the comparison units (C), with base period ``b``:
    for post-adoption cells (``t >= g``) the last period before ``g``; for pre-adoption
    cells the previous period (``base_period = "varying"``, ``did``'s default, giving
    short-difference placebo effects) or also the last period before ``g``
    (``"universal"``: long differences, with the base-period cell ATT(g, b) fixed at 0
    and no standard error). The comparison units are the never-treated
    (``"never_treated"``, ``did``'s ``"nevertreated"``) or the never-treated plus units
    first treated after both ``t`` and ``b`` (``"not_yet_treated"``). Without covariates
    this is what ``did``'s default doubly robust estimator (and its IPW and regression
    variants) returns.

    Aggregations follow ``did::compute.aggte``, weighting cells by the (weighted) share
    of units in each group and adding the influence of estimating those shares:
    ``overall`` (``type = "simple"``), ``by_group`` and ``group_average``
    (``type = "group"``), ``event_study`` and ``event_average`` (``type = "dynamic"``).

    Standard errors are ``sqrt(sum_c S_c^2) / n`` with ``S_c`` the influence function
    summed within cluster ``c`` (each unit is its own cluster unless ``cluster`` is
    given), which is ``did``'s analytic standard error. The pre-trend test is the Wald
    statistic ``a' V^-1 a`` of the pre-adoption cells ``a`` (those with ``t < g`` and a
    non-zero standard error) with ``V`` their influence-function covariance, referred to
    chi-square with ``len(a)`` degrees of freedom: the test behind ``did``'s "P-value for
    pre-test of parallel trends assumption". The TWFE benchmark regresses the outcome on
    ``D = 1{g > 0 and t >= g}`` with unit and period fixed effects (within-unit demeaned
    OLS with period dummies, or WLS with ``weights``), with standard errors clustered by
    unit (or by ``cluster``) via statsmodels' ``cov_type="cluster"``.

    Args:
        data: Long panel, one row per unit and period. Must be balanced: every unit
            observed with a non-missing outcome in every period.
        unit: Column identifying units.
        time: Column with the (numeric) period, e.g. the year.
        group: Column with each unit's first treated period (``did``'s ``gname``); 0 or
            NaN for never treated. Must be constant within unit. Units treated in or
            before the first period are dropped with a warning (no pre-period); a group
            after the last period counts as never treated, as in ``did``.
        outcome: Outcome column.
        control_group: "never_treated" or "not_yet_treated".
        base_period: "varying" (``did``'s default) or "universal".
        weights: Optional column of positive unit weights (constant within unit, e.g. a
            population denominator); they weight group means, group shares and the TWFE
            regression. None weights units equally.
        alpha: Two-sided error rate of every interval (0.05 for 95%).
        bootstrap: Number of multiplier-bootstrap draws for the simultaneous bands; 0
            for pointwise bands from the analytic standard errors only.
        seed: Seed of the bootstrap draws (numpy ``default_rng``), fixed for
            reproducibility.
        cluster: Optional column of clusters that nest units (constant within unit) for
            cluster-robust standard errors, bootstrap and TWFE; None clusters by unit.
        multiplier: Bootstrap weights: "rademacher" (+-1, what ``did`` draws) or
            "mammen" (Mammen 1993: ``(1 - sqrt 5) / 2`` or ``(1 + sqrt 5) / 2``).

    Returns:
        :class:`DiDResult`.

    Raises:
        ValueError: On missing columns, an unbalanced panel (naming the first missing
            unit and period), a group, weight or cluster that varies within a unit,
            non-positive weights, no treated group, no never-treated units with
            ``control_group = "never_treated"``, or an unknown option.

    References:
        Callaway B, Sant'Anna PHC (2021) Difference-in-differences with multiple time
        periods. J Econometrics 225:200-230. doi:10.1016/j.jeconom.2020.12.001.
        Sant'Anna PHC, Zhao J (2020) Doubly robust difference-in-differences estimators.
        J Econometrics 219:101-122.
        Mammen E (1993) Bootstrap and wild bootstrap for high dimensional linear models.
        Ann Stat 21:255-285.
        R package ``did`` (Callaway & Sant'Anna), ``R/att_gt.R``, ``R/compute.att_gt.R``,
        ``R/compute.aggte.R`` and ``R/mboot.R``; R package ``BMisc``,
        ``src/BMisc.cpp`` (``multiplier_bootstrap``, Rademacher weights).
    """
    _check_options(control_group, base_period, alpha, bootstrap, multiplier)
    panel = prepare_panel(data, unit, time, group, outcome, weights, cluster)
    if control_group == "never_treated" and not np.any(panel.g == 0):
        raise ValueError(
            "no never-treated units: use control_group='not_yet_treated' or add a comparison group"
        )
    cells = group_time_effects(panel, control_group, base_period)
    z = float(norm.ppf(1.0 - alpha / 2.0))

    post = cells.time >= cells.group
    usable = np.isfinite(cells.att)
    if not np.all(usable):
        warnings.warn(
            f"{int(np.sum(~usable))} ATT(g, t) have no comparison units and are left out "
            "of the aggregations",
            stacklevel=2,
        )
    pg = group_shares(panel, cells.group)
    simple_att, simple_inf = weighted_aggregate(cells, pg, post & usable, panel)
    group_values, group_att, group_inf = group_effects(cells, post & usable)
    group_avg_att, group_avg_inf = group_average(panel, group_values, group_att, group_inf)
    event_times, event_att, event_inf = event_effects(cells, pg, usable, panel)
    event_post = event_times >= 0
    event_avg_att = float(np.mean(event_att[event_post]))
    event_avg_inf = event_inf[:, event_post].mean(axis=1)
    pre_avg = pre_average(event_att, event_inf, ~event_post, panel, z)

    infs = {"att_gt": cells.inf, "by_group": group_inf, "event_study": event_inf}
    if bootstrap > 0:
        boot = multiplier_bootstrap(panel, list(infs.values()), bootstrap, seed, alpha, multiplier)
    else:
        boot = [(np.full(inf.shape[1], np.nan), z) for inf in infs.values()]
    boot_se = {name: b[0] for name, b in zip(infs, boot, strict=True)}
    crit = {name: b[1] for name, b in zip(infs, boot, strict=True)}

    def table(name: str, keys: dict[str, npt.NDArray], att: FloatArray) -> pd.DataFrame:
        se = analytic_se(panel, infs[name])
        return _effect_table(keys, att, se, boot_se[name], crit[name], bootstrap > 0)

    times = panel.times
    att_gt = table(
        "att_gt",
        {"group": _like_time(cells.group, times), "time": _like_time(cells.time, times)},
        cells.att,
    ).assign(post=post)
    return DiDResult(
        att_gt=att_gt,
        overall=summary(simple_att, simple_inf, panel, z),
        by_group=table("by_group", {"group": _like_time(group_values, times)}, group_att),
        group_average=summary(group_avg_att, group_avg_inf, panel, z),
        event_study=table("event_study", {"event_time": _like_time(event_times, times)}, event_att),
        event_average=summary(event_avg_att, event_avg_inf, panel, z),
        pretrend=pretrend_test(panel, cells, att_gt["se"].to_numpy()),
        pre_average=pre_avg,
        twfe=_twfe(data, panel, unit, time, group, outcome, weights, cluster, alpha),
        control_group=control_group,
        base_period=base_period,
        n_units=panel.n,
        n_groups=int(np.unique(panel.g[panel.g > 0]).size),
        critical_values=crit,
    )


def _check_options(
    control_group: str, base_period: str, alpha: float, bootstrap: int, multiplier: str
) -> None:
    """Reject unknown options before touching the data."""
    if control_group not in ("never_treated", "not_yet_treated"):
        raise ValueError(
            f"control_group must be 'never_treated' or 'not_yet_treated', got {control_group!r}"
        )
    if base_period not in ("varying", "universal"):
        raise ValueError(f"base_period must be 'varying' or 'universal', got {base_period!r}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    if bootstrap < 0:
        raise ValueError(f"bootstrap must be >= 0, got {bootstrap}")
    if multiplier not in ("rademacher", "mammen"):
        raise ValueError(f"multiplier must be 'rademacher' or 'mammen', got {multiplier!r}")


def _effect_table(
    keys: dict[str, npt.NDArray],
    att: FloatArray,
    se: FloatArray,
    se_boot: FloatArray,
    crit: float,
    simultaneous: bool,
) -> pd.DataFrame:
    """Effects with their bands: ``att -/+ crit * se_boot`` after a bootstrap (simultaneous),
    else ``att -/+ crit * se`` with the normal ``crit`` (pointwise)."""
    scale = se_boot if simultaneous else se
    return pd.DataFrame(
        {
            **keys,
            "att": att,
            "se": se,
            "se_boot": se_boot,
            "lower": att - crit * scale,
            "upper": att + crit * scale,
        }
    )


def _like_time(values: FloatArray, times: npt.NDArray) -> npt.NDArray:
    """Return ``values`` as integers when the periods are integers (years), else floats."""
    if np.issubdtype(times.dtype, np.integer) and np.all(np.mod(values, 1) == 0):
        return values.astype(np.int64)
    return values


# --- naive two-way fixed effects ----------------------------------------------------------


def _twfe(
    data: pd.DataFrame,
    panel: Panel,
    unit: str,
    time: str,
    group: str,
    outcome: str,
    weights: str | None,
    cluster: str | None,
    alpha: float,
) -> dict[str, float]:
    """TWFE coefficient on ``D = 1{treated and t >= g}`` with cluster-robust SE.

    Unit effects are absorbed by demeaning within unit (exact for a balanced panel, and
    with unit-constant weights the weighted and unweighted unit means coincide); period
    effects enter as dummies, plus a constant (zero after demeaning) so that
    statsmodels' small-sample factor ``G / (G - 1) * (N - 1) / (N - K)`` counts
    ``K = T + 1`` parameters, as ``fixest::feols(y ~ D | unit + time, cluster = ~unit)``
    and Stata's ``xtreg, fe vce(cluster)`` do.
    """
    frame = data.copy()
    frame["_g"] = pd.to_numeric(frame[group]).fillna(0).astype(float)
    t_first, t_last = float(panel.times[0]), float(panel.times[-1])
    frame.loc[frame["_g"] > t_last, "_g"] = 0.0
    frame = frame.loc[~((frame["_g"] > 0) & (frame["_g"] <= t_first))]
    treated_now = (frame["_g"] > 0) & (frame[time].astype(float) >= frame["_g"])
    design = pd.get_dummies(frame[time], prefix="t", drop_first=True, dtype=float)
    design.insert(0, "D", treated_now.astype(float))
    y = frame[outcome].astype(float)

    def within(x: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        return x - x.groupby(frame[unit]).transform("mean")

    y_w, x_w = within(y), within(design)
    x_w["const"] = 1.0
    groups = pd.factorize(frame[cluster if cluster is not None else unit])[0]
    if weights is not None:
        model = sm.WLS(y_w.to_numpy(), x_w.to_numpy(), weights=frame[weights].to_numpy(float))
    else:
        model = sm.OLS(y_w.to_numpy(), x_w.to_numpy())
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    lower, upper = fit.conf_int(alpha=alpha)[0]
    return {
        "coef": float(fit.params[0]),
        "se": float(fit.bse[0]),
        "lower": float(lower),
        "upper": float(upper),
    }
