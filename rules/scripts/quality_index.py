"""Snakemake job: the index of all LAs' data-quality pages."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.quality.pages import index_context, render

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    ledger = pd.read_csv(sm.input.ledger)
    context = index_context(
        ledger, {k: dict(v) for k, v in sm.params.authorities.items()}, dict(sm.params.study)
    )
    artefacts.write_text(render(sm.input.template, context), sm.output[0])


jobs.run(sm.log[0], main, "quality index", sm)
