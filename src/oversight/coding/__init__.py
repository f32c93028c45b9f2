"""Qualitative coding of focus-group transcripts, survey free text and Ofsted reports.

- :mod:`oversight.coding.codebook`: load, validate and compile ``config/codebook.yaml``.
- :mod:`oversight.coding.coder`: sentence splitting, rule-based coding, frequencies,
  co-occurrence and exemplar quotes.
- :mod:`oversight.coding.agreement`: agreement between coders (Cohen's kappa per code,
  Krippendorff's alpha overall) and a disagreements table.
- :mod:`oversight.coding.refi`: REFI-QDA codebook (.qdc) and project (.qdpx) exchange, CSV import.
- :mod:`oversight.coding.inspectors`: how often Ofsted's "what needs to improve" raises
  management oversight or supervision, by overall grade.
"""

from oversight.coding.codebook import (
    REQUIRED_CODE_IDS,
    Codebook,
    CodebookError,
    check_required_codes,
    load_codebook,
    parse_codebook,
)
from oversight.coding.coder import (
    code_frequencies,
    code_sentence,
    code_text,
    code_units,
    cooccurrence,
    exemplars,
    split_sentences,
    units_from_inspections,
    units_from_survey,
    units_from_transcripts,
)

__all__ = [
    "REQUIRED_CODE_IDS",
    "Codebook",
    "CodebookError",
    "check_required_codes",
    "code_frequencies",
    "code_sentence",
    "code_text",
    "code_units",
    "cooccurrence",
    "exemplars",
    "load_codebook",
    "parse_codebook",
    "split_sentences",
    "units_from_inspections",
    "units_from_survey",
    "units_from_transcripts",
]
