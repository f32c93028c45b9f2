# Figures: the comparison charts (funnels, rankings, trend, grades) from the published
# metrics, and the charts of the DfE indicators and the network's questions. The survey
# and impact figures are drawn by their own stages with the same figure library.
# Figure IDs are stated once, in oversight.figures.ids (figure_ids, rules/common.smk).
FIGURE_IDS = figure_ids.figure_ids(METRICS)
LINK_IDS = figure_ids.link_ids(config["links"]["pairs"])
# The network's questions (config/network.yaml): S47 to ICPC conversion and the funding
# request's KPIs over the years, drawn from the DfE figures alone.
NETWORK = oc.load_yaml(Path("config/network.yaml"))
NETWORK_IDS = figure_ids.network_ids(NETWORK)


rule figures:
    input:
        metrics=path("published_table", name="oversight_metrics"),
        code=code("figures"),
    output:
        manifest=path("figure_manifest", set="figures"),
        svg=report_figures(
            FIGURE_IDS, path("figure_manifest", set="figures"), "Comparison of the LAs"
        ),
        png=path("figure_png", id=FIGURE_IDS),
        prov=prov("figures"),
    log:
        "logs/figures/figures.log",
    benchmark:
        "logs/benchmarks/figures/figures.tsv"
    conda:
        ENV
    params:
        year=YEAR,
        names=LA_NAMES | {STUDY["region_code"]: STUDY["region"]},
        demo=DEMO,
    script:
        "scripts/figures.py"


rule link_figures:
    input:
        metrics=path("published_table", name="oversight_metrics"),
        kpis=path("analysis_table", name="kpis"),
        config="config/published.yaml",
        network="config/network.yaml",
        code=code("link_figures"),
    output:
        manifest=path("figure_manifest", set="links"),
        minutes=path("analysis_table", name="network_minutes"),
        svg=report_figures(
            LINK_IDS + NETWORK_IDS,
            path("figure_manifest", set="links"),
            "Published indicators",
        ),
        png=path("figure_png", id=LINK_IDS + NETWORK_IDS),
        prov=prov("link_figures"),
    log:
        "logs/figures/link_figures.log",
    benchmark:
        "logs/benchmarks/figures/link_figures.tsv"
    conda:
        ENV
    params:
        pairs=config["links"]["pairs"],
        kpi_period=config["links"]["kpi_period"],
        year=YEAR,
        demo=DEMO,
        names=LA_NAMES,
        region=STUDY["region"],
    script:
        "scripts/link_figures.py"
