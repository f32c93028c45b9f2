"""Every figure's ID (its file stem), stated once for the figure modules and the rules.

Light on purpose: the rule files import this module when Snakemake parses them, so it
imports nothing beyond the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SURVEY_ID = "FIG-SURVEY-diverging"
# The metric drawn month by month as small multiples (one panel per LA).
TREND_METRIC = "child_oversight_28d"
GRADES_ID = "FIG-GRADES-audits"
# The network's questions (config/network.yaml): S47 to ICPC conversion over the years, and
# each LA's latest value.
S47 = "s47_icpc_conversion"
S47_TREND_ID = "FIG-S47-ICPC-TREND"
S47_LATEST_ID = "FIG-S47-ICPC-LATEST"


def funnel_id(metric: str) -> str:
    """The funnel plot of one metric."""
    return f"FIG-FUNNEL-{metric}"


def rank_id(metric: str) -> str:
    """The ranked (caterpillar) chart of one metric."""
    return f"FIG-RANK-{metric}"


def trend_id(metric: str) -> str:
    """The monthly small multiples of one metric."""
    return f"FIG-TREND-{metric}"


def link_id(metric: str, indicator: str) -> str:
    """One oversight metric beside one published DfE indicator."""
    return f"FIG-LINK-{metric}-{indicator}"


def impact_event_id(metric: str) -> str:
    """The event study of adopting a template, for one outcome."""
    return f"FIG-IMPACT-EVENT-{metric}"


def impact_its_id(metric: str) -> str:
    """Each LA's interrupted time series step, for one outcome."""
    return f"FIG-IMPACT-ITS-{metric}"


def kpi_id(indicator: str) -> str:
    """The time series of one of the network's KPIs."""
    return f"FIG-KPI-{indicator}"


def headlines(definitions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The headline metrics of config/metrics.yaml (``headline: true``), in its order."""
    return [m for m, d in definitions.items() if d.get("headline")]


def figure_ids(definitions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The comparison figures: a funnel and a ranked chart of each headline metric, the
    monthly trend and the audit grades."""
    metrics = headlines(definitions)
    return (
        [funnel_id(m) for m in metrics]
        + [rank_id(m) for m in metrics]
        + [trend_id(TREND_METRIC), GRADES_ID]
    )


def link_ids(pairs: Iterable[Sequence[str]]) -> list[str]:
    """The link figures of config.yaml's ``links.pairs`` ([metric, indicator] each)."""
    return [link_id(metric, indicator) for metric, indicator in pairs]


def network_ids(network_config: Mapping[str, Any]) -> list[str]:
    """The figures of the network's questions: the S47 trend and latest values, then one
    time series per KPI of config/network.yaml (``kpis``, each with an ``indicator``)."""
    return [S47_TREND_ID, S47_LATEST_ID] + [kpi_id(k["indicator"]) for k in network_config["kpis"]]
