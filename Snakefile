# oversight: raw LA extracts -> validated, pseudonymised common datasets -> statistics -> report.
# Rules are split by stage in rules/*.smk; each rule is thin and calls src/oversight/.
# Used as a module in another project (README, "Deploy the workflow in another project"), the
# workflow finds its own files beside this one and the study's in that project's folder.
from snakemake.utils import min_version

# The Snakemake the workflow is tested with (requirements.lock pins 9.27.1).
min_version("9.27")


configfile: "config/config.yaml"


# The front page of Snakemake's run report (snakemake --report report.zip).
report: "rules/report/workflow.rst"


include: "rules/common.smk"
include: "rules/ingest.smk"
include: "rules/quality.smk"
include: "rules/compare.smk"
include: "rules/published.smk"
include: "rules/figures.smk"
include: "rules/coding.smk"
include: "rules/survey.smk"
include: "rules/impact.smk"
include: "rules/hypothesis.smk"
include: "rules/disclosure.smk"
include: "rules/open_data.smk"
include: "rules/report.smk"


rule all:
    default_target: True
    input:
        every_output,


# Light roll-ups (under a second, a few MB of files): on a cluster they run in the Snakemake
# process's machine instead of waiting in the scheduler's queue; locally nothing changes.
localrules:
    all,
    open_data,
    ledger,
    dataset_ledger,
    quality_index,
    provenance,
    publication,
