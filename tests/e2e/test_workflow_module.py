"""The workflow deployed in another project, as `snakedeploy deploy-workflow` deploys it: a
Snakefile that takes every rule from the checkout's as a module, in a folder holding only the
study's configuration and raw data. The workflow's own files (rule scripts, templates, the
package's code) are found beside the checkout's Snakefile, never in the project's folder, and
the jobs make the same bytes as in the checkout. Read from a URL instead (a release on
GitHub), the workflow takes its code and templates from the installed package."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import BIN, ROOT, run

pytestmark = pytest.mark.e2e

LAS = ["kent", "medway"]
RULE_INPUTS = textwrap.dedent(
    """
    import json
    from pathlib import Path
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ResourceSettings

    with SnakemakeApi() as api:
        wf = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"))
        print(json.dumps({
            r.name: {
                "code": [str(f) for f in r.input.get("code", [])],
                "inputs": [str(f) for f in r.input if not callable(f)],
            }
            for r in wf._workflow.rules
        }))
    """
)


def _project(base: Path, snakefile: str = str(ROOT / "Snakefile")) -> Path:
    """Another project using the workflow as a module: the study's configuration (two LAs)
    and their demo extracts, and a Snakefile naming the workflow's (``snakefile``)."""
    base.mkdir(parents=True)
    shutil.copytree(ROOT / "config", base / "config")
    shutil.copytree(ROOT / "data/raw/published", base / "data/raw/published")
    config_path = base / "config/config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["authorities"] = LAS
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (base / "Snakefile").write_text(
        textwrap.dedent(
            f"""\
            configfile: "config/config.yaml"


            module oversight:
                snakefile:
                    "{snakefile}"
                config:
                    config


            use rule * from oversight
            """
        ),
        encoding="utf-8",
    )
    run([str(BIN / "oversight"), "demo-data", "--only", ",".join(LAS)], base)
    return base


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("deployed") / "project")


def _job_counts(project: Path) -> dict[str, str]:
    """The jobs a dry run plans, by rule."""
    planned = run([str(BIN / "snakemake"), "-n", "--quiet", "rules"], project)
    # The job counts, one `rule count` line each (Snakemake writes them to stderr).
    return dict(re.findall(r"^(\w+)\s+(\d+)$", planned.stdout + planned.stderr, flags=re.M))


def test_the_module_plans_the_whole_study(project: Path) -> None:
    jobs = _job_counts(project)
    assert jobs["ingest"] == str(7 * len(LAS))
    assert jobs["quality_page"] == jobs["metrics_la"] == jobs["annex"] == str(len(LAS))
    assert jobs["all"] == "1"


def test_the_workflow_software_is_the_checkouts_and_the_study_files_the_projects(
    project: Path,
) -> None:
    """Every rule's code inputs are files of the checkout's package and its templates the
    checkout's; nothing of the workflow is looked for in the project, and the study's files
    are the project's own."""
    proc = run([str(BIN / "python"), "-c", RULE_INPUTS], project)
    rules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len([r for r in rules.values() if r["code"]]) >= 21
    for name, rule in rules.items():
        for code in rule["code"]:
            assert Path(code).is_relative_to(ROOT) and Path(code).is_file(), (name, code)
        for path in rule["inputs"]:
            if Path(path).is_absolute():
                assert Path(path).is_relative_to(ROOT), (name, path)
            else:
                assert not path.startswith(("src/", "report_templates/", "rules/")), path
    templates = [p for r in rules.values() for p in r["inputs"] if "report_templates" in p]
    assert templates and all(p.startswith(f"{ROOT}/report_templates/") for p in templates)
    assert "config/authorities/{la}.yaml" in rules["quality_page"]["inputs"]


def test_the_module_makes_the_same_bytes_as_the_checkout(project: Path, demo_run: Path) -> None:
    """The LAs' ingest and data-quality pages, run through the module, equal the checkout's
    demo run byte for byte; each job's provenance names the checkout's code it ran."""
    targets = [f"results/quality/{la}/index.html" for la in LAS]
    run([str(BIN / "snakemake"), "--cores", "2", *targets], project)
    made = [
        p
        for la in LAS
        for folder in (f"data/interim/{la}", f"results/quality/{la}")
        for p in sorted((project / folder).rglob("*"))
        if p.is_file()
    ]
    assert len(made) > 20
    for path in made:
        rel = path.relative_to(project)
        assert path.read_bytes() == (demo_run / rel).read_bytes(), rel
    record = json.loads(
        (project / f"data/interim/provenance/ingest/{LAS[0]}/supervision.json").read_text()
    )
    code = [i["path"] for i in record["inputs"] if i["role"] == "code"]
    assert code and all(p.startswith(f"{ROOT}/src/oversight/") for p in code if ".py" in p)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The checkout served over HTTP on this machine: a remote source, as GitHub is."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()


def test_a_remote_module_reads_its_files_through_snakemake_and_the_package(
    served: str, tmp_path: Path
) -> None:
    """Read from a URL (a release on GitHub), the workflow has no folder on disk: its rule
    files, scripts, schema and captions come through Snakemake's source cache, its code
    inputs and templates from the installed package; the whole study is planned."""
    remote = _project(tmp_path / "project", snakefile=f"{served}/Snakefile")
    jobs = _job_counts(remote)
    assert jobs["ingest"] == str(7 * len(LAS)) and jobs["all"] == "1"
