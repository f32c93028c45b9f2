# oversight: raw LA extracts -> validated, pseudonymised common datasets -> statistics -> report.
# Rules are split by stage in rules/*.smk; each rule is thin and calls src/oversight/.


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/ingest.smk"
include: "rules/quality.smk"
include: "rules/stats.smk"
include: "rules/published.smk"
include: "rules/coding.smk"
include: "rules/survey.smk"


rule all:
    default_target: True
    input:
        f"{RESULTS}/quality/ledger.csv",
        f"{RESULTS}/quality/index.html",
        expand(f"{RESULTS}/quality/{{la}}/index.html", la=AUTHORITIES),
        f"{RESULTS}/tables/oversight_metrics.csv",
        f"{RESULTS}/published/oversight_metrics.csv",
        f"{RESULTS}/tables/oversight_model.csv",
        f"{RESULTS}/figures/figures.json",
        f"{RESULTS}/tables/kpis.csv",
        f"{RESULTS}/tables/ofsted_latest.csv",
        f"{RESULTS}/tables/code_frequencies.csv",
        f"{RESULTS}/tables/survey_constructs.csv",
        f"{RESULTS}/survey/questionnaire.html",
        f"{RESULTS}/figures/links.json",
        expand(
            f"{RESULTS}/quality/releases/{{release}}.csv",
            release=PUBLISHED["releases"],
        ),
