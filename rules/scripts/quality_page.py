"""Snakemake job: the data-quality page for one LA."""

import json

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import load_authority
from oversight.quality.pages import page_context, render

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    la = load_authority(sm.input.config)
    ledger = pd.read_csv(sm.input.ledger)
    rejects = {
        path.split("/")[-1].removesuffix(".rejects.csv"): pd.read_csv(path, dtype=str)
        for path in sm.input.rejects
    }
    with open(sm.input.notes, encoding="utf-8") as handle:
        notes = json.load(handle)
    with open(sm.input.links, encoding="utf-8") as handle:
        links = json.load(handle)
    context = page_context(
        la, ledger, rejects, notes, dict(sm.params.study), sm.params.examples, links
    )
    artefacts.write_text(render(sm.input.template, context), sm.output[0])


jobs.run(sm.log[0], main, f"quality page {sm.wildcards.la}", sm)
