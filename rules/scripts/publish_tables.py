"""Snakemake job: every analysis table as published (config/tables.yaml), disclosure applied,
each audited (the job fails with DisclosureError if a hidden count can be worked out)."""

import logging
from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import load_checked
from oversight.disclosure.publish import check_published, data_received, publish
from oversight.quality.exclusions import table as exclusions_table
from oversight.report.marking import mark_table

sm = snakemake  # noqa: F821 (provided by Snakemake)


def _read(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"la_code": str, "breakdown": str, "period": str})


def main() -> None:
    catalogue = load_checked(sm.input.catalogue, "tables.schema.yaml")["tables"]
    metrics = pd.read_csv(sm.input.metrics, dtype=str, keep_default_na=False, na_values=[""])
    sources = {Path(p).stem: p for p in sm.input.tables}
    out_dir = Path(sm.output.tables[0]).parent
    band = {"low": sm.params.low, "high": sm.params.high, "min_width": sm.params.min_width}
    log = logging.getLogger("publish tables")
    for name in sm.params.names:
        if name == "data_received":
            frame = data_received(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
        elif name == "data_exclusions":
            frame = exclusions_table(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
        else:
            frame = _read(sources[name])
        spec = catalogue[name]
        region = sm.params.region_code
        shown = publish(name, frame, spec, region, metrics=metrics, **band)
        summary = check_published(name, shown, spec, region, frame, **band)
        # Counts of cells only, no values: safe to keep beside the published tables.
        log.info("disclosure audit passed: %s", summary)
        artefacts.write_csv(mark_table(shown, spec, sm.params.demo), out_dir / f"{name}.csv")


jobs.run(sm.log[0], main, "publish tables", sm)
