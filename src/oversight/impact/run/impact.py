"""The impact stage's rule as one function: ``run_impact`` (rule ``impact``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.figures.impact import event_study_plot, its_forest_plot
from oversight.figures.style import marks_for, save
from oversight.impact import analysis
from oversight.quality.exclusions import drop_for, unreliable


def read_series(paths: Iterable[str | Path]) -> pd.DataFrame:
    """The LAs' monthly impact series as one frame (LA codes and periods as text)."""
    return pd.concat(
        [pd.read_csv(p, dtype={"la_code": str, "period": str}) for p in paths],
        ignore_index=True,
    )


def impact_figures(
    did: Mapping[str, pd.DataFrame],
    its: pd.DataFrame,
    outcomes: Iterable[str],
    names: Mapping[str, str],
    out_dir: str | Path,
    demo: bool,
) -> list[dict[str, str]]:
    """For each outcome, its event-study plot and its forest plot of the LAs' interrupted
    time series, saved into ``out_dir``; the figures' manifest entries, by figure ID."""
    manifest = []
    marks = marks_for("impact", demo)
    for metric in outcomes:
        overall = did["overall"].set_index("metric").loc[metric]
        events = did["event_study"][did["event_study"]["metric"] == metric]
        manifest.append(save(*event_study_plot(events, overall, metric), out_dir, marks))
        manifest.append(save(*its_forest_plot(its, metric, names), out_dir, marks))
    return sorted(manifest, key=lambda m: m["id"])


def run_impact(
    *,
    series: Iterable[str | Path],
    ledger: artefacts.Ledgers,
    panel: str | Path,
    its: str | Path,
    did: str | Path,
    events: str | Path,
    att_gt: str | Path,
    manifest: str | Path,
    plan: Mapping[str, Any],
    adoption: Mapping[str, Mapping[str, str | None]],
    codes: Mapping[str, str],
    first_month: str,
    names: Mapping[str, str],
    demo: bool,
) -> None:
    """The template impact analysis and its figures.

    Reads each LA's monthly ``series`` (an LA's outcomes built on a dataset the ``ledger``
    marks unreliable leave its series) and the templates' ``adoption`` dates (by LA, mapped to
    LA ``codes``); writes the analysis ``panel``, the interrupted time series
    (``its``), the staggered difference in differences (``did`` overall, ``events`` by event
    time, ``att_gt`` by group and time) as the ``plan`` says, and each outcome's two figures
    beside the figure ``manifest``.
    """
    data = drop_for(read_series(series), unreliable(artefacts.read_ledger(ledger)), "impact")
    adopted = analysis.adoption_table(adoption, dict(codes))
    data = analysis.panel(data, adopted, dict(plan["outcomes"]), first_month)
    artefacts.write_csv(data, panel)
    its_rows = analysis.its_table(data, plan)
    artefacts.write_csv(its_rows, its)
    did_rows = analysis.did_tables(data, plan)
    artefacts.write_csv(did_rows["overall"], did)
    artefacts.write_csv(did_rows["event_study"], events)
    artefacts.write_csv(did_rows["att_gt"], att_gt)
    figures = impact_figures(
        did_rows, its_rows, plan["outcomes"], dict(names), Path(manifest).parent, bool(demo)
    )
    artefacts.write_json(figures, manifest)
