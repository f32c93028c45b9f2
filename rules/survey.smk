# The staff survey: the questionnaire and import template for LAs to circulate, and the
# analysis of the returns (counts, construct scores, reliability, roles, waves).


rule questionnaire:
    input:
        instrument="config/survey.yaml",
        template="report_templates/questionnaire.html.j2",
        code=code("questionnaire"),
    output:
        html=f"{RESULTS}/survey/questionnaire.html",
        pdf=f"{RESULTS}/survey/questionnaire.pdf",
        xlsx=f"{RESULTS}/survey/import_template.xlsx",
        prov=prov("questionnaire"),
    log:
        "logs/survey/questionnaire.log",
    benchmark:
        "logs/benchmarks/survey/questionnaire.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
    params:
        title=STUDY["title"],
    script:
        "scripts/questionnaire.py"


rule survey_analysis:
    input:
        survey=expand(f"{INTERIM}/{{la}}/survey.parquet", la=AUTHORITIES),
        supervision=expand(f"{INTERIM}/{{la}}/supervision.parquet", la=AUTHORITIES),
        instrument="config/survey.yaml",
        ledger=f"{RESULTS}/quality/ledger.csv",
        code=code("survey_analysis"),
    output:
        responses=f"{INTERIM}/tables/survey_responses.csv",
        constructs=f"{INTERIM}/tables/survey_constructs.csv",
        alpha=f"{INTERIM}/tables/survey_alpha.csv",
        roles=f"{INTERIM}/tables/survey_roles.csv",
        waves=f"{INTERIM}/tables/survey_waves.csv",
        svg=f"{RESULTS}/figures/FIG-SURVEY-diverging.svg",
        png=f"{RESULTS}/figures/FIG-SURVEY-diverging.png",
        manifest=f"{RESULTS}/figures/survey.json",
        prov=prov("survey_analysis"),
    log:
        "logs/survey/analysis.log",
    benchmark:
        "logs/benchmarks/survey/analysis.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        min_n=config["disclosure"]["survey_min_n"],
        demo=DEMO,
    script:
        "scripts/survey_analysis.py"
