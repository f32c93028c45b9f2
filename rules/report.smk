# The report: published tables (disclosure control), findings and recommendations, the HTML
# report, one annex per LA (each in its own job), the PDF, the workbook, and provenance for
# every ID.
LA_CODES = sorted(AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES)
CODE_SLUGS = {AUTH_CONFIGS[la]["la_code"]: la for la in AUTHORITIES}
FIGURE_MANIFESTS = {
    "figures": path("figure_manifest", set="figures"),
    "link_figures": path("figure_manifest", set="links"),
    "survey_analysis": path("figure_manifest", set="survey"),
    "impact": path("figure_manifest", set="impact"),
}
# The published tables an annex page reads (oversight.report.annex.la_annex).
ANNEX_TABLES = [
    t
    for t in PUBLISHED_TABLES
    if t
    in (
        "oversight_metrics",
        "kpis",
        "impact_its",
        "ofsted_latest",
        "ofsted_what_needs_to_improve",
        "survey_constructs",
        "data_exclusions",
    )
]


# The templates each job renders (report_templates/report/<name>.j2, what they include, and
# the shared style), so a template change reruns only the jobs that use it.
STYLE = template("_style.css.j2")
REPORT_TEMPLATES = [
    template(f"report/{n}.j2") for n in ("index.html", "_macros.html", "_report.css")
] + [STYLE]
ANNEX_TEMPLATES = [
    template(f"report/{n}.j2")
    for n in (
        "la.html",
        "annex_la_part.html",
        "_annex.html",
        "_annex.css",
        "_macros.html",
        "_report.css",
    )
] + [STYLE]
PDF_TEMPLATES = [
    template(f"report/{n}.j2")
    for n in ("annex_part.html", "_annex.html", "_annex.css", "_macros.html")
]


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
        templates=REPORT_TEMPLATES,
        survey="config/survey.yaml",
        code=code("report"),
    output:
        html=report_document("report_html", "The report (HTML)"),
        findings=path("findings"),
        printed=path("report_print"),
        prov=prov("report"),
    log:
        "logs/report/report.log",
    benchmark:
        "logs/benchmarks/report/report.tsv"
    conda:
        ENV
    resources:
        mem_mb=800,
        runtime=10,
    params:
        study=STUDY,
        year=YEAR,
        region_code=STUDY["region_code"],
        names=LA_NAMES | {STUDY["region_code"]: STUDY["region"]},
        la_codes=LA_CODES,
        slug_codes={la: AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES},
        manifest_rules=list(FIGURE_MANIFESTS),
        survey_min_n=config["disclosure"]["survey_min_n"],
        demo=DEMO,
        quality=config["quality"],
    script:
        "scripts/report.py"


rule annex:
    input:
        tables=path("published_table", name=ANNEX_TABLES),
        published="config/published.yaml",
        impact=IMPACT_PLAN,
        survey="config/survey.yaml",
        templates=ANNEX_TEMPLATES,
        neighbours=f"{RAW}/{PUBLISHED['neighbours']['path']}",
        reference=config["paths"]["la_reference"],
        # The page links the LA's data-quality page.
        quality_page=lambda w: path("quality_page", la=CODE_SLUGS[w.code]),
        code=code("annex"),
    output:
        page=path("annex"),
        section=path("annex_section"),
        prov=prov("annex", "code"),
    log:
        "logs/report/annex/{code}.log",
    benchmark:
        "logs/benchmarks/report/annex/{code}.tsv"
    wildcard_constraints:
        code="|".join(LA_CODES),
    conda:
        ENV
    resources:
        mem_mb=600,
        runtime=10,
    params:
        study=STUDY,
        year=YEAR,
        region_code=STUDY["region_code"],
        names=LA_NAMES | {STUDY["region_code"]: STUDY["region"]},
        slug_codes={la: AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES},
        kpi_period=config["links"]["kpi_period"],
        neighbour_count=PUBLISHED["neighbours"]["count"],
        demo=DEMO,
    script:
        "scripts/annex.py"


rule report_pdf:
    input:
        printed=path("report_print"),
        # The report's figures as SVG files: the print page links them rather than embeds.
        figures=[getattr(rules, r).output.svg for r in FIGURE_MANIFESTS],
        sections=path("annex_section", code=LA_CODES),
        templates=PDF_TEMPLATES,
        code=code("report_pdf"),
    output:
        pdf=report_document("report_pdf", "The report with every LA's annex (PDF)"),
        prov=prov("report_pdf"),
    log:
        "logs/report/report_pdf.log",
    benchmark:
        "logs/benchmarks/report/report_pdf.tsv"
    conda:
        ENV
    resources:
        mem_mb=1500,
        runtime=30,
    params:
        study=STUDY,
        names=LA_NAMES | {STUDY["region_code"]: STUDY["region"]},
        demo=DEMO,
    script:
        "scripts/report_pdf.py"


rule exports:
    input:
        tables=path("published_table", name=PUBLISHED_TABLES),
        catalogue="config/tables.yaml",
        text=REPORT_TEXT,
        published="config/published.yaml",
        code=code("exports"),
    output:
        xlsx=report_document(
            "workbook", "Every published table in one workbook (Excel)"
        ),
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
