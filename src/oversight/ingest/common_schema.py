"""The contract: pandera schemas for the harmonised datasets, built from common_schema.yaml.

Every frame written to ``data/interim/`` is validated against its dataset's schema. A failure
here is a bug in the pipeline (rows were already validated against the LA's own schema), so it
raises rather than producing rejects.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd
import pandera.pandas as pa

from oversight.config import common_schema
from oversight.ingest.pseudonymise import PREFIX

LINEAGE = ["la_code", "source_file", "source_row"]
SURVEY_LONG = ["item_id", "response_label", "response", "scale_points", "free_text"]


def fields(dataset: str) -> dict[str, dict[str, Any]]:
    return common_schema()[dataset]["fields"]


def key(dataset: str) -> list[str]:
    """The fields that identify one record of ``dataset`` (``key:`` in common_schema.yaml)."""
    return list(common_schema()[dataset]["key"])


def optional(dataset: str) -> bool:
    """Whether an LA may leave ``dataset`` out (``optional: true`` in common_schema.yaml)."""
    return bool(common_schema()[dataset].get("optional"))


def text_fields(dataset: str) -> list[str]:
    """The free-text fields of ``dataset`` that hold what people wrote or said (personal data:
    redacted at ingest); a session name taken from a file name is not one."""
    return [
        name
        for name, meta in fields(dataset).items()
        if meta["type"] == "text" and not meta.get("from_file") and name != "timestamp"
    ]


def output_columns(dataset: str) -> list[str]:
    """Column order of a harmonised dataset."""
    cols = list(LINEAGE)
    for name, meta in fields(dataset).items():
        if meta["type"] in ("item", "response"):
            continue
        if meta["type"] == "grade":
            cols.append(name + "_native")
        if dataset == "survey" and name == "free_text":
            continue
        cols.append(name)
    if dataset == "survey":
        cols += SURVEY_LONG
    return cols


def _column(name: str, meta: dict[str, Any]) -> pa.Column:
    kind = meta["type"]
    nullable = not meta.get("required")
    if kind == "identifier":
        pattern = rf"^{PREFIX[meta['kind']]}-[0-9a-f]{{16}}$"
        return pa.Column("string", pa.Check.str_matches(pattern), nullable=nullable)
    if kind == "code":
        return pa.Column("string", pa.Check.isin(meta["codes"]), nullable=nullable)
    if kind == "bool":
        return pa.Column("boolean", nullable=nullable)
    if kind == "date":
        return pa.Column("datetime64[s]", nullable=nullable)
    if kind == "int":
        checks = []
        if "min" in meta:
            checks.append(pa.Check.ge(meta["min"]))
        if "max" in meta:
            checks.append(pa.Check.le(meta["max"]))
        return pa.Column("Int64", checks, nullable=nullable)
    if kind == "grade":
        return pa.Column("Int64", pa.Check.isin([1, 2, 3, 4]), nullable=nullable)
    return pa.Column("string", nullable=nullable)


@cache
def contract(dataset: str) -> pa.DataFrameSchema:
    """The pandera schema every harmonised ``dataset`` frame must satisfy."""
    cols: dict[str, pa.Column] = {
        "la_code": pa.Column("string", pa.Check.str_matches(r"^E\d{8}$")),
        "source_file": pa.Column("string"),
        "source_row": pa.Column("int64", pa.Check.ge(1)),
    }
    for name, meta in fields(dataset).items():
        if meta["type"] in ("item", "response") or (dataset == "survey" and name == "free_text"):
            continue
        if meta["type"] == "grade":
            cols[name + "_native"] = pa.Column("string", nullable=not meta.get("required"))
        cols[name] = _column(name, meta)
    if dataset == "survey":
        cols["item_id"] = pa.Column("string")
        cols["response_label"] = pa.Column("string", nullable=True)
        cols["response"] = pa.Column("Int64", pa.Check.ge(1), nullable=True)
        cols["scale_points"] = pa.Column("Int64", nullable=True)
        cols["free_text"] = pa.Column("string", nullable=True)
    return pa.DataFrameSchema(cols, strict=True, ordered=True)


def conform(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Order columns, sort rows by lineage, and validate against the contract."""
    out = frame[output_columns(dataset)]
    out = out.sort_values(
        ["source_file", "source_row", *(["item_id"] if dataset == "survey" else [])], kind="stable"
    ).reset_index(drop=True)
    return contract(dataset).validate(out, lazy=True)


def empty(dataset: str) -> pd.DataFrame:
    """A harmonised frame with no rows and the contract's columns and types."""
    schema = contract(dataset)
    frame = pd.DataFrame(
        {name: pd.Series(dtype=col.dtype.type) for name, col in schema.columns.items()}
    )
    return schema.validate(frame)
