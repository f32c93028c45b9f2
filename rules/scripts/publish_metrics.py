"""Snakemake job: the metrics table with disclosure control applied, for publication."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.disclosure import protect_long

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    table = pd.read_csv(sm.input.metrics, dtype={"la_code": str, "breakdown": str})
    # Agreement and count rows carry no numerator to protect (moderation pairs are counts).
    counts = table[table["metric"] != "moderation_pairs"]
    protected = protect_long(counts, sm.params.region_code, sm.params.low, sm.params.high)
    artefacts.write_csv(protected, sm.output[0])


jobs.run(sm.log[0], main, "publish metrics")
