"""Snakemake job: the unit-level oversight model across the region (oversight.compare.model)."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.compare.model import oversight_model
from oversight.quality.exclusions import drop_for, unreliable

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    units = pd.concat([pd.read_parquet(p) for p in sm.input.units], ignore_index=True)
    bad = unreliable(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
    units = drop_for(units, bad, "model")
    artefacts.write_csv(oversight_model(units), sm.output[0])


jobs.run(sm.log[0], main, "oversight model", sm)
