"""The figure rules: every comparison figure of the published metrics, and the figures
that set them beside the DfE indicators and the network's questions."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from oversight.compare.metrics import definitions
from oversight.figures.funnel import funnel_plot
from oversight.figures.grades import grade_distribution
from oversight.figures.rank import caterpillar_plot
from oversight.figures.style import FigureSpec
from oversight.figures.trend import YEAR_TREND_METRIC, trend_small_multiples


def headline_metrics() -> list[str]:
    return [m for m, d in definitions().items() if d.get("headline")]


def build_all(
    table: pd.DataFrame, period: str, names: Mapping[str, str] | None = None
) -> list[tuple[Figure, FigureSpec]]:
    """Funnel and caterpillar plots of every headline metric, the monthly trend and the
    regional grade distribution."""
    figures: list[tuple[Figure, FigureSpec]] = []
    for metric in headline_metrics():
        figures.append(funnel_plot(table, metric, period, names))
        figures.append(caterpillar_plot(table, metric, period, names))
    figures.append(trend_small_multiples(table, YEAR_TREND_METRIC, names))
    figures.append(grade_distribution(table, period, names))
    return figures
