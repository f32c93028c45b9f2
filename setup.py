"""Build hook: the wheel carries the files the package reads beside its code.

The checkout's ``config/``, ``report_templates/``, ``data/raw/published/``, ``CITATION.cff``
and ``LICENSE`` stay their single source (the workflow reads them there); building a wheel
copies them into ``oversight/_bundled/``, where :mod:`oversight.resources` finds them once
installed. An editable install (``pip install -e .``) copies nothing: the package then reads
the checkout itself. Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Never shipped: caches and editor or system leftovers.
SKIPPED = ("__pycache__", "*.pyc", ".*", "*~")


def shipped_names() -> tuple[str, ...]:
    """``SHIPPED`` of src/oversight/resources.py, read without importing the package."""
    tree = ast.parse((HERE / "src" / "oversight" / "resources.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SHIPPED":
            return tuple(ast.literal_eval(node.value))
    raise RuntimeError("src/oversight/resources.py defines no SHIPPED")


class BuildWithShippedFiles(build_py):
    """``build_py`` that also copies the shipped files into ``oversight/_bundled/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "oversight" / "_bundled"
        if target.exists():
            shutil.rmtree(target)  # a copy from an earlier build may hold files since removed
        for name in shipped_names():
            source = HERE / name
            if source.is_dir():
                ignore = shutil.ignore_patterns(*SKIPPED)
                shutil.copytree(source, target / name, ignore=ignore)
            elif source.is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
            else:
                raise FileNotFoundError(f"{source}: the wheel must carry it, but it is missing")


setup(cmdclass={"build_py": BuildWithShippedFiles})
