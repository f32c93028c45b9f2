"""Rule ``figures`` as one function: every comparison figure of the published metrics, each
written as SVG and PNG beside its manifest."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from oversight.compare.metrics import definitions
from oversight.disclosure.readback import read_published_metrics
from oversight.figures.funnel import funnel_plot
from oversight.figures.grades import grade_distribution
from oversight.figures.ids import TREND_METRIC, headlines
from oversight.figures.rank import caterpillar_plot
from oversight.figures.style import FigureSpec, marks_for, save, write_manifest
from oversight.figures.trend import trend_small_multiples

Drawn = tuple[Figure, FigureSpec]


def headline_metrics() -> list[str]:
    """The headline metrics of config/metrics.yaml, drawn as funnels and ranked charts."""
    return headlines(definitions())


def build_all(
    table: pd.DataFrame, period: str, names: Mapping[str, str] | None = None
) -> list[Drawn]:
    """Funnel and caterpillar plots of every headline metric, the monthly trend and the
    regional grade distribution."""
    figures: list[Drawn] = []
    for metric in headline_metrics():
        figures.append(funnel_plot(table, metric, period, names))
        figures.append(caterpillar_plot(table, metric, period, names))
    figures.append(trend_small_multiples(table, TREND_METRIC, names))
    figures.append(grade_distribution(table, period, names))
    return figures


def run_figures(
    *,
    metrics: str | Path,
    manifest: str | Path,
    year: str,
    names: Mapping[str, str],
    demo: bool,
) -> list[dict[str, str]]:
    """Rule ``figures``: the comparison figures of the published metrics table ``metrics``
    for the study ``year`` (``names``: LA and region code to name), each saved as SVG and PNG
    beside ``manifest``, which lists them. ``demo`` marks every image as synthetic data.
    Returns the manifest's entries."""
    table = read_published_metrics(metrics)
    out_dir = Path(manifest).parent
    marks = marks_for("comparison", bool(demo), period=year)
    entries = [save(fig, spec, out_dir, marks) for fig, spec in build_all(table, year, names)]
    write_manifest(entries, manifest)
    return entries
