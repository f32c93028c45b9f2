"""Group-time effects ATT(g, t) and their aggregations (``did::compute.att_gt`` and
``did::compute.aggte``) for :func:`oversight.stats.did.staggered_did`, each with its influence
function."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from oversight.stats.did_panel import FloatArray, Panel


@dataclass(frozen=True)
class Cells:
    """All ATT(g, t) with their influence functions (n units x k cells)."""

    group: FloatArray
    time: FloatArray
    att: FloatArray
    inf: FloatArray


# --- group-time effects -----------------------------------------------------------------


def group_time_effects(panel: Panel, control_group: str, base_period: str) -> Cells:
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
    return Cells(
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


def group_shares(panel: Panel, groups: FloatArray) -> FloatArray:
    """``P(G = g)``: the weighted share of units in each listed group (``did``'s ``pg``)."""
    return np.array([np.mean(panel.w * (panel.g == g)) for g in groups])


def _weights_influence(panel: Panel, groups: FloatArray, pg: FloatArray) -> FloatArray:
    """Influence of estimating the weights ``pg / sum(pg)`` (``did``'s ``wif``), n x k."""
    ind = panel.w[:, None] * (panel.g[:, None] == groups[None, :]) - pg[None, :]
    total = pg.sum()
    return ind / total - ind.sum(axis=1, keepdims=True) * (pg / total**2)[None, :]


def weighted_aggregate(
    cells: Cells, pg: FloatArray, keep: npt.NDArray[np.bool_], panel: Panel
) -> tuple[float, FloatArray]:
    """Group-size weighted mean of the kept ATT(g, t) and its influence function."""
    att, inf, share = cells.att[keep], cells.inf[:, keep], pg[keep]
    weights = share / share.sum()
    estimate = float(weights @ att)
    psi = inf @ weights + _weights_influence(panel, cells.group[keep], share) @ att
    return estimate, psi


def group_effects(
    cells: Cells, keep: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each group's mean post-adoption ATT(g, t) (no estimated weights within a group)."""
    values = np.unique(cells.group[keep])
    att, inf = [], []
    for g in values:
        mask = keep & (cells.group == g)
        att.append(float(np.mean(cells.att[mask])))
        inf.append(cells.inf[:, mask].mean(axis=1))
    return values, np.array(att), np.column_stack(inf)


def group_average(
    panel: Panel, groups: FloatArray, att: FloatArray, inf: FloatArray
) -> tuple[float, FloatArray]:
    """Group effects averaged with weights proportional to group size, plus the
    influence of estimating those weights (``did``'s ``selective.wif``)."""
    pg = group_shares(panel, groups)
    weights = pg / pg.sum()
    estimate = float(weights @ att)
    psi = inf @ weights + _weights_influence(panel, groups, pg) @ att
    return estimate, psi


def event_effects(
    cells: Cells, pg: FloatArray, keep: npt.NDArray[np.bool_], panel: Panel
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Group-size weighted ATT(g, g + e) for every event time ``e`` (``type = "dynamic"``)."""
    event = cells.time - cells.group
    values = np.unique(event[keep])
    att, inf = [], []
    for e in values:
        estimate, psi = weighted_aggregate(cells, pg, keep & (event == e), panel)
        att.append(estimate)
        inf.append(psi)
    return values, np.array(att), np.column_stack(inf)
