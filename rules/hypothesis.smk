# The study's hypothesis, tested as its plan says (config/hypothesis.yaml): recording patterns
# of held supervisions, part 2 content in case-supervision record texts, discussed against
# recorded from the survey pairs, the focus-group codes, and the verdicts.


rule hypothesis:
    input:
        supervision=path("dataset", dataset="supervision", la=AUTHORITIES),
        survey=path("dataset", dataset="survey", la=AUTHORITIES),
        segments=path("coding_segments"),
        plan=HYPOTHESIS_PLAN,
        instrument="config/survey.yaml",
        codebook="config/codebook.yaml",
        ledger=gate("hypothesis"),
        code=code("hypothesis"),
    output:
        patterns=path("analysis_table", name="hypothesis_patterns"),
        file_content=path("analysis_table", name="hypothesis_file_content"),
        pairs=path("analysis_table", name="hypothesis_pairs"),
        focus_groups=path("analysis_table", name="hypothesis_focus_groups"),
        verdict=path("analysis_table", name="hypothesis_verdict"),
        prov=prov("hypothesis"),
    log:
        "logs/hypothesis/hypothesis.log",
    benchmark:
        "logs/benchmarks/hypothesis/hypothesis.tsv"
    conda:
        ENV
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
