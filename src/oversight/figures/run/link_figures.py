"""Rule ``link_figures`` as one function: the figures that set the oversight metrics beside
the DfE indicators and the network's questions, each written as SVG and PNG beside its
manifest, and the network minutes' matches with the data."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from oversight import artefacts
from oversight.config import load_yaml
from oversight.disclosure.readback import read_published_metrics
from oversight.figures.ids import S47
from oversight.figures.links import link_plot
from oversight.figures.network import (
    dfe_marks,
    indicator_small_multiples,
    kpi_time_series,
    latest_dot_plot,
)
from oversight.figures.style import FigureSpec, Marks, marks_for, save, write_manifest
from oversight.published.network import load_network, minutes_table
from oversight.published.network import minutes as stated_minutes


def _years(kpis: pd.DataFrame, indicator: str) -> list[int]:
    """The reporting years with any LA value of the indicator."""
    rows = kpis[(kpis["indicator"] == indicator) & kpis["value"].notna()]
    return sorted(int(p) for p in rows["period"].unique())


def network_figures(
    kpis: pd.DataFrame,
    network: Mapping[str, Any],
    indicators: Mapping[str, dict],
    names: Mapping[str, str],
    region: str,
) -> Iterator[tuple[Figure, FigureSpec, Marks]]:
    """The S47 conversion figures and one time series per KPI of config/network.yaml
    (``network``), each with its DfE marks, drawn one at a time."""
    sources = network["sources"]
    s47 = indicators[S47]
    s47_marks = dfe_marks(sources[s47["release"]], _years(kpis, S47))
    said = stated_minutes(network)
    yield (*indicator_small_multiples(kpis, S47, s47["label"], names, region=region), s47_marks)
    yield (*latest_dot_plot(kpis, S47, s47["label"], names, said, region=region), s47_marks)
    for kpi in network["kpis"]:
        spec = indicators[kpi["indicator"]]
        percent = spec["kind"] == "proportion"
        fig, fspec = kpi_time_series(
            kpis, kpi["indicator"], spec["label"], names, percent, region=region
        )
        yield fig, fspec, dfe_marks(sources[spec["release"]], _years(kpis, kpi["indicator"]))


def link_figures(
    metrics: pd.DataFrame,
    kpis: pd.DataFrame,
    indicators: Mapping[str, dict],
    pairs: Sequence[Sequence[str]],
    periods: tuple[str, str],
    names: Mapping[str, str],
    demo: bool,
) -> Iterator[tuple[Figure, FigureSpec, Marks]]:
    """Each [metric, indicator] of ``pairs`` as a link figure with its marks, drawn one at a
    time; ``periods`` is the study year and the DfE reporting year set beside it."""
    year, kpi_period = periods
    for metric, indicator in pairs:
        label = indicators[indicator]["label"]
        fig, spec = link_plot(
            metrics, kpis, metric, indicator, year, kpi_period, label, names, demo=demo
        )
        release = indicators[indicator]["release"]
        fields = {"period": year, "kpi_period": kpi_period, "release": release}
        yield fig, spec, marks_for("link", demo, **fields)


def run_link_figures(
    *,
    metrics: str | Path,
    kpis: str | Path,
    config: str | Path,
    network: str | Path,
    manifest: str | Path,
    minutes: str | Path,
    pairs: Sequence[Sequence[str]],
    kpi_period: str,
    year: str,
    demo: bool,
    names: Mapping[str, str],
    region: str,
) -> list[dict[str, str]]:
    """Rule ``link_figures``: each LA's oversight metrics beside its published indicators
    (``pairs`` of the metrics table ``metrics`` and the KPI table ``kpis``, labelled from
    config/published.yaml ``config``), and the network's questions (config/network.yaml
    ``network``) over the years, saved beside ``manifest``, which lists them; the network
    minutes' matches with the data are written to ``minutes``. ``region`` names the study's
    region in the network figures. Returns the manifest's entries."""
    table = read_published_metrics(metrics)
    kpi_table = pd.read_csv(kpis, dtype={"la_code": str, "period": str})
    indicators = load_yaml(Path(config))["indicators"]
    network_config = load_network(network)
    # The minutes against the data, published beside the figures (TAB-NET-MINUTES).
    artefacts.write_csv(minutes_table(kpi_table, stated_minutes(network_config)), minutes)
    periods = (year, kpi_period)
    drawn = itertools.chain(
        link_figures(table, kpi_table, indicators, pairs, periods, names, bool(demo)),
        network_figures(kpi_table, network_config, indicators, names, region),
    )
    out_dir = Path(manifest).parent
    entries = [save(fig, spec, out_dir, marks) for fig, spec, marks in drawn]
    write_manifest(entries, manifest)
    return entries
