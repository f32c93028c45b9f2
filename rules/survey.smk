# The staff survey: the questionnaire and import template for LAs to circulate, and the
# analysis of the returns (counts, construct scores, reliability, roles, waves).


rule questionnaire:
    input:
        instrument="config/survey.yaml",
        template=template("questionnaire.html.j2"),
        code=code("questionnaire"),
    output:
        html=path("questionnaire_html"),
        pdf=path("questionnaire_pdf"),
        xlsx=path("import_template"),
        prov=prov("questionnaire"),
    log:
        "logs/survey/questionnaire.log",
    benchmark:
        "logs/benchmarks/survey/questionnaire.tsv"
    conda:
        ENV
    params:
        title=STUDY["title"],
    script:
        "scripts/questionnaire.py"


rule survey_analysis:
    input:
        survey=path("dataset", dataset="survey", la=AUTHORITIES),
        supervision=path("dataset", dataset="supervision", la=AUTHORITIES),
        instrument="config/survey.yaml",
        ledger=gate("survey", "survey_rates"),
        code=code("survey_analysis"),
    output:
        responses=path("analysis_table", name="survey_responses"),
        constructs=path("analysis_table", name="survey_constructs"),
        alpha=path("analysis_table", name="survey_alpha"),
        roles=path("analysis_table", name="survey_roles"),
        waves=path("analysis_table", name="survey_waves"),
        svg=report_figures(
            [figure_ids.SURVEY_ID],
            path("figure_manifest", set="survey"),
            "Staff survey",
        )[0],
        png=path("figure_png", id=figure_ids.SURVEY_ID),
        manifest=path("figure_manifest", set="survey"),
        prov=prov("survey_analysis"),
    log:
        "logs/survey/analysis.log",
    benchmark:
        "logs/benchmarks/survey/analysis.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        min_n=config["disclosure"]["survey_min_n"],
        demo=DEMO,
    script:
        "scripts/survey_analysis.py"
