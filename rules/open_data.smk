# Open data: the published tables in the shape of DfE's Explore Education Statistics (EES),
# each data file with its metadata file (config/open_data.yaml), made from the
# disclosure-controlled tables of results/tables/ only and checked against the EES standards.
# Needs PUBLISHED_TABLES (rules/disclosure.smk).
from oversight.opendata.spec import file_names, load_spec

OPEN_DATA = load_spec("config/open_data.yaml", PUBLISHED_TABLES)
# One file per table and kind of period (year, quarters, months), known before the run.
OPEN_DATA_FILES = file_names(OPEN_DATA["tables"])


rule open_data:
    input:
        tables=path("published_table", name=list(OPEN_DATA["tables"])),
        config="config/open_data.yaml",
        catalogue="config/tables.yaml",
        authorities=[f"{AUTH_DIR}/{la}.yaml" for la in AUTHORITIES],
        reference=config["paths"]["la_reference"],
        code=code("open_data"),
    output:
        data=report_open_data(OPEN_DATA_FILES),
        meta=path("open_data_meta", name=OPEN_DATA_FILES),
        prov=prov("open_data"),
    log:
        "logs/open_data/open_data.log",
    benchmark:
        "logs/benchmarks/open_data/open_data.tsv"
    conda:
        ENV
    params:
        region_code=STUDY["region_code"],
        region_name=STUDY["region"],
        period_start=STUDY["period_start"],
    script:
        "scripts/open_data.py"
