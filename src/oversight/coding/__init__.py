"""Qualitative coding of focus-group transcripts, survey free text and Ofsted reports.

- :mod:`oversight.coding.codebook`: load, validate and compile ``config/codebook.yaml``.
- :mod:`oversight.coding.coder`: sentence splitting, rule-based coding, frequencies and
  co-occurrence.
- :mod:`oversight.coding.quotes`: exemplar quotes, redacted, and the ones withheld.
- :mod:`oversight.coding.agreement`: agreement between coders (Cohen's kappa per code,
  Krippendorff's alpha overall) and a disagreements table.
- :mod:`oversight.coding.refi`: REFI-QDA codebook (.qdc) and project (.qdpx) exchange, CSV import.
- :mod:`oversight.coding.inspectors`: how often Ofsted's "what needs to improve" raises
  management oversight or supervision, by overall grade.
- :mod:`oversight.coding.run.coding`: the coding rule as one function (:func:`run_coding`).

Names are imported on first use (oversight.lazy).
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "REQUIRED_CODE_IDS": "oversight.coding.codebook",
    "Codebook": "oversight.coding.codebook",
    "CodebookError": "oversight.coding.codebook",
    "check_required_codes": "oversight.coding.codebook",
    "code_frequencies": "oversight.coding.coder",
    "code_sentence": "oversight.coding.coder",
    "code_text": "oversight.coding.coder",
    "code_units": "oversight.coding.coder",
    "cooccurrence": "oversight.coding.coder",
    "exemplars": "oversight.coding.quotes",
    "load_codebook": "oversight.coding.codebook",
    "parse_codebook": "oversight.coding.codebook",
    "run_coding": "oversight.coding.run.coding",
    "split_sentences": "oversight.coding.coder",
    "units_from_inspections": "oversight.coding.coder",
    "units_from_survey": "oversight.coding.coder",
    "units_from_transcripts": "oversight.coding.coder",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
