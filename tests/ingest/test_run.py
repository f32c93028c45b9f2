"""run_ingest, the ingest rule's function, called without Snakemake on a small sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from oversight import provenance
from oversight.ingest import run_ingest
from oversight.ingest.extracts import NOT_SENT
from tests.helpers import (
    LA_CODE,
    SUP_HEADER,
    SUP_PATH,
    SURVEY_ITEMS,
    Sandbox,
    caseload_spec,
    csv_text,
    sup_row,
    supervision_spec,
)

STRONG = "4e1f0c7b9a2d6e8f3b5a7c9d1e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f"
DATASETS = ["supervision", "caseload", "strategy_discussions"]
STUDY = {"period_start": "2024-04-01", "period_end": "2025-03-31", "extract_date": "2025-04-30"}


def test_run_ingest_writes_rows_rejects_ledger_and_notes(tmp_path: Path, monkeypatch) -> None:
    """Supervision: two rows load and one is rejected with its reason; caseload's file is
    missing (a file-level problem, no rows); strategy discussions, optional, are not sent.
    The ledger balances and provenance lists the raw file by its label."""
    monkeypatch.setattr(provenance, "_RAW_INPUTS", [])
    box = Sandbox(tmp_path)
    la = box.authority({"supervision": supervision_spec(), "caseload": caseload_spec()})
    box.write(
        SUP_PATH,
        csv_text(
            SUP_HEADER,
            sup_row(),
            sup_row(worker_id="W1002", status="maybe"),
            sup_row(worker_id="W1003", session_date="02/05/2024"),
        ),
    )
    out = tmp_path / "out"
    data = [out / f"{d}.parquet" for d in DATASETS]
    rejects = [out / f"{d}.rejects.csv" for d in DATASETS]
    results = run_ingest(
        la="testshire",
        config=la.config_path,
        raw=box.raw,
        datasets=DATASETS,
        study=STUDY,
        survey_items=sorted(SURVEY_ITEMS),
        privacy={
            "key_env": "OVERSIGHT_KEY",
            "key_file_env": "OVERSIGHT_KEY_FILE",
            "demo_manifest": str(tmp_path / "no_demo.json"),
        },
        ingest={"open_date_sentinels": ["9999-12-31"]},
        data=data,
        rejects=rejects,
        ledger=out / "ingest_ledger.csv",
        notes=out / "notes.json",
        environ={"OVERSIGHT_KEY": STRONG},
    )

    rows = pd.read_parquet(data[0])
    assert len(rows) == 2
    assert rows["source_row"].tolist() == [2, 4]
    assert rows["la_code"].unique().tolist() == [LA_CODE]
    assert rows["worker_id"].str.match(r"^W-[0-9a-f]{16}$").all()
    assert pd.read_parquet(data[1]).empty and pd.read_parquet(data[2]).empty

    sup_rejects = pd.read_csv(rejects[0])
    assert sup_rejects[["source_row", "field", "rule"]].values.tolist() == [
        [3, "status", "allowed_codes"]
    ]
    assert "is not a known status" in sup_rejects.loc[0, "message"]
    assert pd.read_csv(rejects[1]).empty

    ledger = pd.read_csv(out / "ingest_ledger.csv", keep_default_na=False).set_index("dataset")
    assert ledger.index.tolist() == DATASETS
    sup = ledger.loc["supervision"]
    assert (sup["rows_in"], sup["rows_loaded"], sup["rows_rejected"]) == (3, 2, 1)
    assert sup["rows_in"] == sup["rows_loaded"] + sup["rows_rejected"]
    assert ledger.loc["caseload", "rows_in"] == 0
    assert "file not found" in ledger.loc["caseload", "file_problem"]
    assert ledger.loc["strategy_discussions", "file_problem"] == ""

    notes = json.loads((out / "notes.json").read_text(encoding="utf-8"))
    assert sorted(notes) == sorted(DATASETS)
    assert notes["supervision"]["files"] == [SUP_PATH]
    assert notes["supervision"]["problem"] is None
    assert notes["caseload"]["problem"]["file"] == "testshire/caseload.csv"
    assert notes["strategy_discussions"]["notes"] == [NOT_SENT]
    assert results["supervision"].ledger["rows_loaded"] == 2
    assert [r["label"] for r in provenance._RAW_INPUTS] == [SUP_PATH]


def test_run_ingest_needs_one_output_per_dataset(tmp_path: Path) -> None:
    """The outputs are matched to the datasets one to one: a missing path is an error, not a
    dataset silently left unwritten."""
    box = Sandbox(tmp_path)
    la = box.authority({"supervision": supervision_spec()})
    box.write(SUP_PATH, csv_text(SUP_HEADER, sup_row()))
    with pytest.raises(ValueError, match="zip"):
        run_ingest(
            la="testshire",
            config=la.config_path,
            raw=box.raw,
            datasets=["supervision"],
            study=STUDY,
            survey_items=[],
            privacy={"key_env": "K", "key_file_env": "KF", "demo_manifest": "none.json"},
            ingest={},
            data=[],
            rejects=[],
            ledger=tmp_path / "ledger.csv",
            notes=tmp_path / "notes.json",
            environ={"K": STRONG},
        )
