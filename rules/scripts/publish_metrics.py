"""Snakemake job: the metrics table with disclosure control applied, for publication."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import load_checked
from oversight.report.publish import publish

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    catalogue = load_checked(sm.input.catalogue, "tables.schema.yaml")["tables"]
    table = pd.read_csv(sm.input.metrics, dtype={"la_code": str, "breakdown": str})
    spec = catalogue["oversight_metrics"]
    shown = publish(
        "oversight_metrics", table, spec, sm.params.region_code, sm.params.low, sm.params.high
    )
    artefacts.write_csv(shown, sm.output[0])


jobs.run(sm.log[0], main, "publish metrics", sm)
