"""Validation on columns: running each check once per distinct value finds exactly the cells
that pandera's own lazy validation of every row finds, and a check that cannot run stops the
file."""

from __future__ import annotations

import random
import re

import pandas as pd
import pandera.pandas as pa
import pytest

from oversight.ingest import validate
from oversight.ingest.identifiers import IdRule

FIELDS = {
    "worker_id": {"type": "identifier", "kind": "worker", "required": True},
    "status": {"type": "code", "codes": ["held", "cancelled"], "required": True},
    "session_date": {"type": "date", "required": True, "window": "period"},
    "review_date": {"type": "date", "not_before": "session_date"},
    "duration_min": {"type": "int", "min": 0, "max": 600},
    "notes": {"type": "text"},
}
SPEC = {"values": {"status": {"Held": "held", "Did not happen": "cancelled"}}}
# Each column's values, good and bad, drawn many times over so values repeat across rows.
POOLS = {
    "worker_id": ["W1", "W22", "w333", "TBC", "0000", "Е456", "X9", None, "W1 ", "#N/A"],
    "status": ["Held", "held", "cancelled", "Did not happen", "maybe", None, "HELD", "\x07held"],
    "session_date": ["01/05/2024", "2024-06-03", "31/02/2024", "9999-12-31", "01/01/2030", None],
    "review_date": ["02/05/2024", "2024-04-01", "yesterday", None, "01/01/1980"],
    "duration_min": ["60", "60.0", "-5", "700", "sixty", "1e400", None, "45.5"],
    "notes": ["fine", "line\nbreak", "bell\x07", None, "tab\there"],
}


def _context() -> validate.Context:
    return validate.Context(
        file="testshire/supervision.csv",
        config_ref=lambda sub: "config/authorities/testshire.yaml:1",
        headers={},
        period_start=pd.Timestamp("2024-04-01"),
        period_end=pd.Timestamp("2025-03-31"),
        extract_date=pd.Timestamp("2025-06-30"),
        date_formats=("%d/%m/%Y",),
        id_rules={"worker": IdRule("worker", re.compile(r"W[0-9]+", re.IGNORECASE))},
        open_date_sentinels=("9999-12-31",),
    )


def _frame(rows: int, seed: int) -> pd.DataFrame:
    pick = random.Random(seed)
    data = {name: [pick.choice(pool) for _ in range(rows)] for name, pool in POOLS.items()}
    frame = pd.DataFrame(data, dtype="string")
    frame.index = pd.Index(range(2, rows + 2), name="source_row", dtype="int64")
    return frame


def _every_row(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """The failing cells as pandera's lazy validation of every row reports them."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    else:
        return pd.DataFrame(columns=["source_row", "field", "rule"])
    rule = fc["check"].astype(str)
    field = fc["column"].astype("object")
    order = rule.str.startswith("date_order:")
    field[order] = rule[order].str.split(":").str[1]
    rule[order] = "date_order"
    out = pd.DataFrame({"source_row": fc["index"].astype("int64"), "field": field, "rule": rule})
    return out.drop_duplicates().sort_values(["source_row", "field", "rule"], kind="stable")


@pytest.mark.parametrize("seed", range(4))
def test_distinct_values_find_the_cells_every_row_finds(seed: int) -> None:
    frame = _frame(300, seed)
    schema = validate.build_schema(FIELDS, SPEC, _context(), list(frame.columns))
    got = validate.failing_cells(frame, schema).reset_index(drop=True)
    want = _every_row(frame, schema).reset_index(drop=True)
    assert not want.empty
    assert {"placeholder_id", "mixed_script_id", "id_pattern", "date_order"} <= set(want["rule"])
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_a_clean_frame_has_no_failing_cells() -> None:
    frame = pd.DataFrame(
        {"worker_id": ["W1", "W1"], "status": ["Held", "held"], "session_date": ["01/05/2024"] * 2},
        dtype="string",
    )
    schema = validate.build_schema(FIELDS, SPEC, _context(), list(frame.columns))
    assert validate.failing_cells(frame, schema).empty


def test_a_check_that_cannot_run_stops_the_file() -> None:
    def broken(s: pd.Series) -> pd.Series:
        raise ValueError("no such label list")

    schema = pa.DataFrameSchema(
        {"status": pa.Column("string", [pa.Check(broken, name="allowed_codes")], nullable=True)}
    )
    frame = pd.DataFrame({"status": ["held"]}, dtype="string")
    with pytest.raises(validate.ValidationBug, match="'allowed_codes' on column 'status'"):
        validate.failing_cells(frame, schema)


def test_a_column_that_is_not_text_stops_the_file() -> None:
    schema = validate.build_schema(FIELDS, SPEC, _context(), ["duration_min"])
    frame = pd.DataFrame({"duration_min": [60, 45]})
    with pytest.raises(validate.ValidationBug, match="duration_min"):
        validate.failing_cells(frame, schema)
