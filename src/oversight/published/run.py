"""The published stage's rules as functions, one per rule of ``rules/published.smk``.

:func:`run_kpis` turns the DfE releases into the ``kpis`` dataset and the study LAs' indicator
table; :func:`run_release_diff` says what changed between a release and the one it replaces;
:func:`run_inspections` turns the Ofsted reports into the ``inspections`` dataset and its
summary tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.config import config_ref, load_yaml
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.published.inspections import (
    inspections_frame,
    latest_judgements,
    what_needs_to_improve,
)
from oversight.published.releases import (
    DIFF_COLUMNS,
    KEYS,
    indicator_rows,
    kpis,
    neighbour_map,
    read_release,
    release_diff,
)
from oversight.published.report_parser import parse_report, read_report


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


def release_text(path: str | Path, spec: Mapping[str, Any]) -> pd.DataFrame:
    """A release as text cells under its own header, as the file has them."""
    table = read_table(Path(path), dict(spec), str(path), set(), norm_label)
    frame = table.rows.copy()
    frame.columns = table.header
    return frame


def run_release_diff(
    *,
    release: str | Path,
    previous: Sequence[str | Path],
    spec: Mapping[str, Any],
    out: str | Path,
) -> None:
    """Rule ``release_diff``: what changed between a DfE ``release`` and the one it replaces
    (``previous``: its path, or none); an empty table for a first release."""
    if not previous:
        artefacts.write_csv(pd.DataFrame(columns=DIFF_COLUMNS), out)
        return
    new, old = release_text(release, spec), release_text(previous[0], spec)
    keys = [k for k in KEYS if k in new.columns and k in old.columns]
    artefacts.write_csv(release_diff(old, new, keys), out)


def run_inspections(
    *,
    reports: Sequence[str | Path],
    reference: str | Path,
    out_dataset: str | Path,
    out_latest: str | Path,
    out_improve: str | Path,
) -> None:
    """Rule ``inspections``: the Ofsted ``reports`` to the ``inspections`` dataset (LAs matched
    through ``reference``), each LA's latest judgements and the "what needs to improve" items."""
    parsed = [parse_report(read_report(Path(p)), Path(p).name) for p in reports]
    frame = inspections_frame(parsed, pd.read_csv(reference, dtype=str))
    artefacts.write_parquet(frame, out_dataset)
    artefacts.write_csv(latest_judgements(frame), out_latest)
    artefacts.write_csv(what_needs_to_improve(frame), out_improve)
