"""What another project needs to deploy the workflow: its software found beside its own files
(never in the working folder), one run-time conda environment at the locked versions, the
Snakemake version it needs, the catalog's usage file and a configuration page naming every
file and key a study sets. The module itself is run in tests/e2e/test_workflow_module.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import oversight
from oversight.code_inputs import runs_elsewhere, software
from oversight.resources import root as shipped_root
from tests.conftest import ROOT

ENV_FILE = ROOT / "rules" / "envs" / "oversight.yaml"
# Conda-forge names that differ from the pip names in requirements.lock.
CONDA_NAMES = {"pandera-base": "pandera", "matplotlib-base": "matplotlib"}
# What the jobs never import: the tests, linters, formatters and packaging.
DEVELOPMENT = {"pytest", "pytest-xdist", "hypothesis", "ruff", "snakefmt", "black", "build"}

RULE_ENVS = textwrap.dedent(
    """
    import json
    from pathlib import Path
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ResourceSettings

    with SnakemakeApi() as api:
        wf = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"))
        print(json.dumps({r.name: [r.conda_env, bool(r.script)] for r in wf._workflow.rules}))
    """
)


def _locked() -> dict[str, str]:
    """requirements.lock: each package's pinned version by canonical name."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _env_pins() -> dict[str, str]:
    """The rules' environment: each package's version by canonical pip name."""
    env = yaml.safe_load(ENV_FILE.read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                name, version = line.split("==")
                pins[canonicalize_name(name)] = version
        elif "=" in dep:
            name, version = dep.split("=")
            pins[canonicalize_name(CONDA_NAMES.get(name, name))] = version
    return pins


def test_the_rules_environment_holds_the_run_time_packages_at_the_locked_versions() -> None:
    """Every package the package depends on at run time is in the rules' environment, at
    requirements.lock's version; nothing for development is. Snakemake and its executor
    plugins are not: the jobs use the Snakemake process's (rules/envs/oversight.yaml)."""
    pins, locked = _env_pins(), _locked()
    assert pins.pop("python") == "3.11"
    assert {name: locked.get(name) for name in pins} == pins
    assert not DEVELOPMENT & set(pins)
    project = _pyproject()
    needed = {
        canonicalize_name(Requirement(dep).name)
        for dep in project["project"]["dependencies"]
        if not Requirement(dep).name.startswith("snakemake")
    }
    assert needed == set(pins)


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_rule_that_runs_code_declares_that_environment() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", RULE_ENVS], cwd=ROOT, capture_output=True, text=True, check=True
    )
    rules = json.loads(proc.stdout.strip().splitlines()[-1])
    scripted = {name: env for name, (env, script) in rules.items() if script}
    assert len(scripted) >= 21
    assert set(scripted.values()) == {"envs/oversight.yaml"}, scripted
    assert (ROOT / "rules" / "envs" / "oversight.yaml").is_file()


def test_jobs_import_the_package_snakemake_read_the_workflow_with() -> None:
    """A job in a conda environment gets the Snakemake process's import path after its own
    (Snakemake's script preamble): there it finds the very oversight package the workflow was
    read with, which the environment does not install."""
    from snakemake.common import get_snakemake_searchpaths

    package_parent = Path(oversight.__file__).resolve().parents[1]
    assert package_parent in {Path(p).resolve() for p in get_snakemake_searchpaths()}


def test_the_snakefile_asks_for_the_locked_snakemake_minor_version() -> None:
    found = re.findall(r'^min_version\("(\d+\.\d+)"\)$', (ROOT / "Snakefile").read_text(), re.M)
    major, minor, _ = _locked()["snakemake"].split(".")
    assert found == [f"{major}.{minor}"]


def test_a_checkout_gives_its_own_software_relative_to_itself(tmp_path: Path) -> None:
    """Run in the checkout, the code inputs and templates keep the paths they always had;
    run from another folder, they are the checkout's, absolute."""
    here = software(ROOT, cwd=ROOT)
    assert (here.src, here.root) == (Path("src"), Path("."))
    assert here.template("quality.html.j2") == "report_templates/quality.html.j2"
    away = software(ROOT, cwd=tmp_path)
    assert (away.src, away.root) == (ROOT / "src", ROOT)
    assert away.template("report/index.html.j2") == f"{ROOT}/report_templates/report/index.html.j2"
    assert runs_elsewhere(away, cwd=tmp_path) is None


def test_a_remote_workflow_uses_the_installed_package(tmp_path: Path) -> None:
    """A workflow read from GitHub (no local folder) declares the installed package's code
    and the templates it ships; so does a local folder that holds no checkout."""
    installed = software(None, cwd=tmp_path)
    assert installed.src == Path(oversight.__file__).resolve().parents[1]
    assert installed.root == shipped_root()
    assert Path(installed.template("questionnaire.html.j2")).is_file()
    assert software(tmp_path, cwd=tmp_path) == installed


def test_a_checkout_other_than_the_imported_package_is_named(tmp_path: Path) -> None:
    """Code inputs of one copy and jobs running another: the imported copy is named."""
    (tmp_path / "src" / "oversight").mkdir(parents=True)
    (tmp_path / "src" / "oversight" / "__init__.py").write_text("")
    (tmp_path / "report_templates").mkdir()
    other = software(tmp_path, cwd=tmp_path)
    assert other.src == Path("src")
    assert runs_elsewhere(other, cwd=tmp_path) == Path(oversight.__file__).resolve().parent


def _config_keys(schema: dict) -> set[str]:
    """config.yaml's keys: the top-level ones and those of each section."""
    keys = set(schema["properties"])
    for section in schema["properties"].values():
        keys |= set(section.get("properties", {}))
    return keys


def test_the_configuration_page_names_every_file_and_key() -> None:
    """config/README.md (the catalog shows it) names every file and folder of config/ and
    every key of config.yaml, each as `code`."""
    page = (ROOT / "config" / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([^`]+)`", page))
    files = {
        p.name + ("/" if p.is_dir() else "")
        for p in (ROOT / "config").iterdir()
        if p.name != "README.md"
    }
    assert files - named - {"authorities/"} == set()
    assert "authorities/<la>.yaml" in page
    schema = yaml.safe_load((ROOT / "config/schemas/config.schema.yaml").read_text())
    assert sorted(_config_keys(schema) - named) == []


def test_the_catalog_file_states_the_usage() -> None:
    usage = yaml.safe_load((ROOT / ".snakemake-workflow-catalog.yml").read_text())["usage"]
    assert usage["report"] is True
    assert usage["mandatory-flags"]["desc"] and usage["mandatory-flags"]["flags"]
    stack = usage["software-stack-deployment"]
    assert set(stack) == {"conda", "apptainer", "apptainer+conda"}
    assert all(isinstance(v, bool) for v in stack.values())
