# The staff survey: the questionnaire and import template for LAs to circulate, and the
# analysis of the returns (counts, construct scores, reliability, roles, waves).


rule questionnaire:
    input:
        instrument="config/survey.yaml",
        template="report_templates/questionnaire.html.j2",
        code=[f"src/oversight/survey/{m}.py" for m in ("instrument",)] + code("pdf"),
    output:
        html=f"{RESULTS}/survey/questionnaire.html",
        pdf=f"{RESULTS}/survey/questionnaire.pdf",
        xlsx=f"{RESULTS}/survey/import_template.xlsx",
    log:
        "logs/survey/questionnaire.log",
    benchmark:
        "logs/benchmarks/survey/questionnaire.tsv"
    conda:
        "../environment.yml"
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
        code=[
            f"src/oversight/survey/{m}.py"
            for m in ("analysis", "scales", "instrument")
        ]
        + code("artefacts"),
    output:
        responses=f"{RESULTS}/tables/survey_responses.csv",
        constructs=f"{RESULTS}/tables/survey_constructs.csv",
        alpha=f"{RESULTS}/tables/survey_alpha.csv",
        roles=f"{RESULTS}/tables/survey_roles.csv",
        waves=f"{RESULTS}/tables/survey_waves.csv",
        svg=f"{RESULTS}/figures/FIG-SURVEY-diverging.svg",
        png=f"{RESULTS}/figures/FIG-SURVEY-diverging.png",
        manifest=f"{RESULTS}/figures/survey.json",
    log:
        "logs/survey/analysis.log",
    benchmark:
        "logs/benchmarks/survey/analysis.tsv"
    conda:
        "../environment.yml"
    params:
        min_n=config["disclosure"]["survey_min_n"],
    script:
        "scripts/survey_analysis.py"
