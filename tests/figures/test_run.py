"""The figure rules as plain functions: run_figures and run_link_figures on small tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from oversight.compare.metrics import definitions
from oversight.figures import run_figures, run_link_figures
from oversight.figures.ids import figure_ids, link_ids, network_ids
from oversight.published.network import load_network
from tests.figures.conftest import NAMES, PERIOD, REGION_CODE

ROOT = Path(__file__).resolve().parents[2]
NETWORK = ROOT / "config" / "network.yaml"
PUBLISHED = ROOT / "config" / "published.yaml"
YEARS = (2023, 2024, 2025)


def _files(ids: list[str]) -> list[str]:
    return sorted(f"{i}.{ext}" for i in ids for ext in ("svg", "png"))


def test_run_figures_writes_every_comparison_figure(table: pd.DataFrame, tmp_path: Path) -> None:
    metrics = tmp_path / "oversight_metrics.csv"
    table.to_csv(metrics, index=False)
    manifest = tmp_path / "figures" / "figures.json"
    names = NAMES | {REGION_CODE: "South East"}
    entries = run_figures(metrics=metrics, manifest=manifest, year=PERIOD, names=names, demo=True)
    ids = figure_ids(definitions())
    written = json.loads(manifest.read_text(encoding="utf-8"))
    assert [e["id"] for e in written] == sorted(ids) == sorted(e["id"] for e in entries)
    images = sorted(p.name for p in manifest.parent.iterdir() if p.suffix in (".svg", ".png"))
    assert images == _files(ids)
    funnel = next(e for e in written if e["id"] == "FIG-FUNNEL-child_oversight_28d")
    # Six LAs; Eastmoor below and Hartfield above the 99.8% limits (conftest's flags).
    assert "for 6 LAs" in funnel["alt"]
    assert "Eastmoor 38.0% lies below the 99.8% limit" in funnel["alt"]
    assert "Hartfield 95.0% lies above it" in funnel["alt"]
    assert funnel["alt"].startswith("Synthetic demonstration data, not real LA figures.")
    grades = next(e for e in written if e["id"] == "FIG-GRADES-audits")
    assert "for 3 domains (100 audits in each domain)" in grades["alt"]


def _kpis() -> pd.DataFrame:
    """The six LAs' values of the network's indicators in three reporting years."""
    rows = []
    indicators = ["s47_icpc_conversion", "rereferral_rate", "cpp_2yrs_plus", "caseload_fte"]
    for i, indicator in enumerate(indicators):
        scale = 20.0 if indicator == "caseload_fte" else 1.0
        for k, (code, name) in enumerate(NAMES.items()):
            for year in YEARS:
                value = scale * (0.2 + 0.02 * k + 0.01 * (year - YEARS[0]) + 0.001 * i)
                rows.append(
                    {
                        "la_code": code,
                        "la_name": name,
                        "period": str(year),
                        "indicator": indicator,
                        "value": round(value, 6),
                        "lower95": None if indicator == "caseload_fte" else value - 0.01,
                        "england": scale * 0.3,
                        "region": scale * 0.28,
                        "neighbours": scale * 0.29,
                    }
                )
    return pd.DataFrame(rows)


def test_run_link_figures_writes_links_network_figures_and_minutes(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    metrics, kpis = tmp_path / "oversight_metrics.csv", tmp_path / "kpis.csv"
    table.to_csv(metrics, index=False)
    _kpis().to_csv(kpis, index=False)
    manifest = tmp_path / "figures" / "links.json"
    minutes = tmp_path / "tables" / "network_minutes.csv"
    pairs = [["child_oversight_28d", "rereferral_rate"], ["child_oversight_28d", "caseload_fte"]]
    entries = run_link_figures(
        metrics=metrics,
        kpis=kpis,
        config=PUBLISHED,
        network=NETWORK,
        manifest=manifest,
        minutes=minutes,
        pairs=pairs,
        kpi_period="2025",
        year=PERIOD,
        demo=False,
        names=NAMES,
        region="Wessex",
    )
    ids = link_ids(pairs) + network_ids(load_network(NETWORK))
    written = json.loads(manifest.read_text(encoding="utf-8"))
    assert [e["id"] for e in written] == sorted(ids) == sorted(e["id"] for e in entries)
    images = sorted(p.name for p in manifest.parent.iterdir() if p.suffix in (".svg", ".png"))
    assert images == _files(ids)
    link = next(e for e in written if e["id"] == "FIG-LINK-child_oversight_28d-rereferral_rate")
    assert "Spearman's rank correlation" in link["caption"] and "6 LAs" in link["caption"]
    assert "the LAs' own extracts" in link["caption"]
    trend = next(e for e in written if e["id"] == "FIG-S47-ICPC-TREND")
    assert "the Wessex (dotted)" in trend["caption"] and "South East" not in trend["caption"]
    # The minutes: the k-th LA has 0.22 + 0.02k in 2025, so 26% +/- 1.5 points holds the third
    # (Westbury, 0.26) and 30% +/- 1.5 points the fifth (Southgate, 0.30).
    said = pd.read_csv(minutes, dtype={"la_code": str, "period": str})
    hits = said.dropna(subset=["la_code"])
    assert set(hits["minute"]) == {"low_conversion", "about_thirty"}
    latest = hits[hits["latest"].astype(bool)]
    assert sorted(zip(latest["minute"], latest["la_name"], strict=True)) == [
        ("about_thirty", "Southgate"),
        ("low_conversion", "Westbury"),
    ]


@pytest.mark.parametrize("demo", [True, False])
def test_run_figures_marks_only_demo_runs(table: pd.DataFrame, tmp_path: Path, demo) -> None:
    metrics = tmp_path / "oversight_metrics.csv"
    table.to_csv(metrics, index=False)
    manifest = tmp_path / "figures.json"
    entries = run_figures(metrics=metrics, manifest=manifest, year=PERIOD, names=NAMES, demo=demo)
    svg = (tmp_path / "FIG-GRADES-audits.svg").read_text(encoding="utf-8")
    assert ('id="demo-mark"' in svg) is demo
    assert all(e["caption"].endswith("not real LA figures.") is demo for e in entries)
