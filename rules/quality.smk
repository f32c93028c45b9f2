# Data quality: links between each LA's datasets and their status, the regional ledger (which
# must balance) and one page per LA for its data lead.
from oversight.quality.links import link_datasets

LINK_DATASETS = link_datasets()


# Its own job per LA, after ingest, so that changing the study's limits reruns only this and
# what reads the ledger, and so that ingest can later be split per dataset.
rule links:
    input:
        data=path("dataset", dataset=LINK_DATASETS),
        ledger=path("ingest_ledger"),
        code=code("links"),
    output:
        ledger=path("la_ledger"),
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


# Templates the quality pages include: a change to them reruns the pages.
QUALITY_PARTIALS = [
    "report_templates/_style.css.j2",
    "report_templates/_not_for_publication.html.j2",
]


rule ledger:
    input:
        path("la_ledger", la=AUTHORITIES),
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
        ledger=path("la_ledger"),
        notes=path("notes"),
        links=path("links"),
        template="report_templates/quality.html.j2",
        partials=QUALITY_PARTIALS,
        code=code("quality_page"),
    output:
        path("quality_page"),
        prov=prov("quality_page", "la"),
    log:
        "logs/quality/{la}.log",
    benchmark:
        "logs/benchmarks/quality/{la}.tsv"
    conda:
        ENV
    params:
        examples=config["quality"]["examples_per_rule"],
        study=STUDY,
    script:
        "scripts/quality_page.py"


rule quality_index:
    input:
        ledger=path("ledger"),
        template="report_templates/quality_index.html.j2",
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
