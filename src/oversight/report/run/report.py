"""Rule ``report`` as one function: the findings, the HTML report, and the report as the PDF
lays it out (its annex part: rule ``annex``; the PDF: rule ``report_pdf``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts, citation
from oversight.config import load_checked
from oversight.provenance import code_version
from oversight.quality.links import Limits
from oversight.report import bulletin, marking, messages, render
from oversight.report import findings as fnd
from oversight.report import recommendations as recs
from oversight.report.appendix import appendix_views
from oversight.report.methods import (
    adopters_text,
    code_version_text,
    methods_section,
)
from oversight.report.run.reading import Paths, read_json, read_tables


def report_findings(
    tables: Mapping[str, pd.DataFrame],
    ctx: fnd.Context,
    recommendations_path: str | Path,
) -> tuple[list[fnd.Finding], list[dict[str, Any]]]:
    """Every finding with its message, and the recommendations, checked: each cites findings
    that exist and none asks for what the tables show is done."""
    found = messages.with_messages(fnd.findings(tables, ctx), tables, ctx)
    recommendations = recs.load(recommendations_path)
    recs.check_citations(recommendations, [f.id for f in found], recommendations_path)
    recs.check_not_done(recommendations, recs.done(tables), recommendations_path)
    return found, recommendations


def run_report(
    *,
    tables: Paths,
    manifests: Sequence[str | Path],
    manifest_rules: Sequence[str],
    catalogue: str | Path,
    recommendations: str | Path,
    text: str | Path,
    glossary: str | Path,
    impact: str | Path,
    templates: Sequence[str | Path],
    study: Mapping[str, Any],
    year: str,
    region_code: str,
    names: Mapping[str, str],
    la_codes: Sequence[str],
    slug_codes: Mapping[str, str],
    survey_min_n: int,
    demo: bool,
    quality: Mapping[str, Any],
    html: str | Path,
    findings: str | Path,
    printed: str | Path,
) -> None:
    """Write the findings (JSON), the HTML report, and the report as the PDF lays it out
    (``printed``: print styles, its figures linked to their SVG files rather than embedded).

    ``manifests`` are the figure manifests of the rules ``manifest_rules``; ``templates`` the
    report's templates (their folder's parent is the template root); ``names`` holds each LA's
    name and the region's; ``slug_codes`` each LA folder's LA code; the rest are config files
    and the study's settings.
    """
    names = dict(names)
    table_config = load_checked(catalogue, "tables.schema.yaml")
    report_text = load_checked(text, "report.schema.yaml")
    frames = read_tables(tables)
    entries = {rule: read_json(p) for rule, p in zip(manifest_rules, manifests, strict=True)}
    figure_dir = Path(manifests[0]).parent
    figures = render.figure_views(entries, figure_dir)
    ctx = fnd.Context(
        year, region_code, names, frozenset(figures), Limits.from_config(quality).describe()
    )
    found, recommended = report_findings(frames, ctx, recommendations)
    artefacts.write_json(marking.mark_findings([f.as_dict() for f in found], demo), findings)

    plan = load_checked(impact, "impact.schema.yaml")
    version = code_version_text(code_version())
    methods = methods_section(
        report_text,
        plan,
        authorities=len(la_codes),
        demo=demo,
        survey_min_n=survey_min_n,
        code_version=version,
        adopters=adopters_text(plan["adoption"], slug_codes, names),
    )
    env = render.environment(Path(templates[0]).parent.parent)
    listed = [{"la_code": c, "name": names[c]} for c in sorted(la_codes, key=names.get)]
    views = appendix_views(frames, table_config, year, names, region_code)
    bull = bulletin.build(report_text, found, marking.data_note(demo), version, text, citation())

    def page(shown: dict[str, render.FigureView], for_pdf: bool = False) -> str:
        return render.render_report(
            env, study, found, recommended, shown, views, listed, methods, for_pdf, bull
        )

    # The glossary lists the terms the report uses: read them off a first rendering.
    terms = load_checked(glossary, "glossary.schema.yaml")["terms"]
    bull["glossary"] = bulletin.glossary_used([bulletin.plain_text(page(figures))], terms)
    artefacts.write_text(page(figures), html)
    # The PDF is only laid out: its figures are the SVG files, not second embedded copies.
    linked = render.figure_views(entries, figure_dir, link_from=Path(printed).parent)
    artefacts.write_text(page(linked, for_pdf=True), printed)
