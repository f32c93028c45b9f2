# Qualitative analysis. The codebook is applied to focus-group turns, survey comments and Ofsted
# report sections; frequencies, co-occurrence, redacted exemplar quotes, REFI-QDA exports, and
# what inspectors said about management oversight.


rule coding:
    input:
        transcripts=path("dataset", dataset="transcripts", la=AUTHORITIES),
        survey=path("dataset", dataset="survey", la=AUTHORITIES),
        inspections=path("inspections_dataset"),
        codebook="config/codebook.yaml",
        ledger=gate("coding"),
        code=code("coding"),
    output:
        segments=path("coding_segments"),
        frequencies=path("analysis_table", name="code_frequencies"),
        cooccurrence=path("analysis_table", name="code_cooccurrence"),
        quotes=path("analysis_table", name="quotes"),
        themes=path("analysis_table", name="focus_group_themes"),
        inspectors=path("analysis_table", name="inspectors_oversight"),
        inspector_quotes=path("analysis_table", name="inspectors_quotes"),
        withheld=path("quotes_withheld"),
        qdc=path("codebook_qdc"),
        qdpx=path("focus_groups_qdpx"),
        prov=prov("coding"),
    log:
        "logs/coding/coding.log",
    benchmark:
        "logs/benchmarks/coding/coding.tsv"
    conda:
        ENV
    resources:
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
