"""Converting answers between 4-, 5-, 7- (and 11-) point scales, and earlier LA surveys.

LAs ran the survey on their own tools and scales; ingest keeps each answer as its position
``r`` (1 = lowest label) on a ``k``-point scale. Analysis puts every answer on one of two
common scales:

* the **common 0-1 scale**: ``u = (r - 1) / (k - 1)``. The lowest answer is 0, the highest
  1, the midpoint of an odd scale 0.5. Construct scores, alpha and wave comparisons use it.
* the **common 5-point scale**: ``1 + 4 u``; :func:`to_five` returns it unrounded, or rounded
  half up to a position 1..5 (for ordinal models and stacked bars). A 4-point scale maps to
  1, 2.33, 3.67, 5 (rounded 1, 2, 4, 5: no neutral answer appears); a 7-point scale to
  1, 1.67, 2.33, 3, 3.67, 4.33, 5 (rounded 1, 2, 2, 3, 4, 4, 5).

**Assumption** (stated in reports): the labels of every scale are equally spaced and span
the same range of opinion, so "Strongly agree" on a 4-point scale and on a 7-point scale
are both the top of the range. This is linear rescaling of ranks, not an equating study;
4-point scales lack a neutral option, so respondents who would have been neutral are
forced to either side, and comparisons across LAs with different native scales should be
read with that in mind (the ordinal model and construct scores are both affected).
Reverse-worded items are flipped on the native scale first: ``r' = k + 1 - r``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oversight.survey.instrument import LegacyMapping

SCALE_ASSUMPTION = (
    "Answers on 4-, 5- and 7-point scales were put on a common 0-1 scale by linear "
    "rescaling of the answer position, (position - 1) / (points - 1), assuming equally "
    "spaced labels spanning the same range; reverse-worded items were flipped first."
)


def _as_float(response, points) -> tuple[np.ndarray, np.ndarray, object]:
    index = response.index if isinstance(response, pd.Series) else None
    r = pd.to_numeric(pd.Series(response, dtype="object"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    k = pd.to_numeric(pd.Series(points, dtype="object"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    if k.size == 1 and r.size != 1:
        k = np.full_like(r, k[0])
    if np.any(k[~np.isnan(k)] < 2):
        raise ValueError("a scale needs at least two points")
    bad = ~np.isnan(r) & ~np.isnan(k) & ((r < 1) | (r > k) | (r != np.round(r)))
    if bad.any():
        raise ValueError(f"answer positions must be whole numbers 1..points; got {r[bad][:5]}")
    return r, k, index


def _out(values: np.ndarray, index, scalar: bool):
    if scalar:
        return float(values[0])
    if index is not None:
        return pd.Series(values, index=index, dtype="Float64")
    return values


def _is_scalar(x) -> bool:
    return np.ndim(x) == 0


def to_unit(response, points):
    """Position ``r`` on a ``points``-point scale -> common 0-1 scale, ``(r - 1) / (k - 1)``.

    Accepts scalars, arrays or Series (``points`` may be a scalar or per-answer); missing
    answers stay missing. A Series comes back as ``Float64`` with the same index.
    """
    r, k, index = _as_float(response, points)
    return _out((r - 1.0) / (k - 1.0), index, _is_scalar(response))


def to_five(response, points, rounded: bool = False):
    """Position on a ``points``-point scale -> common 5-point scale, ``1 + 4 (r-1)/(k-1)``.

    With ``rounded=True`` the result is rounded half up to a whole position 1..5.
    """
    r, k, index = _as_float(response, points)
    five = 1.0 + 4.0 * (r - 1.0) / (k - 1.0)
    if rounded:
        five = np.floor(five + 0.5 + 1e-9)
    return _out(five, index, _is_scalar(response))


def reverse(response, points):
    """Flip a reverse-worded answer on its native scale: ``k + 1 - r``."""
    r, k, index = _as_float(response, points)
    return _out(k + 1.0 - r, index, _is_scalar(response))


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def label_positions(labels: Sequence[str]) -> dict[str, int]:
    """Answer label (case and spacing ignored) -> position 1..k, lowest label first."""
    return {_norm(label): n for n, label in enumerate(labels, start=1)}


def legacy_long(wide: pd.DataFrame, mapping: LegacyMapping) -> pd.DataFrame:
    """An earlier LA survey (one row per respondent, one column per question) in long form.

    Columns: ``row`` (the row label of ``wide``), ``header``, ``construct``, ``response``
    (position 1..k from the mapping's labels, reverse questions flipped), ``points`` and
    ``score`` (common 0-1 scale, per :data:`SCALE_ASSUMPTION`). Blank answers are left out;
    an answer that is not one of the mapping's labels raises ValueError naming it.
    """
    positions = label_positions(mapping.labels)
    k = len(mapping.labels)
    columns = {_norm(c): c for c in wide.columns}
    records = []
    for q in mapping.questions:
        col = columns.get(_norm(q.header))
        if col is None:
            raise KeyError(f"{mapping.name}: no column for {q.header!r}")
        for row, value in wide[col].items():
            if pd.isna(value) or str(value).strip() == "":
                continue
            pos = positions.get(_norm(value))
            if pos is None:
                raise ValueError(f"{mapping.name}: {value!r} in {q.header!r} is not a label")
            if q.reverse:
                pos = k + 1 - pos
            records.append((row, q.header, q.construct, pos, k, (pos - 1) / (k - 1)))
    return pd.DataFrame(
        records, columns=["row", "header", "construct", "response", "points", "score"]
    )


def legacy_construct_scores(
    wide: pd.DataFrame, mapping: LegacyMapping, min_share: float = 0.5
) -> pd.DataFrame:
    """Construct scores (0-1) per respondent of an earlier LA survey.

    Same rule as the common instrument: the mean of the construct's answered questions,
    reported only when at least ``min_share`` of the construct's questions were answered.
    Returns columns ``row, construct, n_items, n_answered, score``.
    """
    long = legacy_long(wide, mapping)
    n_items = pd.Series([q.construct for q in mapping.questions]).value_counts()
    out = (
        long.groupby(["row", "construct"], sort=True)["score"]
        .agg(n_answered="count", score="mean")
        .reset_index()
    )
    out.insert(2, "n_items", out["construct"].map(n_items).astype(int))
    keep = out["n_answered"] >= min_share * out["n_items"]
    return out.loc[keep].reset_index(drop=True)
