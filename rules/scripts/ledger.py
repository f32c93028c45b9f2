"""Snakemake job: combine the LAs' ledgers; fail if any line does not balance."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.quality.pages import combine_ledgers

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    paths = [p for p in sm.input if p.endswith("ledger.csv")]
    frames = [pd.read_csv(path, dtype={"la_code": "string"}) for path in paths]
    ledger = combine_ledgers(frames)
    artefacts.write_csv(ledger, sm.output[0])


jobs.run(sm.log[0], main, "ledger", sm)
