"""`oversight trace`: the answer first, findings, figure points, KPI cells, clean errors.

A small provenance (built with :func:`oversight.provenance.assemble`) and small published
tables are written to a scratch folder; the DfE release and LA reference are the real ones
in data/raw/published/, so a KPI cell is traced to a real row of a real file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from oversight.config import load_yaml
from oversight.provenance import Artefact, assemble, sha256
from oversight.trace import Tracer
from oversight.trace_cells import Cell, TraceError, parse_keys, row_ranges, select_row

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "data/raw"
C4 = "published/dfe/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
SLOUGH, REGION = "E06000039", "E12000008"
CODE = {"package": "0.1.0", "git_commit": "0123456789abcdef0123", "source_sha256": "0" * 64}

METRICS = pd.DataFrame(
    [
        # la_code, period, metric, breakdown, numerator, denominator, value, status
        [SLOUGH, "2024-25", "staff_supervision_28d", "all", "3", "8", "0.375", ""],
        [SLOUGH, "2024-25", "staff_supervision_28d", "role=practitioner", "c", "4", "c", "c"],
        [REGION, "2024-25", "staff_supervision_28d", "all", "30", "40", "0.75", ""],
        ["E06000040", "2024-25", "staff_supervision_28d", "all", "27", "32", "0.84375", ""],
    ],
    columns=[
        "la_code",
        "period",
        "metric",
        "breakdown",
        "numerator",
        "denominator",
        "value",
        "status",
    ],
)
# The units behind Slough's cells: 3 of 8 workers in the numerator, from two raw files.
UNITS = pd.DataFrame(
    {
        "unit": [f"W-{i:016x}" for i in range(8)],
        "in_numerator": [True, True, True, False, False, False, False, False],
        "dataset": ["supervision"] * 8,
        "source_file": ["slough/sup_a.csv"] * 5 + ["slough/sup_b.csv"] * 3,
        "source_row": [2, 3, 4, 9, 10, 2, 5, 6],
    }
)
FINDING = {
    "id": "F-SUP-01",
    "section": "supervision",
    "title": "Workers supervised within 28 days",
    "text": "Workers supervised within 28 days ranged from 38% (Slough) to 84% (Windsor and "
    "Maidenhead) across 3 LAs in 2024-25; the region as a whole stood at 75%.",
    "tables": ["TAB-METRICS"],
    "figures": ["FIG-FUNNEL-staff_supervision_28d"],
}


def _dfe_row(la_code: str, period: str) -> tuple[int, dict[str, str]]:
    """The line number and cells of an LA's row in the c4 release, read with csv alone."""
    with open(RAW / C4, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if row["new_la_code"] == la_code and row["time_period"] == period:
                return number, row
    raise AssertionError("no such row")


def _record(rule: str, inputs: list[str], outputs: list[str], **wildcards: str) -> dict:
    return {
        "rule": rule,
        "wildcards": wildcards,
        "params": {"year": "2024-25"} if rule == "figures" else {},
        "inputs": [{"path": p, "role": "", "sha256": sha256(p)} for p in inputs],
        "outputs": [{"path": p, "role": "", "sha256": sha256(p)} for p in outputs],
        "code_version": CODE,
        "config_sha256": "f" * 64,
    }


def _write(path: str, text: str) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tracer(tmp_path: Path, monkeypatch) -> Tracer:
    monkeypatch.chdir(tmp_path)
    _, row = _dfe_row(SLOUGH, "2014")
    value = round(int(row["ICPC"]) / int(row["Section47"]), 6)
    kpis = pd.DataFrame(
        [[SLOUGH, "Slough", "871", "2014", "s47_icpc_conversion", str(value), ""]],
        columns=["la_code", "la_name", "old_la_code", "period", "indicator", "value", "status"],
    )
    interim = {
        "ingest_slough": _write("data/interim/slough/supervision.parquet", "x"),
        "ingest_windsor": _write("data/interim/windsor/supervision.parquet", "y"),
        "metrics_in": _write("data/interim/tables/oversight_metrics.csv", METRICS.to_csv()),
        "kpis_in": _write("data/interim/tables/kpis.csv", kpis.to_csv()),
    }
    metrics = _write("results/tables/oversight_metrics.csv", METRICS.to_csv(index=False))
    kpi_table = _write("results/tables/kpis.csv", kpis.to_csv(index=False))
    findings = _write("results/report/findings.json", json.dumps([FINDING]))
    svg = _write("results/figures/FIG-FUNNEL-staff_supervision_28d.svg", "<svg/>")
    grades = _write("results/figures/FIG-GRADES-audits.svg", "<svg/>")
    _write(
        "results/figures/figures.json",
        json.dumps([{"id": "FIG-FUNNEL-staff_supervision_28d", "svg": Path(svg).name}]),
    )
    release = _write("data/raw/published/dfe/c4.csv", "copy")
    records = [
        _record("ingest", [], [interim["ingest_slough"]], la="slough"),
        _record("ingest", [], [interim["ingest_windsor"]], la="windsor_and_maidenhead"),
        _record(
            "comparison",
            [interim["ingest_slough"], interim["ingest_windsor"]],
            [interim["metrics_in"]],
        ),
        _record("publish_metrics", [interim["metrics_in"]], [metrics]),
        _record("kpis", [release], [interim["kpis_in"]]),
        _record("publish_tables", [interim["kpis_in"], metrics], [kpi_table]),
        _record("figures", [metrics], [svg, grades]),
        _record("report", [metrics, kpi_table], [findings]),
    ]
    prov = assemble(
        records,
        [
            Artefact("TAB-METRICS", metrics, "Metrics", "table"),
            Artefact("TAB-KPIS", kpi_table, "KPIs", "table"),
            Artefact("REPORT-FINDINGS", findings, "Findings", "document"),
            Artefact("FIG-FUNNEL-staff_supervision_28d", svg, "Funnel", "figure"),
            Artefact("FIG-GRADES-audits", grades, "Grades", "figure"),
        ],
    )

    def units(slug: str, cell: Cell):
        assert slug == "slough"
        # Practitioners: 2 of the 4 workers (a count from 1 to 5: hidden as c).
        return (UNITS.iloc[[0, 1, 3, 4]] if cell.breakdown != "all" else UNITS), {}

    return Tracer(
        prov=prov,
        raw_root=RAW,
        year="2024-25",
        region_code=REGION,
        slugs={SLOUGH: "slough", "E06000040": "windsor_and_maidenhead"},
        names={SLOUGH: "Slough", "E06000040": "Windsor and Maidenhead"},
        published=load_yaml(REPO / "config/published.yaml"),
        reference=pd.read_csv(RAW / "published/seslip_las.csv", dtype=str),
        units=units,
    )


def test_a_metrics_cell_leads_with_the_answer_then_the_raw_rows_then_the_jobs(tracer) -> None:
    cell = f"la_code={SLOUGH},period=2024-25,metric=staff_supervision_28d,breakdown=all"
    lines = tracer.trace("TAB-METRICS", cell=cell)
    assert "value 0.375 (37.5%), numerator 3, denominator 8, published" in lines[0]
    assert "3 of 8 units (agrees)" in lines[1]
    text = "\n".join(lines)
    assert "slough/sup_a.csv (supervision): 5 rows: 2-4, 9-10" in text
    assert "slough/sup_b.csv (supervision): 3 rows: 2, 5-6" in text
    assert f"{RAW}/slough/sup_a.csv:2  supervision  W-{0:016x}" in text
    # The job chain comes after the answer, one line per job, for Slough only.
    chain = lines[lines.index("job chain (newest first; --verbose for the full records):") :]
    assert [line.split(":")[0].strip() for line in chain[1:]] == [
        "made by publish_metrics",
        "made by comparison",
        "made by ingest[la=slough]",
    ]
    assert "code 0.1.0 0123456789, config ffffffffffff, 2 inputs" in chain[2]
    assert len(lines) < 40


def test_a_suppressed_cell_says_c_and_why(tracer) -> None:
    cell = (
        f"la_code={SLOUGH},period=2024-25,metric=staff_supervision_28d,breakdown=role=practitioner"
    )
    lines = tracer.trace("TAB-METRICS", cell=cell)
    assert "status c (suppressed in the published table)" in lines[0]
    assert lines[1].endswith("2 of 4 units")
    assert lines[2] == "  why c: primary: its numerator is a count from 1 to 5"


def test_the_region_cell_gives_its_numbers_and_says_how_to_go_further(tracer) -> None:
    cell = f"la_code={REGION},period=2024-25,metric=staff_supervision_28d"
    lines = tracer.trace("TAB-METRICS", cell=cell)
    assert "value 0.75 (75.0%), numerator 30, denominator 40" in lines[0]
    assert "sum of its LAs' cells" in lines[1]


def test_a_kpi_cell_reaches_the_dfe_file_and_the_row_that_holds_its_value(tracer) -> None:
    number, row = _dfe_row(SLOUGH, "2014")
    lines = tracer.trace(
        "TAB-KPIS", cell=f"la_code={SLOUGH},period=2014,indicator=s47_icpc_conversion"
    )
    published = float(tracer.table("TAB-KPIS").iloc[0]["value"])
    assert lines[0].startswith(f"TAB-KPIS {SLOUGH} 2014 s47_icpc_conversion: value {published:g}")
    assert f"numerator {int(row['ICPC']):,}, denominator {int(row['Section47']):,}" in lines[0]
    assert lines[1].endswith(str(RAW / C4))
    assert f"row {number} " in lines[2]
    assert f"    ICPC (numerator) = {row['ICPC']}" in lines
    assert f"    Section47 (denominator) = {row['Section47']}" in lines
    # The row the trace names holds the published value.
    assert round(int(row["ICPC"]) / int(row["Section47"]), 6) == published
    assert "(agrees with the table)" in lines[5]
    # Only the DfE chain, no LA's ingest.
    text = "\n".join(lines)
    assert "made by kpis" in text and "ingest" not in text


def test_a_finding_prints_its_text_and_each_number_with_its_cell(tracer) -> None:
    lines = tracer.trace("F-SUP-01")
    assert lines[0] == "F-SUP-01: Workers supervised within 28 days"
    assert lines[1] == "  " + FINDING["text"]
    text = "\n".join(lines)
    assert (
        f"38% = TAB-METRICS value of la_code={SLOUGH},period=2024-25,"
        "metric=staff_supervision_28d,breakdown=all" in text
    )
    assert "84% = TAB-METRICS value of la_code=E06000040," in text
    assert f"75% = TAB-METRICS value of la_code={REGION}," in text
    assert "    3: a count, window or limit level, not a table cell" in text
    assert "    28: a count" in text
    assert "\n    2024" not in text  # the study year is not cited as a number


def test_a_figure_point_is_traced_to_the_cell_it_was_drawn_from(tracer) -> None:
    lines = tracer.trace("FIG-FUNNEL-staff_supervision_28d", point=f"la_code={SLOUGH}")
    assert lines[0] == f"FIG-FUNNEL-staff_supervision_28d, point la_code={SLOUGH}: drawn from"
    assert lines[1].startswith(f"TAB-METRICS {SLOUGH} 2024-25 staff_supervision_28d (all)")
    assert "made by figures" in "\n".join(lines)
    assert len(lines) < 40


@pytest.mark.parametrize(
    "item,kwargs,message",
    [
        ("FIG-NOPE", {}, "'FIG-NOPE' is not a table, figure or finding ID. Tables: TAB-KPIS"),
        (
            "F-NOPE-09",
            {},
            "'F-NOPE-09' is not a finding ID in results/report/findings.json; findings: F-SUP-01",
        ),
        ("FIG-GRADES-audits", {"point": f"la_code={SLOUGH}"}, "has no points to trace"),
        (
            "FIG-FUNNEL-staff_supervision_28d",
            {"point": "la_code=E0"},
            "has no point for la_code=E0; its points: E06000039, E06000040, E12000008",
        ),
        (
            "FIG-FUNNEL-staff_supervision_28d",
            {"cell": "la_code=E0"},
            "--cell is for tables; FIG-FUNNEL-staff_supervision_28d is a figure",
        ),
        (
            "TAB-METRICS",
            {"cell": f"la_code={SLOUGH},period=2024-25,metric=nope"},
            "no row of TAB-METRICS has metric=nope with the other keys given; metric takes: "
            "staff_supervision_28d",
        ),
        ("TAB-METRICS", {"cell": "la_code=E1,period=2024-25"}, "lacks metric"),
        (
            "TAB-KPIS",
            {"cell": f"la_code={SLOUGH},indicator=s47_icpc_conversion,period=1999"},
            "no row of TAB-KPIS has period=1999; period takes: 2014",
        ),
        ("TAB-KPIS", {"cell": "area=x"}, "TAB-KPIS has no column area; its columns are la_code"),
    ],
)
def test_errors_are_clean_and_name_what_is_valid(tracer, item, kwargs, message) -> None:
    with pytest.raises(TraceError) as err:
        tracer.trace(item, **kwargs)
    assert message in str(err.value)


def test_several_matching_rows_ask_for_the_key_that_tells_them_apart(tracer) -> None:
    table = tracer.table("TAB-METRICS")
    with pytest.raises(
        TraceError, match=r"2 rows of TAB-METRICS match .*\(breakdown takes: all, role=practitioner"
    ):
        select_row(table, {"la_code": SLOUGH, "period": "2024-25"}, "TAB-METRICS")


def test_keys_and_row_ranges() -> None:
    assert parse_keys("a=1,b=2,breakdown=domain=x;grade=2") == {
        "a": "1",
        "b": "2",
        "breakdown": "domain=x;grade=2",
    }
    assert row_ranges([9, 2, 3, 4, 12]) == "2-4, 9, 12"
    with pytest.raises(TraceError, match="is not key=value"):
        parse_keys("la_code")
