"""Rule ``publication`` as one function: every output classed by audience, the public ones
packed."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from oversight.config import load_checked
from oversight.report.publication import Output, bundle, classify, relative
from oversight.report.run.reading import Paths


def run_publication(*, outputs: Paths, catalogue: str | Path, out: str | Path) -> list[Output]:
    """Class every output under results/ by audience (config/publication.yaml) and pack the
    public ones into ``out`` (at the top of results/) with their manifest; returns the packed
    outputs."""
    classes = load_checked(catalogue, "publication.schema.yaml")
    results = Path(out).parent
    classified = classify([relative(p, results) for p in outputs], classes)
    public = bundle(classified, results, Path(out))
    counts = Counter(o.audience for o in classified)
    logging.info(
        "%d outputs under results/: %s; %d public files packed",
        len(classified),
        ", ".join(f"{counts[a]} {a}" for a in ("public", "network", "secure")),
        len(public),
    )
    return public
