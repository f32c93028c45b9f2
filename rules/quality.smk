# Data quality: links between each LA's datasets, each dataset's ledger (every LA's line of it,
# judged and balanced: the gate of what reads that dataset), the regional ledger and one page
# per LA for its data lead.
# Its own job per LA, after the ingest of the datasets it links, so that changing the study's
# limits reruns only what judges a status, and a correction to a dataset no check reads
# (transcripts, survey) never reruns it.
rule links:
    input:
        data=path("dataset", dataset=LINK_DATASETS),
        lines=path("ingest_line", dataset=LINK_DATASETS),
        code=code("links"),
    output:
        links=path("links"),
        prov=prov("links", "la"),
    log:
        "logs/links/{la}.log",
    benchmark:
        "logs/benchmarks/links/{la}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
    params:
        datasets=LINK_DATASETS,
        quality=config["quality"],
        examples=config["quality"]["examples_per_rule"],
    script:
        "scripts/links.py"


rule dataset_ledger:
    input:
        lines=path("ingest_line", la=AUTHORITIES),
        links=dataset_links,
        code=code("dataset_ledger"),
    output:
        path("dataset_ledger"),
        prov=prov("dataset_ledger", "dataset"),
    log:
        "logs/quality/ledger_{dataset}.log",
    benchmark:
        "logs/benchmarks/quality/ledger_{dataset}.tsv"
    conda:
        ENV
    params:
        quality=config["quality"],
    script:
        "scripts/dataset_ledger.py"


# Templates the quality pages include: a change to them reruns the pages.
QUALITY_PARTIALS = [
    template("_style.css.j2"),
    template("_not_for_publication.html.j2"),
]


rule ledger:
    input:
        ledgers=path("dataset_ledger", dataset=DATASETS),
        code=code("ledger"),
    output:
        path("ledger"),
        prov=prov("ledger"),
    log:
        "logs/quality/ledger.log",
    benchmark:
        "logs/benchmarks/quality/ledger.tsv"
    conda:
        ENV
    script:
        "scripts/ledger.py"


rule quality_page:
    input:
        config=f"{AUTH_DIR}/{{la}}.yaml",
        rejects=path("rejects", dataset=DATASETS),
        lines=path("ingest_line", dataset=DATASETS),
        notes=path("ingest_notes", dataset=DATASETS),
        links=path("links"),
        template=template("quality.html.j2"),
        partials=QUALITY_PARTIALS,
        code=code("quality_page"),
    output:
        page=path("quality_page"),
        ledger=path("la_ledger"),
        notes=path("notes"),
        prov=prov("quality_page", "la"),
    log:
        "logs/quality/{la}.log",
    benchmark:
        "logs/benchmarks/quality/{la}.tsv"
    conda:
        ENV
    params:
        examples=config["quality"]["examples_per_rule"],
        quality=config["quality"],
        study=STUDY,
    script:
        "scripts/quality_page.py"


rule quality_index:
    input:
        ledger=path("ledger"),
        template=template("quality_index.html.j2"),
        partials=QUALITY_PARTIALS,
        code=code("quality_index"),
    output:
        path("quality_index"),
        prov=prov("quality_index"),
    log:
        "logs/quality/index.log",
    benchmark:
        "logs/benchmarks/quality/index.tsv"
    conda:
        ENV
    params:
        study=STUDY,
        authorities={
            la: {k: AUTH_CONFIGS[la][k] for k in ("la_name", "la_code")}
            for la in AUTHORITIES
        },
    script:
        "scripts/quality_index.py"
