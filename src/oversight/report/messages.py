"""Message-led titles for the findings that can be main points of the bulletin.

A main point's title states what the numbers say ("Recent oversight on children's files
ranged from 41% to 88% across LAs"), not the topic ("Oversight on children's files"). Each
title is computed from the same published tables as its finding, so it can never say more
than the finding, nor show a hidden cell. A finding without a message here keeps its topic
title and cannot be a main point (:func:`oversight.report.bulletin.main_points` says so).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.readback import SYMBOL, as_numbers
from oversight.report.findings import Context, Finding, Tables, _year_rows, pct


def _range_message(metric: str, subject: str) -> Callable[[Tables, Context], str]:
    def message(tables: Tables, ctx: Context) -> str:
        las, _ = _year_rows(tables, ctx, metric)
        shown = las.dropna(subset=["value"])
        if len(shown) < 2:
            return ""
        lo, hi = shown["value"].min(), shown["value"].max()
        return f"{subject} ranged from {pct(lo)} to {pct(hi)} across LAs in {ctx.year}"

    return message


def _sessions(tables: Tables, ctx: Context) -> str:
    _, region = _year_rows(tables, ctx, "sessions_held_vs_due")
    ratio = region.get("value", float("nan"))
    if pd.isna(ratio):
        return ""
    if ratio >= 0.95:
        return "Personal supervision is held about as often as the LAs' policies require"
    return (
        f"Only {float(ratio):.2f} personal supervisions were held for every one the LAs' "
        "policies made due"
    )


def _s47(tables: Tables, ctx: Context) -> str:
    kpis = as_numbers(tables["kpis"], ["value"])
    rows = kpis[kpis["indicator"] == "s47_icpc_conversion"].dropna(subset=["value"])
    if rows.empty:
        return ""
    latest = rows[rows["period"].astype(str) == rows["period"].astype(str).max()]
    lo, hi = latest["value"].min(), latest["value"].max()
    return (
        f"Between {pct(lo)} and {pct(hi)} of section 47 enquiries led to a child protection "
        f"conference, depending on the LA ({latest['period'].iloc[0]})"
    )


# What each impact outcome is called in a sentence.
SUBJECTS = {
    "part1_family_reflection": "recording of reflection on the family (part 1)",
    "part2_practitioner_reflection": "recording of practitioners' own reflection (part 2)",
    "child_oversight_28d": "recent management oversight on children's files",
    "audit_mo_good": "audit grades for management oversight",
}


def _impact(metric: str) -> Callable[[Tables, Context], str]:
    def message(tables: Tables, ctx: Context) -> str:
        did = tables.get("impact_did")
        if did is None:
            return ""
        row = did[did["metric"] == metric]
        if row.empty or SYMBOL in row.iloc[0].astype(str).tolist():
            return ""
        r = as_numbers(row, ["att", "lower", "upper"]).iloc[0]
        what = SUBJECTS.get(metric, definitions()[metric]["label"].lower())
        if r["lower"] > 0:
            return f"After the templates were adopted, {what} rose by {100 * r['att']:.1f} points"
        if r["upper"] < 0:
            return f"After the templates were adopted, {what} fell by {-100 * r['att']:.1f} points"
        return f"No clear change yet in {what} after the templates were adopted"

    return message


def _verdict(tables: Tables, ctx: Context) -> str:
    verdict = tables.get("hypothesis_verdict")
    if verdict is None or verdict.empty or "scope" not in verdict.columns:
        return ""
    overall = verdict[verdict["scope"] == "overall"]
    if overall.empty:
        return ""
    return str(overall.iloc[0]["message"])


MESSAGES: Mapping[str, Callable[[Tables, Context], str]] = {
    "F-OVS-01": _range_message(
        "child_oversight_28d", "Children with management oversight within 28 days"
    ),
    "F-SUP-01": _range_message("staff_supervision_28d", "Workers supervised within 28 days"),
    "F-AUD-01": _range_message(
        "audit_mo_good", "Audits grading management oversight good or better"
    ),
    "F-SUP-03": _sessions,
    "F-NET-01": _s47,
    "F-IMP-01": _impact("part1_family_reflection"),
    "F-IMP-02": _impact("child_oversight_28d"),
    "F-IMP-03": _impact("part2_practitioner_reflection"),
    "F-HYP-05": _verdict,
}


def with_messages(found: list[Finding], tables: Tables, ctx: Context) -> list[Finding]:
    """The findings, each with its message-led title where one can be said."""
    out = []
    for f in found:
        make = MESSAGES.get(f.id)
        message = (make(tables, ctx) if make else "") or f.message
        out.append(replace(f, message=message))
    return out
