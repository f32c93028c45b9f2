"""Five messy extracts planted in one LA: the pipeline publishes for it exactly the metrics it
publishes from the clean extracts, and its ledger counts each planted row as rejected.

Kent's demo extracts are replaced by the clean slices of the messy corpus
(tests/fixtures/messy/kent/clean/) and the pipeline runs as far as the published metrics
table; then five messy files of the corpus take their place (the configuration pointing at
them, as cases.yaml reads them) and it runs again. Bracknell Forest, with its demo data, keeps
a second LA in the regional tables.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from tests.conftest import BIN, demo_workdir, keyed_env, run
from tests.ingest.test_messy import CASES, MESSY, clean_fixture, dataset_of

pytestmark = pytest.mark.e2e
LAS = ["bracknell_forest", "kent"]
LA, LA_CODE = "kent", "E10000016"
TARGET = "results/tables/oversight_metrics.csv"
# Kent's quality page writes what the run said of its extracts (its ledger and notes).
QUALITY = f"results/quality/{LA}/index.html"
# The planted cases, one per dataset (five files: the oversight extract comes in two parts
# whose dates overlap). Each rejects under 5% of its dataset's rows, so every dataset stays
# reliable and in the comparisons.
PLANTED = [
    "kent/supervision_placeholder_worker_ids.csv",
    "kent/caseload_open_sentinel.csv",
    "kent/oversight_2024-25_part1.csv",
    "kent/survey_lone_cr_in_comment.csv",
]
DATASETS = ["supervision", "caseload", "oversight", "audits", "survey"]


def _snapshot(work: Path) -> dict[str, Any]:
    """What a run published (the metrics table) and what it said about Kent's extracts."""
    quality = work / "results" / "quality" / LA
    return {
        "metrics": pd.read_csv(work / TARGET, dtype=str, keep_default_na=False),
        "ledger": pd.read_csv(quality / "ledger.csv", dtype={"la_code": str}).set_index("dataset"),
        "rejects": {
            d: pd.read_csv(quality / f"{d}.rejects.csv").groupby("rule").size().to_dict()
            for d in DATASETS
        },
        "notes": (quality / "notes.json").read_text(encoding="utf-8"),
    }


def _plant(work: Path) -> dict[str, str]:
    """Copy the planted cases' files into Kent's folder and point its configuration at them
    as cases.yaml reads them; returns the case of each dataset."""
    raw = work / "data" / "raw"
    config_path = work / "config" / "authorities" / f"{LA}.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    planted: dict[str, str] = {}
    for name in PLANTED:
        case = CASES[name]
        assert not {"spec", "config", "place", "setup", "with"} & set(case), name
        files = list(case.get("files") or [case.get("file", name)])
        for fixture in files:
            shutil.copyfile(MESSY / fixture, raw / LA / Path(fixture).name)
        planted[dataset_of(name)] = name
        config["datasets"][dataset_of(name)]["path"] = case.get(
            "path", f"{LA}/{Path(files[0]).name}"
        )
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    assert sum(len(CASES[n].get("files") or [n]) for n in PLANTED) == 5
    return planted


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    work = demo_workdir(tmp_path_factory.mktemp("messy") / "work", LAS)
    for dataset in DATASETS:
        fixture = clean_fixture(LA, dataset)
        shutil.copyfile(MESSY / fixture, work / "data" / "raw" / LA / Path(fixture).name)
    # Kent's folder holds files that are not the demo's: both runs use one test key.
    run([str(BIN / "snakemake"), "--cores", "2", TARGET, QUALITY], work, env=keyed_env())
    clean = _snapshot(work)
    planted = _plant(work)
    run([str(BIN / "snakemake"), "--cores", "2", TARGET, QUALITY], work, env=keyed_env())
    return clean, _snapshot(work), planted


def test_published_metrics_are_those_of_the_clean_extracts(runs) -> None:
    clean, messy, _ = runs
    theirs, ours = clean["metrics"], messy["metrics"]
    own = theirs[theirs["la_code"] == LA_CODE]
    assert len(own) > 100 and own["metric"].nunique() >= 5
    pd.testing.assert_frame_equal(ours[ours["la_code"] == LA_CODE], own)
    pd.testing.assert_frame_equal(ours, theirs)  # the region's rows too


def test_every_planted_row_is_counted_and_rejected_by_its_rule(runs) -> None:
    clean, messy, planted = runs
    for dataset in DATASETS:
        before, after = clean["ledger"].loc[dataset], messy["ledger"].loc[dataset]
        want = dict(CASES[planted[dataset]].get("rejects", {})) if dataset in planted else {}
        assert messy["rejects"][dataset] == {
            rule: clean["rejects"][dataset].get(rule, 0) + want.get(rule, 0)
            for rule in {*clean["rejects"][dataset], *want}
        }, dataset
        added = sum(want.values())
        assert after["rows_rejected"] == before["rows_rejected"] + added, dataset
        assert after["rows_loaded"] == before["rows_loaded"], dataset
        assert after["rows_in"] == after["rows_loaded"] + after["rows_rejected"]
        assert after["status"] == "ok", (dataset, after["status"])
    assert "28 open-ended dates (9999-12-31) in 'end_date' read as blank" in messy["notes"]
