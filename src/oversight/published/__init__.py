"""The published stage (``rules/published.smk``): DfE releases, Ofsted inspection reports
and the network's own questions answered from them.

Each rule of ``rules/published.smk`` is one function, in its own module of
:mod:`oversight.published.run` (``run/<rule>.py``), imported on first use (oversight.lazy).
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "run_inspections": "oversight.published.run.inspections",
    "run_kpis": "oversight.published.run.kpis",
    "run_release_diff": "oversight.published.run.release_diff",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
