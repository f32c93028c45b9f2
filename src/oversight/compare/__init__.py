"""The comparison stage (``rules/compare.smk``): per-LA metric counts, the regional
comparison and the unit-level model.

Each rule of ``rules/compare.smk`` is one function, in its own module of
:mod:`oversight.compare.run` (``run/<rule>.py``), imported on first use (oversight.lazy).
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "run_comparison": "oversight.compare.run.comparison",
    "run_metrics_la": "oversight.compare.run.metrics_la",
    "run_oversight_model": "oversight.compare.run.oversight_model",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
