"""The quality stage (``rules/quality.smk``): links between an LA's datasets, each dataset's
ledger, the regional ledger, which datasets the regional analyses leave out, and the
data-quality pages.

Each rule of ``rules/quality.smk`` is one function, in its own module of
:mod:`oversight.quality.run` (``run/<rule>.py``), imported on first use (oversight.lazy).
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "run_dataset_ledger": "oversight.quality.run.dataset_ledger",
    "run_ledger": "oversight.quality.run.ledger",
    "run_links": "oversight.quality.run.links",
    "run_quality_index": "oversight.quality.run.quality_index",
    "run_quality_page": "oversight.quality.run.quality_page",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
