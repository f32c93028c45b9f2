"""Each rule's code inputs are what its script runs, derived from its imports: a script that
imports a module its rule does not declare fails here, and so does a derivation that misses a
module Python really loads."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from oversight.code_inputs import imported_names, reached_files, script_code, undeclared
from tests.conftest import ROOT

# Every rule of the workflow, parsed by Snakemake itself: its script and its static inputs.
RULES_JSON = textwrap.dedent(
    """
    import json
    from pathlib import Path
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ResourceSettings

    with SnakemakeApi() as api:
        wf = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"))
        rules = {
            r.name: {
                "script": r.script,
                "code": [str(f) for f in r.input.get("code", [])],
                "inputs": [str(f) for f in r.input if not callable(f)],
            }
            for r in wf._workflow.rules
        }
    print(json.dumps(rules))
    """
)


@pytest.fixture(scope="module")
def rules() -> dict[str, dict]:
    proc = subprocess.run(
        [sys.executable, "-c", RULES_JSON], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_walk_follows_imports_packages_and_data(tmp_path: Path) -> None:
    """A made-up package: top-level, nested, relative and in-function imports are followed,
    package __init__ modules are included, data named in a string literal is found, and
    names that are no module (a function) or lie outside the package are ignored."""
    src = tmp_path / "src"
    _write(src, "oversight/__init__.py", "")
    _write(src, "oversight/a.py", "import json\nfrom oversight.sub import b\n")
    _write(src, "oversight/sub/__init__.py", "from .c import helper\n")
    _write(src, "oversight/sub/b.py", "def f():\n    from ..d import g\n    return g\n")
    _write(src, "oversight/sub/c.py", 'NAME = "tables.yaml"\ndef helper(): ...\n')
    _write(src, "oversight/sub/tables.yaml", "x: 1\n")
    _write(src, "oversight/d.py", 'WORDS = "data/words.txt"\ndef g(): ...\n')
    _write(src, "oversight/data/words.txt", "a\n")
    _write(
        src,
        "oversight/e.py",
        'from pathlib import Path\nP = Path(__file__).parent / "data" / "names.txt"\n',
    )
    _write(src, "oversight/data/names.txt", "b\n")
    _write(src, "oversight/data/unread.txt", "c\n")
    _write(src, "oversight/unused.py", "")
    _write(
        tmp_path,
        "script.py",
        "from oversight import a, e\nfrom oversight.sub.c import helper\n",
    )
    got = [p.relative_to(src).as_posix() for p in reached_files(tmp_path / "script.py", src)]
    assert got == [
        "oversight/__init__.py",
        "oversight/a.py",
        "oversight/d.py",
        "oversight/data/names.txt",
        "oversight/data/words.txt",
        "oversight/e.py",
        "oversight/sub/__init__.py",
        "oversight/sub/b.py",
        "oversight/sub/c.py",
        "oversight/sub/tables.yaml",
    ]


def _lazy_package(src: Path) -> None:
    """A stage package exporting on first use (oversight.lazy): run_a from run_a.py (which
    reads config/facts.yaml through config_file), run_b from run_b.py."""
    _write(src, "oversight/__init__.py", "")
    _write(
        src,
        "oversight/stage/__init__.py",
        '_EXPORTS = {"run_a": "oversight.stage.run_a", "run_b": "oversight.stage.run_b"}\n',
    )
    _write(src, "oversight/stage/run_a.py", 'F = config_file("config/facts.yaml")\n')
    _write(src, "oversight/stage/run_b.py", "import oversight.heavy\n")
    _write(src, "oversight/heavy.py", "")
    _write(src.parent, "config/facts.yaml", "x: 1\n")


def test_a_name_taken_from_a_lazy_package_brings_only_its_module(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _lazy_package(src)
    _write(tmp_path, "a.py", "from oversight.stage import run_a\n")
    got = [p.relative_to(tmp_path).as_posix() for p in reached_files(tmp_path / "a.py", src)]
    assert got == [
        "config/facts.yaml",
        "src/oversight/__init__.py",
        "src/oversight/stage/__init__.py",
        "src/oversight/stage/run_a.py",
    ]


def test_a_lazy_export_from_a_subpackage_brings_the_subpackage(tmp_path: Path) -> None:
    """A name exported from a module of a subpackage (``run/<rule>.py``) brings that
    module and the subpackage's ``__init__``, which Python imports first, and no sibling."""
    src = tmp_path / "src"
    _write(src, "oversight/__init__.py", "")
    _write(
        src,
        "oversight/stage/__init__.py",
        '_EXPORTS = {"run_a": "oversight.stage.run.a", "run_b": "oversight.stage.run.b"}\n',
    )
    _write(src, "oversight/stage/run/__init__.py", '"""Rules."""\n')
    _write(src, "oversight/stage/run/a.py", "")
    _write(src, "oversight/stage/run/b.py", "import oversight.heavy\n")
    _write(src, "oversight/heavy.py", "")
    _write(tmp_path, "a.py", "from oversight.stage import run_a\n")
    got = [p.relative_to(src).as_posix() for p in reached_files(tmp_path / "a.py", src)]
    assert got == [
        "oversight/__init__.py",
        "oversight/stage/__init__.py",
        "oversight/stage/run/__init__.py",
        "oversight/stage/run/a.py",
    ]


def test_a_lazy_package_imported_whole_brings_every_module(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _lazy_package(src)
    _write(tmp_path, "b.py", "import oversight.stage as stage\n")
    got = [p.relative_to(tmp_path).as_posix() for p in reached_files(tmp_path / "b.py", src)]
    assert got == [
        "config/facts.yaml",
        "src/oversight/__init__.py",
        "src/oversight/heavy.py",
        "src/oversight/stage/__init__.py",
        "src/oversight/stage/run_a.py",
        "src/oversight/stage/run_b.py",
    ]


def test_a_missing_declaration_is_reported(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _write(src, "oversight/__init__.py", "")
    _write(src, "oversight/x.py", "from oversight import y\n")
    _write(src, "oversight/y.py", "")
    _write(tmp_path, "script.py", "from oversight.x import z\n")
    script = tmp_path / "script.py"
    derived = script_code(script, src)
    assert undeclared(derived, script, src) == []
    dropped = [p for p in derived if not p.endswith("/y.py")]
    assert undeclared(dropped, script, src) == [f"{src.as_posix()}/oversight/y.py"]


def test_every_rule_declares_exactly_what_its_script_runs(rules: dict[str, dict]) -> None:
    """Every rule with a script declares `code=code("<its script>")`: the derived list, no
    more and no less, so nothing is kept by hand."""
    scripted = {name: r for name, r in rules.items() if r["script"]}
    assert len(scripted) >= 21
    for name, rule in scripted.items():
        script = ROOT / "rules" / rule["script"]
        with_root = [str(ROOT / p) for p in rule["code"]]
        assert not undeclared(with_root, script, ROOT / "src"), name
        assert sorted(rule["code"]) == script_code(script.relative_to(ROOT)), name


@pytest.mark.parametrize(
    "rule,module",
    [  # imports that hand-kept lists of code inputs once missed
        ("survey_analysis", "src/oversight/figures/style.py"),
        ("figures", "src/oversight/compare/metrics.py"),
        ("figures", "src/oversight/disclosure/readback.py"),
        ("ingest", "src/oversight/config.py"),
        ("ingest", "src/oversight/survey/readers.py"),
        ("ingest", "config/common_schema.yaml"),
        ("ingest", "src/oversight/ingest/data/forenames.txt"),
        ("metrics_la", "config/metrics.yaml"),
        ("publish_tables", "config/dfe_conventions.yaml"),
        ("annex", "config/dfe_conventions.yaml"),
        ("coding", "src/oversight/coding/inspector_senses.yaml"),
        ("report", "src/oversight/report/__init__.py"),
        ("ledger", "src/oversight/jobs.py"),
        ("ledger", "src/oversight/provenance.py"),
    ],
)
def test_known_dependencies_are_declared(rules: dict[str, dict], rule: str, module: str) -> None:
    assert module in rules[rule]["code"]


def _loaded_by_imports(script: Path) -> set[str]:
    """Package files Python really loads when it runs the script's import statements, in a
    fresh interpreter (the script's own body needs Snakemake, so only its imports run)."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    imports = [ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    probe = "\n".join(
        [
            *imports,
            "import sys, json",
            "print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values())"
            " if getattr(m, '__file__', None))))",
        ]
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    package = ROOT / "src"
    return {
        Path(f).resolve().relative_to(package).as_posix()
        for f in json.loads(proc.stdout)
        if Path(f).resolve().is_relative_to(package / "oversight")
    }


@pytest.mark.parametrize(
    "script", ["ingest", "report", "survey_analysis", "coding", "kpis", "provenance"]
)
def test_the_derived_list_covers_every_module_python_loads(script: str) -> None:
    """What the interpreter loads (through __init__ re-exports, nested imports ...) is a
    subset of the derived list; the derived list also holds imports made inside functions."""
    path = ROOT / "rules/scripts" / f"{script}.py"
    src = ROOT / "src"
    derived = {
        p.relative_to(src).as_posix() for p in reached_files(path, src) if p.is_relative_to(src)
    }
    loaded = _loaded_by_imports(path)
    assert loaded, script
    assert loaded <= derived, sorted(loaded - derived)


def test_imported_names_include_parent_packages() -> None:
    tree = ast.parse("import oversight.report.render as r\nfrom oversight.survey import x\n")
    assert imported_names(tree) == {
        "oversight",
        "oversight.report",
        "oversight.report.render",
        "oversight.survey",
        "oversight.survey.x",
    }


def test_a_cache_file_gives_the_same_inputs_and_notices_an_edit(tmp_path: Path) -> None:
    """What each module says is kept in the cache file by the digest of its source: a second
    process reads the same code inputs from it, and an edited module is read afresh (its new
    import is followed) even with its old size and time."""
    from oversight import code_inputs

    src = tmp_path / "src"
    _write(src, "oversight/__init__.py", "")
    _write(src, "oversight/x.py", "from oversight import y\n")
    _write(src, "oversight/y.py", "")
    _write(src, "oversight/z.py", "")
    _write(tmp_path, "script.py", "import oversight.x\n")
    script, cache_file = tmp_path / "script.py", tmp_path / "cache/facts.json"
    first = script_code(script, src, cache_file=cache_file)
    assert first == script_code(script, src) and cache_file.is_file()
    code_inputs._CACHES.clear()  # as a new process would start
    assert script_code(script, src, cache_file=cache_file) == first
    module = src / "oversight/x.py"
    stat = module.stat()
    module.write_text("from oversight import z\n", encoding="utf-8")  # same size
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code_inputs._CACHES.clear()
    code_inputs._data_of.cache_clear()
    assert script_code(script, src, cache_file=cache_file) == [
        p.replace("y.py", "z.py") for p in first
    ]
    # The file keeps one version of x.py, the one read last, and every other module.
    stored = json.loads(cache_file.read_text(encoding="utf-8"))["modules"]
    assert sorted(key.rpartition(":")[0] for key in stored) == [
        "oversight.x:0",
        "oversight.y:0",
        "oversight.z:0",
        "oversight:1",
    ]


def test_a_broken_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    from oversight import code_inputs

    src = tmp_path / "src"
    _write(src, "oversight/__init__.py", "")
    _write(src, "oversight/x.py", "")
    _write(tmp_path, "script.py", "import oversight.x\n")
    cache_file = tmp_path / "facts.json"
    for text in ("{not json", '{"version": 0, "modules": {}}', '{"version": 1, "modules": []}'):
        cache_file.write_text(text, encoding="utf-8")
        code_inputs._CACHES.clear()
        got = script_code(tmp_path / "script.py", src, cache_file=cache_file)
        assert got == [
            f"{src.as_posix()}/oversight/__init__.py",
            f"{src.as_posix()}/oversight/x.py",
        ]
