"""Which LAs' datasets the regional analyses leave out, and why.

The links job marks an LA's dataset ``unreliable`` in the ledger when too many of its rows
were rejected or do not link to the LA's other datasets (:mod:`oversight.quality.links`). Every
regional analysis reads the regional ledger and, through the functions here, drops what
rests on such a dataset before it computes anything: the LA's metrics built on it leave the
comparison (and so the region's totals, the funnels, the rankings and the findings), its
children leave the model, its survey returns leave the survey analysis. What each analysis
reads is data (``exclusions.yaml``; per metric, ``metrics.yaml``), and :func:`table` is the
list the report publishes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.compare.metrics import definitions as metric_definitions
from oversight.config import load_yaml
from oversight.quality.links import OK, STATUS_COLUMN, UNRELIABLE

COLUMNS = ["la_code", "dataset", "reason"]
TABLE_COLUMNS = ["la_code", "dataset", "reason", "left_out_of"]
PER_METRIC = "metrics"


@cache
def analyses() -> dict[str, dict[str, Any]]:
    """Each regional analysis: its label and the datasets it reads (``exclusions.yaml``)."""
    path = Path(str(resources.files("oversight.quality").joinpath("exclusions.yaml")))
    return load_yaml(path)["analyses"]


def analysis_datasets(*names: str) -> list[str]:
    """Every dataset the analyses ``names`` read (``exclusions.yaml``; for a per-metric
    analysis, those of every metric), sorted: whose ledgers gate them."""
    read: set[str] = set()
    for name in names:
        datasets = analyses()[name]["datasets"]
        if datasets == PER_METRIC:
            datasets = [d for m in metric_definitions().values() for d in m["datasets"]]
        read |= set(datasets)
    return sorted(read)


def metric_datasets(metric: str) -> list[str]:
    """The datasets one metric is computed from (``metrics.yaml``)."""
    return list(metric_definitions()[metric]["datasets"])


def unreliable(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger lines whose status is not ``ok``: ``la_code, dataset, reason``."""
    if STATUS_COLUMN not in ledger:
        return pd.DataFrame(columns=COLUMNS)
    status = ledger[STATUS_COLUMN].fillna(OK).astype(str)
    bad = ledger[status != OK]
    reason = status[status != OK].str.removeprefix(f"{UNRELIABLE}: ")
    out = pd.DataFrame(
        {
            "la_code": bad["la_code"].astype(str).to_numpy(),
            "dataset": bad["dataset"].astype(str).to_numpy(),
            "reason": reason.to_numpy(),
        },
        columns=COLUMNS,
    )
    return out.sort_values(["la_code", "dataset"], kind="stable").reset_index(drop=True)


def _pairs(bad: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(bad["la_code"].astype(str), bad["dataset"].astype(str), strict=True))


def drop_metrics(frame: pd.DataFrame, bad: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with ``la_code`` and ``metric``) without the rows of each LA's metrics that
    are built on one of its unreliable datasets."""
    pairs = _pairs(bad)
    if not pairs:
        return frame
    needs = {m: metric_datasets(m) for m in frame["metric"].astype(str).unique()}
    keep = [
        not any((la, d) in pairs for d in needs[m])
        for la, m in zip(frame["la_code"].astype(str), frame["metric"].astype(str), strict=True)
    ]
    return frame[keep].reset_index(drop=True)


def drop_las(frame: pd.DataFrame, bad: pd.DataFrame, datasets: Iterable[str]) -> pd.DataFrame:
    """``frame`` (with ``la_code``) without the rows of LAs for which any of ``datasets`` is
    unreliable."""
    wanted = set(datasets)
    las = {la for la, d in _pairs(bad) if d in wanted}
    if not las:
        return frame
    return frame[~frame["la_code"].astype(str).isin(las)].reset_index(drop=True)


def drop_for(frame: pd.DataFrame, bad: pd.DataFrame, analysis: str) -> pd.DataFrame:
    """``frame`` without what ``analysis`` (``exclusions.yaml``) must not read."""
    datasets = analyses()[analysis]["datasets"]
    if datasets == PER_METRIC:
        return drop_metrics(frame, bad)
    return drop_las(frame, bad, datasets)


def reads(analysis: str, dataset: str) -> bool:
    """Whether ``analysis`` reads ``dataset`` (for a per-metric analysis: any metric does)."""
    datasets = analyses()[analysis]["datasets"]
    if datasets == PER_METRIC:
        return any(dataset in d["datasets"] for d in metric_definitions().values())
    return dataset in datasets


def table(ledger: pd.DataFrame) -> pd.DataFrame:
    """What the report publishes: each unreliable LA dataset, why, and what it was left out
    of (``; ``-separated analysis labels)."""
    out = unreliable(ledger)
    out["left_out_of"] = [
        "; ".join(spec["label"] for name, spec in analyses().items() if reads(name, d))
        for d in out["dataset"]
    ]
    return out[TABLE_COLUMNS]
