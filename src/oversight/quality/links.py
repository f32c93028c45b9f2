"""Links between one LA's datasets, and whether each dataset is reliable enough to compare.

Ingest checks every cell of every row, but a row can be valid on its own and still not fit
the rest of the LA's data: an oversight entry for a child who is not in the caseload, a case
supervision of a worker with no child allocated, a worker whose role differs from row to row.
The checks are data (``links.yaml``); they run on the harmonised, pseudonymised rows of one
LA, where the same child or worker has the same pseudonym in every dataset.

Each dataset of the LA then gets a ``status`` in its ledger: ``ok``, or ``unreliable:`` with
the reason, when its share of rejected rows or of unlinked rows is above the study's limits
(``quality:`` in config/config.yaml). Unreliable datasets are left out of the regional
comparisons (:mod:`oversight.quality.exclusions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oversight.config import load_yaml

OK = "ok"
UNRELIABLE = "unreliable"
STATUS_COLUMN = "status"
EXAMPLE_KEYS = ("id", "source_file", "source_row")


@cache
def definitions() -> dict[str, Any]:
    """The link and consistency checks (``links.yaml``)."""
    return load_yaml(Path(str(resources.files("oversight.quality").joinpath("links.yaml"))))


def link_datasets() -> list[str]:
    """Every dataset a check reads, in a stable order (the inputs the links job needs)."""
    d = definitions()
    names = {c["dataset"] for c in d["links"].values()} | {c["target"] for c in d["links"].values()}
    names |= {c["dataset"] for c in d["consistency"].values()}
    return sorted(names)


def percent(share: float) -> str:
    """A share as a percentage with at most one decimal, no trailing zero ('5%', '12.5%')."""
    text = f"{100 * share:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


@dataclass(frozen=True)
class Limits:
    """The study's limits (``quality:`` in config/config.yaml): above them a dataset of an
    LA is unreliable. ``reject_by_dataset`` overrides ``reject`` for named datasets."""

    reject: float
    unlinked: float
    reject_by_dataset: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_config(cls, quality: Mapping[str, Any]) -> Limits:
        return cls(
            float(quality["max_reject_share"]),
            float(quality["max_unlinked_share"]),
            {k: float(v) for k, v in (quality.get("max_reject_share_by_dataset") or {}).items()},
        )

    def reject_for(self, dataset: str) -> float:
        return self.reject_by_dataset.get(dataset, self.reject)

    def describe(self) -> str:
        """The limits in words: what makes a dataset unreliable."""
        special = "".join(
            f" ({percent(v)} for the {k})" for k, v in sorted(self.reject_by_dataset.items())
        )
        return (
            f"more than {percent(self.reject)} of its rows rejected{special}, or more than "
            f"{percent(self.unlinked)} of its rows not linking to the LA's other datasets"
        )


@dataclass
class LinkCount:
    """One link check on one LA: rows checked, rows that do not link, and examples."""

    name: str
    dataset: str
    target: str
    rows: str
    problem: str
    fix: str
    checked: bool
    rows_checked: int = 0
    rows_unlinked: int = 0
    ids_unlinked: int = 0
    note: str = ""
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.rows_unlinked / self.rows_checked if self.rows_checked else 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"share": round(self.share, 6)}


@dataclass
class Conflict:
    """Identifiers of one dataset that carry more than one value of a field across rows."""

    name: str
    dataset: str
    field: str
    label: str
    ids: int
    ids_checked: int
    examples: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _selected(frame: pd.DataFrame, where: Mapping[str, Any] | None) -> pd.DataFrame:
    """The rows of ``frame`` whose fields equal every value in ``where``."""
    for column, value in (where or {}).items():
        frame = frame[frame[column] == value]
    return frame


def _examples(rows: pd.DataFrame, key: str, n: int) -> list[dict[str, Any]]:
    """The first ``n`` rows in file order: pseudonymised ID, source file and row."""
    first = rows.sort_values(["source_file", "source_row"], kind="stable").head(n)
    return [
        {
            "id": str(r[key]),
            "source_file": str(r["source_file"]),
            "source_row": int(r["source_row"]),
        }
        for _, r in first.iterrows()
    ]


def check_links(
    frames: Mapping[str, pd.DataFrame],
    examples: int,
    unusable: frozenset[str] = frozenset(),
) -> list[LinkCount]:
    """Every link check of ``links.yaml`` on one LA's harmonised frames.

    ``unusable`` names datasets whose file could not be used: a check that needs one of them
    is not made (its note says why) rather than counting every row as unlinked."""
    out = []
    for name, spec in definitions()["links"].items():
        dataset, target = spec["dataset"], spec["target"]
        count = LinkCount(
            name, dataset, target, spec["rows"], spec["problem"], spec["fix"].strip(), False
        )
        out.append(count)
        if dataset in unusable or target in unusable:
            which = target if target in unusable else dataset
            count.note = f"not checked: the {which} extract could not be used"
            continue
        known = frames[target][spec["target_key"]].dropna()
        if known.empty:
            count.note = f"not checked: the {target} extract carries no {spec['target_key']}"
            continue
        rows = _selected(frames[dataset], spec.get("where"))
        unlinked = rows[~rows[spec["key"]].isin(set(known))]
        count.checked = True
        count.rows_checked = len(rows)
        count.rows_unlinked = len(unlinked)
        count.ids_unlinked = int(unlinked[spec["key"]].nunique())
        count.examples = _examples(unlinked, spec["key"], examples)
    return out


def _shown(value: Any) -> str:
    """A field value as the page shows it: codes as they are, yes/no for booleans."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def check_consistency(frames: Mapping[str, pd.DataFrame], examples: int) -> list[Conflict]:
    """Identifiers that carry more than one value of a field (``links.yaml`` consistency).

    An example lists each value the identifier carries with the file and row where it first
    appears."""
    out = []
    for name, spec in definitions()["consistency"].items():
        frame = frames[spec["dataset"]]
        key, column = spec["key"], spec["field"]
        rows = frame[[key, column, "source_file", "source_row"]].dropna(subset=[key, column])
        values = rows.groupby(key)[column].nunique()
        mixed = sorted(values[values > 1].index)
        shown = []
        for ident in mixed[:examples]:
            own = rows[rows[key] == ident].sort_values(["source_file", "source_row"])
            firsts = own.drop_duplicates(column)
            shown.append(
                {
                    "id": str(ident),
                    "values": [
                        {
                            "value": _shown(r[column]),
                            "source_file": str(r["source_file"]),
                            "source_row": int(r["source_row"]),
                        }
                        for _, r in firsts.iterrows()
                    ],
                }
            )
        out.append(
            Conflict(name, spec["dataset"], column, spec["label"], len(mixed), len(values), shown)
        )
    return out


def dataset_status(ledger_line: Mapping[str, Any], links: list[LinkCount], limits: Limits) -> str:
    """``ok``, or ``unreliable: <reasons>`` for one dataset of one LA."""
    dataset = ledger_line["dataset"]
    problem = ledger_line.get("file_problem")
    if isinstance(problem, str) and problem:
        return f"{UNRELIABLE}: the file could not be used"
    reasons = []
    rows_in = int(ledger_line["rows_in"])
    share = int(ledger_line["rows_rejected"]) / rows_in if rows_in else 0.0
    limit = limits.reject_for(dataset)
    if share > limit:
        reasons.append(
            f"{percent(share)} of rows rejected, above the study's limit of {percent(limit)}"
        )
    for link in links:
        if link.dataset == dataset and link.checked and link.share > limits.unlinked:
            reasons.append(
                f"{percent(link.share)} of {link.rows} are {link.problem}, above the study's "
                f"limit of {percent(limits.unlinked)}"
            )
    return f"{UNRELIABLE}: " + "; ".join(reasons) if reasons else OK


def links_from_summary(summary: Mapping[str, Any] | None) -> list[LinkCount]:
    """The link checks of an LA's ``links.json`` (:func:`link_summary`) as :class:`LinkCount`
    (their share recomputed from the counts, not the rounded share); none for ``None``."""
    names = {f.name for f in fields(LinkCount)}
    return [
        LinkCount(**{k: v for k, v in link.items() if k in names})
        for link in (summary or {}).get("links", [])
    ]


def with_status(
    lines: pd.DataFrame, summary: Mapping[str, Any] | None, limits: Limits
) -> pd.DataFrame:
    """Ledger lines of one LA with a ``status`` column (:func:`dataset_status`), judged on
    their counts and the LA's link checks (its ``links.json``; ``None`` where no line is of a
    dataset a link check reads): the one place a status is given."""
    return ledger_with_status(lines, links_from_summary(summary), limits)


def ledger_with_status(
    ledger: pd.DataFrame, links: list[LinkCount], limits: Limits
) -> pd.DataFrame:
    """The LA's ledger with a ``status`` column (see :func:`dataset_status`)."""
    out = ledger.copy()
    out[STATUS_COLUMN] = [dataset_status(line, links, limits) for line in out.to_dict("records")]
    return out


def unusable(ledger: pd.DataFrame) -> frozenset[str]:
    """Datasets of the ledger whose file could not be used."""
    problem = ledger["file_problem"].fillna("").astype(str) != ""
    return frozenset(ledger.loc[problem, "dataset"])


def link_summary(
    frames: Mapping[str, pd.DataFrame], ledger: pd.DataFrame, limits: Limits, examples: int
) -> dict[str, Any]:
    """What an LA's ``links.json`` holds: the limits, its link checks and its conflicts
    (``ledger``: its ingest lines, for the datasets whose file could not be used)."""
    links = check_links(frames, examples, unusable(ledger))
    conflicts = check_consistency(frames, examples)
    return {
        "limits": {
            "max_reject_share": limits.reject,
            "max_unlinked_share": limits.unlinked,
            "max_reject_share_by_dataset": dict(sorted(limits.reject_by_dataset.items())),
        },
        "links": [link.as_dict() for link in links],
        "conflicts": [c.as_dict() for c in conflicts],
    }


def report(
    frames: Mapping[str, pd.DataFrame], ledger: pd.DataFrame, limits: Limits, examples: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One LA's ledger with its status, and what its quality page shows about the links."""
    summary = link_summary(frames, ledger, limits, examples)
    return with_status(ledger, summary, limits), summary
