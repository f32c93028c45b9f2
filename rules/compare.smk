# Comparative statistics: per-LA counts (one job per LA), then the regional comparison, the
# unit-level model and the figures. The roll-ups read the ledgers of the datasets they read, so
# they never run on an incomplete region and rerun only when one of those changes.
STATS_DATASETS = [
    "supervision",
    "caseload",
    "oversight",
    "audits",
    "strategy_discussions",
]


rule metrics_la:
    input:
        data=path("dataset", dataset=STATS_DATASETS),
        code=code("metrics_la"),
    output:
        counts=path("la_metrics"),
        units=path("model_units"),
        impact=path("impact_series"),
        prov=prov("metrics_la", "la"),
    log:
        "logs/stats/metrics_{la}.log",
    benchmark:
        "logs/benchmarks/stats/metrics_{la}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
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
        counts=path("la_metrics", la=AUTHORITIES),
        ledger=gate("comparison"),
        code=code("comparison"),
    output:
        metrics=path("analysis_table", name="oversight_metrics"),
        heterogeneity=path("analysis_table", name="heterogeneity"),
        change=path("analysis_table", name="oversight_change"),
        prov=prov("comparison"),
    log:
        "logs/stats/comparison.log",
    benchmark:
        "logs/benchmarks/stats/comparison.tsv"
    conda:
        ENV
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
        units=path("model_units", la=AUTHORITIES),
        ledger=gate("model"),
        code=code("model"),
    output:
        path("analysis_table", name="oversight_model"),
        prov=prov("oversight_model"),
    log:
        "logs/stats/model.log",
    benchmark:
        "logs/benchmarks/stats/model.tsv"
    conda:
        ENV
    script:
        "scripts/model.py"
