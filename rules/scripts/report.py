"""Snakemake job `report`: the findings, the HTML report, and the report as the PDF lays it out."""

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
        impact=sm.input.impact,
        templates=list(sm.input.templates),
        study=p.study,
        year=p.year,
        region_code=p.region_code,
        names=dict(p.names),
        la_codes=list(p.la_codes),
        slug_codes=dict(p.slug_codes),
        survey_min_n=p.survey_min_n,
        demo=bool(p.demo),
        quality=p.quality,
        html=sm.output.html,
        findings=sm.output.findings,
        printed=sm.output.printed,
    ),
    "report",
    sm,
)
