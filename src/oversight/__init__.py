"""oversight: a reproducible pipeline for the regional management-oversight study."""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# The one place the version is written: pyproject.toml reads it (dynamic version) and
# CITATION.cff must say the same (tests/core/test_citation.py).
__version__ = "0.2.0"

# Each public name and the module that defines it, imported on first use (PEP 562): a rule
# whose code does not cite the software does not depend on the citation.
#   citation(): the one-line citation of this version, from its CITATION.cff.
_EXPORTS = {
    "citation": "oversight.cite",
}
__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
