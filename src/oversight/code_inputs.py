"""The code a rule runs, derived from what its script imports, for its ``code=`` inputs.

A rule's outputs depend on every package module its script runs and on the package data those
modules read. Declaring them by hand drifts: a script that gains an import of a module its rule
does not declare is not rerun when that module changes. :func:`script_code` walks the script's
``import`` statements with :mod:`ast`, transitively through the package (imports inside
functions included, the ``__init__`` of every package on the way, which Python runs, and, for
a package that imports on first use, the module that defines each name taken from it), and
adds each file of the package data that a reached module names in a string literal (such as
``"common_schema.yaml"`` or ``"data/forenames.txt"``). Only files that exist are returned.

Snakemake parses the workflow once per run and once more per job, and every rule asks for its
code inputs, so what a module's source says (:class:`ModuleFacts`) is read in one walk of its
syntax tree and may be kept in a cache file keyed by the SHA-256 of the source: an edited
module is always read again, and whether a named file exists is always asked afresh.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from oversight.resources import BUNDLE
from oversight.resources import root as shipped_root

PACKAGE = "oversight"
# A string literal longer than this is text, not the name of a data file.
MAX_NAME = 200
# Bumped when ModuleFacts or the way it is read changes: older cache entries are ignored.
FACTS_VERSION = 1


@dataclass(frozen=True)
class ModuleFacts:
    """What one module's source says about the code and data it uses.

    ``imports``: :func:`imported_names`; ``explicit``: :func:`explicit_names`; ``literals``:
    string constants that may name a data file; ``config_args``: the constant arguments of
    ``config_file(...)`` calls; ``lazy``: a package's first-use table (:func:`lazy_table`).
    """

    imports: frozenset[str]
    explicit: frozenset[str]
    literals: tuple[str, ...]
    config_args: tuple[str, ...]
    lazy: tuple[tuple[str, str], ...]


def module_file(name: str, src: Path) -> Path | None:
    """The source file of the dotted module ``name`` under ``src``: a package's
    ``__init__.py`` or a module's ``.py``; None for a name that is no module (a function or
    class imported with ``from``)."""
    base = os.path.join(src, *name.split("."))  # strings: this is asked thousands of times
    if os.path.isfile(package_init := os.path.join(base, "__init__.py")):
        return Path(package_init)
    if os.path.isfile(base + ".py"):
        return Path(base + ".py")
    return None


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module name a ``from ... import`` statement reads from."""
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def _with_parents(names: set[str]) -> set[str]:
    """``names`` and every package above each of them (which Python imports first)."""
    parents = {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 1)}
    return {n for n in names | parents if n}


def imported_names(tree: ast.AST, module: str = "", is_package: bool = False) -> set[str]:
    """Dotted names of what a module imports anywhere in it, with every parent package (which
    Python imports first); ``from a import b`` gives ``a`` and ``a.b``."""
    return set(facts_of(tree, module, is_package).imports)


def explicit_names(tree: ast.AST, module: str = "", is_package: bool = False) -> set[str]:
    """The names a module imports as objects it then uses (``import a.b``, ``from a import
    b``), without the packages Python imports on the way. A package imported this way may be
    asked for any name it exports on first use."""
    return set(facts_of(tree, module, is_package).explicit)


def _may_name_file(text: str) -> bool:
    """Whether a string literal may be the name of a data file (not text or a pattern)."""
    return bool(text) and len(text) <= MAX_NAME and not any(c in text for c in "\n\0*?")


def _config_arg(node: ast.Call) -> str | None:
    """The constant argument of a ``config_file("config/...")`` call, else None."""
    if (
        getattr(node.func, "id", getattr(node.func, "attr", None)) == "config_file"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _lazy_entries(node: ast.Dict) -> list[tuple[str, str]]:
    """A dict literal's entries that map a name to a dotted module of the package."""
    return [
        (str(key.value), value.value)
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant)
        and isinstance(value, ast.Constant)
        and isinstance(value.value, str)
        and value.value.startswith(PACKAGE + ".")
    ]


def facts_of(tree: ast.AST, module: str = "", is_package: bool = False) -> ModuleFacts:
    """Everything :func:`reached_files` needs of one module, in one walk of its tree."""
    explicit: set[str] = set()
    bases: set[str] = set()
    literals: dict[str, None] = {}
    config_args: dict[str, None] = {}
    lazy: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            explicit.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            bases.add(base)
            explicit.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _may_name_file(node.value):
                literals[node.value] = None
        elif isinstance(node, ast.Call):
            arg = _config_arg(node)
            if arg is not None:
                config_args[arg] = None
        elif isinstance(node, ast.Dict):
            lazy.update(_lazy_entries(node))
    return ModuleFacts(
        imports=frozenset(_with_parents(explicit | bases)),
        explicit=frozenset(explicit),
        literals=tuple(literals),
        config_args=tuple(config_args),
        lazy=tuple(lazy.items()),
    )


@cache
def _data_by_name(package_root: Path) -> dict[str, tuple[Path, ...]]:
    """The package's data files (anything but Python source and caches) by file name."""
    by_name: dict[str, list[Path]] = {}
    for path in sorted(package_root.rglob("*")):
        if (
            path.is_file()
            and path.suffix not in {".py", ".pyc"}
            and "__pycache__" not in path.parts
        ):
            by_name.setdefault(path.name, []).append(path)
    return {name: tuple(paths) for name, paths in by_name.items()}


def _suffix(name: str) -> str:
    """The suffix of a file name as :attr:`pathlib.PurePath.suffix` gives it."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _is_data_file(folder: str, text: str) -> bool:
    """Whether ``folder / text`` is an existing file and no Python source."""
    if "/" in text or text in (".", ".."):  # a path of parts: let pathlib take it apart
        candidate = Path(folder) / text
        return candidate.suffix != ".py" and candidate.is_file()
    # A plain name (most literals): string operations, as thousands are asked.
    return _suffix(text) != ".py" and os.path.isfile(os.path.join(folder, text))


def _named_data(facts: ModuleFacts, module_path: Path, package_root: Path) -> set[Path]:
    """The files of the package that exist under a name among the module's literals."""
    found: set[Path] = set()
    by_name = _data_by_name(package_root)
    for text in facts.literals:
        for folder in (module_path.parent, package_root):
            if _is_data_file(str(folder), text):
                found.add(folder / text)
        if "/" not in text:
            found.update(by_name.get(text, ()))
    return found


def _named_config(facts: ModuleFacts, project: Path) -> set[Path]:
    """The study configuration files that exist among the module's ``config_file`` names."""
    return {project / arg for arg in facts.config_args if (project / arg).is_file()}


def data_files(tree: ast.AST, module_path: Path, package_root: Path) -> set[Path]:
    """Files of the package that the module names in a string literal: relative to its own
    folder or to the package root (how ``Path(__file__).with_name(...)`` and
    ``importlib.resources.files("oversight").joinpath(...)`` find them), or by file name alone
    (a path built from parts, ``Path(__file__).parent / "data" / "words.txt"``)."""
    facts = facts_of(tree)
    return _named_data(facts, module_path, package_root) | config_files(
        tree, package_root.parent.parent
    )


def config_files(tree: ast.AST, project: Path) -> set[Path]:
    """The study configuration files a module reads as facts, ``config_file("config/...")``
    (:func:`oversight.config.config_file`): inputs of the rules that run it, as package data
    is. Settings passed as parameters (``config/config.yaml``) are not named this way."""
    return _named_config(facts_of(tree), project)


class FactsCache:
    """:class:`ModuleFacts` by module, source digest and :data:`FACTS_VERSION`, kept in a
    JSON file when ``path`` is given (a missing, unreadable or foreign file is an empty
    cache). The file is written only when something new was read, without the entries of
    earlier versions of the modules read, so that they do not pile up in it."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.entries: dict[str, dict] = {}
        self.used: set[str] = set()
        self.dirty = False
        if self.path is not None:
            self.entries = _stored_entries(self.path)

    def facts(self, path: Path, name: str) -> ModuleFacts:
        """The facts of module ``name`` in ``path``, read from its source unless known."""
        source = path.read_bytes()
        is_package = path.name == "__init__.py"
        key = f"{name}:{int(is_package)}:{hashlib.sha256(source).hexdigest()}"
        self.used.add(key)
        known = self.entries.get(key)
        if isinstance(known, dict):
            try:
                return _facts_from_json(known)
            except (KeyError, TypeError, ValueError):
                pass
        tree = ast.parse(source.decode("utf-8"), filename=str(path))
        facts = facts_of(tree, name, is_package)
        self.entries[key] = _facts_to_json(facts)
        self.dirty = True
        return facts

    def save(self) -> None:
        """Write the cache file if anything new was read (atomically: jobs parse at once)."""
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # An earlier version of a module read here is dropped; modules not read here stay.
        read = {key.rpartition(":")[0] for key in self.used}
        kept = {
            key: facts
            for key, facts in self.entries.items()
            if key in self.used or key.rpartition(":")[0] not in read
        }
        data = json.dumps({"version": FACTS_VERSION, "modules": kept}, sort_keys=True)
        handle, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name + ".")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)  # a cache that cannot be written is no error
            return
        self.dirty = False


def _stored_entries(path: Path) -> dict[str, dict]:
    """The entries of a cache file; none from a missing, broken or older file."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("version") != FACTS_VERSION:
        return {}
    modules = stored.get("modules")
    return modules if isinstance(modules, dict) else {}


def _facts_to_json(facts: ModuleFacts) -> dict:
    """:class:`ModuleFacts` as JSON values (sets sorted, so the file is stable)."""
    data = asdict(facts)
    return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in data.items()}


def _facts_from_json(data: dict) -> ModuleFacts:
    """:class:`ModuleFacts` back from :func:`_facts_to_json`."""
    return ModuleFacts(
        imports=frozenset(data["imports"]),
        explicit=frozenset(data["explicit"]),
        literals=tuple(data["literals"]),
        config_args=tuple(data["config_args"]),
        lazy=tuple((str(k), str(v)) for k, v in data["lazy"]),
    )


# The caches of this process by file (None: in memory only), and every module's facts and the
# data files it names by (path, name, source digest) through them.
_CACHES: dict[Path | None, FactsCache] = {}


def _cache(path: str | Path | None) -> FactsCache:
    """This process's :class:`FactsCache` for the cache file ``path``."""
    key = Path(path).resolve() if path is not None else None
    if key not in _CACHES:
        _CACHES[key] = FactsCache(key)
    return _CACHES[key]


def _config_root(package_root: Path) -> Path:
    """Where ``config_file("config/...")`` finds the facts for the package at
    ``package_root`` (:func:`oversight.resources.root`): the installed package's bundled copy,
    else the checkout holding ``src/``."""
    bundled = package_root / BUNDLE
    return bundled if bundled.is_dir() else package_root.parent.parent


@cache
def _data_of(path: Path, name: str, src: Path, facts: ModuleFacts) -> frozenset[Path]:
    """The package data and configuration files module ``name`` (at ``path``) names."""
    package_root = src / PACKAGE
    return frozenset(
        _named_data(facts, path, package_root) | _named_config(facts, _config_root(package_root))
    )


def lazy_table(package: str, src: Path, store: FactsCache | None = None) -> dict[str, str]:
    """What a package ``__init__`` imports on first use (PEP 562 ``__getattr__`` over a table
    of exported name -> dotted module, :mod:`oversight.lazy`): the table, empty for a package
    without one."""
    path = module_file(package, src)
    if path is None or path.name != "__init__.py":
        return {}
    return dict((store or _cache(None)).facts(path, package).lazy)


def _parents(name: str) -> list[str]:
    """The packages above the dotted module ``name``, outermost first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def reached_files(
    script: Path, src: Path, package: str = PACKAGE, cache_file: str | Path | None = None
) -> list[Path]:
    """Every file of ``package`` under ``src`` that running ``script`` imports or reads.

    A name taken from a package that exports on first use brings the module that defines it
    (``from oversight.stats import wilson_ci`` brings ``oversight.stats.proportions``); a
    package imported whole (``import oversight.stats``) brings every module of its table.
    ``cache_file`` keeps what each module's source says between processes (FactsCache)."""
    store = _cache(cache_file)
    tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    facts = facts_of(tree)
    todo = sorted(facts.imports)
    whole = set(facts.explicit)
    seen: set[str] = set()
    files: set[Path] = set()
    while todo:
        while todo:
            name = todo.pop()
            if name in seen or not (name == package or name.startswith(package + ".")):
                continue
            seen.add(name)
            path = module_file(name, src)
            if path is None:
                parent, _, attr = name.rpartition(".")
                home = lazy_table(parent, src, store).get(attr)
                if home is not None:
                    # Python imports the defining module's parent packages first.
                    todo += [home, *_parents(home)]
                continue
            files.add(path)
            module = store.facts(path, name)
            files |= _data_of(path, name, src, module)
            whole |= module.explicit
            todo += sorted(module.imports - seen)
        # Packages imported whole: every module they may import on first use.
        todo = sorted({m for p in whole & seen for m in lazy_table(p, src, store).values()} - seen)
    store.save()
    return sorted(files)


def script_code(
    script: str | Path, src: str | Path = "src", cache_file: str | Path | None = None
) -> list[str]:
    """A rule's ``code=`` inputs: the package files its script runs or reads, as sorted paths
    relative to the working directory (``src/oversight/...``); ``cache_file`` as for
    :func:`reached_files` (the workflow keeps it under ``.snakemake/``)."""
    src = Path(src)
    return [p.as_posix() for p in reached_files(Path(script), src, cache_file=cache_file)]


def undeclared(declared: Iterable[str], script: str | Path, src: str | Path = "src") -> list[str]:
    """Files the script runs or reads that are not among a rule's ``declared`` inputs."""
    have = {Path(p).as_posix() for p in declared}
    return [p for p in script_code(script, src) if p not in have]


@dataclass(frozen=True)
class Software:
    """Where a run finds the workflow's own software: ``src``, the folder holding the package
    source whose files are the rules' code inputs, and ``root``, the folder holding
    ``report_templates/``. Each is relative to the working folder when it lies inside it (a
    run in the checkout names ``src/oversight/...`` and ``report_templates/...``), else
    absolute (a workflow deployed as a module in another project)."""

    src: Path
    root: Path

    def template(self, name: str) -> str:
        """The path of ``report_templates/<name>``."""
        return (self.root / "report_templates" / name).as_posix()


def _near(path: Path, cwd: Path) -> Path:
    """``path`` relative to ``cwd`` when inside it, else as it is (absolute)."""
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def software(workflow_dir: str | Path | None, cwd: str | Path | None = None) -> Software:
    """The workflow's software for a run from ``cwd`` (the working folder).

    ``workflow_dir`` is the local folder of the workflow's source (the checkout holding the
    Snakefile), or None when Snakemake reads the workflow from a remote source (a module
    taken from GitHub). A local checkout gives its own ``src/`` and ``report_templates/``;
    otherwise they are those of the installed package (:mod:`oversight.resources`), which
    must be the same version as the workflow."""
    here = Path.cwd() if cwd is None else Path(os.path.abspath(cwd))
    package = Path(__file__).resolve().parent
    src, root = package.parent, shipped_root()
    if workflow_dir is not None:
        checkout = Path(os.path.abspath(workflow_dir))
        if (checkout / "src" / PACKAGE / "__init__.py").is_file():
            src = checkout / "src"
        if (checkout / "report_templates").is_dir():
            root = checkout
    return Software(src=_near(src, here), root=_near(root, here))


def runs_elsewhere(soft: Software, cwd: str | Path | None = None) -> Path | None:
    """The folder of the package this process imported when it is not the one ``soft``
    declares as code inputs (a checkout used as a module while another copy is installed):
    jobs would run other code than the inputs say. None when they are the same."""
    here = Path.cwd() if cwd is None else Path(cwd)
    declared = (here / soft.src / PACKAGE).resolve()
    imported = Path(__file__).resolve().parent
    return None if declared == imported else imported
