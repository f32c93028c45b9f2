"""Rule ``survey_analysis`` as one function: the analysis of the returns across the region
(response counts, construct scores, reliability, roles, waves) and the diverging survey
figure."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from oversight import artefacts
from oversight.figures.ids import SURVEY_ID
from oversight.figures.style import FigureSpec, marks_for, save
from oversight.figures.survey import diverging_data, diverging_figure
from oversight.quality.exclusions import drop_for, unreliable
from oversight.survey.analysis import (
    compare_roles,
    construct_alpha,
    construct_scores,
    la_breakdown,
    response_counts,
    wave_comparison,
)
from oversight.survey.instrument import load_instrument


def eligible_staff(supervision: Iterable[str | Path], bad: pd.DataFrame) -> pd.DataFrame:
    """Invited staff by LA (``la_code, eligible``): the workers in each LA's supervision
    records, as no staff list is collected. No count where either the survey or the
    supervision records are unreliable (``bad``: the ledger's unreliable lines)."""
    workers = pd.concat([pd.read_parquet(p, columns=["la_code", "worker_id"]) for p in supervision])
    workers = drop_for(drop_for(workers, bad, "survey_rates"), bad, "survey")
    return workers.drop_duplicates().groupby("la_code").size().rename("eligible").reset_index()


def run_survey_analysis(
    *,
    survey: Iterable[str | Path],
    supervision: Iterable[str | Path],
    instrument: str | Path,
    ledger: artefacts.Ledgers,
    min_n: int,
    demo: bool,
    responses: str | Path,
    constructs: str | Path,
    alpha: str | Path,
    roles: str | Path,
    waves: str | Path,
    svg: str | Path,
    manifest: str | Path,
) -> None:
    """Analyse the survey returns of every LA (the LAs whose survey the ledger marks
    unreliable left out) and draw the diverging figure.

    Writes the response counts (``responses``), construct scores by LA (``constructs``, only
    where at least ``min_n`` answered), Cronbach's alpha (``alpha``), managers against
    practitioners (``roles``) and the waves (``waves``); the figure goes beside ``svg`` (SVG
    and PNG) and its entry to ``manifest``.
    """
    items = load_instrument(instrument)
    bad = unreliable(artefacts.read_ledger(ledger))
    long = pd.concat([pd.read_parquet(p) for p in survey], ignore_index=True)
    long = drop_for(long, bad, "survey")
    counts = response_counts(long, eligible_staff(supervision, bad), by=("la_code",))
    artefacts.write_csv(counts, responses)
    scores = construct_scores(long, items)
    artefacts.write_csv(la_breakdown(scores, min_n=min_n), constructs)
    artefacts.write_csv(construct_alpha(long, items), alpha)
    artefacts.write_csv(compare_roles(long, items), roles)
    artefacts.write_csv(wave_comparison(scores, min_n=min_n), waves)
    fig, caption, alt = diverging_figure(diverging_data(long, items, min_n=min_n))
    spec = FigureSpec(SURVEY_ID, caption, alt)
    entry = save(fig, spec, Path(svg).parent, marks_for("survey", demo))
    artefacts.write_json([entry], manifest)
