# Phase 2: the impact of the part 1 and part 2 templates on the monthly outcomes, per LA
# (interrupted time series) and across LAs adopting at different times (staggered
# difference-in-differences), as the analysis plan sets out (paths.impact: config/impact.yaml
# unless the study names another).
IMPACT = oc.load_checked(IMPACT_PLAN, "impact.schema.yaml")
IMPACT_OUTCOMES = list(IMPACT["plan"]["outcomes"])
IMPACT_FIGURES = [figure_ids.impact_event_id(m) for m in IMPACT_OUTCOMES] + [
    figure_ids.impact_its_id(m) for m in IMPACT_OUTCOMES
]


rule impact:
    input:
        series=path("impact_series", la=AUTHORITIES),
        plan=IMPACT_PLAN,
        ledger=gate("impact"),
        code=code("impact"),
    output:
        panel=path("analysis_table", name="impact_panel"),
        its=path("analysis_table", name="impact_its"),
        did=path("analysis_table", name="impact_did"),
        events=path("analysis_table", name="impact_event_study"),
        att_gt=path("analysis_table", name="impact_att_gt"),
        manifest=path("figure_manifest", set="impact"),
        svg=report_figures(
            IMPACT_FIGURES,
            path("figure_manifest", set="impact"),
            "Impact of the templates",
        ),
        png=path("figure_png", id=IMPACT_FIGURES),
        prov=prov("impact"),
    log:
        "logs/impact/impact.log",
    benchmark:
        "logs/benchmarks/impact/impact.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        plan=IMPACT["plan"],
        adoption=IMPACT["adoption"],
        codes={la: AUTH_CONFIGS[la]["la_code"] for la in AUTHORITIES},
        first_month=STUDY["period_start"][:7],
        names=LA_NAMES,
        demo=DEMO,
    script:
        "scripts/impact.py"
