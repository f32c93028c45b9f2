"""Agreement between two coders (two people, or a person and the rule coder).

Codings are long tables ``unit_id, code, coder``: a row means the coder applied the code to
the unit at least once. Each code is then a presence/absence judgement per unit, over a
fixed universe of units (by default every unit either coder coded - pass ``units`` to count
units neither coder coded at all, which they agree on for every code).

- Per code: Cohen's kappa on the 2x2 presence table, with its large-sample interval
  (:func:`oversight.stats.cohen_kappa`).
- Overall: Krippendorff's alpha (nominal) on the unit x code presence values
  (:func:`oversight.stats.krippendorff_alpha`), each (unit, code) pair a reliability unit.
- Disagreements: the (unit, code) pairs where the coders differ, with the unit text.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.stats import cohen_kappa, krippendorff_alpha


@dataclass(frozen=True)
class AgreementReport:
    per_code: pd.DataFrame
    alpha: float
    disagreements: pd.DataFrame


def segments_to_codings(segments: pd.DataFrame, coder: str = "rules") -> pd.DataFrame:
    """Coded segments as ``unit_id, code, coder`` (one row per unit and code)."""
    out = segments[["unit_id", "code"]].drop_duplicates().astype("string")
    out["coder"] = pd.array([coder] * len(out), dtype="string")
    return out.sort_values(["unit_id", "code"]).reset_index(drop=True)


def _universe(
    codings: pd.DataFrame,
    coders: Sequence[str],
    units: Iterable[str] | None,
    codes: Iterable[str] | None,
) -> tuple[list[str], list[str], pd.DataFrame]:
    missing = [c for c in ("unit_id", "code", "coder") if c not in codings.columns]
    if missing:
        raise ValueError(f"codings lack column(s) {missing}")
    sub = codings[codings["coder"].isin(list(coders))]
    for coder in coders:
        if not (codings["coder"] == coder).any():
            raise ValueError(f"no codings by coder {coder!r}")
    unit_list = sorted(set(sub["unit_id"])) if units is None else list(dict.fromkeys(units))
    code_list = sorted(set(sub["code"])) if codes is None else list(dict.fromkeys(codes))
    stray = sorted(set(sub["unit_id"]) - set(unit_list))
    if stray:
        raise ValueError(f"codings refer to units outside `units`: {stray[:5]}")
    return unit_list, code_list, sub


def presence(
    codings: pd.DataFrame,
    coder: str,
    units: Sequence[str],
    codes: Sequence[str],
) -> pd.DataFrame:
    """Units x codes boolean table of what ``coder`` applied."""
    sub = codings[(codings["coder"] == coder) & codings["code"].isin(list(codes))]
    table = pd.DataFrame(False, index=pd.Index(units, name="unit_id"), columns=list(codes))
    for unit_id, code in zip(sub["unit_id"], sub["code"], strict=True):
        table.loc[unit_id, code] = True
    return table


def _kappa_row(a: np.ndarray, b: np.ndarray, confidence: float) -> dict[str, float]:
    both = int(np.sum(a & b))
    a_only = int(np.sum(a & ~b))
    b_only = int(np.sum(~a & b))
    neither = int(np.sum(~a & ~b))
    n = both + a_only + b_only + neither
    table = np.array([[both, a_only], [b_only, neither]], dtype=float)
    p_a, p_b = a.mean() if n else np.nan, b.mean() if n else np.nan
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    if n == 0 or np.isclose(expected, 1.0):
        kappa = lower = upper = float("nan")
    else:
        with warnings.catch_warnings():  # statsmodels' SE for degenerate margins
            warnings.simplefilter("ignore", RuntimeWarning)
            res = cohen_kappa(table, confidence=confidence)
        kappa, lower, upper = res.kappa, res.lower, res.upper
    recall = both / (both + b_only) if both + b_only else float("nan")
    precision = both / (both + a_only) if both + a_only else float("nan")
    return {
        "n_units": n,
        "both": both,
        "a_only": a_only,
        "b_only": b_only,
        "neither": neither,
        "agreement": (both + neither) / n if n else float("nan"),
        "kappa": kappa,
        "lower": lower,
        "upper": upper,
        "a_recall_of_b": recall,
        "a_precision_vs_b": precision,
    }


def code_agreement(
    codings: pd.DataFrame,
    coder_a: str,
    coder_b: str,
    units: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per code: the 2x2 counts, percent agreement and Cohen's kappa with its interval.

    ``kappa`` is NaN when chance agreement is 1 (both coders constant and equal, e.g. neither
    used the code). ``a_recall_of_b`` / ``a_precision_vs_b`` treat ``coder_b`` as the
    reference (e.g. coder_a = "rules", coder_b = a human).
    """
    unit_list, code_list, sub = _universe(codings, (coder_a, coder_b), units, codes)
    a = presence(sub, coder_a, unit_list, code_list)
    b = presence(sub, coder_b, unit_list, code_list)
    rows = []
    for code in code_list:
        row = _kappa_row(a[code].to_numpy(), b[code].to_numpy(), confidence)
        rows.append({"code": code, **row})
    return pd.DataFrame(rows)


def overall_alpha(
    codings: pd.DataFrame,
    coder_a: str,
    coder_b: str,
    units: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> float:
    """Krippendorff's alpha (nominal) over every (unit, code) presence judgement."""
    unit_list, code_list, sub = _universe(codings, (coder_a, coder_b), units, codes)
    a = presence(sub, coder_a, unit_list, code_list).to_numpy().ravel().astype(float)
    b = presence(sub, coder_b, unit_list, code_list).to_numpy().ravel().astype(float)
    return krippendorff_alpha(np.vstack([a, b]), level="nominal")


def disagreements(
    codings: pd.DataFrame,
    coder_a: str,
    coder_b: str,
    units: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    texts: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``unit_id, code, coder_a, coder_b, text`` (booleans: did each coder apply it)."""
    unit_list, code_list, sub = _universe(codings, (coder_a, coder_b), units, codes)
    a = presence(sub, coder_a, unit_list, code_list)
    b = presence(sub, coder_b, unit_list, code_list)
    rows = []
    for unit_id in unit_list:
        for code in code_list:
            va, vb = bool(a.at[unit_id, code]), bool(b.at[unit_id, code])
            if va != vb:
                text = (texts or {}).get(unit_id)
                rows.append((unit_id, code, va, vb, text))
    return pd.DataFrame(rows, columns=["unit_id", "code", "coder_a", "coder_b", "text"])


def agreement_report(
    codings: pd.DataFrame,
    coder_a: str,
    coder_b: str,
    units: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    texts: Mapping[str, str] | None = None,
    confidence: float = 0.95,
) -> AgreementReport:
    """Per-code kappa, overall alpha and the disagreements, over the same units and codes."""
    units = None if units is None else list(units)
    codes = None if codes is None else list(codes)
    return AgreementReport(
        per_code=code_agreement(codings, coder_a, coder_b, units, codes, confidence),
        alpha=overall_alpha(codings, coder_a, coder_b, units, codes),
        disagreements=disagreements(codings, coder_a, coder_b, units, codes, texts),
    )
