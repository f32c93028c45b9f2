"""Snakemake job: each LA's oversight metrics beside its published indicators, and the
network's questions (S47 to ICPC conversion, the funding request's KPIs) over the years."""

from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.config import load_yaml
from oversight.disclosure.publish import read_published_metrics
from oversight.figures.links import link_plot
from oversight.figures.network import (
    S47,
    dfe_marks,
    indicator_small_multiples,
    kpi_time_series,
    latest_dot_plot,
)
from oversight.figures.style import marks_for, save
from oversight.published.network import load_network, minutes, minutes_table

sm = snakemake  # noqa: F821 (provided by Snakemake)


def _years(kpis: pd.DataFrame, indicator: str) -> list[int]:
    """The reporting years with any LA value of the indicator."""
    rows = kpis[(kpis["indicator"] == indicator) & kpis["value"].notna()]
    return sorted(int(p) for p in rows["period"].unique())


def network_figures(kpis: pd.DataFrame, indicators: dict, names: dict) -> list[dict]:
    """The S47 conversion figures and one time series per KPI of config/network.yaml; writes
    the minutes' matches as a table."""
    network = load_network(sm.input.network)
    sources = network["sources"]
    out_dir = Path(sm.output.manifest).parent
    s47 = indicators[S47]
    marks = dfe_marks(sources[s47["release"]], _years(kpis, S47))
    # The minutes against the data, published beside the figures (TAB-NET-MINUTES).
    artefacts.write_csv(minutes_table(kpis, minutes(network)), sm.output.minutes)
    manifest = [
        save(*indicator_small_multiples(kpis, S47, s47["label"], names), out_dir, marks),
        save(*latest_dot_plot(kpis, S47, s47["label"], names, minutes(network)), out_dir, marks),
    ]
    for kpi in network["kpis"]:
        spec = indicators[kpi["indicator"]]
        fig, fspec = kpi_time_series(
            kpis, kpi["indicator"], spec["label"], names, percent=spec["kind"] == "proportion"
        )
        marks = dfe_marks(sources[spec["release"]], _years(kpis, kpi["indicator"]))
        manifest.append(save(fig, fspec, out_dir, marks))
    return manifest


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
    manifest += network_figures(kpis, indicators, dict(sm.params.names))
    artefacts.write_json(sorted(manifest, key=lambda m: m["id"]), sm.output.manifest)


jobs.run(sm.log[0], main, "link figures", sm)
