# The study's hypothesis, tested as its plan says (config/hypothesis.yaml): recording patterns
# of held supervisions, part 2 content in case-supervision record texts, discussed against
# recorded from the survey pairs, the focus-group codes, and the verdicts.


rule hypothesis:
    input:
        supervision=expand(f"{INTERIM}/{{la}}/supervision.parquet", la=AUTHORITIES),
        survey=expand(f"{INTERIM}/{{la}}/survey.parquet", la=AUTHORITIES),
        segments=f"{INTERIM}/coding/segments.parquet",
        plan="config/hypothesis.yaml",
        instrument="config/survey.yaml",
        codebook="config/codebook.yaml",
        ledger=f"{RESULTS}/quality/ledger.csv",
        code=code("hypothesis"),
    output:
        patterns=f"{INTERIM}/tables/hypothesis_patterns.csv",
        file_content=f"{INTERIM}/tables/hypothesis_file_content.csv",
        pairs=f"{INTERIM}/tables/hypothesis_pairs.csv",
        focus_groups=f"{INTERIM}/tables/hypothesis_focus_groups.csv",
        verdict=f"{INTERIM}/tables/hypothesis_verdict.csv",
        prov=prov("hypothesis"),
    log:
        "logs/hypothesis/hypothesis.log",
    benchmark:
        "logs/benchmarks/hypothesis/hypothesis.tsv"
    conda:
        "../environment.yml"
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        region_code=STUDY["region_code"],
        period_start=STUDY["period_start"],
        period_end=STUDY["period_end"],
        min_n=config["disclosure"]["survey_min_n"],
    script:
        "scripts/hypothesis.py"
