"""The study's hypothesis, tested as its plan says (``config/hypothesis.yaml``).

Managers discuss both kinds of reflection and record neither: part 1 (the family) belongs on
the child's file, part 2 (the practitioner's own experience and biases) in personal
supervision. The measures, each a pure function of harmonised or analysis frames:

* :func:`pattern_table`: for held supervisions (case, personal, group and all), how many record
  neither, part 1 only, part 2 only or both, by LA and for the region, with Wilson 95%
  intervals per pattern and Goodman (1965) simultaneous 95% intervals across the four;
* :func:`file_content`: case-supervision record texts (where an LA sends them) carrying part
  2 codes, which would need redaction before a Subject Access Request disclosure;
* :func:`paired_differences`: discussed minus recorded, from survey items written as pairs
  (same respondent), with a t interval and a Wilcoxon signed-rank p-value;
* :func:`focus_group_codes`: focus-group turns, groups and LAs behind the codes that bear on it.

:func:`oversight.hypothesis.decisions.verdicts` decides each prediction as the plan wrote it
and derives the overall verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import multinomial_proportions_confint

from oversight.coding.codebook import Codebook
from oversight.coding.coder import code_text
from oversight.config import load_checked
from oversight.errors import ConfigError
from oversight.stats.proportions import wilson_ci
from oversight.survey.analysis import MANAGER_ROLES, PRACTITIONER_ROLES

PATTERNS = ("neither", "part1_only", "part2_only", "both")
SESSION_TYPES = ("case", "personal", "group")
ALL = "all"
NOT_MEASURED = "not measured"
ROLE_GROUPS = {"practitioner": PRACTITIONER_ROLES, "manager": MANAGER_ROLES}


# ------------------------------------------------------------------ the plan
def load_plan(path: str | Path, period_start: str) -> dict[str, Any]:
    """The test plan, validated, and registered before the study period starts.

    Raises:
        ConfigError: When the plan fails its schema, or its ``registered`` date is not
            before ``period_start`` (a plan written after the data is not a plan).
    """
    plan = load_checked(path, "hypothesis.schema.yaml")
    check_registered(plan, period_start, path)
    primaries = [p["id"] for p in plan["predictions"] if p["role"] == "primary"]
    if len(primaries) != 1:
        raise ConfigError(f"{path}: the plan needs exactly one primary prediction ({primaries})")
    return plan


def check_registered(plan: Mapping[str, Any], period_start: str, path: str | Path = "") -> None:
    """Raise ConfigError unless the plan's ``registered`` date precedes ``period_start``."""
    registered = date.fromisoformat(str(plan["registered"]))
    if registered >= date.fromisoformat(str(period_start)):
        raise ConfigError(
            f"{path}: registered {registered} is not before the study period's start "
            f"{period_start}; the plan must be written before the data"
        )


# ------------------------------------------------------------------ a. recording patterns
def in_period(supervision: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Sessions dated within the study period (inclusive): the hypothesis is about practice
    before any template was adopted, so the follow-up months are left out."""
    when = pd.to_datetime(supervision["session_date"])
    keep = (when >= pd.Timestamp(start)) & (when <= pd.Timestamp(end))
    return supervision[keep.to_numpy()].reset_index(drop=True)


def recording_pattern(family: pd.Series, practitioner: pd.Series) -> pd.Series:
    """Each session's pattern (:data:`PATTERNS`), missing where either flag is unknown."""
    fam = family.astype("boolean")
    pra = practitioner.astype("boolean")
    known = fam.notna() & pra.notna()
    f = fam.fillna(False).to_numpy(bool)
    p = pra.fillna(False).to_numpy(bool)
    out = np.select([f & p, f & ~p, ~f & p], ["both", "part1_only", "part2_only"], "neither")
    return pd.Series(out, index=family.index, dtype="string").where(known.to_numpy(), pd.NA)


def goodman_ci(counts: Sequence[int], confidence: float = 0.95) -> np.ndarray:
    """Goodman (1965) simultaneous intervals for multinomial shares, one ``[lower, upper]``
    row per category (``statsmodels`` ``multinomial_proportions_confint``); NaN when the
    counts sum to 0. Goodman's chi-squared approximation wants every count of 5 or more: with
    fewer the intervals are approximate, which is why each pattern also has a Wilson interval.
    """
    arr = np.asarray(counts, dtype=float)
    if arr.sum() == 0:
        return np.full((len(arr), 2), np.nan)
    return np.asarray(
        multinomial_proportions_confint(arr, alpha=1 - confidence, method="goodman"), float
    )


def _pattern_row(la_code: str, session_type: str, patterns: pd.Series, held: int) -> dict[str, Any]:
    counts = [int((patterns == p).sum()) for p in PATTERNS]
    sessions = sum(counts)
    row: dict[str, Any] = {
        "la_code": la_code,
        "session_type": session_type,
        "held": held,
        "unknown": held - sessions,
        "sessions": sessions,
        **dict(zip(PATTERNS, counts, strict=True)),
    }
    lower, upper = wilson_ci(np.array(counts), np.full(len(counts), sessions))
    simultaneous = goodman_ci(counts)
    for i, p in enumerate(PATTERNS):
        row[f"{p}_share"] = counts[i] / sessions if sessions else np.nan
        row[f"{p}_lower95"] = float(lower[i])
        row[f"{p}_upper95"] = float(upper[i])
        row[f"{p}_sim_lower95"] = float(simultaneous[i, 0])
        row[f"{p}_sim_upper95"] = float(simultaneous[i, 1])
    return row


def pattern_table(supervision: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """Held supervisions by recording pattern, for each LA and the region, by session type
    (case, personal, group) and for all held sessions; sessions with either flag unknown are
    left out and counted in ``unknown``. Sorted by LA (the region last) and session type."""
    held = supervision[supervision["status"].astype("string") == "held"].copy()
    held["pattern"] = recording_pattern(
        held["family_reflection_recorded"], held["practitioner_reflection_recorded"]
    )
    present = [t for t in SESSION_TYPES if (held["session_type"] == t).any()]
    las = sorted(held["la_code"].dropna().astype(str).unique())
    rows = []
    for la in [*las, region_code]:
        part = held if la == region_code else held[held["la_code"].astype(str) == la]
        for session_type in [*present, ALL]:
            sub = part if session_type == ALL else part[part["session_type"] == session_type]
            rows.append(_pattern_row(la, session_type, sub["pattern"], len(sub)))
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ b. part 2 on the file
def carries_codes(text: object, codebook: Codebook, codes: Iterable[str]) -> bool:
    """Whether the text has an un-negated match of any of ``codes`` ("no personal reflection
    was recorded" does not put part 2 content on the file)."""
    if not isinstance(text, str) or not text.strip():
        return False
    wanted = set(codes)
    return any(m.code in wanted and not m.negated for *_, m in code_text(text, codebook))


def _has_text(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna("").str.strip().str.len() > 0


def file_content(
    supervision: pd.DataFrame, codebook: Codebook, codes: Iterable[str], region_code: str
) -> pd.DataFrame:
    """Held case-supervision records whose text (optional field ``record_text``) carries any
    of ``codes``, for each LA that sends record text and for those LAs together, with a
    Wilson 95% interval for the share of texts. Where no LA sends text the region's row says
    ``not measured`` and its counts of texts coded are missing, not zero."""
    codes = list(codes)
    case = supervision[
        (supervision["status"].astype("string") == "held") & (supervision["session_type"] == "case")
    ].copy()
    text = case["record_text"] if "record_text" in case else pd.Series(pd.NA, index=case.index)
    case["has_text"] = _has_text(text).to_numpy()
    case["coded"] = [carries_codes(t, codebook, codes) for t in text.astype(object)]
    senders = sorted(case.loc[case["has_text"], "la_code"].astype(str).unique())
    rows = []
    for la in senders:
        sub = case[case["la_code"].astype(str) == la]
        rows.append(_file_row(la, len(sub), int(sub["has_text"].sum()), int(sub["coded"].sum())))
    if senders:
        sub = case[case["la_code"].astype(str).isin(senders)]
        rows.append(
            _file_row(region_code, len(sub), int(sub["has_text"].sum()), int(sub["coded"].sum()))
        )
    else:
        rows.append(_file_row(region_code, len(case), 0, None))
    return pd.DataFrame(rows)


def _file_row(la_code: str, records: int, texts: int, coded: int | None) -> dict[str, Any]:
    if coded is None or texts == 0:
        return {
            "la_code": la_code,
            "session_type": "case",
            "case_records": records,
            "with_text": texts,
            "with_part2": np.nan,
            "share_part2": np.nan,
            "lower95": np.nan,
            "upper95": np.nan,
            "status": f"{NOT_MEASURED}: no LA sends supervision record text",
        }
    lower, upper = wilson_ci(coded, texts)
    return {
        "la_code": la_code,
        "session_type": "case",
        "case_records": records,
        "with_text": texts,
        "with_part2": coded,
        "share_part2": coded / texts,
        "lower95": float(lower),
        "upper95": float(upper),
        "status": "measured",
    }


# ------------------------------------------------------------------ c. discussed vs recorded
def survey_pairs(items: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """``{pair: {"discussed": item_id, "recorded": item_id}}`` from the instrument's items
    (``compare: {pair, side}``); a pair missing a side is an error, not a silent gap."""
    pairs: dict[str, dict[str, str]] = {}
    for item in items:
        compare = item.get("compare")
        if not compare:
            continue
        side = pairs.setdefault(compare["pair"], {})
        if compare["side"] in side:
            raise ConfigError(f"survey pair {compare['pair']!r} has two {compare['side']} items")
        side[compare["side"]] = item["id"]
    for pair, sides in pairs.items():
        if set(sides) != {"discussed", "recorded"}:
            raise ConfigError(f"survey pair {pair!r} needs a discussed and a recorded item")
    return dict(sorted(pairs.items()))


def on_item_scale(response: pd.Series, points: pd.Series, item_points: int) -> pd.Series:
    """An answer on its LA's ``points``-point scale moved to the item's own scale (position
    1..``item_points``), so that differences are in the instrument's scale points."""
    r = pd.to_numeric(response, errors="coerce").astype(float)
    k = pd.to_numeric(points, errors="coerce").astype(float)
    return 1 + (item_points - 1) * (r - 1) / (k - 1)


def _paired_row(pair: str, role: str, d: pd.DataFrame, min_n: int) -> dict[str, Any]:
    n = len(d)
    row: dict[str, Any] = {"pair": pair, "role": role, "respondents": n}
    keys = ["mean_discussed", "mean_recorded", "difference", "lower95", "upper95", "wilcoxon_p"]
    row |= dict.fromkeys(keys, np.nan)
    if n < max(min_n, 2):
        return row
    diff = (d["discussed"] - d["recorded"]).to_numpy(float)
    mean, se = float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(n))
    half = float(stats.t.ppf(0.975, n - 1)) * se
    row |= {
        "mean_discussed": float(d["discussed"].mean()),
        "mean_recorded": float(d["recorded"].mean()),
        "difference": mean,
        "lower95": mean - half,
        "upper95": mean + half,
        # every difference 0: no evidence of a difference (scipy cannot rank zeros only)
        "wilcoxon_p": float(stats.wilcoxon(diff).pvalue) if np.any(diff != 0) else 1.0,
    }
    return row


def paired_differences(
    survey: pd.DataFrame,
    pairs: Mapping[str, Mapping[str, str]],
    item_points: Mapping[str, int],
    min_n: int,
    wave: str = "baseline",
) -> pd.DataFrame:
    """For each pair, discussed minus recorded for the same respondent (one LA's respondent
    id, in ``wave``), on the items' scale: mean and its 95% t interval, with the Wilcoxon
    signed-rank p-value; for all respondents and by role group (practitioners: social workers
    and senior practitioners; managers; role "other" counts in "all" only). Rows with fewer
    than ``min_n`` respondents keep their count and leave every statistic blank."""
    answers = survey[(survey["wave"].astype("string") == wave) & survey["response"].notna()]
    rows = []
    for pair, sides in pairs.items():
        wide = {}
        for side in ("discussed", "recorded"):
            item = sides[side]
            a = answers[answers["item_id"] == item]
            value = on_item_scale(a["response"], a["scale_points"], item_points[item])
            wide[side] = pd.Series(
                value.to_numpy(), index=pd.MultiIndex.from_frame(a[["la_code", "respondent_id"]])
            )
        roles = answers.drop_duplicates(["la_code", "respondent_id"]).set_index(
            ["la_code", "respondent_id"]
        )["role"]
        both = pd.DataFrame(wide).dropna()
        both["role"] = roles.reindex(both.index).astype("string").to_numpy()
        rows.append(_paired_row(pair, ALL, both, min_n))
        for group, members in ROLE_GROUPS.items():
            rows.append(_paired_row(pair, group, both[both["role"].isin(members)], min_n))
    columns = ["pair", "role", "respondents", "mean_discussed", "mean_recorded", "difference"]
    return pd.DataFrame(rows, columns=[*columns, "lower95", "upper95", "wilcoxon_p"])


# ------------------------------------------------------------------ d. focus groups
def focus_group_codes(
    segments: pd.DataFrame, codes: Sequence[str], labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """For each code, the focus-group turns it was applied to, the groups (transcript files)
    and the LAs they came from; a code never applied has a row of zeros."""
    fg = segments[segments["source"] == "transcript"]
    rows = []
    for code in codes:
        hit = fg[fg["code"] == code]
        rows.append(
            {
                "code": code,
                "label": (labels or {}).get(code, code),
                "turns": int(hit["unit_id"].nunique()),
                "groups": int(hit[["la_code", "source_file"]].drop_duplicates().shape[0]),
                "las": int(hit["la_code"].nunique()),
            }
        )
    return pd.DataFrame(rows, columns=["code", "label", "turns", "groups", "las"])
