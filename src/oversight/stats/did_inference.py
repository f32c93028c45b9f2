"""Inference for :func:`oversight.stats.did.staggered_did`: analytic standard errors from
the influence functions, the pre-trend tests and the multiplier bootstrap (``did::mboot``)."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
from scipy.stats import chi2, norm

from oversight.stats.did_effects import Cells
from oversight.stats.did_panel import FloatArray, Panel

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


def cluster_sums(panel: Panel, inf: FloatArray) -> FloatArray:
    """Influence functions summed within cluster (n_clusters x k)."""
    sums = np.zeros((panel.n_clusters, inf.shape[1]))
    np.add.at(sums, panel.cluster, inf)
    return sums


def analytic_se(panel: Panel, inf: FloatArray) -> FloatArray:
    """``sqrt(sum_c S_c^2) / n`` per column; zero standard errors become NaN."""
    se = np.sqrt(np.sum(cluster_sums(panel, inf) ** 2, axis=0)) / panel.n
    return np.where(se <= ZERO_SE, np.nan, se)


def summary(estimate: float, inf: FloatArray, panel: Panel, z: float) -> dict[str, float]:
    """Estimate, analytic standard error and pointwise normal interval."""
    se = float(analytic_se(panel, inf[:, None])[0])
    return {"att": estimate, "se": se, "lower": estimate - z * se, "upper": estimate + z * se}


def pre_average(
    att: FloatArray, inf: FloatArray, pre: npt.NDArray, panel: Panel, z: float
) -> dict[str, float]:
    """Mean pre-adoption event-study effect, its interval and a normal two-sided p-value."""
    keep = pre & np.isfinite(att)
    if not keep.any():
        nan = float("nan")
        return {"att": nan, "se": nan, "lower": nan, "upper": nan, "p_value": nan}
    out = summary(float(np.mean(att[keep])), inf[:, keep].mean(axis=1), panel, z)
    out["p_value"] = (
        float(2 * norm.sf(abs(out["att"] / out["se"]))) if out["se"] > 0 else float("nan")
    )
    return out


def pretrend_test(panel: Panel, cells: Cells, se: FloatArray) -> dict[str, float]:
    """Wald test that the pre-adoption ATT(g, t) with non-zero variance are all zero."""
    pre = (cells.time < cells.group) & np.isfinite(se) & np.isfinite(cells.att)
    df = int(pre.sum())
    if df == 0:
        return {"stat": float("nan"), "df": 0, "p_value": float("nan")}
    sums = cluster_sums(panel, cells.inf[:, pre])
    cov = sums.T @ sums / panel.n**2
    if 1.0 / np.linalg.cond(cov) <= np.finfo(float).eps:
        warnings.warn("pre-trend covariance is singular: no Wald test", stacklevel=3)
        return {"stat": float("nan"), "df": df, "p_value": float("nan")}
    att = cells.att[pre]
    stat = float(att @ np.linalg.solve(cov, att))
    return {"stat": stat, "df": df, "p_value": float(chi2.sf(stat, df))}


def multiplier_bootstrap(
    panel: Panel,
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
    sums = cluster_sums(panel, np.column_stack(infs))
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
