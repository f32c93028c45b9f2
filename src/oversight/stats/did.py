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
from scipy.stats import chi2, norm

ControlGroup = Literal["never_treated", "not_yet_treated"]
BasePeriod = Literal["varying", "universal"]
Multiplier = Literal["rademacher", "mammen"]

FloatArray = npt.NDArray[np.float64]

#: Standard errors at or below this are reported as NaN (zero variance), as ``did`` does.
ZERO_SE = float(np.sqrt(np.finfo(float).eps) * 10)

# Bootstrap multipliers, all with mean 0 and variance 1. Rademacher (+-1 with equal
# probability) is what did's bootstrap draws (BMisc::multiplier_bootstrap); Mammen's (1993)
# two-point weights, the example of Callaway & Sant'Anna (2021), also match the third moment.
_SQRT5 = float(np.sqrt(5.0))
_MAMMEN_LOW = (1.0 - _SQRT5) / 2.0
_MAMMEN_HIGH = (1.0 + _SQRT5) / 2.0
_MAMMEN_P_LOW = (_SQRT5 + 1.0) / (2.0 * _SQRT5)
# Normal-consistent scale of an interquartile range, as did::mboot uses.
_IQR_TO_SD = float(norm.ppf(0.75) - norm.ppf(0.25))
# Largest multiplier matrix drawn at once (entries), to bound memory.
_CHUNK = 2**22


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


@dataclass(frozen=True)
class _Panel:
    """A balanced panel in wide form: one row per unit, one column per period."""

    times: npt.NDArray
    y: FloatArray
    """(n units, T periods) outcomes."""
    g: FloatArray
    """First treated period per unit, 0 for never treated."""
    w: FloatArray
    """Unit weights (all 1 without weights)."""
    cluster: npt.NDArray[np.intp]
    """Cluster code per unit, 0..n_clusters-1 (the unit itself without ``cluster``)."""
    n_clusters: int

    @property
    def n(self) -> int:
        return self.y.shape[0]


@dataclass(frozen=True)
class _Cells:
    """All ATT(g, t) with their influence functions (n units x k cells)."""

    group: FloatArray
    time: FloatArray
    att: FloatArray
    inf: FloatArray


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
    panel = _prepare_panel(data, unit, time, group, outcome, weights, cluster)
    if control_group == "never_treated" and not np.any(panel.g == 0):
        raise ValueError(
            "no never-treated units: use control_group='not_yet_treated' or add a comparison group"
        )
    cells = _group_time_effects(panel, control_group, base_period)
    z = float(norm.ppf(1.0 - alpha / 2.0))

    post = cells.time >= cells.group
    usable = np.isfinite(cells.att)
    if not np.all(usable):
        warnings.warn(
            f"{int(np.sum(~usable))} ATT(g, t) have no comparison units and are left out "
            "of the aggregations",
            stacklevel=2,
        )
    pg = _group_shares(panel, cells.group)
    simple_att, simple_inf = _weighted_aggregate(cells, pg, post & usable, panel)
    group_values, group_att, group_inf = _group_effects(cells, post & usable)
    group_avg_att, group_avg_inf = _group_average(panel, group_values, group_att, group_inf)
    event_times, event_att, event_inf = _event_effects(cells, pg, usable, panel)
    event_post = event_times >= 0
    event_avg_att = float(np.mean(event_att[event_post]))
    event_avg_inf = event_inf[:, event_post].mean(axis=1)
    pre_avg = _pre_average(event_att, event_inf, ~event_post, panel, z)

    infs = {"att_gt": cells.inf, "by_group": group_inf, "event_study": event_inf}
    if bootstrap > 0:
        boot = _multiplier_bootstrap(panel, list(infs.values()), bootstrap, seed, alpha, multiplier)
    else:
        boot = [(np.full(inf.shape[1], np.nan), z) for inf in infs.values()]
    boot_se = {name: b[0] for name, b in zip(infs, boot, strict=True)}
    crit = {name: b[1] for name, b in zip(infs, boot, strict=True)}

    def table(name: str, keys: dict[str, npt.NDArray], att: FloatArray) -> pd.DataFrame:
        se = _analytic_se(panel, infs[name])
        return _effect_table(keys, att, se, boot_se[name], crit[name], bootstrap > 0)

    times = panel.times
    att_gt = table(
        "att_gt",
        {"group": _like_time(cells.group, times), "time": _like_time(cells.time, times)},
        cells.att,
    ).assign(post=post)
    return DiDResult(
        att_gt=att_gt,
        overall=_summary(simple_att, simple_inf, panel, z),
        by_group=table("by_group", {"group": _like_time(group_values, times)}, group_att),
        group_average=_summary(group_avg_att, group_avg_inf, panel, z),
        event_study=table("event_study", {"event_time": _like_time(event_times, times)}, event_att),
        event_average=_summary(event_avg_att, event_avg_inf, panel, z),
        pretrend=_pretrend_test(panel, cells, att_gt["se"].to_numpy()),
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


# --- data preparation -------------------------------------------------------------------


def _prepare_panel(
    data: pd.DataFrame,
    unit: str,
    time: str,
    group: str,
    outcome: str,
    weights: str | None,
    cluster: str | None,
) -> _Panel:
    """Validate the long panel and reshape it to one row per unit."""
    columns = [unit, time, group, outcome] + [c for c in (weights, cluster) if c is not None]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"data has no column(s) {missing}")
    frame = data[list(dict.fromkeys(columns))].copy()
    if frame[unit].isna().any() or frame[time].isna().any():
        raise ValueError(f"{unit!r} and {time!r} must not be missing")
    frame[group] = pd.to_numeric(frame[group]).fillna(0).astype(float)
    if (frame[group] < 0).any():
        raise ValueError(f"{group!r} must be a period, 0 or NaN (never treated)")
    duplicated = frame.duplicated([unit, time])
    if duplicated.any():
        row = frame.loc[duplicated].iloc[0]
        raise ValueError(
            f"unit {_plain(row[unit])!r} has more than one row for {time} {_plain(row[time])!r}"
        )

    per_unit = [group] + [c for c in (weights, cluster) if c is not None]
    varying = frame.groupby(unit, sort=True)[per_unit].nunique(dropna=False).gt(1)
    for column in per_unit:
        if varying[column].any():
            first = varying.index[varying[column]][0]
            raise ValueError(
                f"{column!r} must be constant within unit; unit {_plain(first)!r} varies"
            )

    units = np.sort(frame[unit].unique())
    times = np.sort(frame[time].unique())
    observed = frame.loc[frame[outcome].notna()].set_index([unit, time]).index
    full = pd.MultiIndex.from_product([units, times], names=[unit, time])
    absent = full.difference(observed)
    if len(absent) > 0:
        first_unit, first_time = absent[0]
        raise ValueError(
            f"unbalanced panel: unit {_plain(first_unit)!r} has no {outcome!r} for {time} "
            f"{_plain(first_time)!r} ({len(absent)} unit-periods missing); staggered_did "
            "needs a balanced panel"
        )

    y = frame.pivot(index=unit, columns=time, values=outcome).loc[units, times]
    per = frame.groupby(unit, sort=True).first().loc[units]
    g = per[group].to_numpy(dtype=float)
    w = per[weights].to_numpy(dtype=float) if weights is not None else np.ones(len(units))
    if not np.all(np.isfinite(w) & (w > 0)):
        raise ValueError(f"{weights!r} must be positive and finite")

    t_first, t_last = float(times[0]), float(times[-1])
    g = np.where(g > t_last, 0.0, g)  # treated after the panel ends: never treated here
    early = (g > 0) & (g <= t_first)
    if early.any():
        warnings.warn(
            f"dropped {int(early.sum())} unit(s) already treated in the first period "
            f"({time} {_plain(times[0])!r}): they have no pre-treatment period",
            stacklevel=3,
        )
    keep = ~early
    if not np.any(g[keep] > 0):
        raise ValueError("no treated group with a pre-treatment period")
    if cluster is not None:
        codes, uniques = pd.factorize(per[cluster].to_numpy()[keep], sort=True)
        n_clusters = len(uniques)
    else:
        codes, n_clusters = np.arange(int(keep.sum())), int(keep.sum())
    return _Panel(
        times=times,
        y=y.to_numpy(dtype=float)[keep],
        g=g[keep],
        w=w[keep],
        cluster=np.asarray(codes, dtype=np.intp),
        n_clusters=n_clusters,
    )


def _plain(value: object) -> object:
    """A numpy scalar as the Python scalar it holds (for readable messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _like_time(values: FloatArray, times: npt.NDArray) -> npt.NDArray:
    """Return ``values`` as integers when the periods are integers (years), else floats."""
    if np.issubdtype(times.dtype, np.integer) and np.all(np.mod(values, 1) == 0):
        return values.astype(np.int64)
    return values


# --- group-time effects -----------------------------------------------------------------


def _group_time_effects(panel: _Panel, control_group: str, base_period: str) -> _Cells:
    """Every ATT(g, t) and its influence function, in ``did``'s (group, time) order."""
    times = panel.times.astype(float)
    groups = np.unique(panel.g[panel.g > 0])
    rows: list[tuple[float, float, float, FloatArray]] = []
    first = 1 if base_period == "varying" else 0
    for g in groups:
        last_pre = int(np.flatnonzero(times < g)[-1])
        for ti in range(first, len(times)):
            base = last_pre if (times[ti] >= g or base_period == "universal") else ti - 1
            if ti == base:  # universal base period: ATT(g, g-1) is 0 by construction
                rows.append((g, times[ti], 0.0, np.zeros(panel.n)))
                continue
            treated = panel.g == g
            if control_group == "never_treated":
                control = panel.g == 0
            else:
                later = max(times[ti], times[base])
                control = (panel.g == 0) | ((panel.g > later) & ~treated)
            att, inf = _did_2x2(panel.y[:, ti] - panel.y[:, base], treated, control, panel.w)
            rows.append((g, times[ti], att, inf))
    return _Cells(
        group=np.array([r[0] for r in rows]),
        time=np.array([r[1] for r in rows]),
        att=np.array([r[2] for r in rows]),
        inf=np.column_stack([r[3] for r in rows]),
    )


def _did_2x2(
    dy: FloatArray, treated: npt.NDArray[np.bool_], control: npt.NDArray[np.bool_], w: FloatArray
) -> tuple[float, FloatArray]:
    """Weighted 2x2 DiD of the change ``dy`` and its influence function over all n units.

    ``psi_i = n w_i D_i (dy_i - mu_1) / sum(w D) - n w_i C_i (dy_i - mu_0) / sum(w C)``:
    the influence function of ``DRDID::reg_did_panel`` with an intercept only, scaled by
    ``n / n1`` and padded with zeros for units outside the comparison, as ``did`` does.
    """
    n = dy.shape[0]
    w1 = w * treated
    w0 = w * control
    if w0.sum() == 0 or w1.sum() == 0:
        return float("nan"), np.zeros(n)
    mu1 = float(np.sum(w1 * dy) / w1.sum())
    mu0 = float(np.sum(w0 * dy) / w0.sum())
    inf = n * (w1 * (dy - mu1) / w1.sum() - w0 * (dy - mu0) / w0.sum())
    return mu1 - mu0, inf


# --- aggregation (did::compute.aggte) ----------------------------------------------------


def _group_shares(panel: _Panel, groups: FloatArray) -> FloatArray:
    """``P(G = g)``: the weighted share of units in each listed group (``did``'s ``pg``)."""
    return np.array([np.mean(panel.w * (panel.g == g)) for g in groups])


def _weights_influence(panel: _Panel, groups: FloatArray, pg: FloatArray) -> FloatArray:
    """Influence of estimating the weights ``pg / sum(pg)`` (``did``'s ``wif``), n x k."""
    ind = panel.w[:, None] * (panel.g[:, None] == groups[None, :]) - pg[None, :]
    total = pg.sum()
    return ind / total - ind.sum(axis=1, keepdims=True) * (pg / total**2)[None, :]


def _weighted_aggregate(
    cells: _Cells, pg: FloatArray, keep: npt.NDArray[np.bool_], panel: _Panel
) -> tuple[float, FloatArray]:
    """Group-size weighted mean of the kept ATT(g, t) and its influence function."""
    att, inf, share = cells.att[keep], cells.inf[:, keep], pg[keep]
    weights = share / share.sum()
    estimate = float(weights @ att)
    psi = inf @ weights + _weights_influence(panel, cells.group[keep], share) @ att
    return estimate, psi


def _group_effects(
    cells: _Cells, keep: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each group's mean post-adoption ATT(g, t) (no estimated weights within a group)."""
    values = np.unique(cells.group[keep])
    att, inf = [], []
    for g in values:
        mask = keep & (cells.group == g)
        att.append(float(np.mean(cells.att[mask])))
        inf.append(cells.inf[:, mask].mean(axis=1))
    return values, np.array(att), np.column_stack(inf)


def _group_average(
    panel: _Panel, groups: FloatArray, att: FloatArray, inf: FloatArray
) -> tuple[float, FloatArray]:
    """Group effects averaged with weights proportional to group size, plus the
    influence of estimating those weights (``did``'s ``selective.wif``)."""
    pg = _group_shares(panel, groups)
    weights = pg / pg.sum()
    estimate = float(weights @ att)
    psi = inf @ weights + _weights_influence(panel, groups, pg) @ att
    return estimate, psi


def _event_effects(
    cells: _Cells, pg: FloatArray, keep: npt.NDArray[np.bool_], panel: _Panel
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Group-size weighted ATT(g, g + e) for every event time ``e`` (``type = "dynamic"``)."""
    event = cells.time - cells.group
    values = np.unique(event[keep])
    att, inf = [], []
    for e in values:
        estimate, psi = _weighted_aggregate(cells, pg, keep & (event == e), panel)
        att.append(estimate)
        inf.append(psi)
    return values, np.array(att), np.column_stack(inf)


# --- inference ----------------------------------------------------------------------------


def _cluster_sums(panel: _Panel, inf: FloatArray) -> FloatArray:
    """Influence functions summed within cluster (n_clusters x k)."""
    sums = np.zeros((panel.n_clusters, inf.shape[1]))
    np.add.at(sums, panel.cluster, inf)
    return sums


def _analytic_se(panel: _Panel, inf: FloatArray) -> FloatArray:
    """``sqrt(sum_c S_c^2) / n`` per column; zero standard errors become NaN."""
    se = np.sqrt(np.sum(_cluster_sums(panel, inf) ** 2, axis=0)) / panel.n
    return np.where(se <= ZERO_SE, np.nan, se)


def _summary(estimate: float, inf: FloatArray, panel: _Panel, z: float) -> dict[str, float]:
    """Estimate, analytic standard error and pointwise normal interval."""
    se = float(_analytic_se(panel, inf[:, None])[0])
    return {"att": estimate, "se": se, "lower": estimate - z * se, "upper": estimate + z * se}


def _pre_average(
    att: FloatArray, inf: FloatArray, pre: npt.NDArray, panel: _Panel, z: float
) -> dict[str, float]:
    """Mean pre-adoption event-study effect, its interval and a normal two-sided p-value."""
    keep = pre & np.isfinite(att)
    if not keep.any():
        nan = float("nan")
        return {"att": nan, "se": nan, "lower": nan, "upper": nan, "p_value": nan}
    out = _summary(float(np.mean(att[keep])), inf[:, keep].mean(axis=1), panel, z)
    out["p_value"] = (
        float(2 * norm.sf(abs(out["att"] / out["se"]))) if out["se"] > 0 else float("nan")
    )
    return out


def _pretrend_test(panel: _Panel, cells: _Cells, se: FloatArray) -> dict[str, float]:
    """Wald test that the pre-adoption ATT(g, t) with non-zero variance are all zero."""
    pre = (cells.time < cells.group) & np.isfinite(se) & np.isfinite(cells.att)
    df = int(pre.sum())
    if df == 0:
        return {"stat": float("nan"), "df": 0, "p_value": float("nan")}
    sums = _cluster_sums(panel, cells.inf[:, pre])
    cov = sums.T @ sums / panel.n**2
    if 1.0 / np.linalg.cond(cov) <= np.finfo(float).eps:
        warnings.warn("pre-trend covariance is singular: no Wald test", stacklevel=3)
        return {"stat": float("nan"), "df": df, "p_value": float("nan")}
    att = cells.att[pre]
    stat = float(att @ np.linalg.solve(cov, att))
    return {"stat": stat, "df": df, "p_value": float(chi2.sf(stat, df))}


def _multiplier_bootstrap(
    panel: _Panel,
    infs: list[FloatArray],
    draws: int,
    seed: int,
    alpha: float,
    multiplier: str = "rademacher",
) -> list[tuple[FloatArray, float]]:
    """Bootstrap standard errors and sup-t critical values, as ``did::mboot``.

    Each draw multiplies the cluster sums ``S_c`` of the influence functions by
    independent multipliers ``V_c`` (Rademacher or Mammen):
    ``R_b = sqrt(n_c) * mean_c(V_c S_c)``. The standard error of a column is its
    interquartile range over draws divided by that of a standard normal, times
    ``sqrt(n_c) / n``; the critical value is the ``1 - alpha`` quantile of
    ``max_k |R_bk| / sigma_k`` over the columns of one table. The same draws serve all
    tables. Quantiles are R's type 1 (``inverted_cdf``). A critical value below the
    normal one falls back to the normal one, as ``aggte`` does.
    """
    sums = _cluster_sums(panel, np.column_stack(infs))
    n_c = panel.n_clusters
    rng = np.random.default_rng(seed)
    boot = np.empty((draws, sums.shape[1]))
    step = max(1, _CHUNK // n_c)
    for start in range(0, draws, step):
        size = min(step, draws - start)
        u = rng.random((size, n_c))
        if multiplier == "mammen":
            v = np.where(u < _MAMMEN_P_LOW, _MAMMEN_LOW, _MAMMEN_HIGH)
        else:
            v = np.where(u < 0.5, -1.0, 1.0)
        boot[start : start + size] = (v @ sums) / np.sqrt(n_c)

    z = float(norm.ppf(1.0 - alpha / 2.0))
    out, start = [], 0
    for inf in infs:
        block = boot[:, start : start + inf.shape[1]]
        start += inf.shape[1]
        live = np.sum(block**2, axis=0) > ZERO_SE
        q75, q25 = np.quantile(block[:, live], [0.75, 0.25], axis=0, method="inverted_cdf")
        sigma = (q75 - q25) / _IQR_TO_SD
        se = np.full(inf.shape[1], np.nan)
        se[live] = sigma * np.sqrt(n_c) / panel.n
        se = np.where(se <= ZERO_SE, np.nan, se)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_max = np.nanmax(np.abs(block[:, live] / sigma), axis=1) if live.any() else []
        t_max = np.asarray(t_max)[np.isfinite(t_max)]
        crit = float(np.quantile(t_max, 1.0 - alpha, method="inverted_cdf")) if t_max.size else z
        out.append((se, crit if np.isfinite(crit) and crit >= z else z))
    return out


# --- naive two-way fixed effects ----------------------------------------------------------


def _twfe(
    data: pd.DataFrame,
    panel: _Panel,
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
