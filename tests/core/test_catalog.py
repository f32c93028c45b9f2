"""The catalogue of artefacts (config/artefacts.yaml): every path the rules use is named there
once, expands as Snakemake's own ``expand`` does, and is read and written by functions that
exist."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest
import yaml
from snakemake.io import expand

from oversight import artefacts
from oversight.catalog import Catalog
from oversight.errors import ConfigError
from tests.conftest import ROOT

ROOTS = {"interim": "data/interim", "results": "results"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(ROOTS)


def test_a_path_keeps_the_wildcards_it_is_not_given(catalog: Catalog) -> None:
    assert catalog.path("la_metrics") == "data/interim/{la}/metrics.csv"
    assert catalog.path("analysis_table", name="kpis") == "data/interim/tables/kpis.csv"
    assert catalog.path("dataset", dataset="survey") == "data/interim/{la}/survey.parquet"
    assert catalog.path("provenance_record", job="ingest/{la}/{dataset}") == (
        "data/interim/provenance/ingest/{la}/{dataset}.json"
    )
    assert catalog.path("ingest_line", la="kent") == "data/interim/kent/ledger/{dataset}.csv"
    assert catalog.path("dataset_ledger", dataset=["survey", "transcripts"]) == [
        "data/interim/ledger/survey.csv",
        "data/interim/ledger/transcripts.csv",
    ]


def test_lists_expand_as_snakemake_expand_does(catalog: Catalog) -> None:
    las, datasets = ["kent", "slough", "bracknell_forest"], ["supervision", "audits"]
    assert catalog.path("dataset", la=las, dataset=datasets) == expand(
        "data/interim/{la}/{dataset}.parquet", la=las, dataset=datasets
    )
    assert catalog.path("dataset", dataset=datasets) == [
        "data/interim/{la}/supervision.parquet",
        "data/interim/{la}/audits.parquet",
    ]
    assert catalog.path("figure_svg", id=("FIG-A", "FIG-B")) == [
        "results/figures/FIG-A.svg",
        "results/figures/FIG-B.svg",
    ]


def test_unknown_names_are_errors(catalog: Catalog) -> None:
    with pytest.raises(KeyError, match="no artefact 'metrics'"):
        catalog.path("metrics")
    with pytest.raises(KeyError, match=r"has no wildcard \['dataset'\]"):
        catalog.path("la_metrics", dataset="supervision")


def test_the_study_folders_fill_the_patterns() -> None:
    other = Catalog.load({"interim": "/scratch/i/", "results": "out"})
    assert other.path("ledger") == "out/quality/ledger.csv"
    assert other.path("la_metrics", la="kent") == "/scratch/i/kent/metrics.csv"
    with pytest.raises(KeyError, match="results"):
        Catalog.load({"interim": "i"})


def test_every_reader_and_writer_exists(catalog: Catalog) -> None:
    for name, entry in catalog.entries.items():
        for role in ("reader", "writer"):
            if role in entry:
                assert callable(getattr(artefacts, entry[role], None)), (name, entry[role])
    assert catalog.reader("ledger") is artefacts.read_ledger
    assert catalog.writer("dataset") is artefacts.write_parquet


def test_a_ledger_read_through_the_catalogue_keeps_codes_as_text(
    catalog: Catalog, tmp_path
) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("la_code,dataset,rows_in\nE06000035,supervision,12\n", encoding="utf-8")
    frame = catalog.reader("ledger")(path)
    assert frame.loc[0, "la_code"] == "E06000035" and frame.loc[0, "rows_in"] == 12


def test_an_entry_outside_the_study_folders_is_refused(tmp_path) -> None:
    bad = tmp_path / "artefacts.yaml"
    bad.write_text(
        yaml.safe_dump({"x": {"path": "/etc/x.csv", "format": "csv", "about": "a bad entry"}})
    )
    with pytest.raises(ConfigError, match=r"artefacts\.yaml"):
        Catalog.load(ROOTS, bad)


def test_no_rule_spells_an_artefact_path() -> None:
    for smk in sorted((ROOT / "rules").glob("*.smk")):
        text = smk.read_text(encoding="utf-8")
        for spelled in ('f"{INTERIM}', 'f"{RESULTS}', '"data/interim/', '"results/'):
            assert spelled not in text, (smk.name, spelled)


PROBE = textwrap.dedent(
    """
    import json
    from pathlib import Path
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ResourceSettings

    with SnakemakeApi() as api:
        wf = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"))
        files = []
        for r in wf._workflow.rules:
            files += [str(f) for f in r.output] + [
                str(f) for f in r.input if isinstance(f, str)
            ]
        print(json.dumps(sorted(set(files))))
    """
)


def test_every_interim_and_results_file_of_the_workflow_is_catalogued(catalog: Catalog) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    files = json.loads(proc.stdout.strip().splitlines()[-1])
    made = [f for f in files if f.startswith(tuple(ROOTS.values()))]
    patterns = {
        name: re.compile("^" + re.sub(r"\\\{\w+\\\}", ".+", re.escape(catalog.pattern(name))) + "$")
        for name in catalog.entries
    }
    assert len(made) > 60
    for f in made:
        plain = re.sub(r"\{(\w+)(?:,[^{}]*)?\}", r"X", f)  # a wildcard (with a constraint)
        assert any(p.match(plain) for p in patterns.values()), f
