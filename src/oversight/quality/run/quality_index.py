"""Rule ``quality_index`` as one function: the index of all LAs' data-quality pages."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.quality.pages import index_context, render


def run_quality_index(
    *,
    ledger: str | Path,
    template: str | Path,
    study: Mapping[str, Any],
    authorities: Mapping[str, Mapping[str, Any]],
    out: str | Path,
) -> None:
    """Rule ``quality_index``: the index of all LAs' data-quality pages (``authorities``: each
    LA's ``la_name`` and ``la_code`` by its folder name), from the regional ledger."""
    context = index_context(
        pd.read_csv(ledger), {k: dict(v) for k, v in authorities.items()}, dict(study)
    )
    artefacts.write_text(render(template, context), out)
