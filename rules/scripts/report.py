"""Snakemake job `report`: the findings, the HTML report, one annex page per LA, and the PDF."""

from oversight import jobs
from oversight.report import run_report

sm = snakemake  # noqa: F821 (provided by Snakemake)
p = sm.params
jobs.run(
    sm.log[0],
    lambda: run_report(
        tables=list(sm.input.tables),
        manifests=list(sm.input.manifests),
        manifest_rules=list(p.manifest_rules),
        catalogue=sm.input.catalogue,
        recommendations=sm.input.recommendations,
        text=sm.input.text,
        glossary=sm.input.glossary,
        published=sm.input.published,
        impact=sm.input.impact,
        survey=sm.input.survey,
        templates=list(sm.input.templates),
        neighbours=sm.input.neighbours,
        reference=sm.input.reference,
        quality_pages=list(sm.input.quality_pages),
        study=p.study,
        year=p.year,
        region_code=p.region_code,
        names=dict(p.names),
        la_codes=list(p.la_codes),
        slug_codes=dict(p.slug_codes),
        kpi_period=p.kpi_period,
        neighbour_count=p.neighbour_count,
        survey_min_n=p.survey_min_n,
        demo=bool(p.demo),
        quality=p.quality,
        html=sm.output.html,
        pdf=sm.output.pdf,
        findings=sm.output.findings,
        annexes=list(sm.output.annexes),
    ),
    "report",
    sm,
)
