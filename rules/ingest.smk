# Ingest: one job per LA reads its raw extracts, validates every cell, and writes harmonised,
# pseudonymised datasets, rejects with reasons, and the LA's ledger lines.


rule ingest:
    input:
        config=f"{AUTH_DIR}/{{la}}.yaml",
        survey="config/survey.yaml",
        # The folder, not its files: Snakemake's log lists every input by name. Its mtime
        # is ignored (a file no path names would rerun ingest); params.raw_fingerprint
        # reruns it when a raw file is added, removed, replaced or touched.
        raw=ancient(raw_folder),
        manifest=demo_manifest,
        code=code("ingest"),
    output:
        data=path("dataset", dataset=DATASETS),
        rejects=path("rejects", dataset=DATASETS),
        # The LA's ledger lines before the links rule adds each dataset's status.
        ledger=path("ingest_ledger"),
        notes=path("notes"),
        prov=prov("ingest", "la"),
    log:
        "logs/ingest/{la}.log",
    benchmark:
        "logs/benchmarks/ingest/{la}.tsv"
    conda:
        ENV
    resources:
        mem_mb=ingest_mem_mb,
        runtime=30,
    params:
        raw=RAW,
        raw_fingerprint=raw_fingerprint,
        datasets=DATASETS,
        study=STUDY,
        survey_items=SURVEY_ITEMS,
        privacy=config["privacy"],
        ingest=config.get("ingest", {}),
    script:
        "scripts/ingest.py"
