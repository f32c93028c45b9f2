"""run_ingest, the ingest rule's function, called without Snakemake on a small sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from oversight import provenance
from oversight.errors import ExtractError
from oversight.ingest import run_ingest
from oversight.ingest.extracts import LEDGER_COLUMNS, NOT_SENT
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


PRIVACY = {"key_env": "OVERSIGHT_KEY", "key_file_env": "OVERSIGHT_KEY_FILE"}


def _ingest(box: Sandbox, config: Path, dataset: str, out: Path):
    """``run_ingest`` of one dataset of the sandbox LA, its outputs under ``out``."""
    return run_ingest(
        la="testshire",
        dataset=dataset,
        config=config,
        raw=box.raw,
        study=STUDY,
        survey_items=sorted(SURVEY_ITEMS),
        privacy=PRIVACY | {"demo_manifest": str(out / "no_demo.json")},
        ingest={"open_date_sentinels": ["9999-12-31"]},
        data=out / f"{dataset}.parquet",
        rejects=out / f"{dataset}.rejects.csv",
        line=out / f"ledger/{dataset}.csv",
        notes=out / f"notes/{dataset}.json",
        environ={"OVERSIGHT_KEY": STRONG},
    )


def test_run_ingest_writes_rows_rejects_ledger_and_notes(tmp_path: Path, monkeypatch) -> None:
    """One job per dataset. Supervision: two rows load and one is rejected with its reason;
    caseload's file is missing (a file-level problem, no rows); strategy discussions,
    optional, are not sent. Each ledger line balances and each job's provenance lists only
    its own dataset's raw file, by its label."""
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
    raw_inputs = {}
    results = {}
    for dataset in DATASETS:
        monkeypatch.setattr(provenance, "_RAW_INPUTS", [])
        results[dataset] = _ingest(box, la.config_path, dataset, out)
        raw_inputs[dataset] = [r["label"] for r in provenance._RAW_INPUTS]

    rows = pd.read_parquet(out / "supervision.parquet")
    assert len(rows) == 2
    assert rows["source_row"].tolist() == [2, 4]
    assert rows["la_code"].unique().tolist() == [LA_CODE]
    assert rows["worker_id"].str.match(r"^W-[0-9a-f]{16}$").all()
    assert pd.read_parquet(out / "caseload.parquet").empty
    assert pd.read_parquet(out / "strategy_discussions.parquet").empty

    sup_rejects = pd.read_csv(out / "supervision.rejects.csv")
    assert sup_rejects[["source_row", "field", "rule"]].values.tolist() == [
        [3, "status", "allowed_codes"]
    ]
    assert "is not a known status" in sup_rejects.loc[0, "message"]
    assert pd.read_csv(out / "caseload.rejects.csv").empty

    lines = {d: pd.read_csv(out / f"ledger/{d}.csv", keep_default_na=False) for d in DATASETS}
    assert all(len(line) == 1 and line["dataset"][0] == d for d, line in lines.items())
    ledger = pd.concat(lines.values()).set_index("dataset")
    assert list(lines["supervision"].columns) == LEDGER_COLUMNS
    sup = ledger.loc["supervision"]
    assert (sup["rows_in"], sup["rows_loaded"], sup["rows_rejected"]) == (3, 2, 1)
    assert sup["rows_in"] == sup["rows_loaded"] + sup["rows_rejected"]
    assert ledger.loc["caseload", "rows_in"] == 0
    assert "file not found" in ledger.loc["caseload", "file_problem"]
    assert ledger.loc["strategy_discussions", "file_problem"] == ""

    notes = {}
    for dataset in DATASETS:
        own = json.loads((out / f"notes/{dataset}.json").read_text(encoding="utf-8"))
        assert list(own) == [dataset]
        notes |= own
    assert notes["supervision"]["files"] == [SUP_PATH]
    assert notes["supervision"]["problem"] is None
    assert notes["caseload"]["problem"]["file"] == "testshire/caseload.csv"
    assert notes["strategy_discussions"]["notes"] == [NOT_SENT]
    assert results["supervision"].ledger["rows_loaded"] == 2
    assert raw_inputs == {"supervision": [SUP_PATH], "caseload": [], "strategy_discussions": []}


def test_run_ingest_of_a_dataset_every_la_sends_but_this_one_does_not_name_fails(
    tmp_path: Path,
) -> None:
    """A dataset every LA must send, missing from the LA's configuration, stops its job with
    the setting to add, rather than writing an empty dataset."""
    box = Sandbox(tmp_path)
    la = box.authority({"supervision": supervision_spec()})
    box.write(SUP_PATH, csv_text(SUP_HEADER, sup_row()))
    with pytest.raises(ExtractError, match="no extract configured for caseload"):
        _ingest(box, la.config_path, "caseload", tmp_path / "out")
    assert not (tmp_path / "out/caseload.parquet").exists()
