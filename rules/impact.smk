# Phase 2: the impact of the part 1 and part 2 templates on the monthly outcomes, per LA
# (interrupted time series) and across LAs adopting at different times (staggered
# difference-in-differences), as the analysis plan in config/impact.yaml sets out.
IMPACT = oc.load_checked("config/impact.yaml", "impact.schema.yaml")
IMPACT_OUTCOMES = list(IMPACT["plan"]["outcomes"])
IMPACT_FIGURES = [f"FIG-IMPACT-EVENT-{m}" for m in IMPACT_OUTCOMES] + [
    f"FIG-IMPACT-ITS-{m}" for m in IMPACT_OUTCOMES
]


rule impact:
    input:
        series=expand(f"{INTERIM}/{{la}}/impact_series.csv", la=AUTHORITIES),
        plan="config/impact.yaml",
        ledger=f"{RESULTS}/quality/ledger.csv",
        code=code("impact"),
    output:
        panel=f"{INTERIM}/tables/impact_panel.csv",
        its=f"{INTERIM}/tables/impact_its.csv",
        did=f"{INTERIM}/tables/impact_did.csv",
        events=f"{INTERIM}/tables/impact_event_study.csv",
        att_gt=f"{INTERIM}/tables/impact_att_gt.csv",
        manifest=f"{RESULTS}/figures/impact.json",
        svg=expand(f"{RESULTS}/figures/{{id}}.svg", id=IMPACT_FIGURES),
        png=expand(f"{RESULTS}/figures/{{id}}.png", id=IMPACT_FIGURES),
        prov=prov("impact"),
    log:
        "logs/impact/impact.log",
    benchmark:
        "logs/benchmarks/impact/impact.tsv"
    conda:
        "../environment.yml"
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
