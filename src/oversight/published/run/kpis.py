"""Rule ``kpis`` as one function: the DfE releases to the ``kpis`` dataset and the study
LAs' indicator table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.config import config_ref, load_yaml
from oversight.published.neighbours import neighbour_map
from oversight.published.releases import indicator_rows, kpis, read_release


def read_releases(
    config: str | Path, cfg: Mapping[str, Any], paths: Sequence[str | Path]
) -> dict[str, pd.DataFrame]:
    """Every release of the published configuration ``cfg`` (read from ``config``, which error
    messages cite), read from ``paths`` given in the configuration's order."""
    by_name = dict(zip(cfg["releases"], paths, strict=True))
    return {
        name: read_release(
            Path(by_name[name]), name, spec, lambda k: config_ref(config, ["releases", *k])
        )
        for name, spec in cfg["releases"].items()
    }


def all_indicator_rows(frames: Mapping[str, pd.DataFrame], cfg: Mapping[str, Any]) -> pd.DataFrame:
    """The rows of every configured indicator, each from its release."""
    return pd.concat(
        [
            indicator_rows(frames[s["release"]], n, s, cfg["releases"][s["release"]]["path"])
            for n, s in cfg["indicators"].items()
        ],
        ignore_index=True,
    )


def run_kpis(
    *,
    releases: Sequence[str | Path],
    neighbours: str | Path,
    reference: str | Path,
    config: str | Path,
    region_code: str,
    comparator: str,
    out_dataset: str | Path,
    out_table: str | Path,
) -> None:
    """Rule ``kpis``: the DfE ``releases`` (as configured in ``config``) to the ``kpis``
    dataset, and the indicator table of the region's LAs beside their statistical
    ``neighbours`` and the ``comparator`` (LA codes from ``reference``)."""
    cfg = load_yaml(Path(config))
    rows = all_indicator_rows(read_releases(config, cfg, releases), cfg)
    artefacts.write_parquet(rows, out_dataset)
    sn = artefacts.read_reference(neighbours)
    kinds = {n: s["kind"] for n, s in cfg["indicators"].items()}
    table = kpis(
        rows,
        pd.read_csv(reference, dtype=str),
        neighbour_map(sn, cfg["neighbours"]["count"]),
        region_code,
        kinds,
        comparator,
    )
    artefacts.write_csv(table, out_table)
