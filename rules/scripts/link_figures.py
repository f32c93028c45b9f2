"""Snakemake job: each LA's oversight metrics beside its published indicators."""

from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import load_yaml
from oversight.figures import link_plot, marks_for, save
from oversight.report.publish import read_published_metrics

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    metrics = read_published_metrics(sm.input.metrics)
    kpis = pd.read_csv(sm.input.kpis, dtype={"la_code": str, "period": str})
    indicators = load_yaml(Path(sm.input.config))["indicators"]
    labels = {k: v["label"] for k, v in indicators.items()}
    out_dir = Path(sm.output.manifest).parent
    manifest = []
    for metric, indicator in sm.params.pairs:
        fig, spec = link_plot(
            metrics,
            kpis,
            metric,
            indicator,
            sm.params.year,
            sm.params.kpi_period,
            labels[indicator],
            dict(sm.params.names),
            demo=bool(sm.params.demo),
        )
        marks = marks_for(
            "link",
            bool(sm.params.demo),
            period=sm.params.year,
            kpi_period=sm.params.kpi_period,
            release=indicators[indicator]["release"],
        )
        manifest.append(save(fig, spec, out_dir, marks))
    artefacts.write_json(sorted(manifest, key=lambda m: m["id"]), sm.output.manifest)


jobs.run(sm.log[0], main, "link figures", sm)
