"""Rule ``report_pdf`` as one function: the report as laid out for print (rule ``report``) with
the annex part (each LA's section: rule ``annex``), set as one PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from oversight import artefacts
from oversight.report import annex_part as anx
from oversight.report import render
from oversight.report.pdf import html_to_pdf


def annex_part(
    env: Any,
    study: Mapping[str, Any],
    sections: Mapping[str, str | Path],
    names: Mapping[str, str],
    demo: bool,
) -> str:
    """The annex part: its opening, then each LA's section (``sections``: LA code -> file)
    in the part's order (by LA name)."""
    order = anx.annex_order(list(sections), names)
    listed = [{"la_code": c, "name": names.get(c, c)} for c in order]
    opening = anx.render_annex_opening(env, study, listed, demo)
    return opening + "".join(Path(sections[c]).read_text(encoding="utf-8") for c in order)


def run_report_pdf(
    *,
    printed: str | Path,
    sections: Sequence[str | Path],
    templates: Sequence[str | Path],
    study: Mapping[str, Any],
    names: Mapping[str, str],
    demo: bool,
    pdf: str | Path,
) -> None:
    """Write the PDF: ``printed`` (the report for print, whose figure links are relative to
    its folder) with every LA's annex section (``sections``, one file per LA named by its LA
    code) appended. ``templates`` are the report's templates; ``names`` each LA's name."""
    env = render.environment(Path(templates[0]).parent.parent)
    by_code = {Path(s).stem: s for s in sections}
    page = Path(printed)
    html = anx.with_annexes(
        page.read_text(encoding="utf-8"), annex_part(env, study, by_code, names, demo)
    )
    with artefacts.atomic_path(pdf) as tmp:
        tmp.write_bytes(html_to_pdf(html, str(page.parent.resolve()), source=str(page)))
