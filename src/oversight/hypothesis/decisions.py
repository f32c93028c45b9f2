"""Deciding the study's hypothesis as its plan says (``config/hypothesis.yaml``): each
prediction's test applied to the measures of :mod:`oversight.hypothesis.predictions`, then the
overall verdict by the plan's first condition that holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from oversight.errors import ConfigError
from oversight.hypothesis.predictions import ALL, NOT_MEASURED, PATTERNS

VERDICTS = ("supported", "contradicted", "inconclusive", NOT_MEASURED)


@dataclass(frozen=True)
class Measures:
    """The measures' tables (columns as :mod:`oversight.hypothesis.predictions` writes
    them; numbers may be missing where disclosure control hid them) and the region's code."""

    patterns: pd.DataFrame
    file_content: pd.DataFrame
    pairs: pd.DataFrame
    focus_groups: pd.DataFrame
    region_code: str


def _number(row: pd.Series, col: str) -> float:
    return float(pd.to_numeric(pd.Series([row.get(col)]), errors="coerce").iloc[0])


def _most_common(test: Mapping[str, Any], m: Measures) -> tuple[str, str]:
    pat, kind = test["pattern"], test["session_type"]
    t = m.patterns
    rows = t[(t["la_code"].astype(str) == m.region_code) & (t["session_type"] == kind)]
    what = f"{kind} supervisions" if kind != ALL else "held supervisions"
    if rows.empty or not _number(rows.iloc[0], "sessions") > 0:
        return NOT_MEASURED, f"no {what} with both flags known"
    r = rows.iloc[0]
    lo, hi = _number(r, f"{pat}_sim_lower95"), _number(r, f"{pat}_sim_upper95")
    others = [p for p in PATTERNS if p != pat]
    if np.isnan(lo) or any(np.isnan(_number(r, f"{p}_sim_upper95")) for p in others):
        return NOT_MEASURED, f"the region's intervals for {what} are not available"
    above = [p for p in others if _number(r, f"{p}_sim_lower95") > hi]
    name = pat.replace("_", " ")
    if above:
        said = ", ".join(p.replace("_", " ") for p in above)
        return "contradicted", f"in {what}, {said} lies wholly above {name} (simultaneous 95%)"
    if all(lo > _number(r, f"{p}_sim_upper95") for p in others):
        return "supported", (
            f"in {what}, {name} is the most common pattern and its simultaneous 95% interval "
            "lies wholly above every other pattern's"
        )
    return "inconclusive", (
        f"in {what}, the simultaneous 95% interval of {name} overlaps another pattern's"
    )


def _paired_positive(test: Mapping[str, Any], m: Measures) -> tuple[str, str]:
    t = m.pairs
    rows = t[t["role"] == ALL] if "role" in t else t
    lo = pd.to_numeric(rows.get("lower95"), errors="coerce")
    hi = pd.to_numeric(rows.get("upper95"), errors="coerce")
    if rows.empty or lo.isna().all():
        return NOT_MEASURED, "no survey pair has enough respondents who answered both items"
    names = rows["pair"].astype(str).str.replace("_", " ")
    below = names[hi < 0].tolist()
    if below:
        return "contradicted", (
            "recorded is rated above discussed (95% interval below 0) for " + ", ".join(below)
        )
    measured = lo.notna()
    if measured.all() and (lo > 0).all():
        return "supported", "discussed is rated above recorded for every pair (95% above 0)"
    open_ = names[measured & (lo <= 0)].tolist() + names[~measured].tolist()
    return "inconclusive", "not clearly discussed above recorded for " + ", ".join(open_)


def _share_above_zero(test: Mapping[str, Any], m: Measures) -> tuple[str, str]:
    t = m.file_content
    rows = t[t["la_code"].astype(str) == m.region_code]
    if rows.empty or not _number(rows.iloc[0], "with_text") > 0:
        return NOT_MEASURED, "no LA sends case-supervision record text"
    r = rows.iloc[0]
    lo, hi = _number(r, "lower95"), _number(r, "upper95")
    if np.isnan(lo):
        return NOT_MEASURED, "the share of record texts is not available"
    # none coded: the lower limit is 0 (floating point may leave it a hair above)
    if lo > 0 and _number(r, "with_part2") != 0:
        return "supported", (
            "part 2 content is found in case-supervision records (95% interval above 0)"
        )
    if hi < float(test["line"]):
        return "contradicted", (
            f"the 95% upper limit of the share of records with part 2 content is below "
            f"{100 * float(test['line']):g}%"
        )
    return "inconclusive", "too few record texts to tell whether part 2 content is there"


def _codes_raised(test: Mapping[str, Any], m: Measures) -> tuple[str, str]:
    t = m.focus_groups.set_index("code") if len(m.focus_groups) else pd.DataFrame()
    codes = list(test["codes"])
    if t.empty or not set(codes) <= set(t.index):
        return NOT_MEASURED, "the focus-group coding is not available"
    las = {c: _number(t.loc[c], "las") for c in codes}
    label = t["label"] if "label" in t else pd.Series({c: c.replace("_", " ") for c in codes})
    named = ", ".join(f"{label[c]} ({int(n)} LA{'' if n == 1 else 's'})" for c, n in las.items())
    if all(n >= test["min_las"] for n in las.values()):
        return "supported", f"raised in focus groups: {named}"
    if all(n == 0 for n in las.values()):
        return "contradicted", "none of the codes is applied to any focus-group turn"
    return "inconclusive", f"not raised in enough LAs' groups: {named}"


TESTS = {
    "most_common": _most_common,
    "paired_positive": _paired_positive,
    "share_above_zero": _share_above_zero,
    "codes_raised": _codes_raised,
}


def _holds(when: str, primary: str, secondary: list[str]) -> bool:
    measured = [v for v in secondary if v != NOT_MEASURED]
    return {
        "primary not measured": primary == NOT_MEASURED,
        "primary contradicted": primary == "contradicted",
        "primary supported and every measured secondary supported": primary == "supported"
        and all(v == "supported" for v in measured),
        "primary supported": primary == "supported",
        "primary inconclusive and a secondary supported": primary == "inconclusive"
        and "supported" in secondary,
        "primary inconclusive and a secondary contradicted": primary == "inconclusive"
        and "contradicted" in secondary,
        "otherwise": True,
    }[when]


def overall_verdict(plan: Mapping[str, Any], verdicts: Mapping[str, str]) -> tuple[str, str]:
    """The overall verdict and the plan's condition that gave it (first that holds)."""
    roles = {p["id"]: p["role"] for p in plan["predictions"]}
    primary = next(v for k, v in verdicts.items() if roles[k] == "primary")
    secondary = [v for k, v in verdicts.items() if roles[k] == "secondary"]
    for rule in plan["overall"]:
        if _holds(rule["when"], primary, secondary):
            return rule["verdict"], rule["when"]
    raise ConfigError("the plan's overall rules must end with `otherwise`")


# The plan's conditions for the overall verdict, in words.
WHEN_WORDS = {
    "primary not measured": "the primary prediction could not be measured",
    "primary contradicted": "the data contradict the primary prediction",
    "primary supported and every measured secondary supported": "the primary prediction "
    "and every secondary prediction that could be measured are supported",
    "primary supported": "the primary prediction is supported but not every secondary one",
    "primary inconclusive and a secondary supported": "the primary prediction is "
    "inconclusive and at least one secondary prediction is supported",
    "primary inconclusive and a secondary contradicted": "the primary prediction is "
    "inconclusive and the data contradict a secondary prediction",
    "otherwise": "no prediction is decided either way",
}

# The overall verdict as a message-led title (the bulletin's main point).
OVERALL_MESSAGES = {
    "supported": "The data support the hypothesis: managers discuss both kinds of reflection "
    "and record neither",
    "partly supported": "The data partly support the hypothesis that managers discuss both "
    "kinds of reflection and record neither",
    "contradicted": "The data contradict the hypothesis that managers discuss both kinds of "
    "reflection and record neither",
    "not testable with these data": "The hypothesis cannot be tested with these data",
}


def verdicts(plan: Mapping[str, Any], measures: Measures) -> pd.DataFrame:
    """Each prediction's verdict (supported, contradicted, inconclusive, not measured) with its
    reason in words, then the overall verdict (``id`` "overall"), as the plan says. The
    reasons carry no counts of people or records (they are published as they stand)."""
    rows, decided = [], {}
    for p in plan["predictions"]:
        verdict, reason = TESTS[p["test"]["kind"]](p["test"], measures)
        decided[p["id"]] = verdict
        rows.append(
            {
                "id": p["id"],
                "scope": p["role"],
                "measure": p["measure"],
                "title": p["title"],
                "verdict": verdict,
                "reason": reason,
                "message": f"{p['title']}: {verdict}",
            }
        )
    overall, because = overall_verdict(plan, decided)
    against = [k for k, v in decided.items() if v == "contradicted"]
    reason = f"by the plan registered {plan['registered']}, {WHEN_WORDS[because]}"
    if against:
        reason += "; the data contradict " + ", ".join(against)
    rows.append(
        {
            "id": "overall",
            "scope": "overall",
            "measure": "",
            "title": "The hypothesis",
            "verdict": overall,
            "reason": reason,
            "message": OVERALL_MESSAGES[overall],
        }
    )
    return pd.DataFrame(rows)
