# The report: published tables (disclosure control), findings and recommendations, the HTML
# report with one annex per LA, the PDF, the workbook, and provenance for every ID.
LA_CODES = sorted(AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES)
FIGURE_MANIFESTS = {
    "figures": f"{RESULTS}/figures/figures.json",
    "link_figures": f"{RESULTS}/figures/links.json",
    "survey_analysis": f"{RESULTS}/figures/survey.json",
    "impact": f"{RESULTS}/figures/impact.json",
}


rule report:
    input:
        tables=expand(f"{RESULTS}/tables/{{name}}.csv", name=PUBLISHED_TABLES),
        manifests=list(FIGURE_MANIFESTS.values()),
        catalogue="config/tables.yaml",
        recommendations="config/recommendations.yaml",
        text="config/report.yaml",
        glossary="config/glossary.yaml",
        # read by the network findings (oversight.published.network): the minutes and the KPIs
        network="config/network.yaml",
        published="config/published.yaml",
        impact="config/impact.yaml",
        templates=sorted(str(p) for p in Path("report_templates/report").glob("*.j2"))
        + ["report_templates/_style.css.j2"],
        neighbours=f"{RAW}/{PUBLISHED['neighbours']['path']}",
        reference=config["paths"]["la_reference"],
        # The annex pages also read the indicator labels (published, above), the survey
        # construct labels, and link to each LA's data-quality page.
        survey="config/survey.yaml",
        quality_pages=expand(f"{RESULTS}/quality/{{la}}/index.html", la=AUTHORITIES),
        code=code("report"),
    output:
        html=f"{RESULTS}/report/index.html",
        pdf=f"{RESULTS}/report/report.pdf",
        findings=f"{RESULTS}/report/findings.json",
        annexes=expand(f"{RESULTS}/report/la/{{code}}.html", code=LA_CODES),
        prov=prov("report"),
    log:
        "logs/report/report.log",
    benchmark:
        "logs/benchmarks/report/report.tsv"
    conda:
        "../environment.yml"
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
        tables=expand(f"{RESULTS}/tables/{{name}}.csv", name=PUBLISHED_TABLES),
        catalogue="config/tables.yaml",
        code=code("exports"),
    output:
        xlsx=f"{RESULTS}/report/tables.xlsx",
        prov=prov("exports"),
    log:
        "logs/report/exports.log",
    benchmark:
        "logs/benchmarks/report/exports.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
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
        tables=expand(f"{RESULTS}/tables/{{name}}.csv", name=PUBLISHED_TABLES),
        catalogue="config/tables.yaml",
        manifests=list(FIGURE_MANIFESTS.values()),
        html=f"{RESULTS}/report/index.html",
        pdf=f"{RESULTS}/report/report.pdf",
        xlsx=f"{RESULTS}/report/tables.xlsx",
        findings=f"{RESULTS}/report/findings.json",
        annexes=expand(f"{RESULTS}/report/la/{{code}}.html", code=LA_CODES),
        code=code("provenance"),
    output:
        f"{RESULTS}/provenance.json",
    log:
        "logs/report/provenance.log",
    benchmark:
        "logs/benchmarks/report/provenance.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
    script:
        "scripts/provenance.py"


rule publication:
    input:
        outputs=results_outputs,
        catalogue="config/publication.yaml",
        code=code("publication"),
    output:
        f"{RESULTS}/publication.zip",
    log:
        "logs/report/publication.log",
    benchmark:
        "logs/benchmarks/report/publication.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
    script:
        "scripts/publication.py"
