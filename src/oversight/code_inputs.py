"""The code a rule runs, derived from what its script imports, for its ``code=`` inputs.

A rule's outputs depend on every package module its script runs and on the package data those
modules read. Declaring them by hand drifts: a script that gains an import of a module its rule
does not declare is not rerun when that module changes. :func:`script_code` walks the script's
``import`` statements with :mod:`ast`, transitively through the package (imports inside
functions included, the ``__init__`` of every package on the way, which Python runs, and, for
a package that imports on first use, the module that defines each name taken from it), and
adds each file of the package data that a reached module names in a string literal (such as
``"common_schema.yaml"`` or ``"data/forenames.txt"``). Only files that exist are returned.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = "oversight"
# A string literal longer than this is text, not the name of a data file.
MAX_NAME = 200


def module_file(name: str, src: Path) -> Path | None:
    """The source file of the dotted module ``name`` under ``src``: a package's
    ``__init__.py`` or a module's ``.py``; None for a name that is no module (a function or
    class imported with ``from``)."""
    base = src.joinpath(*name.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module name a ``from ... import`` statement reads from."""
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def imported_names(tree: ast.AST, module: str = "", is_package: bool = False) -> set[str]:
    """Dotted names of what a module imports anywhere in it, with every parent package (which
    Python imports first); ``from a import b`` gives ``a`` and ``a.b``."""
    names = explicit_names(tree, module, is_package) | {
        _absolute(node, module, is_package)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    parents = {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 1)}
    return {n for n in names | parents if n}


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


def data_files(tree: ast.AST, module_path: Path, package_root: Path) -> set[Path]:
    """Files of the package that the module names in a string literal: relative to its own
    folder or to the package root (how ``Path(__file__).with_name(...)`` and
    ``importlib.resources.files("oversight").joinpath(...)`` find them), or by file name alone
    (a path built from parts, ``Path(__file__).parent / "data" / "words.txt"``)."""
    found: set[Path] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if not text or len(text) > MAX_NAME or any(c in text for c in "\n\0*?"):
            continue
        for folder in (module_path.parent, package_root):
            candidate = folder / text
            if candidate.suffix != ".py" and candidate.is_file():
                found.add(candidate)
        if "/" not in text:
            found.update(_data_by_name(package_root).get(text, ()))
    return found | config_files(tree, package_root.parent.parent)


def config_files(tree: ast.AST, project: Path) -> set[Path]:
    """The study configuration files a module reads as facts, ``config_file("config/...")``
    (:func:`oversight.config.config_file`): inputs of the rules that run it, as package data
    is. Settings passed as parameters (``config/config.yaml``) are not named this way."""
    found: set[Path] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "config_file"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (project / node.args[0].value).is_file()
        ):
            found.add(project / node.args[0].value)
    return found


def explicit_names(tree: ast.AST, module: str = "", is_package: bool = False) -> set[str]:
    """The names a module imports as objects it then uses (``import a.b``, ``from a import
    b``), without the packages Python imports on the way. A package imported this way may be
    asked for any name it exports on first use."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


@cache
def _module_deps(
    path: Path, name: str, src: Path
) -> tuple[frozenset[str], frozenset[str], frozenset[Path]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    names = imported_names(tree, name, is_package)
    explicit = explicit_names(tree, name, is_package)
    return frozenset(names), frozenset(explicit), frozenset(data_files(tree, path, src / PACKAGE))


@cache
def lazy_table(package: str, src: Path) -> dict[str, str]:
    """What a package ``__init__`` imports on first use (PEP 562 ``__getattr__`` over a table
    of exported name -> dotted module, :mod:`oversight.lazy`): the table, empty for a package
    without one."""
    path = module_file(package, src)
    if path is None or path.name != "__init__.py":
        return {}
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    table: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and value.value.startswith(PACKAGE + ".")
                ):
                    table[str(key.value)] = value.value
    return table


def _parents(name: str) -> list[str]:
    """The packages above the dotted module ``name``, outermost first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def reached_files(script: Path, src: Path, package: str = PACKAGE) -> list[Path]:
    """Every file of ``package`` under ``src`` that running ``script`` imports or reads.

    A name taken from a package that exports on first use brings the module that defines it
    (``from oversight.stats import wilson_ci`` brings ``oversight.stats.proportions``); a
    package imported whole (``import oversight.stats``) brings every module of its table."""
    tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    todo = sorted(imported_names(tree))
    whole = explicit_names(tree)
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
                home = lazy_table(parent, src).get(attr)
                if home is not None:
                    # Python imports the defining module's parent packages first.
                    todo += [home, *_parents(home)]
                continue
            files.add(path)
            imports, explicit, data = _module_deps(path, name, src)
            files |= data
            whole |= explicit
            todo += sorted(imports - seen)
        # Packages imported whole: every module they may import on first use.
        todo = sorted({m for p in whole & seen for m in lazy_table(p, src).values()} - seen)
    return sorted(files)


def script_code(script: str | Path, src: str | Path = "src") -> list[str]:
    """A rule's ``code=`` inputs: the package files its script runs or reads, as sorted paths
    relative to the working directory (``src/oversight/...``)."""
    src = Path(src)
    return [p.as_posix() for p in reached_files(Path(script), src)]


def undeclared(declared: Iterable[str], script: str | Path, src: str | Path = "src") -> list[str]:
    """Files the script runs or reads that are not among a rule's ``declared`` inputs."""
    have = {Path(p).as_posix() for p in declared}
    return [p for p in script_code(script, src) if p not in have]
