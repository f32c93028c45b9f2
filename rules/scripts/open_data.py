"""Snakemake job `open_data`: the published tables as EES data and metadata files
(config/open_data.yaml), each pair checked against the EES standards (the job fails naming
every problem)."""

from pathlib import Path

from oversight import jobs
from oversight.opendata import run_open_data

sm = snakemake  # noqa: F821 (provided by Snakemake)
jobs.run(
    sm.log[0],
    lambda: run_open_data(
        tables=sm.input.tables,
        config=sm.input.config,
        catalogue=sm.input.catalogue,
        authorities=sm.input.authorities,
        reference=sm.input.reference,
        region_code=sm.params.region_code,
        region_name=sm.params.region_name,
        period_start=sm.params.period_start,
        out_dir=Path(sm.output.data[0]).parent,
    ),
    "open data",
    sm,
)
