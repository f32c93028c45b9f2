"""Rule ``report`` as one function: the findings, the HTML report, one annex page per LA,
and the PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from oversight import artefacts
from oversight.config import load_checked, load_yaml
from oversight.provenance import code_version
from oversight.quality.links import Limits
from oversight.report import annex as anx
from oversight.report import bulletin, marking, messages, render
from oversight.report import findings as fnd
from oversight.report import recommendations as recs
from oversight.report.appendix import appendix_views
from oversight.report.methods import (
    adopters_text,
    code_version_text,
    methods_section,
)
from oversight.report.pdf import html_to_pdf
from oversight.report.run.reading import Paths, read_json


def read_tables(paths: Paths) -> dict[str, pd.DataFrame]:
    """The published tables by name (file stem), read exactly as written."""
    return {Path(p).stem: artefacts.read_text_table(p) for p in paths}


def read_neighbours(
    neighbours: str | Path, reference: str | Path, count: int
) -> dict[str, list[str]]:
    """Each study LA's statistical neighbours that are also in the study (new codes)."""
    sn = artefacts.read_reference(neighbours)
    ref = pd.read_csv(reference, dtype=str)
    return anx.study_neighbours(sn, ref, count)


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


def write_annexes(
    env: jinja2.Environment,
    study: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    ctx: anx.AnnexContext,
    la_codes: Sequence[str],
    out_dir: Path,
) -> list[dict[str, Any]]:
    """Write every LA's annex page (``<code>.html`` in ``out_dir``), in LA name order;
    returns the annexes for the PDF's annex part."""
    annexes = []
    for code in sorted(la_codes, key=lambda c: (ctx.names.get(c, c), c)):
        annex = anx.la_annex(code, tables, ctx)
        annex["figures"] = anx.annex_figures(annex, ctx)
        artefacts.write_text(anx.render_annex(env, study, annex, ctx), out_dir / f"{code}.html")
        annexes.append(annex)
    return annexes


def annex_context(
    *,
    year: str,
    region_code: str,
    names: Mapping[str, str],
    neighbours: Mapping[str, list[str]],
    kpi_period: str,
    published: str | Path,
    survey: str | Path,
    adoption: Mapping[str, Mapping[str, str | None]],
    slug_codes: Mapping[str, str],
    quality_pages: Paths,
    out_dir: Path,
    demo: bool,
) -> anx.AnnexContext:
    """What the annex pages need besides the tables: the indicator labels
    (config/published.yaml), the survey construct labels (config/survey.yaml), each LA's
    adoption months by LA code, and a link to each LA's data-quality page
    (results/quality/<la>/index.html) relative to the annex folder ``out_dir``."""
    codes = dict(slug_codes)
    constructs = load_yaml(survey)["constructs"]
    return anx.AnnexContext(
        year=year,
        region_code=region_code,
        names=names,
        neighbours=neighbours,
        kpi_period=kpi_period,
        indicators=load_yaml(published)["indicators"],
        constructs={k: v for k, v in constructs.items() if k != "demographics"},
        adoption={codes[s]: m for s, m in adoption.items() if s in codes},
        quality=anx.quality_links({codes[Path(q).parent.name]: q for q in quality_pages}, out_dir),
        demo=demo,
    )


def run_report(
    *,
    tables: Paths,
    manifests: Sequence[str | Path],
    manifest_rules: Sequence[str],
    catalogue: str | Path,
    recommendations: str | Path,
    text: str | Path,
    glossary: str | Path,
    published: str | Path,
    impact: str | Path,
    survey: str | Path,
    templates: Sequence[str | Path],
    neighbours: str | Path,
    reference: str | Path,
    quality_pages: Paths,
    study: Mapping[str, Any],
    year: str,
    region_code: str,
    names: Mapping[str, str],
    la_codes: Sequence[str],
    slug_codes: Mapping[str, str],
    kpi_period: str,
    neighbour_count: int,
    survey_min_n: int,
    demo: bool,
    quality: Mapping[str, Any],
    html: str | Path,
    pdf: str | Path,
    findings: str | Path,
    annexes: Sequence[str | Path],
) -> None:
    """Write the findings (JSON), the HTML report, each LA's annex page and the PDF.

    ``manifests`` are the figure manifests of the rules ``manifest_rules``; ``templates`` the
    report's templates (their folder's parent is the template root); ``names`` holds each LA's
    name and the region's; ``slug_codes`` each LA folder's LA code; ``annexes`` the annex
    pages' paths (their folder is where they are written); the rest are config files and the
    study's settings.
    """
    names = dict(names)
    table_config = load_checked(catalogue, "tables.schema.yaml")
    report_text = load_checked(text, "report.schema.yaml")
    frames = read_tables(tables)
    figures = render.figure_views(
        {rule: read_json(p) for rule, p in zip(manifest_rules, manifests, strict=True)},
        Path(manifests[0]).parent,
    )
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
    args = (env, study, found, recommended, figures, views, listed, methods)
    bull = bulletin.build(report_text, found, marking.data_note(demo), version, text)
    # The glossary lists the terms the report uses: read them off a first rendering.
    terms = load_checked(glossary, "glossary.schema.yaml")["terms"]
    draft = render.render_report(*args, bulletin=bull)
    bull["glossary"] = bulletin.glossary_used([bulletin.plain_text(draft)], terms)
    artefacts.write_text(render.render_report(*args, bulletin=bull), html)

    out_dir = Path(annexes[0]).parent
    annex_ctx = annex_context(
        year=year,
        region_code=region_code,
        names=names,
        neighbours=read_neighbours(neighbours, reference, neighbour_count),
        kpi_period=str(kpi_period),
        published=published,
        survey=survey,
        adoption=plan["adoption"],
        slug_codes=slug_codes,
        quality_pages=quality_pages,
        out_dir=out_dir,
        demo=demo,
    )
    pages = write_annexes(env, study, frames, annex_ctx, la_codes, out_dir)
    part = anx.render_annex_part(env, study, pages, annex_ctx)
    pdf_html = anx.with_annexes(render.render_report(*args, for_pdf=True, bulletin=bull), part)
    with artefacts.atomic_path(pdf) as tmp:
        tmp.write_bytes(html_to_pdf(pdf_html))
