"""The code a rule runs, derived from what its script imports, for its ``code=`` inputs.

A rule's outputs depend on every package module its script runs and on the package data those
modules read. Declaring them by hand drifts: a script that gains an import of a module its rule
does not declare is not rerun when that module changes. :func:`script_code` walks the script's
``import`` statements with :mod:`ast`, transitively through the package (imports inside
functions included, the ``__init__`` of every package on the way, which Python runs, and the
modules a package ``__init__`` imports on first use), and
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
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
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


@cache
def _module_deps(path: Path, name: str, src: Path) -> tuple[frozenset[str], frozenset[Path]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = imported_names(tree, name, path.name == "__init__.py")
    if path.name == "__init__.py":
        names |= _lazy_modules(tree)
    return frozenset(names), frozenset(data_files(tree, path, src / PACKAGE))


def _lazy_modules(tree: ast.AST) -> set[str]:
    """Modules a package ``__init__`` imports on first use (PEP 562 ``__getattr__`` over a
    table of dotted names): every dotted package name it holds as a string counts as
    imported, as an eager ``from .module import name`` would."""
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(PACKAGE + ".")
        and " " not in node.value
    }


def reached_files(script: Path, src: Path, package: str = PACKAGE) -> list[Path]:
    """Every file of ``package`` under ``src`` that running ``script`` imports or reads."""
    tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    todo = sorted(imported_names(tree))
    seen: set[str] = set()
    files: set[Path] = set()
    while todo:
        name = todo.pop()
        if name in seen or not (name == package or name.startswith(package + ".")):
            continue
        seen.add(name)
        path = module_file(name, src)
        if path is None:
            continue
        files.add(path)
        imports, data = _module_deps(path, name, src)
        files |= data
        todo += sorted(imports - seen)
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
