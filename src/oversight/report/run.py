"""The report rules as one function each.

- :func:`run_report`: the findings, the HTML report, one annex page per LA, and the PDF.
- :func:`run_exports`: every published table in one Excel workbook, with a notes sheet.
- :func:`run_provenance`: every figure, table and document ID traced to the job that made it.
- :func:`run_publication`: every output classed by audience, the public ones packed.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from oversight import artefacts
from oversight.config import load_checked, load_yaml
from oversight.provenance import Artefact, assemble, check_outputs, code_version
from oversight.quality.links import Limits
from oversight.report import annex as anx
from oversight.report import bulletin, marking, messages, render
from oversight.report import findings as fnd
from oversight.report import recommendations as recs
from oversight.report.appendix import appendix_views
from oversight.report.exports import sheet_table, workbook_notes, write_workbook
from oversight.report.methods import (
    adopters_text,
    code_version_text,
    methods_section,
)
from oversight.report.pdf import html_to_pdf
from oversight.report.publication import Output, bundle, classify, relative

Paths = Iterable[str | Path]
# The report's documents in results/provenance.json: ID, caption.
DOCUMENTS = {
    "html": ("REPORT-HTML", "The regional report (HTML)"),
    "pdf": ("REPORT-PDF", "The regional report (PDF)"),
    "xlsx": ("REPORT-XLSX", "Every published table in one workbook"),
    "findings": ("REPORT-FINDINGS", "The findings with their IDs"),
}


def read_tables(paths: Paths) -> dict[str, pd.DataFrame]:
    """The published tables by name (file stem), read exactly as written."""
    return {Path(p).stem: artefacts.read_text_table(p) for p in paths}


def read_json(path: str | Path) -> Any:
    """A JSON file's content."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


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


def run_exports(
    *,
    tables: Paths,
    catalogue: str | Path,
    title: str,
    min_count: int,
    survey_min_n: int,
    demo: bool,
    xlsx: str | Path,
) -> None:
    """Every published table, in config/tables.yaml's order, as one sheet of the workbook
    ``xlsx``, after a notes sheet (what ``c`` hides, rounding, provenance, the data)."""
    specs = load_checked(catalogue, "tables.schema.yaml")["tables"]
    paths = {Path(f).stem: f for f in tables}
    sheets = [
        sheet_table(name, spec, artefacts.read_text_table(paths[name]), demo)
        for name, spec in specs.items()
    ]
    write_workbook(sheets, workbook_notes(min_count, survey_min_n, demo), title, xlsx)


def provenance_items(
    tables: Mapping[str, str | Path],
    specs: Mapping[str, Mapping[str, Any]],
    manifests: Paths,
    documents: Mapping[str, str | Path],
    annexes: Paths,
) -> list[Artefact]:
    """Every traced ID: each published table (``tables`` by name), each figure in the
    manifests, the report's documents (``documents`` keyed as :data:`DOCUMENTS`) and the
    annex pages."""
    items = [
        Artefact(spec["id"], str(tables[name]), spec["title"], "table")
        for name, spec in specs.items()
    ]
    for manifest in manifests:
        fig_dir = Path(manifest).parent
        for entry in read_json(manifest):
            path = (fig_dir / entry["svg"]).as_posix()
            items.append(Artefact(entry["id"], path, entry["caption"], "figure"))
    items += [
        Artefact(key, str(documents[name]), caption, "document")
        for name, (key, caption) in DOCUMENTS.items()
    ]
    items += [
        Artefact(f"ANNEX-{Path(p).stem}", str(p), f"Annex page for {Path(p).stem}", "document")
        for p in annexes
    ]
    return items


def run_provenance(
    *,
    records: Paths,
    tables: Paths,
    catalogue: str | Path,
    manifests: Paths,
    html: str | Path,
    pdf: str | Path,
    xlsx: str | Path,
    findings: str | Path,
    annexes: Paths,
    out: str | Path,
) -> None:
    """results/provenance.json: each table, figure and document ID with the job records
    (``records``, one per job) that made it and its inputs."""
    jobs = [read_json(p) for p in records]
    # After an interrupted run, never record hashes of outputs that are no longer there.
    check_outputs(jobs)
    specs = load_checked(catalogue, "tables.schema.yaml")["tables"]
    documents = {"html": html, "pdf": pdf, "xlsx": xlsx, "findings": findings}
    items = provenance_items(
        {Path(p).stem: p for p in tables}, specs, manifests, documents, annexes
    )
    artefacts.write_json(assemble(jobs, items), out)


def run_publication(*, outputs: Paths, catalogue: str | Path, out: str | Path) -> list[Output]:
    """Class every output under results/ by audience (config/publication.yaml) and pack the
    public ones into ``out`` (at the top of results/) with their manifest; returns the packed
    outputs."""
    classes = load_checked(catalogue, "publication.schema.yaml")
    results = Path(out).parent
    classified = classify([relative(p, results) for p in outputs], classes)
    public = bundle(classified, results, Path(out))
    counts = Counter(o.audience for o in classified)
    logging.info(
        "%d outputs under results/: %s; %d public files packed",
        len(classified),
        ", ".join(f"{counts[a]} {a}" for a in ("public", "network", "secure")),
        len(public),
    )
    return public
