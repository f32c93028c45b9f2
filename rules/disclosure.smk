# Disclosure control: every published table passes through here. The regional metrics first
# (the figures read them), then every other table, each with primary and secondary
# suppression of small counts (config disclosure.min_count) and an audit of what is released.
CATALOGUE = oc.load_checked("config/tables.yaml", "tables.schema.yaml")["tables"]
PUBLISHED_TABLES = list(CATALOGUE)
# Tables computed by earlier rules; data_received and data_exclusions are made here from the
# ledger, oversight_metrics by publish_metrics (the figures read it).
ANALYSIS_TABLES = [
    t
    for t in PUBLISHED_TABLES
    if t not in ("data_received", "data_exclusions", "oversight_metrics")
]


rule publish_metrics:
    input:
        metrics=f"{INTERIM}/tables/oversight_metrics.csv",
        catalogue="config/tables.yaml",
        code=code("publish_metrics"),
    output:
        f"{RESULTS}/tables/oversight_metrics.csv",
        prov=prov("publish_metrics"),
    log:
        "logs/disclosure/publish_metrics.log",
    benchmark:
        "logs/benchmarks/disclosure/publish_metrics.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
    params:
        region_code=STUDY["region_code"],
        low=1,
        high=config["disclosure"]["min_count"] - 1,
        min_width=config["disclosure"]["protection_width"],
        demo=DEMO,
    script:
        "scripts/publish_metrics.py"


rule publish_tables:
    input:
        tables=expand(f"{INTERIM}/tables/{{name}}.csv", name=ANALYSIS_TABLES),
        metrics=f"{RESULTS}/tables/oversight_metrics.csv",
        ledger=f"{RESULTS}/quality/ledger.csv",
        catalogue="config/tables.yaml",
        code=code("publish_tables"),
    output:
        tables=expand(
            f"{RESULTS}/tables/{{name}}.csv",
            name=[t for t in PUBLISHED_TABLES if t != "oversight_metrics"],
        ),
        prov=prov("publish_tables"),
    log:
        "logs/disclosure/publish_tables.log",
    benchmark:
        "logs/benchmarks/disclosure/publish_tables.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=10,
    params:
        names=[t for t in PUBLISHED_TABLES if t != "oversight_metrics"],
        region_code=STUDY["region_code"],
        low=1,
        high=config["disclosure"]["min_count"] - 1,
        min_width=config["disclosure"]["protection_width"],
        demo=DEMO,
    script:
        "scripts/publish_tables.py"
