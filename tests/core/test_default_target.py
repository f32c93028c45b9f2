"""The default target names every output of every rule (so that an output removed by a killed
job is rebuilt even when what was made from it is up to date), and the provenance rule reads
every job's record; both are derived from the rules, never kept by hand."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

PROBE = textwrap.dedent(
    """
    import json
    from pathlib import Path
    from types import SimpleNamespace
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ResourceSettings

    with SnakemakeApi() as api:
        wf = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"))
        workflow = wf._workflow
        space = workflow.globals
        try:
            space["expanded"](SimpleNamespace(name="monthly", wildcard_names={"month"}), [])
            unknown = ""
        except Exception as exc:
            unknown = f"{type(exc).__name__}: {exc}"
        print(json.dumps({
            "targets": space["every_output"](None),
            "records": space["provenance_records"](None),
            "values": space["wildcard_values"](),
            "rules": {
                r.name: {"outputs": [str(o) for o in r.output], "prov": "prov" in r.output.keys()}
                for r in workflow.rules
            },
            "unknown": unknown,
            "all": [getattr(f, "__name__", str(f)) for f in workflow.get_rule("all").input],
            "default": workflow.default_target,
        }))
    """
)
WILDCARD = re.compile(r"\{(\w+)(?:,[^{}]*)?\}")


@pytest.fixture(scope="module")
def workflow() -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _paths(pattern: str, values: dict[str, list[str]]) -> list[str]:
    """A pattern's paths, each wildcard (with or without its constraint) over its values."""
    names = list(dict.fromkeys(WILDCARD.findall(pattern)))
    out = []
    for combo in itertools.product(*(values[n] for n in names)):
        chosen = dict(zip(names, combo, strict=True))
        out.append(WILDCARD.sub(lambda m, c=chosen: c[m.group(1)], pattern))
    return out


def test_the_default_target_is_every_output_of_every_rule(workflow: dict) -> None:
    expected = {
        path
        for name, rule in workflow["rules"].items()
        if name != "all"
        for pattern in rule["outputs"]
        for path in _paths(pattern, workflow["values"])
    }
    assert workflow["default"] == "all" and workflow["all"] == ["every_output"]
    assert set(workflow["targets"]) == expected
    assert len(workflow["targets"]) > 500
    # The outputs issue 14 found left missing after a kill while the roll-ups ran.
    for path in (
        "data/interim/tables/oversight_metrics.csv",
        "data/interim/tables/heterogeneity.csv",
        "data/interim/tables/impact_did.csv",
        "results/figures/FIG-IMPACT-ITS-audit_mo_good.svg",
        "data/interim/provenance/comparison.json",
        "data/interim/kent/supervision.parquet",
        "results/provenance.json",
    ):
        assert path in workflow["targets"], path


def test_the_provenance_rule_reads_every_job_record(workflow: dict) -> None:
    values = workflow["values"]
    expected = sorted(
        path
        for rule in workflow["rules"].values()
        if rule["prov"]
        for pattern in rule["outputs"]
        if "/provenance/" in pattern
        for path in _paths(pattern, values)
    )
    assert workflow["records"] == expected
    per_job = {r for r in expected if r.startswith("data/interim/provenance/ingest/")}
    assert len(per_job) == len(values["la"]) * len(values["dataset"]) >= 19 * 7
    assert "data/interim/provenance/ingest/slough/supervision.json" in per_job
    datasets = [r for r in expected if "/provenance/dataset_ledger/" in r]
    assert len(datasets) == len(values["dataset"])
    releases = [r for r in expected if "/release_diff/" in r]
    assert len(releases) == len(values["release"]) >= 4


def test_a_wildcard_without_values_is_an_error_not_a_gap(workflow: dict) -> None:
    assert workflow["unknown"].startswith("WorkflowError")
    assert "monthly" in workflow["unknown"] and "['month']" in workflow["unknown"]
