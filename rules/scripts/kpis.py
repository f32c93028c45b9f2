"""Snakemake job: DfE releases to the kpis dataset and the study LAs' indicator table."""

from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import config_ref, load_yaml
from oversight.published.releases import indicator_rows, kpis, neighbour_map, read_release

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    cfg = load_yaml(Path(sm.input.config))
    paths = dict(zip(cfg["releases"], sm.input.releases, strict=True))
    frames = {
        name: read_release(
            Path(paths[name]), name, spec, lambda k: config_ref(sm.input.config, ["releases", *k])
        )
        for name, spec in cfg["releases"].items()
    }
    rows = pd.concat(
        [
            indicator_rows(frames[s["release"]], n, s, cfg["releases"][s["release"]]["path"])
            for n, s in cfg["indicators"].items()
        ],
        ignore_index=True,
    )
    artefacts.write_parquet(rows, sm.output.dataset)
    sn = pd.read_csv(sm.input.neighbours, dtype=str, encoding="utf-8-sig")
    reference = pd.read_csv(sm.input.reference, dtype=str)
    kinds = {n: s["kind"] for n, s in cfg["indicators"].items()}
    table = kpis(
        rows,
        reference,
        neighbour_map(sn, cfg["neighbours"]["count"]),
        sm.params.region_code,
        kinds,
        sm.params.comparator,
    )
    artefacts.write_csv(table, sm.output.table)


jobs.run(sm.log[0], main, "kpis", sm)
