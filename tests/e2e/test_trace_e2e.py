"""`oversight trace` on a finished demo run: a KPI cell reaches its DfE row, and the answers
to a finding and a figure point come first and stay short."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import BIN, run

pytestmark = pytest.mark.e2e

SLOUGH = "E06000039"


def test_a_kpi_cell_names_the_dfe_row_that_holds_the_published_value(demo_run: Path) -> None:
    kpis = pd.read_csv(demo_run / "results/tables/kpis.csv", dtype=str)
    row = kpis[(kpis.la_code == SLOUGH) & (kpis.indicator == "s47_icpc_conversion")].iloc[-1]
    cell = f"la_code={SLOUGH},period={row.period},indicator=s47_icpc_conversion"
    out = run([str(BIN / "oversight"), "trace", "TAB-KPIS", "--cell", cell], demo_run).stdout
    lines = out.splitlines()
    assert lines[0].startswith(f"TAB-KPIS {SLOUGH} {row.period} s47_icpc_conversion: value ")
    path = re.search(r"DfE release c4: (\S+)", out).group(1)
    number = int(re.search(r"  row (\d+) ", out).group(1))
    with open(demo_run / path, encoding="utf-8", newline="") as handle:
        found = next(r for i, r in enumerate(csv.DictReader(handle), start=2) if i == number)
    assert found["new_la_code"] == SLOUGH and found["time_period"] == row.period
    assert round(int(found["ICPC"]) / int(found["Section47"]), 6) == float(row.value)
    assert "ingest" not in out  # no LA's synthetic extracts behind a DfE figure


def test_a_finding_and_a_figure_point_lead_with_the_answer(demo_run: Path) -> None:
    finding = run([str(BIN / "oversight"), "trace", "F-SUP-01"], demo_run).stdout.splitlines()
    assert finding[0].startswith("F-SUP-01: ") and "numbers cited:" in finding[2]
    assert any(re.match(r"    \d+% = TAB-METRICS value of la_code=", x) for x in finding)
    point = run(
        [
            str(BIN / "oversight"),
            "trace",
            "FIG-FUNNEL-child_oversight_28d",
            "--point",
            f"la_code={SLOUGH}",
        ],
        demo_run,
    ).stdout.splitlines()
    metrics = pd.read_csv(demo_run / "results/tables/oversight_metrics.csv", dtype=str)
    cell = metrics[
        (metrics.la_code == SLOUGH)
        & (metrics.metric == "child_oversight_28d")
        & (metrics.period == "2024-25")
        & (metrics.breakdown == "all")
    ].iloc[0]
    assert f"value {float(cell.value):g} " in point[1]
    assert f"of {int(float(cell.denominator))} units (agrees)" in point[2]
    assert len(point) < 40 and len(finding) < 40
    bad = run(
        [str(BIN / "oversight"), "trace", "FIG-GRADES-audits", "--point", "la_code=x"],
        demo_run,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no points" in bad.stderr
