"""Snakemake job: one LA's metric counts and model units (see oversight.compare.metrics)."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.compare.metrics import child_units, impact_series, la_metrics

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    frames = {
        d: pd.read_parquet(path) for d, path in zip(sm.params.datasets, sm.input.data, strict=True)
    }
    counts = la_metrics(
        frames,
        sm.params.period_start,
        sm.params.period_end,
        sm.params.policy_days,
        list(sm.params.windows),
    )
    counts.insert(0, "la_code", sm.params.la_code)
    artefacts.write_csv(counts, sm.output.counts)
    series = impact_series(
        frames, sm.params.period_start, sm.params.data_end, sm.params.impact_outcomes
    )
    series.insert(0, "la_code", sm.params.la_code)
    artefacts.write_csv(series, sm.output.impact)
    units = child_units(frames, pd.Timestamp(sm.params.period_end), sm.params.model_window)
    units.insert(0, "la_code", sm.params.la_code)
    artefacts.write_parquet(units, sm.output.units)


jobs.run(sm.log[0], main, f"metrics {sm.wildcards.la}", sm)
