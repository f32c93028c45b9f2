"""Snakemake job: the metrics table with disclosure control applied, for publication, and
the attacker's audit of it (the job fails with DisclosureError if a hidden count can be
worked out)."""

import logging

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import load_checked
from oversight.disclosure.publish import check_published, metric_counts, publish
from oversight.report.marking import mark_table

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    catalogue = load_checked(sm.input.catalogue, "tables.schema.yaml")["tables"]
    table = pd.read_csv(sm.input.metrics, dtype={"la_code": str, "breakdown": str})
    spec = catalogue["oversight_metrics"]
    band = {"low": sm.params.low, "high": sm.params.high, "min_width": sm.params.min_width}
    shown = publish("oversight_metrics", table, spec, sm.params.region_code, **band)
    summary = check_published(
        "oversight_metrics", shown, spec, sm.params.region_code, metric_counts(table), **band
    )
    # Counts of cells only, no values: safe to keep beside the published tables.
    logging.getLogger("publish metrics").info("disclosure audit passed: %s", summary)
    artefacts.write_csv(mark_table(shown, spec, sm.params.demo), sm.output[0])


jobs.run(sm.log[0], main, "publish metrics", sm)
