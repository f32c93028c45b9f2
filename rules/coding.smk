# Qualitative analysis. The codebook is applied to focus-group turns, survey comments and Ofsted
# report sections; frequencies, co-occurrence, redacted exemplar quotes, REFI-QDA exports, and
# what inspectors said about management oversight.


rule coding:
    input:
        transcripts=expand(f"{INTERIM}/{{la}}/transcripts.parquet", la=AUTHORITIES),
        survey=expand(f"{INTERIM}/{{la}}/survey.parquet", la=AUTHORITIES),
        inspections=f"{INTERIM}/published/inspections.parquet",
        codebook="config/codebook.yaml",
        ledger=f"{RESULTS}/quality/ledger.csv",
        code=code("coding"),
    output:
        segments=f"{INTERIM}/coding/segments.parquet",
        frequencies=f"{INTERIM}/tables/code_frequencies.csv",
        cooccurrence=f"{INTERIM}/tables/code_cooccurrence.csv",
        quotes=f"{INTERIM}/tables/quotes.csv",
        themes=f"{INTERIM}/tables/focus_group_themes.csv",
        inspectors=f"{INTERIM}/tables/inspectors_oversight.csv",
        inspector_quotes=f"{INTERIM}/tables/inspectors_quotes.csv",
        withheld=f"{INTERIM}/coding/quotes_withheld.csv",
        qdc=f"{RESULTS}/coding/codebook.qdc",
        qdpx=f"{RESULTS}/coding/focus_groups.qdpx",
        prov=prov("coding"),
    log:
        "logs/coding/coding.log",
    benchmark:
        "logs/benchmarks/coding/coding.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=500,
        runtime=15,
    params:
        region_code=STUDY["region_code"],
        # Each LA's identifier patterns and every LA name, for the redactor.
        id_patterns={
            c["la_code"]: [
                i["pattern"]
                for i in (c.get("identifiers") or {}).values()
                if i.get("pattern")
            ]
            for c in AUTH_CONFIGS.values()
        },
        known=sorted({c["la_name"] for c in AUTH_CONFIGS.values()} | {STUDY["region"]}),
    script:
        "scripts/coding.py"
