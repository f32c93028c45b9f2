"""The units behind one cell of the metric counts, each with the harmonised row that decided
its outcome, so an auditor can trace a figure back to the raw file and row
(``oversight trace``, :mod:`oversight.trace`). The counts themselves are
:func:`oversight.compare.metrics.la_metrics`.
"""

from __future__ import annotations

import pandas as pd

from oversight.compare.census import open_children, qualifying
from oversight.compare.metrics import (
    EVENT_DATASETS,
    Period,
    any_reflection,
    cell_families,
    definitions,
    held_in_period,
    held_personal,
    lookback,
)

MEMBER_COLUMNS = ["unit", "in_numerator", "dataset", "source_file", "source_row"]


def _latest(events: pd.DataFrame, key: str, date: str) -> pd.DataFrame:
    """Each key's latest row (ties broken by lineage), indexed by key."""
    lineage = events[[key, date, "source_file", "source_row"]]
    ordered = lineage.sort_values([date, "source_file", "source_row"], kind="stable")
    return ordered.drop_duplicates(key, keep="last").set_index(key)


def _first_found(units: pd.Index, *sources: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    """For each unit, the lineage of its row in the first source (indexed by unit) holding one."""
    found = pd.concat(
        [
            pd.DataFrame(
                {
                    "dataset": dataset,
                    "source_file": rows["source_file"].astype("object"),
                    "source_row": rows["source_row"],
                },
                index=rows.index,
            )
            for dataset, rows in sources
        ]
    )
    return found[~found.index.duplicated(keep="first")].reindex(units)


def _evidence(
    metric: str, frames: dict[str, pd.DataFrame], period: Period, units: pd.Index
) -> pd.DataFrame:
    """The row that decided each unit's outcome in ``metric`` (indexed like ``units``)."""
    if metric in EVENT_DATASETS:
        dataset = EVENT_DATASETS[metric]
        rows = frames[dataset].loc[units]
        out = _first_found(units, (dataset, rows))
        out["unit"] = out["source_file"].astype(str) + ":" + out["source_row"].astype(str)
        return out
    sup, census = frames["supervision"], period.end
    if metric.startswith("child_oversight_"):
        entries = qualifying(frames["oversight"])
        last = _latest(entries[entries["entry_date"] <= census], "child_id", "entry_date")
        kids = open_children(frames["caseload"], census)
        out = _first_found(units, ("oversight", last), ("caseload", kids))
    elif metric == "neither_reflection":
        # A reflection that was recorded decides the worker is out of the numerator; otherwise
        # their latest held session in the period shows none was; failing that, the record
        # that made them eligible.
        held = held_in_period(sup, period)
        out = _first_found(
            units,
            ("supervision", _latest(held[any_reflection(held)], "worker_id", "session_date")),
            ("supervision", _latest(held, "worker_id", "session_date")),
            ("supervision", _latest(lookback(sup, census), "worker_id", "session_date")),
        )
    else:  # the staff supervision windows
        held = held_personal(sup)
        out = _first_found(
            units,
            (
                "supervision",
                _latest(held[held["session_date"] <= census], "worker_id", "session_date"),
            ),
            ("supervision", _latest(lookback(sup, census), "worker_id", "session_date")),
        )
    out["unit"] = units.astype(str)
    return out


def members(
    frames: dict[str, pd.DataFrame],
    start: str,
    end: str,
    policy_days: int,
    windows: list[int],
    period: str,
    metric: str,
    breakdown: str = "all",
) -> pd.DataFrame:
    """The units behind one cell of :func:`~oversight.compare.metrics.la_metrics` (same
    arguments, plus the cell's period label, metric and breakdown): one row per unit counted in
    the denominator, whether it is counted in the numerator, and the harmonised row (dataset,
    source file and row) that decided its outcome.

    Units are workers (staff supervision windows, neither reflection), children (child
    oversight windows) or, for the event metrics, the records themselves
    (``"source_file:source_row"``). The evidence row is a worker's last held personal
    supervision on or before the census (else their latest record in the eligibility year); a
    child's last qualifying oversight entry on or before the census (else the open episode that
    made them eligible); for neither reflection, a worker's latest held session in the period
    recording a reflection, else their latest held session in the period, else their latest
    record in the eligibility year. Raises ``KeyError`` for a metric without unit records
    (ratios, counts, agreement statistics) and for a period, metric or breakdown with no cell.
    """
    kind = definitions().get(metric, {}).get("kind", "proportion")
    if kind != "proportion":
        raise KeyError(f"{metric} is a {kind} metric: it has no unit records to list")
    data = {
        k: frames[k].reset_index(drop=True)
        for k in ("supervision", "caseload", "oversight", "audits", "strategy_discussions")
        if k in frames
    }
    p, families = cell_families(data, start, end, policy_days, windows, period)
    # Only the family of metrics that holds this one is worked out.
    cells = next((family() for names, family in families if metric in names), {})
    if metric not in cells:
        known = ", ".join(name for names, _ in families for name in names)
        raise KeyError(
            f"no metric {metric!r} with unit records in period {period!r} (known: {known})"
        )
    if breakdown not in cells[metric]:
        raise KeyError(
            f"no breakdown {breakdown!r} of {metric} in period {period!r} "
            f"(known: {', '.join(cells[metric])})"
        )
    flags = cells[metric][breakdown]
    evidence = _evidence(metric, data, p, flags.index)
    out = pd.DataFrame(
        {
            "unit": evidence["unit"].to_numpy(dtype=object),
            "in_numerator": flags.to_numpy(dtype=bool),
            "dataset": evidence["dataset"].to_numpy(dtype=object),
            "source_file": evidence["source_file"].to_numpy(dtype=object),
            "source_row": evidence["source_row"].to_numpy(dtype="int64"),
        },
        columns=MEMBER_COLUMNS,
    )
    return out.sort_values(["source_file", "source_row", "unit"], kind="stable").reset_index(
        drop=True
    )
