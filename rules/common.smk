# Shared set-up: validated configuration, the authority list, and what each LA's jobs read.
import json
import math
import zipfile
from functools import cache, partial
from pathlib import Path

from snakemake.exceptions import WorkflowError

# Snakemake's report() under another name: snakefmt reads a line opening with `report` as
# the report: directive.
from snakemake.io import report as for_report, strip_wildcard_constraints
from snakemake.logging import logger
from snakemake.sourcecache import LocalSourceFile
from snakemake.utils import validate

# Relative to this file, wherever the workflow is read from (a checkout or a module).
validate(config, "../config/schemas/config.schema.yaml")

import oversight.config as oc
from oversight.catalog import Catalog
from oversight.code_inputs import runs_elsewhere, script_code, software
from oversight.figures import ids as figure_ids
from oversight.compare.metrics import definitions as metric_definitions, periods
from oversight.quality.exclusions import analysis_datasets
from oversight.quality.links import definitions as link_definitions, link_datasets

# No path may lead outside the project unless paths.allow_outside names it.
oc.check_study_paths(config, Path.cwd())

RAW = config["paths"]["raw"]
INTERIM = config["paths"]["interim"]
RESULTS = config["paths"]["results"]
AUTHORITIES = config["authorities"]
DATASETS = config["datasets"]
STUDY = config["study"]
# The folder of the LA configurations (one <slug>.yaml each).
AUTH_DIR = config["paths"].get("authorities", "config/authorities")
# The impact analysis plan and which LAs adopted the templates when.
IMPACT_PLAN = config["paths"].get("impact", "config/impact.yaml")
# The hypothesis as registered before the data.
HYPOTHESIS_PLAN = config["paths"].get("hypothesis", "config/hypothesis.yaml")
# The analysts' text of the report (summary, about, methods, limitations).
REPORT_TEXT = config["paths"].get("report_text", "config/report.yaml")
# The one software environment of every rule (--sdm conda), relative to rules/; the run-time
# packages only; the package itself reaches the jobs from the environment Snakemake runs in
# (rules/envs/oversight.yaml says how). What a rule needs of memory and time unless it
# declares more is in the profiles (default-resources).
ENV = "envs/oversight.yaml"
# Every artefact named once (config/artefacts.yaml): rules say path("la_metrics"), not a path.
CATALOG = Catalog.load({"interim": INTERIM, "results": RESULTS})
path = CATALOG.path
# A demo run (the demo manifest exists) marks every artefact as synthetic (oversight.report.marking).
DEMO = Path(config["privacy"]["demo_manifest"]).exists()
AUTH_CONFIGS = {la: oc.load_authority(f"{AUTH_DIR}/{la}.yaml") for la in AUTHORITIES}
METRICS = metric_definitions()
YEAR = periods(STUDY["period_start"], STUDY["period_end"])[0].label
LA_NAMES = {
    AUTH_CONFIGS[la]["la_code"]: AUTH_CONFIGS[la]["la_name"] for la in AUTHORITIES
}
SURVEY_ITEMS = [
    item["id"] for item in oc.load_yaml(Path("config/survey.yaml"))["items"]
]


wildcard_constraints:
    la="|".join(AUTHORITIES),
    dataset="|".join(DATASETS),


# What each package module's source imports and names, kept between runs by the SHA-256 of
# the source (oversight.code_inputs.FactsCache), so that a parse reads no module twice.
CODE_FACTS = ".snakemake/oversight/code_facts.json"


def local_folder(source):
    """The folder of a Snakemake source folder read from the local disk, else None (a
    workflow read from GitHub or another remote source)."""
    if isinstance(source, LocalSourceFile):
        return Path(source.get_path_or_uri(secret_free=True))
    return None


# The workflow's own software (oversight.code_inputs.software): the package source and
# templates of the checkout this file belongs to, or of the installed package when the
# workflow is a remote module. Never the working folder's: used as a module, the workflow
# runs in another project's folder. (workflow.basedir is that project's Snakefile's folder.)
WORKFLOW_DIR = local_folder(workflow.current_basedir)
SOFTWARE = software(WORKFLOW_DIR.parent if WORKFLOW_DIR else None)
if (imported := runs_elsewhere(SOFTWARE)) is not None:
    logger.warning(
        f"The oversight package imported here ({imported}) is not the one the workflow's "
        f"rules declare as their code ({SOFTWARE.src}): jobs run the imported one. Install "
        "the workflow's own package (pip install --no-deps -e <its checkout>)."
    )


def code(script):
    """The package files that rules/scripts/<script>.py runs or reads: what it imports,
    transitively, and the package data those modules name (oversight.code_inputs). Declared
    as inputs, derived and never listed by hand, so that any code change reruns the rule.
    The script is read through Snakemake's source cache (a remote module's too).
    """
    script = workflow.source_path(f"scripts/{script}.py")
    return script_code(script, SOFTWARE.src, cache_file=CODE_FACTS)


def template(name):
    """report_templates/<name> as the workflow's software ships it (SOFTWARE)."""
    return SOFTWARE.template(name)


def raw_files(wildcards):
    """The raw files one LA's configuration names for one dataset (its path, and for the
    transcripts its participants list): only regular files inside data/raw/<la>/
    (oversight.ingest.rawpaths); ingest explains any other path. None for an optional dataset
    the LA does not send. Never a job's declared input: Snakemake's log prints inputs, and a
    raw file's name may be a person's.
    """
    from oversight.ingest.rawpaths import job_inputs

    sent = AUTH_CONFIGS[wildcards.la].get("datasets", {})
    own = {d: spec for d, spec in sent.items() if d == wildcards.dataset}
    return job_inputs(Path(RAW), wildcards.la, {"datasets": own})


def raw_folder(wildcards):
    """The LA's raw folder: ingest's declared input in place of its files, so that no raw
    file name reaches Snakemake's log or metadata (raw_fingerprint reruns ingest on change).
    """
    return f"{RAW}/{wildcards.la}"


def raw_fingerprint(wildcards):
    """SHA-256 over the name below the LA's folder, size and mtime of each raw file of the
    dataset (oversight.ingest.filelabels.fingerprint): a params value, and params changes rerun
    a job by default, so adding, removing, replacing or touching one of them reruns the ingest
    of that dataset alone."""
    from oversight.ingest.filelabels import fingerprint

    return fingerprint(raw_files(wildcards), Path(RAW) / wildcards.la)


# Peak memory of one LA's ingest (now of one dataset: the same measure, its files only), measured by `make bench` (docs/performance.md, "Ingest
# memory"): about 300 MB to start (Python, pandas, pyarrow, pandera), then per MB of raw input
# 15 MB for CSV and other text (a 200 MB CSV peaked at 3.2 GB) and 35 MB for zip containers
# (xlsx, ods, docx: a 24 MB workbook peaked at 1.0 GB). The margin covers changes to ingest
# between measurements; a retried job asks for twice as much, then three times.
INGEST_MEMORY = {
    "base_mb": 300,
    "text_mb_per_mb": 15,
    "zip_mb_per_mb": 35,
    "margin": 1.3,
    "floor_mb": 1000,
}


def ingest_mem_mb(wildcards, input, attempt):
    """mem_mb for one dataset's ingest, from the size and kind of its raw files
    (raw_mem_mb)."""
    return raw_mem_mb(raw_files(wildcards), attempt)


def raw_mem_mb(paths, attempt):
    """mem_mb to ingest the raw files ``paths``, from their size and kind (INGEST_MEMORY)."""
    need = INGEST_MEMORY["base_mb"]
    for raw in paths:
        kind = "zip_mb_per_mb" if zipfile.is_zipfile(raw) else "text_mb_per_mb"
        need += INGEST_MEMORY[kind] * Path(raw).stat().st_size / 2**20
    declared = max(INGEST_MEMORY["floor_mb"], need * INGEST_MEMORY["margin"])
    return math.ceil(declared) * attempt


def demo_manifest(wildcards):
    """The demo manifest when present: a regenerated demo data set reruns ingest."""
    manifest = Path(config["privacy"]["demo_manifest"])
    return [str(manifest)] if manifest.exists() else []


def prov(rule, *wildcards):
    """Where a job records its provenance (oversight.provenance): inputs and outputs with
    their SHA-256, parameters and code version; gathered into results/provenance.json. The
    job is named by its rule and wildcards (ingest/{la}/{dataset}).
    """
    job = Path(rule, *(f"{{{w}}}" for w in wildcards)).as_posix()
    return path("provenance_record", job=job)


def results_outputs(wildcards):
    """Every output under results/ but the publication archive: what rule `publication`
    classes by audience (config/publication.yaml). Derived from the rules, like every_output.
    """
    files = []
    for r in workflow.rules:
        if r.name not in ("all", "publication"):
            files += expanded(r, r.output)
    root = Path(RESULTS)
    return sorted({f for f in files if Path(f).is_relative_to(root)})


def provenance_records(wildcards):
    """Every job's provenance record: one per rule, per wildcard value (per LA, per
    release) for the rules with wildcards."""
    records = []
    for r in workflow.rules:
        if "prov" in r.output.keys():
            records += expanded(r, [r.output.prov])
    return sorted(records)


def wildcard_values():
    """The values each wildcard of an output pattern can hold."""
    return {
        "la": AUTHORITIES,
        "dataset": DATASETS,
        "release": list(PUBLISHED["releases"]),
        "code": sorted(AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES),
    }


def expanded(r, patterns):
    """The paths of output ``patterns`` of rule ``r``, each wildcard expanded over its values
    (wildcard_values); a wildcard without known values is an error, not a silent gap."""
    known = wildcard_values()
    unknown = sorted(set(r.wildcard_names) - set(known))
    if unknown:
        raise WorkflowError(
            f"the outputs of {r.name} use wildcard(s) {unknown} that wildcard_values() in "
            "rules/common.smk does not list; add their values there, so that those outputs "
            "are part of the default target and of provenance"
        )
    values = {name: known[name] for name in r.wildcard_names}
    files = []
    for pattern in patterns:
        # Patterns carry the wildcard constraints, which expand() does not take.
        plain = strip_wildcard_constraints(str(pattern))
        files += expand(plain, **values) if values else [plain]
    return files


def every_output(wildcards):
    """Every output of every rule, its wildcards expanded: the default target. Derived from
    the rules, so no output is left out. Snakemake does not rebuild a missing intermediate
    (removed by a killed job, say) while the outputs made from it are up to date; as a
    target it is rebuilt.
    """
    files = []
    for r in workflow.rules:
        if r.name != "all":
            files += expanded(r, r.output)
    return sorted(set(files))


# The datasets' gates (rules/quality.smk): links between datasets and each dataset's ledger.

LINK_DATASETS = link_datasets()
# The datasets a link check judges (its `dataset`): their status needs each LA's links.json.
CHECKED_DATASETS = sorted({c["dataset"] for c in link_definitions()["links"].values()})


def gate(*analyses):
    """The ledgers of the datasets the regional ``analyses`` read
    (oversight.quality.exclusions): a roll-up waits for, and reruns with, those alone.
    """
    return path("dataset_ledger", dataset=analysis_datasets(*analyses))


def dataset_links(wildcards):
    """Every LA's links.json when a link check judges the dataset, else none."""
    if wildcards.dataset in CHECKED_DATASETS:
        return path("links", la=AUTHORITIES)
    return []


# Snakemake's run report (snakemake --report report.zip): every figure and published table and
# the report itself, each under its category with its ID and caption as labels. A caption
# file (rules/report/*.rst) is one per kind of output: Snakemake gives it no name of the file
# it describes, so the per-file text is in the labels, read when the report is made.


def report_figures(ids, manifest, subcategory):
    """The SVG of each figure of ``ids`` flagged for the run report: under Figures /
    ``subcategory``, with the figure's ID and the caption its ``manifest`` (the JSON its
    rule writes beside the figures) gives."""
    return [
        for_report(
            path("figure_svg", id=fid),
            caption="report/figure.rst",
            category="Figures",
            subcategory=subcategory,
            labels=partial(figure_labels, manifest, fid),
        )
        for fid in ids
    ]


def figure_labels(manifest, fid, wildcards):
    """A figure's labels in the run report: its ID and its caption from ``manifest``."""
    return {"ID": fid, "Caption": manifest_captions(manifest)[fid]}


@cache
def manifest_captions(manifest):
    """Each figure's caption by ID, from a figure manifest (read once per report)."""
    figures = json.loads(Path(manifest).read_text(encoding="utf-8"))
    return {figure["id"]: figure["caption"] for figure in figures}


def report_tables(names, catalogue):
    """The published table of each of ``names`` flagged for the run report: under Tables /
    where its data come from, with its ID and title (its caption) from ``catalogue``
    (config/tables.yaml)."""
    sources = {
        "la_extracts": "From the LAs' extracts",
        "published": "From published statistics and inspection reports",
    }
    return [
        for_report(
            path("published_table", name=name),
            caption="report/table.rst",
            category="Tables",
            subcategory=sources[catalogue[name].get("source", "la_extracts")],
            labels={"ID": catalogue[name]["id"], "Caption": catalogue[name]["title"]},
        )
        for name in names
    ]


def report_document(artefact, what):
    """The report artefact ``artefact`` (config/artefacts.yaml) flagged for the run report,
    under Report, labelled with what it is and the study's title."""
    return for_report(
        path(artefact),
        caption="report/report.rst",
        category="Report",
        labels={"Output": what, "Caption": STUDY["title"]},
    )


def report_open_data(names):
    """Each open data file (results/open_data/<name>.csv) flagged for the run report, under
    Open data, labelled with its file name; its metadata file sits beside it."""
    return [
        for_report(
            path("open_data", name=name),
            caption="report/open_data.rst",
            category="Open data",
            labels={"File": f"{name}.csv", "Metadata": f"{name}.meta.csv"},
        )
        for name in names
    ]
