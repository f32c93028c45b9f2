"""Snakemake job: the comparison figures, as SVG and PNG, with a manifest."""

from pathlib import Path

from oversight import artefacts, jobs
from oversight.disclosure.publish import read_published_metrics
from oversight.figures.run import build_all
from oversight.figures.style import marks_for, save

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    table = read_published_metrics(sm.input.metrics)
    out_dir = Path(sm.output.manifest).parent
    marks = marks_for("comparison", bool(sm.params.demo), period=sm.params.year)
    manifest = [
        save(fig, spec, out_dir, marks)
        for fig, spec in build_all(table, sm.params.year, dict(sm.params.names))
    ]
    artefacts.write_json(sorted(manifest, key=lambda m: m["id"]), sm.output.manifest)


jobs.run(sm.log[0], main, "figures", sm)
