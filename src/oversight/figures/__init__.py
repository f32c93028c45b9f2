"""The figures: one module per figure family, each prepared, drawn and described in one
shared style.

Names are imported on first use, so importing the package (or ``oversight.figures.ids``,
which the rule files read when Snakemake parses them) does not load matplotlib.
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "run_figures": "oversight.figures.run.figures",
    "run_link_figures": "oversight.figures.run.link_figures",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
