"""The open data stage (``rules/open_data.smk``): the published tables in the shape of DfE's
Explore Education Statistics (EES), each with its metadata file, and the EES checks.

:func:`validate_ees` checks a data file and its metadata file against the EES open data
standards; :func:`run_open_data` is rule ``open_data``. Both import on first use
(oversight.lazy).
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "run_open_data": "oversight.opendata.run.open_data",
    "validate_ees": "oversight.opendata.validate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
