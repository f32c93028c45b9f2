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
        metrics=path("analysis_table", name="oversight_metrics"),
        catalogue="config/tables.yaml",
        code=code("publish_metrics"),
    output:
        report_tables(["oversight_metrics"], CATALOGUE)[0],
        prov=prov("publish_metrics"),
    log:
        "logs/disclosure/publish_metrics.log",
    benchmark:
        "logs/benchmarks/disclosure/publish_metrics.tsv"
    conda:
        ENV
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
        tables=path("analysis_table", name=ANALYSIS_TABLES),
        metrics=path("published_table", name="oversight_metrics"),
        ledger=path("ledger"),
        catalogue="config/tables.yaml",
        code=code("publish_tables"),
    output:
        tables=report_tables(
            [t for t in PUBLISHED_TABLES if t != "oversight_metrics"], CATALOGUE
        ),
        prov=prov("publish_tables"),
    log:
        "logs/disclosure/publish_tables.log",
    benchmark:
        "logs/benchmarks/disclosure/publish_tables.tsv"
    conda:
        ENV
    params:
        names=[t for t in PUBLISHED_TABLES if t != "oversight_metrics"],
        region_code=STUDY["region_code"],
        low=1,
        high=config["disclosure"]["min_count"] - 1,
        min_width=config["disclosure"]["protection_width"],
        demo=DEMO,
    script:
        "scripts/publish_tables.py"
