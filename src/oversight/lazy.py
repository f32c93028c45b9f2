"""Package ``__init__`` modules that import on first use (PEP 562), shared by the packages
whose modules load heavy libraries (``oversight.stats``, ``oversight.survey``)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Any


def attribute(
    package: str, exports: Mapping[str, str], namespace: MutableMapping[str, Any], name: str
) -> Any:
    """The exported ``name`` of ``package``: import its module and bind everything that
    module exports into the package's ``namespace`` (its ``globals()``), as an eager
    ``from .module import name`` would; AttributeError for a name it does not export."""
    if name not in exports:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    module = importlib.import_module(exports[name])
    for export, home in exports.items():
        if home == exports[name]:
            namespace[export] = getattr(module, export)
    return namespace[name]
