"""The hypothesis stage (rules/hypothesis.smk): the pre-specified predictions, tested."""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each rule's function and the module that defines it, imported on first use.
_EXPORTS = {
    "run_hypothesis": "oversight.hypothesis.run.hypothesis",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
