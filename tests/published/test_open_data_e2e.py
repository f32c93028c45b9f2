"""The open data files of the demo run (rule ``open_data``): every file configured is
written and passes the EES checks, nothing the published tables hide is shown, the DfE
numerators and denominators are published, and the files are in the publication archive."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from oversight.config import load_yaml
from oversight.opendata import validate_ees
from oversight.opendata.spec import file_names, load_spec

pytestmark = pytest.mark.e2e
REGION = "E12000008"


def configured(work: Path) -> dict:
    published = load_yaml(work / "config/tables.yaml")["tables"]
    return load_spec(work / "config/open_data.yaml", published)["tables"]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_every_open_data_file_of_the_run_passes_the_ees_checks(demo_run: Path) -> None:
    folder = demo_run / "results" / "open_data"
    names = file_names(configured(demo_run))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{n}.csv" for n in names] + [f"{n}.meta.csv" for n in names]
    )
    for name in names:
        assert validate_ees(folder / f"{name}.csv", folder / f"{name}.meta.csv") == [], name
        assert len(read(folder / f"{name}.csv")) > 0, name


def test_no_cell_the_published_tables_hide_is_shown(demo_run: Path) -> None:
    folder = demo_run / "results" / "open_data"
    hidden_somewhere = 0
    for table, entry in configured(demo_run).items():
        source = read(demo_run / "results" / "tables" / f"{table}.csv")
        source = source[source["la_code"] != REGION]
        kinds = entry["time"].get("files", ["year"])
        stems = [f"{table}{'' if k == 'year' else '_' + k}" for k in kinds]
        out = pd.concat([read(folder / f"{s}.csv") for s in stems], ignore_index=True)
        assert len(out) == len(source), table  # LA rows only, each once
        for col in entry["indicators"]:
            hidden = int((source[col] == "c").sum())
            assert int((out[col] == "c").sum()) >= hidden, (table, col)
            hidden_somewhere += hidden
            numbers = pd.to_numeric(out[col], errors="coerce").dropna()
            published = pd.to_numeric(source[col], errors="coerce").dropna()
            assert sorted(numbers) == sorted(published), (table, col)  # moved, not computed
    assert hidden_somewhere > 100


def test_kpis_publish_dfe_numerators_and_denominators(demo_run: Path) -> None:
    kpis = read(demo_run / "results" / "tables" / "kpis.csv")
    shown = kpis[(kpis["status"] == "") & (kpis["indicator"] == "s47_icpc_conversion")]
    assert len(shown) > 50
    ratio = shown["numerator"].astype(float) / shown["denominator"].astype(float)
    assert (ratio.round(6) - shown["value"].astype(float)).abs().max() < 1e-9
    assert (kpis.loc[kpis["status"] != "", ["numerator", "denominator"]] == "").all().all()
    open_kpis = read(demo_run / "results" / "open_data" / "kpis.csv")
    counts = open_kpis.loc[open_kpis["indicator"] == "s47_icpc_conversion", "numerator"]
    assert counts.str.fullmatch(r"\d+|c|x|u").all()  # whole counts written as integers


def test_the_open_data_files_are_in_the_publication_archive(demo_run: Path) -> None:
    with zipfile.ZipFile(demo_run / "results" / "publication.zip") as zf:
        members = set(zf.namelist())
    assert {"open_data/kpis.csv", "open_data/kpis.meta.csv"} <= members
    assert "open_data/oversight_metrics_quarters.csv" in members
