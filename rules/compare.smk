# Comparative statistics: per-LA counts (one job per LA), then the regional comparison, the
# unit-level model and the figures. The roll-ups read the ledger so they never run on an
# incomplete region.
STATS_DATASETS = [
    "supervision",
    "caseload",
    "oversight",
    "audits",
    "strategy_discussions",
]


rule metrics_la:
    input:
        data=expand(f"{INTERIM}/{{{{la}}}}/{{dataset}}.parquet", dataset=STATS_DATASETS),
        code=code("metrics_la"),
    output:
        counts=f"{INTERIM}/{{la}}/metrics.csv",
        units=f"{INTERIM}/{{la}}/model_units.parquet",
        impact=f"{INTERIM}/{{la}}/impact_series.csv",
        prov=prov("metrics_la", "la"),
    log:
        "logs/stats/metrics_{la}.log",
    benchmark:
        "logs/benchmarks/stats/metrics_{la}.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        datasets=STATS_DATASETS,
        la_code=lambda w: AUTH_CONFIGS[w.la]["la_code"],
        policy_days=lambda w: AUTH_CONFIGS[w.la]["supervision_policy_days"],
        period_start=STUDY["period_start"],
        period_end=STUDY["period_end"],
        data_end=STUDY.get("data_end", STUDY["period_end"]),
        windows=config["windows_days"],
        model_window=config["comparison"]["model_window_days"],
        # the impact plan's outcomes (config/impact.yaml, read in rules/impact.smk)
        impact_outcomes=lambda w: sorted(IMPACT["plan"]["outcomes"]),
    script:
        "scripts/metrics_la.py"


rule comparison:
    input:
        counts=expand(f"{INTERIM}/{{la}}/metrics.csv", la=AUTHORITIES),
        ledger=f"{RESULTS}/quality/ledger.csv",
        code=code("comparison"),
    output:
        metrics=f"{INTERIM}/tables/oversight_metrics.csv",
        heterogeneity=f"{INTERIM}/tables/heterogeneity.csv",
        change=f"{INTERIM}/tables/oversight_change.csv",
        prov=prov("comparison"),
    log:
        "logs/stats/comparison.log",
    benchmark:
        "logs/benchmarks/stats/comparison.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
    params:
        region_code=STUDY["region_code"],
        year=YEAR,
        change_from=config["comparison"]["change_from"],
        change_to=config["comparison"]["change_to"],
        comparator=config["comparison"].get("comparator", "la_median"),
    script:
        "scripts/comparison.py"


rule oversight_model:
    input:
        units=expand(f"{INTERIM}/{{la}}/model_units.parquet", la=AUTHORITIES),
        ledger=f"{RESULTS}/quality/ledger.csv",
        code=code("model"),
    output:
        f"{INTERIM}/tables/oversight_model.csv",
        prov=prov("oversight_model"),
    log:
        "logs/stats/model.log",
    benchmark:
        "logs/benchmarks/stats/model.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
    script:
        "scripts/model.py"
