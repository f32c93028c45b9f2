"""Snakemake job: the regional comparison table, heterogeneity and change."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.compare.comparison import change, compare, heterogeneity
from oversight.quality.exclusions import drop_for, unreliable

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    counts = pd.concat(
        [pd.read_csv(p, dtype={"la_code": str, "breakdown": str}) for p in sm.input.counts],
        ignore_index=True,
    )
    # An LA's metrics built on a dataset the ledger marks unreliable are left out, so they
    # are in no funnel, ranking or regional total.
    bad = unreliable(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
    counts = drop_for(counts, bad, "comparison")
    region = sm.params.region_code
    table = compare(counts, region, sm.params.comparator)
    artefacts.write_csv(table, sm.output.metrics)
    artefacts.write_csv(heterogeneity(table, region, sm.params.year), sm.output.heterogeneity)
    artefacts.write_csv(
        change(table, sm.params.change_from, sm.params.change_to, region), sm.output.change
    )


jobs.run(sm.log[0], main, "comparison", sm)
