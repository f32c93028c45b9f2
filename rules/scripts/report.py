"""Snakemake job: findings, the HTML report, one annex page per LA, and the PDF."""

import json
from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import load_checked, load_yaml
from oversight.provenance import code_version
from oversight.published.releases import neighbour_map
from oversight.quality.links import Limits
from oversight.report import annex as anx
from oversight.report import bulletin, marking, messages, render
from oversight.report import findings as fnd
from oversight.report import recommendations as recs
from oversight.report.pdf import html_to_pdf

sm = snakemake  # noqa: F821 (provided by Snakemake)


def _neighbours(sn_path: str, reference_path: str, count: int) -> dict[str, list[str]]:
    """Each study LA's statistical neighbours that are also in the study (new codes)."""
    sn = pd.read_csv(sn_path, dtype=str, encoding="utf-8-sig")
    ref = pd.read_csv(reference_path, dtype=str)
    new = dict(zip(ref["la_code_old"], ref["la_code_new"], strict=True))
    return {
        new[old]: [new[n] for n in peers if n in new]
        for old, peers in neighbour_map(sn, count).items()
        if old in new
    }


def annex_context(p, impact: dict, names: dict[str, str], out_dir: Path) -> anx.AnnexContext:
    """What the annex pages need besides the tables, from the rule's params and inputs."""
    codes = dict(p.slug_codes)
    # Each LA's data-quality page (results/quality/<la>/index.html), linked from its annex.
    pages = {codes[Path(q).parent.name]: q for q in sm.input.quality_pages}
    published = load_yaml(sm.input.published)
    survey = load_yaml(sm.input.survey)
    return anx.AnnexContext(
        year=p.year,
        region_code=p.region_code,
        names=names,
        neighbours=_neighbours(sm.input.neighbours, sm.input.reference, p.neighbour_count),
        kpi_period=str(p.kpi_period),
        indicators=published["indicators"],
        constructs={k: v for k, v in survey["constructs"].items() if k != "demographics"},
        adoption={codes[s]: m for s, m in impact["adoption"].items() if s in codes},
        quality=anx.quality_links(pages, out_dir),
        demo=bool(p.demo),
    )


def write_annexes(
    env, p, impact: dict, tables: dict, out_dir: Path
) -> tuple[list[dict], anx.AnnexContext]:
    """Write every LA's annex page; returns the annexes (by LA name) and their context for
    the PDF's annex part."""
    names = dict(p.names)
    ctx = annex_context(p, impact, names, out_dir)
    annexes = []
    for code in sorted(p.la_codes, key=lambda c: (names.get(c, c), c)):
        annex = anx.la_annex(code, tables, ctx)
        annex["figures"] = anx.annex_figures(annex, ctx)
        artefacts.write_text(anx.render_annex(env, p.study, annex, ctx), out_dir / f"{code}.html")
        annexes.append(annex)
    return annexes, ctx


def main() -> None:
    p = sm.params
    names = dict(p.names)
    catalogue = load_checked(sm.input.catalogue, "tables.schema.yaml")["tables"]
    text = load_checked(sm.input.text, "report.schema.yaml")
    tables = {
        Path(f).stem: pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""])
        for f in sm.input.tables
    }
    manifests = {
        rule: json.loads(Path(path).read_text(encoding="utf-8"))
        for rule, path in zip(p.manifest_rules, sm.input.manifests, strict=True)
    }
    figures = render.figure_views(manifests, Path(sm.input.manifests[0]).parent)
    limits = Limits.from_config(p.quality).describe()
    ctx = fnd.Context(p.year, p.region_code, names, frozenset(figures), limits)
    found = messages.with_messages(fnd.findings(tables, ctx), tables, ctx)
    recommendations = recs.load(sm.input.recommendations)
    recs.check_citations(recommendations, [f.id for f in found], sm.input.recommendations)
    recs.check_not_done(recommendations, recs.done(tables), sm.input.recommendations)
    marked = marking.mark_findings([f.as_dict() for f in found], bool(p.demo))
    artefacts.write_json(marked, sm.output.findings)

    views = render.appendix_views(tables, catalogue, p.year, names, p.region_code)
    env = render.environment(Path(sm.input.templates[0]).parent.parent)
    annexes = [{"la_code": c, "name": names[c]} for c in sorted(p.la_codes, key=names.get)]
    version = code_version()
    impact = load_checked(sm.input.impact, "impact.schema.yaml")
    adopters = [
        f"{names.get(code, code)} (part 1 {m.get('part1') or 'not adopted'}, "
        f"part 2 {m.get('part2') or 'not adopted'})"
        for slug, m in sorted(impact["adoption"].items())
        for code in [p.slug_codes.get(slug)]
        if code and (m.get("part1") or m.get("part2"))
    ]
    methods = {
        "summary": text["summary"],
        "paragraphs": text["methods"],
        "limitations": text["limitations"],
        "authorities": len(p.la_codes),
        "demo": bool(p.demo),
        "survey_min_n": p.survey_min_n,
        "code_version": f"oversight {version['package']}, commit {version['git_commit']}",
        "impact": impact["plan"],
        "adopters": "; ".join(adopters) + "; the other LAs are the comparison group",
    }
    args = (env, p.study, found, recommendations, figures, views, annexes, methods)
    note = marking.data_note(bool(p.demo))
    bull = bulletin.build(text, found, note, methods["code_version"], sm.input.text)
    # The glossary lists the terms the report uses: read them off a first rendering.
    terms = load_checked(sm.input.glossary, "glossary.schema.yaml")["terms"]
    draft = render.render_report(*args, bulletin=bull)
    bull["glossary"] = bulletin.glossary_used([bulletin.plain_text(draft)], terms)
    artefacts.write_text(render.render_report(*args, bulletin=bull), sm.output.html)
    annex_pages = write_annexes(env, p, impact, tables, Path(sm.output.annexes[0]).parent)
    part = anx.render_annex_part(env, p.study, *annex_pages)
    with artefacts.atomic_path(sm.output.pdf) as tmp:
        pdf_html = anx.with_annexes(render.render_report(*args, for_pdf=True, bulletin=bull), part)
        tmp.write_bytes(html_to_pdf(pdf_html))


jobs.run(sm.log[0], main, "report", sm)
