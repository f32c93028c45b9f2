"""The ingest stage (``rules/ingest.smk``): read, validate, harmonise and pseudonymise
one LA's raw extracts into the common schema, every row loaded or rejected with its reason."""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it, imported on first use (PEP 562).
_EXPORTS = {
    "run_ingest": "oversight.ingest.run.ingest",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
