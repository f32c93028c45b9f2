"""Snakemake job: the comparison figures, as SVG and PNG, with a manifest (oversight.figures)."""

from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.figures import build_all, save

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    table = pd.read_csv(sm.input.metrics, dtype={"la_code": str, "breakdown": str})
    out_dir = Path(sm.output.manifest).parent
    manifest = [
        save(fig, spec, out_dir)
        for fig, spec in build_all(table, sm.params.year, dict(sm.params.names))
    ]
    artefacts.write_json(sorted(manifest, key=lambda m: m["id"]), sm.output.manifest)


jobs.run(sm.log[0], main, "figures")
