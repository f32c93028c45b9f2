"""Which findings rest on which LA datasets, and the LAs each leaves out as unreliable.

An LA dataset the links job judged unreliable leaves the comparisons and the region's totals;
F-DATA-02 lists them, and every finding resting on such a dataset names the LAs it leaves out
(:func:`with_left_out`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pandas as pd

from oversight.compare.metrics import definitions
from oversight.quality.exclusions import analyses

# The findings build on this module's functions and this module on their types: the module is
# imported whole, its names read when a finding is built.
from oversight.report import findings as fnd


def left_out_table(tables: fnd.Tables) -> pd.DataFrame:
    """The published list of unreliable LA datasets (empty when there is none)."""
    frame = tables.get("data_exclusions")
    if frame is None:
        return pd.DataFrame(columns=["la_code", "dataset", "reason", "left_out_of"])
    return frame


def exclusions_finding(tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
    """Which LAs' datasets were left out of the comparisons as unreliable, and why."""
    table = left_out_table(tables)
    limits = f" had {ctx.limits}" if ctx.limits else " was above the study's limits"
    if table.empty:
        text = (
            f"No LA's dataset{limits}, so every dataset entered the comparisons and the "
            "region's totals."
        )
    else:
        parts = [
            f"{ctx.names.get(r.la_code, r.la_code)}'s {r.dataset} data ({r.reason}), left out "
            f"of {r.left_out_of}"
            for r in table.sort_values(["la_code", "dataset"]).itertuples()
        ]
        text = (
            f"{fnd._cap(fnd._count(len(table), 'LA dataset'))} "
            f"{'was' if len(table) == 1 else 'were'} judged unreliable and left out of the "
            "comparisons, the region's totals and every finding about the LA: "
            + "; ".join(parts)
            + ". Their LAs' data-quality pages show the rows concerned."
        )
    return fnd.Finding(
        "F-DATA-02", "data", "Datasets left out as unreliable", text, ["TAB-EXCLUSIONS"]
    )


def _datasets(*metrics: str) -> frozenset[str]:
    """The LA datasets the metrics are computed from (metrics.yaml)."""
    return frozenset(d for m in metrics for d in definitions()[m]["datasets"])


def _analysis(name: str) -> frozenset[str]:
    return frozenset(analyses()[name]["datasets"])


# The LA datasets each finding rests on: an LA whose dataset among them was left out as
# unreliable is named in the finding, which says the region's figures exclude it.
RESTS_ON: dict[str, Callable[[], frozenset[str]]] = {
    "F-SUP-01": lambda: _datasets("staff_supervision_28d"),
    "F-SUP-02": lambda: _datasets("staff_supervision_28d", "child_oversight_28d"),
    "F-SUP-03": lambda: _datasets(
        "sessions_held_vs_due", "supervision_cancelled", "supervision_90min_plus"
    ),
    "F-OVS-01": lambda: _datasets("child_oversight_28d"),
    "F-OVS-02": lambda: _datasets("child_oversight_28d"),
    "F-OVS-03": lambda: _analysis("model"),
    "F-OVS-04": lambda: _datasets("oversight_rationale"),
    "F-AUD-01": lambda: _datasets("audit_mo_good"),
    "F-AUD-02": lambda: _datasets("moderation_downgraded", "moderation_kappa"),
    "F-SUR-01": lambda: _analysis("survey") | _analysis("survey_rates"),
    "F-SUR-02": lambda: _analysis("survey"),
    "F-FG-01": lambda: frozenset({"transcripts"}),
    "F-HYP-01": lambda: frozenset({"supervision"}),
    "F-HYP-02": lambda: _analysis("survey"),
    "F-HYP-03": lambda: frozenset({"supervision"}),
    "F-HYP-04": lambda: frozenset({"transcripts"}),
    "F-HYP-05": lambda: frozenset({"supervision", "transcripts"}) | _analysis("survey"),
    "F-IMP-01": lambda: _datasets("part1_family_reflection"),
    "F-IMP-02": lambda: _datasets("child_oversight_28d"),
    "F-IMP-03": lambda: _datasets("part2_practitioner_reflection"),
    "F-IMP-04": lambda: _datasets("audit_mo_good"),
}


def left_out(tables: fnd.Tables, ctx: fnd.Context, datasets: Iterable[str]) -> str:
    """A sentence naming the LAs left out of a finding resting on ``datasets`` ('' if none)."""
    table = left_out_table(tables)
    hit = table[table["dataset"].isin(list(datasets))]
    if hit.empty:
        return ""
    items = [
        f"{ctx.names.get(la, la)} ({', '.join(sorted(part['dataset']))} data)"
        for la, part in hit.groupby("la_code", sort=True)
    ]
    return (
        " Left out as unreliable, here and in the region's figures: "
        + _names_list(items)
        + " (F-DATA-02)."
    )


def _names_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def with_left_out(finding: fnd.Finding, tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
    """The finding, naming the LAs whose unreliable data it leaves out."""
    rests_on = RESTS_ON.get(finding.id)
    note = left_out(tables, ctx, rests_on()) if rests_on else ""
    if not note:
        return finding
    return replace(finding, text=finding.text + note, tables=[*finding.tables, "TAB-EXCLUSIONS"])
