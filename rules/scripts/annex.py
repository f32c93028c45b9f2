"""Snakemake job `annex`: one LA's annex page and its section of the PDF's annex part."""

from oversight import jobs
from oversight.report import run_annex

sm = snakemake  # noqa: F821 (provided by Snakemake)
p = sm.params
jobs.run(
    sm.log[0],
    lambda: run_annex(
        code=sm.wildcards.code,
        tables=list(sm.input.tables),
        published=sm.input.published,
        impact=sm.input.impact,
        survey=sm.input.survey,
        templates=list(sm.input.templates),
        neighbours=sm.input.neighbours,
        reference=sm.input.reference,
        quality_pages=[sm.input.quality_page],
        study=p.study,
        year=p.year,
        region_code=p.region_code,
        names=dict(p.names),
        slug_codes=dict(p.slug_codes),
        kpi_period=p.kpi_period,
        neighbour_count=p.neighbour_count,
        demo=bool(p.demo),
        page=sm.output.page,
        section=sm.output.section,
    ),
    "annex",
    sm,
)
