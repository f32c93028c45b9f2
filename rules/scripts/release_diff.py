"""Snakemake job: what changed between a DfE release and the one it replaces."""

from pathlib import Path

from oversight import artefacts, jobs
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.published.releases import DIFF_COLUMNS, KEYS, release_diff

sm = snakemake  # noqa: F821 (provided by Snakemake)


def _text(path: str):
    spec = dict(sm.params.spec)
    table = read_table(Path(path), spec, path, set(), norm_label)
    frame = table.rows.copy()
    frame.columns = table.header
    return frame


def main() -> None:
    import pandas as pd

    if not sm.input.previous:
        artefacts.write_csv(pd.DataFrame(columns=DIFF_COLUMNS), sm.output[0])
        return
    new, old = _text(sm.input.release), _text(sm.input.previous[0])
    keys = [k for k in KEYS if k in new.columns and k in old.columns]
    artefacts.write_csv(release_diff(old, new, keys), sm.output[0])


jobs.run(sm.log[0], main, f"release diff {sm.wildcards.release}", sm)
