"""The report: published tables, findings, rendering and exports.

The rules' functions are imported on first use (oversight.lazy), so a job that needs one
module does not load the PDF and workbook writers.
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "run_annex": "oversight.report.run.annex",
    "run_exports": "oversight.report.run.exports",
    "run_provenance": "oversight.report.run.provenance",
    "run_publication": "oversight.report.run.publication",
    "run_report": "oversight.report.run.report",
    "run_report_pdf": "oversight.report.run.report_pdf",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
