# The report: published tables (disclosure control), findings and recommendations, the HTML
# report with one annex per LA, the PDF, the workbook, and provenance for every ID.
LA_CODES = sorted(AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES)
FIGURE_MANIFESTS = {
    "figures": path("figure_manifest", set="figures"),
    "link_figures": path("figure_manifest", set="links"),
    "survey_analysis": path("figure_manifest", set="survey"),
    "impact": path("figure_manifest", set="impact"),
}


rule report:
    input:
        tables=path("published_table", name=PUBLISHED_TABLES),
        manifests=list(FIGURE_MANIFESTS.values()),
        catalogue="config/tables.yaml",
        recommendations="config/recommendations.yaml",
        text=REPORT_TEXT,
        glossary="config/glossary.yaml",
        # read by the network findings (oversight.published.network): the minutes and the KPIs
        network="config/network.yaml",
        published="config/published.yaml",
        impact=IMPACT_PLAN,
        templates=sorted(str(p) for p in Path("report_templates/report").glob("*.j2"))
        + ["report_templates/_style.css.j2"],
        neighbours=f"{RAW}/{PUBLISHED['neighbours']['path']}",
        reference=config["paths"]["la_reference"],
        # The annex pages also read the indicator labels (published, above), the survey
        # construct labels, and link to each LA's data-quality page.
        survey="config/survey.yaml",
        quality_pages=path("quality_page", la=AUTHORITIES),
        code=code("report"),
    output:
        html=path("report_html"),
        pdf=path("report_pdf"),
        findings=path("findings"),
        annexes=path("annex", code=LA_CODES),
        prov=prov("report"),
    log:
        "logs/report/report.log",
    benchmark:
        "logs/benchmarks/report/report.tsv"
    conda:
        ENV
    resources:
        mem_mb=1500,
        runtime=30,
    params:
        study=STUDY,
        year=YEAR,
        region_code=STUDY["region_code"],
        names=LA_NAMES | {STUDY["region_code"]: STUDY["region"]},
        la_codes=LA_CODES,
        slug_codes={la: AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES},
        manifest_rules=list(FIGURE_MANIFESTS),
        kpi_period=config["links"]["kpi_period"],
        neighbour_count=PUBLISHED["neighbours"]["count"],
        survey_min_n=config["disclosure"]["survey_min_n"],
        demo=DEMO,
        quality=config["quality"],
    script:
        "scripts/report.py"


rule exports:
    input:
        tables=path("published_table", name=PUBLISHED_TABLES),
        catalogue="config/tables.yaml",
        code=code("exports"),
    output:
        xlsx=path("workbook"),
        prov=prov("exports"),
    log:
        "logs/report/exports.log",
    benchmark:
        "logs/benchmarks/report/exports.tsv"
    conda:
        ENV
    params:
        title=STUDY["title"],
        min_count=config["disclosure"]["min_count"],
        survey_min_n=config["disclosure"]["survey_min_n"],
        demo=DEMO,
    script:
        "scripts/exports.py"


rule provenance:
    input:
        records=provenance_records,
        tables=path("published_table", name=PUBLISHED_TABLES),
        catalogue="config/tables.yaml",
        manifests=list(FIGURE_MANIFESTS.values()),
        html=path("report_html"),
        pdf=path("report_pdf"),
        xlsx=path("workbook"),
        findings=path("findings"),
        annexes=path("annex", code=LA_CODES),
        code=code("provenance"),
    output:
        path("provenance"),
    log:
        "logs/report/provenance.log",
    benchmark:
        "logs/benchmarks/report/provenance.tsv"
    conda:
        ENV
    script:
        "scripts/provenance.py"


rule publication:
    input:
        outputs=results_outputs,
        catalogue="config/publication.yaml",
        code=code("publication"),
    output:
        path("publication"),
    log:
        "logs/report/publication.log",
    benchmark:
        "logs/benchmarks/report/publication.tsv"
    conda:
        ENV
    script:
        "scripts/publication.py"
