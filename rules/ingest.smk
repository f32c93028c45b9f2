# Ingest: one job per LA and dataset reads that dataset's raw extract, validates every cell,
# and writes its harmonised, pseudonymised rows, rejects with reasons, ledger line and notes.
# A correction to one LA's file of one dataset reruns that job alone and what reads its output.


rule ingest:
    input:
        config=f"{AUTH_DIR}/{{la}}.yaml",
        survey="config/survey.yaml",
        # The folder, not its files: Snakemake's log lists every input by name. Its mtime
        # is ignored (a file no path names would rerun ingest); params.raw_fingerprint
        # reruns it when a raw file of the dataset is added, removed, replaced or touched.
        raw=ancient(raw_folder),
        manifest=demo_manifest,
        code=code("ingest"),
    output:
        data=path("dataset"),
        rejects=path("rejects"),
        # The dataset's ledger line before its status is judged (rule dataset_ledger).
        line=path("ingest_line"),
        notes=path("ingest_notes"),
        prov=prov("ingest", "la", "dataset"),
    log:
        "logs/ingest/{la}/{dataset}.log",
    benchmark:
        "logs/benchmarks/ingest/{la}/{dataset}.tsv"
    conda:
        ENV
    resources:
        mem_mb=ingest_mem_mb,
        runtime=30,
    params:
        raw=RAW,
        raw_fingerprint=raw_fingerprint,
        study=STUDY,
        survey_items=SURVEY_ITEMS,
        privacy=config["privacy"],
        ingest=config.get("ingest", {}),
    script:
        "scripts/ingest.py"
