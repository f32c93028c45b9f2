"""The common staff survey: instrument, scale conversion, export readers and analysis.

Names are imported on first use, so a job that needs one module (the ingest, the
questionnaire) does not load statsmodels, matplotlib or the difference-in-differences code.
"""

from __future__ import annotations

from typing import Any

from oversight.lazy import attribute

# Each public name and the module that defines it.
_EXPORTS = {
    "Instrument": "oversight.survey.instrument",
    "InstrumentError": "oversight.survey.instrument",
    "Item": "oversight.survey.instrument",
    "LegacyMapping": "oversight.survey.instrument",
    "OrdinalFit": "oversight.survey.analysis",
    "SCALE_ASSUMPTION": "oversight.survey.scales",
    "answers": "oversight.survey.analysis",
    "compare_roles": "oversight.survey.analysis",
    "construct_alpha": "oversight.survey.analysis",
    "construct_scores": "oversight.survey.analysis",
    "flatten_two_row_header": "oversight.survey.readers",
    "import_template": "oversight.survey.instrument",
    "item_matrix": "oversight.survey.analysis",
    "la_breakdown": "oversight.survey.analysis",
    "legacy_construct_scores": "oversight.survey.scales",
    "legacy_long": "oversight.survey.scales",
    "load_instrument": "oversight.survey.instrument",
    "match_item_columns": "oversight.survey.readers",
    "ordinal_logit": "oversight.survey.analysis",
    "parse_instrument": "oversight.survey.instrument",
    "read_ms_forms_xlsx": "oversight.survey.readers",
    "read_two_header_csv": "oversight.survey.readers",
    "render_questionnaire": "oversight.survey.instrument",
    "response_counts": "oversight.survey.analysis",
    "reverse": "oversight.survey.scales",
    "run_questionnaire": "oversight.survey.run.questionnaire",
    "run_survey_analysis": "oversight.survey.run.survey_analysis",
    "to_five": "oversight.survey.scales",
    "to_unit": "oversight.survey.scales",
    "wave_comparison": "oversight.survey.analysis",
    "write_import_template": "oversight.survey.instrument",
    "write_questionnaire": "oversight.survey.instrument",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use (PEP 562; oversight.lazy)."""
    return attribute(__name__, _EXPORTS, globals(), name)
