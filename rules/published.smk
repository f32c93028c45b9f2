# Published data: DfE releases to the kpis dataset and table, what changed between releases,
# and the Ofsted inspection reports to the inspections dataset.
from oversight.published.report_files import study_reports

PUBLISHED = oc.load_yaml(Path("config/published.yaml"))


# Only the study LAs' reports: the folder may hold others (oversight.published.report_files).
OFSTED_REPORTS = study_reports(
    f"{RAW}/published/ofsted", config["paths"]["la_reference"]
)


rule kpis:
    input:
        releases=[f"{RAW}/{r['path']}" for r in PUBLISHED["releases"].values()],
        neighbours=f"{RAW}/{PUBLISHED['neighbours']['path']}",
        reference=config["paths"]["la_reference"],
        config="config/published.yaml",
        code=code("kpis"),
    output:
        dataset=path("kpis_dataset"),
        table=path("analysis_table", name="kpis"),
        prov=prov("kpis"),
    log:
        "logs/published/kpis.log",
    benchmark:
        "logs/benchmarks/published/kpis.tsv"
    conda:
        ENV
    params:
        region_code=STUDY["region_code"],
        comparator=config["comparison"].get("kpi_comparator", "england"),
    script:
        "scripts/kpis.py"


rule release_diff:
    input:
        release=lambda w: f"{RAW}/{PUBLISHED['releases'][w.release]['path']}",
        previous=lambda w: (
            [f"{RAW}/{PUBLISHED['releases'][w.release]['previous']}"]
            if PUBLISHED["releases"][w.release].get("previous")
            else []
        ),
        code=code("release_diff"),
    output:
        path("release_diff"),
        counts=path("release_revisions"),
        prov=prov("release_diff", "release"),
    log:
        "logs/published/release_diff_{release}.log",
    benchmark:
        "logs/benchmarks/published/release_diff_{release}.tsv"
    wildcard_constraints:
        release="|".join(PUBLISHED["releases"]),
    conda:
        ENV
    params:
        spec=lambda w: PUBLISHED["releases"][w.release],
    script:
        "scripts/release_diff.py"


rule inspections:
    input:
        reports=OFSTED_REPORTS,
        reference=config["paths"]["la_reference"],
        code=code("inspections"),
    output:
        dataset=path("inspections_dataset"),
        latest=path("analysis_table", name="ofsted_latest"),
        improve=path("analysis_table", name="ofsted_what_needs_to_improve"),
        set_aside=path("analysis_table", name="ofsted_set_aside"),
        prov=prov("inspections"),
    log:
        "logs/published/inspections.log",
    benchmark:
        "logs/benchmarks/published/inspections.tsv"
    conda:
        ENV
    script:
        "scripts/inspections.py"
