"""The disclosure stage (``rules/disclosure.smk``): small-number suppression of every
published table, primary and secondary, checked by an audit of the released cells."""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each rule's function and the module that defines it, imported on first use.
_EXPORTS = {
    "run_publish_metrics": "oversight.disclosure.run.publish_metrics",
    "run_publish_tables": "oversight.disclosure.run.publish_tables",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
