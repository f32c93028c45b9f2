"""Marking of demonstration runs: every published artefact built from LA extracts says so.

A demo run publishes synthetic LA figures beside the real names of LAs, their real Ofsted
judgements and real DfE statistics. A table, chart or finding copied out of the report must
carry the warning with it, so the mark is part of each artefact, not only of page 1:
published CSVs built from LA extracts get a ``data_status`` column, workbook sheets a note in
their title row, and each finding in ``findings.json`` a ``data`` field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

STATUS_COLUMN = "data_status"
DEMO_STATUS = "synthetic demonstration data"
DEMO_NOTE = (
    "The LA-level figures in this run are synthetic demonstration data, not the LAs' own; "
    "DfE statistics and Ofsted judgements are real."
)
REAL_NOTE = (
    "LA extracts as supplied by each LA, pseudonymised at ingest; DfE and Ofsted figures are "
    "published statistics."
)


def from_la_extracts(spec: Mapping[str, Any]) -> bool:
    """Whether a published table (its config/tables.yaml entry) is built from LA extracts.
    Tables of published DfE and Ofsted material say ``source: published``."""
    return spec.get("source", "la_extracts") == "la_extracts"


def mark_table(frame: pd.DataFrame, spec: Mapping[str, Any], demo: bool) -> pd.DataFrame:
    """The published frame with a last column ``data_status`` in a demo run, for tables built
    from LA extracts (a reader of the CSV alone sees that the figures are synthetic)."""
    if not demo or not from_la_extracts(spec):
        return frame
    return frame.assign(**{STATUS_COLUMN: DEMO_STATUS})


def data_note(demo: bool) -> str:
    """The sentence every artefact of the run carries about its data."""
    return DEMO_NOTE if demo else REAL_NOTE


def mark_findings(findings: list[dict[str, Any]], demo: bool) -> list[dict[str, Any]]:
    """Findings as written to findings.json: in a demo run each says its LA figures are
    synthetic (findings are quoted one at a time)."""
    if not demo:
        return findings
    return [f | {"data": DEMO_NOTE} for f in findings]
