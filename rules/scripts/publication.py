"""Snakemake job: every output under results/ classed by audience (config/publication.yaml),
and the public ones packed into results/publication.zip with their manifest."""

import logging
from collections import Counter
from pathlib import Path

from oversight import jobs
from oversight.config import load_checked
from oversight.report.publication import bundle, classify, relative

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    catalogue = load_checked(sm.input.catalogue, "publication.schema.yaml")
    results = Path(sm.output[0]).parent  # the archive sits at the top of results/
    outputs = classify([relative(p, results) for p in sm.input.outputs], catalogue)
    public = bundle(outputs, results, Path(sm.output[0]))
    counts = Counter(o.audience for o in outputs)
    logging.info(
        "%d outputs under results/: %s; %d public files packed",
        len(outputs),
        ", ".join(f"{counts[a]} {a}" for a in ("public", "network", "secure")),
        len(public),
    )


jobs.run(sm.log[0], main, "publication", sm)
