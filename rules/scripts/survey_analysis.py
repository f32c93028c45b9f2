"""Snakemake job: analysis of the staff survey returns across the region."""

from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.figures.style import FigureSpec, marks_for, save
from oversight.figures.survey import diverging_data, diverging_figure
from oversight.quality.exclusions import drop_for, unreliable
from oversight.survey import (
    compare_roles,
    construct_alpha,
    construct_scores,
    la_breakdown,
    load_instrument,
    response_counts,
    wave_comparison,
)

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    instrument = load_instrument(sm.input.instrument)
    bad = unreliable(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
    long = pd.concat([pd.read_parquet(p) for p in sm.input.survey], ignore_index=True)
    long = drop_for(long, bad, "survey")
    # Invited staff: the workers in each LA's supervision records (no staff list is collected);
    # no rate where either the survey or the supervision records are unreliable.
    workers = pd.concat(
        [pd.read_parquet(p, columns=["la_code", "worker_id"]) for p in sm.input.supervision]
    )
    workers = drop_for(drop_for(workers, bad, "survey_rates"), bad, "survey")
    eligible = workers.drop_duplicates().groupby("la_code").size().rename("eligible").reset_index()
    artefacts.write_csv(response_counts(long, eligible, by=("la_code",)), sm.output.responses)
    scores = construct_scores(long, instrument)
    artefacts.write_csv(la_breakdown(scores, min_n=sm.params.min_n), sm.output.constructs)
    artefacts.write_csv(construct_alpha(long, instrument), sm.output.alpha)
    artefacts.write_csv(compare_roles(long, instrument), sm.output.roles)
    artefacts.write_csv(wave_comparison(scores, min_n=sm.params.min_n), sm.output.waves)
    fig, caption, alt = diverging_figure(diverging_data(long, instrument, min_n=sm.params.min_n))
    marks = marks_for("survey", bool(sm.params.demo))
    spec = FigureSpec("FIG-SURVEY-diverging", caption, alt)
    entry = save(fig, spec, Path(sm.output.svg).parent, marks)
    artefacts.write_json([entry], sm.output.manifest)


jobs.run(sm.log[0], main, "survey analysis", sm)
