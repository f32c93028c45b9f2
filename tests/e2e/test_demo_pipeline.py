"""End to end: the demo data through the whole pipeline, checked against the planted truth."""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from oversight.config import load_authority, load_yaml
from oversight.ingest import common_schema as cs
from oversight.ingest.extracts import source_files
from oversight.ingest.harmonise import known_headers, map_headers, mapped_frame
from oversight.ingest.normalise import norm_label
from oversight.ingest.pseudonymise import key_for, pseudonymise
from oversight.ingest.readers import read_table
from oversight.provenance import sha256
from oversight.report.exports import META_SHEETS, TABLE_HEADER_ROW
from oversight.report.workbook_spec import column_labels, load_layout
from tests.conftest import BIN, ROOT, copy_raw, copy_run, make_workdir, run
from tests.report.render_checks import (
    figures_rendered,
    pdf_pages,
    require_chromium,
    require_poppler,
)

# The demo run is made once per session, shared by every xdist worker (tests/conftest.py).
pytestmark = pytest.mark.e2e
DATASETS = [
    "supervision",
    "caseload",
    "oversight",
    "audits",
    "survey",
    "transcripts",
    "strategy_discussions",
]


def test_rejects_equal_planted_errors(demo_run: Path, truth: dict) -> None:
    """Every LA, dataset and rule: the rejects file holds exactly the planted errors."""
    for slug, la in truth["authorities"].items():
        for dataset in DATASETS:
            rejects = pd.read_csv(demo_run / f"results/quality/{slug}/{dataset}.rejects.csv")
            got = rejects.groupby("rule").size().to_dict()
            assert got == la["errors"][dataset], (slug, dataset)


def test_ledger_balances_and_counts_every_row(demo_run: Path, truth: dict) -> None:
    ledger = pd.read_csv(demo_run / "results/quality/ledger.csv")
    assert len(ledger) == 19 * len(DATASETS)
    assert (ledger["rows_in"] == ledger["rows_loaded"] + ledger["rows_rejected"]).all()
    by_code = {la["la_code"]: la for la in truth["authorities"].values()}
    for row in ledger.itertuples():
        la = by_code[row.la_code]
        assert row.rows_in == la["rows_in"][row.dataset], (row.la_code, row.dataset)
        assert row.rows_loaded == la["volumes"][row.dataset], (row.la_code, row.dataset)


def test_every_demo_dataset_is_reliable_and_links(demo_run: Path, truth: dict) -> None:
    """The demo plants row errors but no broken links: every dataset stays in the analysis."""
    ledger = pd.read_csv(demo_run / "results/quality/ledger.csv")
    assert (ledger["status"] == "ok").all(), ledger[ledger["status"] != "ok"]
    excluded = pd.read_csv(demo_run / "results/tables/data_exclusions.csv")
    assert excluded.empty
    for slug in truth["authorities"]:
        links = json.loads((demo_run / f"results/quality/{slug}/links.json").read_text())
        for check in links["links"]:
            assert check["checked"] and check["rows_checked"] > 0, (slug, check["name"])
            assert check["rows_unlinked"] == 0, (slug, check["name"])


def test_harmonised_datasets_meet_the_contract(demo_run: Path, truth: dict) -> None:
    for slug, la in truth["authorities"].items():
        for dataset in DATASETS:
            frame = pd.read_parquet(demo_run / f"data/interim/{slug}/{dataset}.parquet")
            assert list(frame.columns) == cs.output_columns(dataset)
            assert (frame["la_code"] == la["la_code"]).all()
            # Tabular rows start below a header; a transcript turn can start on line 1. An
            # optional dataset an LA does not send has no rows.
            if la["volumes"][dataset] == 0:
                assert frame.empty, (slug, dataset)
                continue
            assert frame["source_row"].min() >= (1 if dataset == "transcripts" else 2)
    kent = pd.read_parquet(demo_run / "data/interim/kent/supervision.parquet")
    assert kent["worker_id"].str.fullmatch(r"W-[0-9a-f]{16}").all()
    assert len(kent) > 20000  # Kent: tens of thousands of sessions a year


def _raw_identifiers(work: Path) -> set[str]:
    """Every identifier value in the raw extracts, read with the pipeline's own mapping."""
    values: set[str] = set()
    for cfg_path in sorted((work / "config/authorities").glob("*.yaml")):
        config = load_authority(cfg_path)
        for dataset, spec in config["datasets"].items():
            if dataset == "transcripts":
                continue
            fields = cs.fields(dataset)
            for path in source_files(work / "data/raw", spec):
                table = read_table(path, spec, path.name, known_headers(spec), norm_label)
                mapping = map_headers(table.header, spec, fields, path.name, lambda k: "", 1)
                frame = mapped_frame(table.rows, mapping, spec, fields)
                for name, meta in fields.items():
                    if meta["type"] == "identifier" and name in frame:
                        values |= set(frame[name].dropna().str.strip())
    return values


def _output_tokens(work: Path) -> set[str]:
    tokens: set[str] = set()
    split = re.compile(r"[^\w@.+-]+")
    for path in (work / "data/interim").rglob("*.parquet"):
        frame = pd.read_parquet(path)
        for col in frame.columns:
            if pd.api.types.is_string_dtype(frame[col]):
                for text in frame[col].dropna().unique():
                    tokens |= set(split.split(str(text)))
    for folder in ("results", "logs"):
        for path in (work / folder).rglob("*"):
            if path.is_file() and path.suffix in (".csv", ".html", ".json", ".log", ".tsv"):
                tokens |= set(split.split(path.read_text(encoding="utf-8", errors="replace")))
    return tokens


def test_no_raw_identifier_reaches_interim_or_results(demo_run: Path) -> None:
    identifiers = _raw_identifiers(demo_run)
    assert len(identifiers) > 100000  # the scan really covers the extracts
    leaked = identifiers & _output_tokens(demo_run)
    assert not leaked, sorted(leaked)[:10]


def test_names_and_contacts_are_redacted(demo_run: Path, truth: dict) -> None:
    texts = []
    for slug in truth["authorities"]:
        t = pd.read_parquet(demo_run / f"data/interim/{slug}/transcripts.parquet")
        s = pd.read_parquet(demo_run / f"data/interim/{slug}/survey.parquet")
        texts += list(t["text"].dropna()) + list(s["free_text"].dropna())
    body = "\n".join(texts)
    assert "[name]" in body and "[email]" in body and "[phone]" in body
    for slug, la in truth["authorities"].items():
        for planted in la["redaction_planted"]:
            assert not re.search(rf"(?<!\w){re.escape(planted)}(?!\w)", body), (slug, planted)


def test_quality_pages_speak_to_each_la(demo_run: Path, truth: dict) -> None:
    index = (demo_run / "results/quality/index.html").read_text()
    for slug, la in truth["authorities"].items():
        page = (demo_run / f"results/quality/{slug}/index.html").read_text()
        assert la["la_name"].replace("&", "&amp;") in page
        assert f'href="{slug}/index.html"' in index
        rejected = sum(sum(v.values()) for v in la["errors"].values())
        assert rejected > 0
        assert "What to change" in page
        assert "future_date" in page and "duplicate_row" in page
        assert "<strong>Not for publication.</strong>" in page  # exact counts, examples
    assert "<strong>Not for publication.</strong>" in index


def test_nothing_to_do_on_a_second_run(demo_run: Path) -> None:
    proc = run([str(BIN / "snakemake"), "-n"], demo_run)
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_one_la_corrected_reruns_only_that_la(demo_run: Path, tmp_path: Path) -> None:
    """A reviewer's rerun after Kent corrects a file: Kent's jobs and the roll-ups only."""
    work = copy_run(demo_run, tmp_path / "copy")  # the shared run stays as it is
    target = work / "data/raw/kent/caseload_2024-25.csv"
    before = target.stat()
    try:
        os.utime(target, (before.st_atime + 3600, before.st_mtime + 3600))
        proc = run([str(BIN / "snakemake"), "-n", "--quiet", "all"], work)
        out = proc.stdout + proc.stderr
        jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", out, flags=re.M))
        # Kent's chain (the caseload's ingest, links, page, counts), the ledgers of the
        # caseload and of the datasets its links judge, and the roll-ups reading them; no
        # other LA, and not the coding, which reads neither.
        assert jobs.pop("total") == "45"
        assert jobs == {
            "all": "1",
            "publication": "1",
            "open_data": "1",
            "ingest": "1",
            "links": "1",
            "dataset_ledger": "4",
            "ledger": "1",
            "quality_index": "1",
            "quality_page": "1",
            "metrics_la": "1",
            "comparison": "1",
            "oversight_model": "1",
            "figures": "1",
            "link_figures": "1",
            "survey_analysis": "1",
            "publish_metrics": "1",
            "publish_tables": "1",
            "report": "1",
            "annex": "19",
            "report_pdf": "1",
            "exports": "1",
            "provenance": "1",
            "impact": "1",
            "hypothesis": "1",
        }
        detail = run([str(BIN / "snakemake"), "-n", "all"], work).stdout
        assert set(re.findall(r"wildcards: la=(\w+)", detail)) == {"kent"}
    finally:
        # to the nanosecond: ingest's fingerprint of the raw files holds mtime_ns
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))


# --- comparative statistics on the demo data ---------------------------------------------
REGION = "E12000008"
HEADLINE_TRUTH = {  # metric in the table -> planted rate in the truth file
    "staff_supervision_28d": "staff_supervision_28",
    "staff_supervision_42d": "staff_supervision_42",
    "staff_supervision_policy": "staff_supervision_policy",
    "child_oversight_28d": "child_oversight_28",
    "child_oversight_42d": "child_oversight_42",
    "part1_family_reflection": "part1_family_reflection",
    "part2_practitioner_reflection": "part2_practitioner_reflection",
    "audit_mo_good": "audit_mo_good_or_better",
    "oversight_rationale": "rationale_recorded",
}
COLUMNS = [
    "la_code",
    "period",
    "metric",
    "breakdown",
    "numerator",
    "denominator",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "funnel_flag",
    "funnel_flag_unadjusted",
    "funnel_limits",
    "funnel_comparator",
    "funnel_centre",
    "funnel_phi",
    "funnel_tau2",
]


@pytest.fixture(scope="module")
def table(demo_run: Path) -> pd.DataFrame:
    return pd.read_csv(
        demo_run / "data/interim/tables/oversight_metrics.csv",
        keep_default_na=False,
        na_values=[""],
    )


def _year(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    sel = table[
        (table.metric == metric)
        & (table.period == "2024-25")
        & (table.breakdown == "all")
        & (table.la_code != REGION)
    ]
    assert len(sel) == 19
    return sel


def test_table_shape(table: pd.DataFrame) -> None:
    assert list(table.columns) == COLUMNS
    assert set(table.period) >= {"2024-25", "2024-25 Q1", "2024-25 Q4", "2024-04", "2025-03"}
    assert (table.la_code == REGION).any()
    staff = table[(table.metric == "staff_supervision_28d") & (table.period == "2024-25")]
    assert {"all", "role=social_worker", "agency=yes", "nqsw=no"} <= set(staff.breakdown)
    child = table[(table.metric == "child_oversight_28d") & (table.period == "2024-25")]
    assert {"legal_status=CP", "team_type=cla"} <= set(child.breakdown)


@pytest.mark.parametrize("metric", sorted(HEADLINE_TRUTH))
def test_intervals_contain_planted_rates(table, truth, metric: str) -> None:
    """At least 17 of 19 LAs' 99.8% intervals contain the planted rate; and the 95% intervals
    cover it about as often as they should (at least 15 of 19: fewer has odds under 1 in
    400 for correct intervals)."""
    by_code = {
        la["la_code"]: la["rates"][HEADLINE_TRUTH[metric]] for la in truth["authorities"].values()
    }
    rows = _year(table, metric)
    rate = rows.la_code.map(by_code)
    assert ((rows.lower998 <= rate) & (rate <= rows.upper998)).sum() >= 17
    assert ((rows.lower95 <= rate) & (rate <= rows.upper95)).sum() >= 15


@pytest.mark.parametrize(
    "metric", ["staff_supervision_28d", "child_oversight_28d", "audit_mo_good"]
)
def test_planted_outliers_fall_outside_the_998_limits(table, truth, metric: str) -> None:
    codes = {la["la_code"]: slug for slug, la in truth["authorities"].items()}
    flags = dict(
        zip(_year(table, metric).la_code.map(codes), _year(table, metric).funnel_flag, strict=True)
    )
    assert flags[truth["outliers"]["low"]] == "low_998"
    assert flags[truth["outliers"]["high"]] == "high_998"


def test_overdispersion_leaves_only_the_planted_outliers(demo_run: Path) -> None:
    het = pd.read_csv(demo_run / "data/interim/tables/heterogeneity.csv").set_index("metric")
    for metric in ("staff_supervision_28d", "child_oversight_28d"):
        assert het.loc[metric, "outside_998_adjusted"] == 2
        assert het.loc[metric, "p_value"] < 1e-6


def test_model_table(demo_run: Path) -> None:
    model = pd.read_csv(demo_run / "data/interim/tables/oversight_model.csv")
    assert "legal_status: CP (vs CIN)" in set(model.term)
    assert (model.las == 19).all() and (model.children > 50000).all()
    assert ((model.lower95 <= model.odds_ratio) & (model.odds_ratio <= model.upper95)).all()


# --- published indicators and inspections ------------------------------------------------
def test_published_outputs(demo_run: Path) -> None:
    kpis = pd.read_csv(
        demo_run / "data/interim/tables/kpis.csv",
        dtype={"period": str},
        keep_default_na=False,
        na_values=[""],
    )
    mk = kpis[
        (kpis.la_name == "Milton Keynes")
        & (kpis.period == "2024")
        & (kpis.indicator == "s47_icpc_conversion")
    ].iloc[0]
    assert (mk.numerator, mk.denominator, round(mk.value, 3)) == (335, 1214, 0.276)
    assert kpis.la_code.nunique() == 19
    assert kpis.loc[kpis.status.notna(), ["numerator", "value"]].isna().all().all()
    latest = pd.read_csv(demo_run / "data/interim/tables/ofsted_latest.csv")
    assert latest.la_code.nunique() == 19
    links = json.loads((demo_run / "results/figures/links.json").read_text())
    assert {f["id"] for f in links} >= {"FIG-LINK-child_oversight_28d-rereferral_rate"}
    study = [f for f in links if f["id"].startswith("FIG-LINK-")]
    assert all("cannot show" in f["caption"] and "synthetic" in f["caption"] for f in study)
    # The network's figures draw DfE releases alone and say so.
    dfe = [f for f in links if f["id"].startswith(("FIG-S47-", "FIG-KPI-"))]
    assert len(dfe) >= 5
    assert all("synthetic" not in f["alt"].lower().split(".")[0] for f in dfe)
    for release in ("c1", "c4", "d5", "csww"):
        assert (demo_run / f"results/quality/releases/{release}.csv").exists()


# --- qualitative coding ------------------------------------------------------------------
def test_planted_themes_are_found_where_planted(demo_run: Path, truth: dict) -> None:
    segments = pd.read_parquet(demo_run / "data/interim/coding/segments.parquet")
    transcripts = segments[segments.source == "transcript"]
    # Sessions are known by label; `oversight files` (with the key) gives each one's file.
    listed = run([str(BIN / "oversight"), "files"], demo_run).stdout.splitlines()[1:]
    stems = {line.split("\t")[1]: Path(line.split("\t")[3]).stem for line in listed}
    assert not any(transcripts.source_file.str.contains("focus_group"))
    sessions = transcripts.assign(session=transcripts.source_file.map(stems))
    checked = 0
    for slug, la in truth["authorities"].items():
        for session, codes in la["themes_planted"].items():
            found = set(
                sessions[(sessions.la_code == la["la_code"]) & (sessions.session == session)].code
            )
            assert set(codes) <= found, (slug, session, sorted(set(codes) - found))
            checked += len(codes)
    assert checked > 200


def test_no_name_in_any_quote(demo_run: Path, truth: dict) -> None:
    quotes = "\n".join(
        (demo_run / f"data/interim/tables/{name}.csv").read_text(encoding="utf-8")
        for name in ("quotes", "inspectors_quotes")
    )
    names = {n for la in truth["authorities"].values() for n in la["redaction_planted"]}
    parts = {p for n in names for p in n.split() if len(p) > 2 and "@" not in p}
    leaked = [n for n in names | parts if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", quotes)]
    assert not leaked, leaked[:10]
    assert (demo_run / "results/coding/codebook.qdc").read_bytes().startswith(b"<?xml")


# --- survey --------------------------------------------------------------------------------
def test_survey_outputs(demo_run: Path) -> None:
    alpha = pd.read_csv(demo_run / "data/interim/tables/survey_alpha.csv").dropna(subset=["alpha"])
    assert len(alpha) >= 4
    assert ((alpha.alpha > 0.7) & (alpha.alpha < 0.97)).all()  # the demo plants real scales
    constructs = pd.read_csv(demo_run / "data/interim/tables/survey_constructs.csv")
    small = constructs[constructs.suppressed]
    assert small["mean"].isna().all()  # breakdowns under n = 10 are never shown
    responses = pd.read_csv(demo_run / "data/interim/tables/survey_responses.csv")
    assert len(responses) == 19 and (responses.response_rate.between(0.2, 0.7)).all()
    html = (demo_run / "results/survey/questionnaire.html").read_text(encoding="utf-8")
    assert html.count("<fieldset") >= 5 and "sup_reflect" in html
    roles = pd.read_csv(demo_run / "data/interim/tables/survey_roles.csv").dropna(
        subset=["odds_ratio"]
    )
    assert (roles.ci_lower < roles.odds_ratio).all() and (roles.odds_ratio < roles.ci_upper).all()


# --- disclosure control ------------------------------------------------------------------
def test_published_metrics_hide_small_numbers(demo_run: Path) -> None:
    t = pd.read_csv(
        demo_run / "results/tables/oversight_metrics.csv",
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )
    hidden = t.status == "c"
    assert hidden.any()  # the demo has small breakdowns: the control is exercised
    assert (t.loc[hidden, ["numerator", "value", "lower95", "funnel_flag"]] == "c").all().all()
    shown = t[~hidden].assign(
        numerator=lambda d: pd.to_numeric(d.numerator),
        denominator=lambda d: pd.to_numeric(d.denominator.replace("c", None)),
    )
    assert not shown.numerator.between(1, 5).any()
    assert not (shown.denominator - shown.numerator).between(1, 5).any()
    las = t[t.la_code != REGION]
    parts = las[las.breakdown != "all"].assign(
        dim=lambda d: d.breakdown.str.rsplit("=", n=1).str[0]
    )
    counts = t.assign(
        n=pd.to_numeric(t.numerator.replace("c", None)),
        d=pd.to_numeric(t.denominator.replace("c", None)),
    ).set_index(["la_code", "period", "metric", "breakdown"])

    def revealed_only_if_large(g: pd.DataFrame, total: tuple) -> None:
        # A line with a single hidden part and its total shown gives that part away: allowed
        # only when it is no small count, nor is the count not meeting it (the full audit of
        # every relation is test_every_published_table_passes_the_attackers_audit).
        hidden = g[g.status == "c"]
        if len(hidden) != 1 or total not in counts.index or counts.loc[total, "status"] == "c":
            return
        n = counts.loc[total, "n"] - pd.to_numeric(g[g.status != "c"].numerator).sum()
        assert n > 5, total
        d = pd.to_numeric(hidden.denominator.replace("c", None)).iloc[0]
        assert pd.isna(d) or d - n > 5, total

    for (la, period, metric, _), g in parts.groupby(["la_code", "period", "metric", "dim"]):
        revealed_only_if_large(g, (la, period, metric, "all"))
    for (period, metric, breakdown), g in las.groupby(["period", "metric", "breakdown"]):
        revealed_only_if_large(g, (REGION, period, metric, breakdown))


def test_every_published_table_passes_the_attackers_audit(demo_run: Path) -> None:
    """The demo's published tables, audited as a reader would attack them: every hidden count
    against every published cell and declared relation (totals published elsewhere from the
    analysis tables); the workbook's sheets hold exactly the published CSVs; the publish logs
    record the audit."""
    from oversight.disclosure.publish import check_published, data_received, metric_counts

    config = load_yaml(demo_run / "config/config.yaml")
    catalogue = load_yaml(demo_run / "config/tables.yaml")["tables"]
    band = {
        "low": 1,
        "high": config["disclosure"]["min_count"] - 1,
        "min_width": config["disclosure"]["protection_width"],
    }
    ledger = pd.read_csv(demo_run / "results/quality/ledger.csv", dtype={"la_code": str})
    audited = 0
    for name, spec in catalogue.items():
        if spec["disclosure"]["method"] not in ("long_metrics", "counts", "matrix"):
            continue
        shown = pd.read_csv(
            demo_run / f"results/tables/{name}.csv", dtype=str, keep_default_na=False
        )
        if name == "data_received":
            truth = data_received(ledger)
        else:
            truth = pd.read_csv(
                demo_run / f"data/interim/tables/{name}.csv",
                dtype={"la_code": str, "breakdown": str, "period": str},
            )
            truth = metric_counts(truth) if name == "oversight_metrics" else truth
        summary = check_published(name, shown, spec, REGION, truth, **band)
        audited += summary["audited"]
    assert audited > 1000  # the demo's small breakdowns exercise the audit
    logs = (demo_run / "logs/disclosure/publish_tables.log").read_text()
    assert "disclosure audit passed" in logs
    book = load_workbook(demo_run / "results/report/tables.xlsx", read_only=True)
    layout = load_layout()
    symbols = {k: v["shorthand"] for k, v in layout["symbols"].items()}
    for ws in book.worksheets[len(META_SHEETS) :]:
        name = next(n for n, s in catalogue.items() if s["id"] == ws.title)
        csv = pd.read_csv(demo_run / f"results/tables/{name}.csv", dtype=str, keep_default_na=False)
        last = TABLE_HEADER_ROW + len(csv)
        rows = list(ws.iter_rows(min_row=TABLE_HEADER_ROW, max_row=last, values_only=True))
        labels = column_labels(name, list(csv.columns), layout)
        assert list(rows[0][: len(csv.columns)]) == labels, ws.title
        for i, row in enumerate(rows[1:]):
            for j, text in enumerate(csv.iloc[i]):
                cell = row[j]
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    assert float(text) == pytest.approx(cell, rel=1e-12), (ws.title, i, j)
                elif text in symbols and cell == symbols[text]:
                    continue  # a symbol in GSS shorthand: c as [c]
                else:
                    assert (cell or "") == text or str(cell) == text, (ws.title, i, j)


# --- impact of the templates --------------------------------------------------------------
IMPACT_OUTCOMES = [
    "child_oversight_28d",
    "part1_family_reflection",
    "part2_practitioner_reflection",
    "audit_mo_good",
]


def test_did_recovers_the_planted_template_effects(demo_run: Path, truth: dict) -> None:
    """Across LAs: the planted effect on the adopters (the post-minus-pre probability,
    averaged over their post-adoption months) lies inside each outcome's 95% interval."""
    did = pd.read_csv(demo_run / "data/interim/tables/impact_did.csv").set_index("metric")
    end = pd.Period(truth["data_end"][:7], freq="M")
    for metric in IMPACT_OUTCOMES:
        num = den = 0.0
        for la in truth["authorities"].values():
            planted = la["impact"][metric]
            if planted["adopted"]:
                months = (end - pd.Period(planted["adopted"], freq="M")).n + 1
                num += planted["difference"] * months
                den += months
        expected = num / den
        row = did.loc[metric]
        assert row.lower <= expected <= row.upper, (metric, expected, row.lower, row.upper)
        assert row.lower > 0, metric  # a planted rise is detected
        assert row.pretrend_p > 0.01, metric  # no pre-trend was planted


def test_its_finds_the_planted_steps_and_not_where_none_was(demo_run: Path, truth: dict) -> None:
    its = pd.read_csv(demo_run / "data/interim/tables/impact_its.csv", dtype={"la_code": str})
    by_code = {la["la_code"]: la for la in truth["authorities"].values()}
    fitted = its.dropna(subset=["level_or"])
    covered = hits = alarms = placebos = 0
    adopters = fitted[fitted.adopted]
    for row in adopters.itertuples():
        planted = by_code[row.la_code]["impact"][row.metric]
        assert planted["adopted"], (row.la_code, row.metric)
        covered += row.level_lower <= planted["odds_ratio"] <= row.level_upper
        hits += row.level_lower > 1
    for row in fitted[fitted.placebo].itertuples():
        assert by_code[row.la_code]["impact"][row.metric]["adopted"] is None
        placebos += 1
        alarms += (row.level_lower > 1) or (row.level_upper < 1)
    assert len(adopters) >= 30 and placebos >= 25
    assert covered / len(adopters) >= 0.85, (covered, len(adopters))
    assert alarms / placebos <= 0.15, (alarms, placebos)
    assert hits >= len(adopters) // 2  # most planted steps are detected within an LA


# --- the report, disclosure on every published table, provenance ---------------------------
COUNT_COLUMN = re.compile(
    r"^(n|n_.+|.+_n|numerator|denominator|respondents|eligible|children|rows_.+|"
    r"blank_rows_skipped|units_total|count|.+_count|"
    # the hypothesis tables: sessions by recording pattern, record texts, turns
    r"unknown|sessions|neither|part1_only|part2_only|both|case_records|with_text|with_part2)$"
)


def _published_csvs(work: Path) -> list[Path]:
    """Every table published: results/ except the LA-restricted data-quality pages."""
    return sorted(
        p for p in (work / "results").rglob("*.csv") if "quality" not in p.relative_to(work).parts
    )


def test_report_outputs_exist(demo_run: Path) -> None:
    report = demo_run / "results/report"
    for name in ("index.html", "report.pdf", "tables.xlsx", "findings.json"):
        assert (report / name).stat().st_size > 1000, name
    annexes = sorted(p.stem for p in (report / "la").glob("*.html"))
    assert len(annexes) == 19 and "E06000039" in annexes
    slough = (report / "la/E06000039.html").read_text(encoding="utf-8")
    assert "<h1>Slough (E06000039)</h1>" in slough and "Statistical neighbours</dfn>" in slough
    html = (report / "index.html").read_text(encoding="utf-8")
    for title in (
        "Main points",
        "Things you need to know",
        "Data received and its quality",
        "Audits",
        "Focus groups",
        "What inspectors said",
        "Published indicators",
        "The part 1 / part 2 hypothesis, tested",
        "Recommendations",
        "Glossary",
        "Methods and limitations",
        "About this report",
        "Appendix tables",
    ):
        assert f"{title}</h2>" in html, title
    assert "http://" not in html.replace("http://www.w3.org", "")  # self-contained
    assert "https://" not in html


def test_findings_come_from_the_statistics(demo_run: Path, truth: dict) -> None:
    found = {
        f["id"]: f for f in json.loads((demo_run / "results/report/findings.json").read_text())
    }
    assert {"F-SUP-01", "F-OVS-01", "F-AUD-01", "F-HYP-01", "F-INS-01"} <= set(found)
    # The planted outliers are named where the staff-level finding says who lies outside.
    sup = found["F-SUP-01"]["text"]
    assert "below the 99.8% funnel limit (Slough)" in sup
    assert "above it (Hampshire)" in sup
    patterns = pd.read_csv(demo_run / "results/tables/hypothesis_patterns.csv", dtype=str)
    region = patterns[(patterns.la_code == REGION) & (patterns.session_type == "all")].iloc[0]
    neither = float(region["neither_share"])
    assert f"neither part 1 nor part 2: {100 * neither:.1f}%" in found["F-HYP-01"]["text"]
    html = (demo_run / "results/report/index.html").read_text(encoding="utf-8")
    for fid in found:
        assert f'id="{fid}"' in html


def test_no_published_table_shows_a_count_from_1_to_5(demo_run: Path) -> None:
    """Scan every published CSV (and the workbook): count columns hold no 1..5. Columns that
    count LAs, items or public reports are declared in config/tables.yaml (not_people)."""
    catalogue = load_yaml(demo_run / "config/tables.yaml")["tables"]
    exempt = {name: set(spec.get("not_people", [])) for name, spec in catalogue.items()}
    scanned = 0
    for path in _published_csvs(demo_run):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in frame.columns:
            if col in exempt.get(path.stem, set()):
                continue
            numbers = pd.to_numeric(frame[col], errors="coerce").dropna()
            if COUNT_COLUMN.match(col):
                scanned += 1
                small = numbers[(numbers >= 1) & (numbers <= 5)]
                assert small.empty, f"{path.name}:{col} shows {small.tolist()[:5]}"
    assert scanned >= 15
    book = load_workbook(demo_run / "results/report/tables.xlsx", read_only=True)
    for ws in book.worksheets[len(META_SHEETS) :]:
        rows = list(ws.iter_rows(min_row=TABLE_HEADER_ROW, values_only=True))
        name = next(n for n, s in catalogue.items() if s["id"] == ws.title)
        # The sheet's headers are labels; its columns are the CSV's, in order.
        header = list(pd.read_csv(demo_run / f"results/tables/{name}.csv", nrows=0).columns)
        for j, col in enumerate(header):
            if COUNT_COLUMN.match(col) and col not in exempt[name]:
                values = [r[j] for r in rows[1:] if isinstance(r[j], (int, float))]
                assert not [v for v in values if 1 <= v <= 5], (ws.title, col)


def test_every_figure_and_table_is_in_provenance_with_true_hashes(demo_run: Path) -> None:
    prov = json.loads((demo_run / "results/provenance.json").read_text())
    html = (demo_run / "results/report/index.html").read_text(encoding="utf-8")
    shown = set(re.findall(r'<figure id="([^"]+)"', html)) | set(
        re.findall(r'<table id="(TAB-[A-Z-]+)"', html)
    )
    assert len([i for i in shown if i.startswith("FIG-")]) >= 17
    assert shown <= set(prov["ids"])
    for fid, entry in prov["ids"].items():
        assert entry["rule"] and entry["code_version"]["source_sha256"], fid
        assert len(entry["config_sha256"]) == 64
        assert sha256(demo_run / entry["path"]) == entry["sha256"], fid
        for item in entry["inputs"]:
            assert sha256(demo_run / item["path"]) == item["sha256"], (fid, item["path"])
    # every job's inputs too, down to the raw files
    for job in prov["jobs"].values():
        for item in job["inputs"]:
            assert sha256(demo_run / item["path"]) == item["sha256"], item["path"]
    # Raw files by label (a safe tabular name as it is), never by path: none is an input.
    jobs = list(prov["jobs"].values())
    assert not any(i["path"].startswith("data/raw/kent/") for j in jobs for i in j["inputs"])
    raw = {i["label"]: i["sha256"] for j in jobs for i in j.get("raw_inputs", [])}
    label = "kent/supervision_2024-25.csv"
    assert raw[label] == sha256(demo_run / "data/raw" / label)
    assert any(k.startswith("T-") for k in raw) and not any("focus_group" in k for k in raw)


def test_trace_prints_the_chain_to_raw_files(demo_run: Path) -> None:
    out = run(
        [str(BIN / "oversight"), "trace", "FIG-FUNNEL-child_oversight_28d", "--verbose"], demo_run
    ).stdout
    assert "made by figures" in out and "made by publish_metrics" in out
    assert "made by comparison" in out and "made by ingest[dataset=caseload,la=kent]" in out
    assert "<- raw file kent/caseload_2024-25.csv  sha256 " in out and "[source]" in out
    bad = run([str(BIN / "oversight"), "trace", "FIG-NOPE"], demo_run, check=False)
    assert bad.returncode == 2 and "is not a table, figure or finding ID" in bad.stderr


@pytest.mark.parametrize(
    "slug,metric,dataset,id_field",
    [
        ("slough", "staff_supervision_28d", "supervision", "worker_id"),
        ("wokingham", "part2_practitioner_reflection", "supervision", "worker_id"),
        ("west_berkshire", "child_oversight_28d", "oversight", "child_id"),
    ],
)
def test_trace_a_cell_to_raw_rows_that_hold_those_records(
    demo_run: Path, monkeypatch, slug: str, metric: str, dataset: str, id_field: str
) -> None:
    config = load_authority(demo_run / f"config/authorities/{slug}.yaml")
    code = config["la_code"]
    cell = f"la_code={code},period=2024-25,metric={metric},breakdown=all"
    out = run(
        [str(BIN / "oversight"), "trace", "TAB-METRICS", "--cell", cell, "--limit", "1000000"],
        demo_run,
    ).stdout
    listed = re.findall(r"^\s+(data/raw/\S+):(\d+)\s+(\w+)\s+(\S+)$", out, flags=re.M)
    num, den = re.search(r"recomputed from the harmonised records: (\d+) of (\d+)", out).groups()
    table = pd.read_csv(demo_run / "results/tables/oversight_metrics.csv", dtype=str)
    row = table[
        (table.la_code == code)
        & (table.period == "2024-25")
        & (table.metric == metric)
        & (table.breakdown == "all")
    ].iloc[0]
    assert (float(num), float(den)) == (float(row.numerator), float(row.denominator))
    assert len(listed) == int(den)
    monkeypatch.chdir(demo_run)
    privacy = load_yaml(demo_run / "config/config.yaml")["privacy"]
    key = key_for(slug, privacy, {}, Path("data/raw"), config)
    spec = config["datasets"][dataset]
    fields = cs.fields(dataset)
    checked = 0
    for path in sorted({p for p, *_ in listed}):
        rows = [(int(r), d, u) for p, r, d, u in listed if p == path]
        if not rows or rows[0][1] != dataset:
            continue
        file = demo_run / path
        raw = read_table(file, spec, file.name, known_headers(spec), norm_label)
        mapping = map_headers(raw.header, spec, fields, file.name, lambda k: "", 1)
        frame = mapped_frame(raw.rows, mapping, spec, fields)
        ids = pseudonymise(frame[id_field], key, code, fields[id_field]["kind"])
        for number, _, unit in rows:
            assert number in ids.index, (path, number)  # the row exists in the raw file
            if not unit.startswith("data") and ":" not in unit:
                assert ids.loc[number] == unit, (path, number)
            checked += 1
    assert checked >= min(int(den), 50)


def test_snakemake_report_builds(demo_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "snakemake_report.html"
    run([str(BIN / "snakemake"), "--report", str(out)], demo_run)
    assert out.stat().st_size > 10_000


def test_every_figure_renders_in_chromium(demo_run: Path, tmp_path: Path) -> None:
    require_chromium()
    result = figures_rendered(demo_run / "results/report/index.html", tmp_path)
    prov = json.loads((demo_run / "results/provenance.json").read_text())
    figures = {k for k, v in prov["ids"].items() if v["kind"] == "figure"}
    assert set(result) == figures
    for fid, r in result.items():
        assert r["rendered"] and r["width"] > 200 and len(r["alt"]) > 40, fid
    # Annex pages and their charts: tests/e2e/test_annex_e2e.py.


def test_pdf_pages_are_rendered_and_none_is_blank(demo_run: Path, tmp_path: Path) -> None:
    require_poppler()
    ink = pdf_pages(demo_run / "results/report/report.pdf", tmp_path)
    assert len(ink) >= 20
    assert min(ink) > 0.002, ink


def test_html_structure_is_accessible(demo_run: Path) -> None:
    html = (demo_run / "results/report/index.html").read_text(encoding="utf-8")
    levels = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))  # no skipped level
    assert '<html lang="en-GB">' in html
    for img in re.findall(r"<img [^>]*>", html):
        assert re.search(r'alt="[^"]{40,}"', img)
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        assert "<caption>" in table and '<th scope="col"' in table


def _files(work: Path) -> dict[str, Path]:
    """Every file under results/ and data/interim/, by its path in the workdir."""
    return {
        str(p.relative_to(work)): p
        for folder in ("results", "data/interim")
        for p in sorted((work / folder).rglob("*"))
        if p.is_file()
    }


def _is_temporary(rel: str) -> bool:
    """A hidden ``.<name>.<random>.tmp`` of oversight.artefacts.atomic_path."""
    name = Path(rel).name
    return name.startswith(".") and name.endswith(".tmp")


def _marked_incomplete(work: Path) -> set[str]:
    """The outputs Snakemake marks incomplete. Its file backend (snakemake/persistence/file.py)
    keeps one marker per output of a started, unfinished job in .snakemake/incomplete/, named
    by the urlsafe base64 of the output path, cut into "@"-prefixed folders when too long."""
    root = work / ".snakemake/incomplete"
    paths = set()
    for marker in root.rglob("*"):
        if marker.is_file() and marker.name != "migration_underway":
            b64 = "".join(part.removeprefix("@") for part in marker.relative_to(root).parts)
            paths.add(base64.urlsafe_b64decode(b64).decode())
    return paths


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (a zombie waiting to be reaped does not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError):
            continue
        if int(pgrp) == pgid and state != "Z":
            return True
    return False


def _start_snakemake(work: Path, log: Path, *args: str) -> subprocess.Popen:
    """`snakemake --cores 2` in its own process group, so that a signal reaches every job."""
    with log.open("w") as out:
        return subprocess.Popen(
            [str(BIN / "snakemake"), "--cores", "2", *args],
            cwd=work,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _finished(log: Path, rule: str) -> int:
    """How many jobs of ``rule`` Snakemake has reported finished in ``log``."""
    text = log.read_text(errors="replace")
    return len(re.findall(rf"^Finished jobid: \d+ \(Rule: {rule}\)", text, flags=re.M))


def _quiet_after(ready: Callable[[], bool], log: Path, quiet: float = 1.0) -> Callable[[], bool]:
    """``ready()``, and Snakemake's log unchanged for ``quiet`` seconds since: no job was just
    started or finished. Snakemake 9's SIGTERM handler takes the scheduler's lock, which the
    scheduler holds while it processes a finished job; a SIGTERM in that moment deadlocks
    Snakemake (it never exits), so a graceful stop is sent away from job ends."""
    seen = {"size": -1, "since": time.monotonic()}

    def check() -> bool:
        size = log.stat().st_size if log.exists() else 0
        if size != seen["size"]:
            seen.update(size=size, since=time.monotonic())
            return False
        return ready() and time.monotonic() - seen["since"] >= quiet

    return check


def _interrupt_when(
    proc: subprocess.Popen, log: Path, ready: Callable[[], bool], sig: int, timeout: float = 600
) -> int:
    """Once ``ready()``, send ``sig`` to the whole process group; wait until every process
    of it has ended and return Snakemake's exit code."""
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            assert proc.poll() is None, (
                f"snakemake ended ({proc.returncode}) before the moment to interrupt it:\n"
                + log.read_text()[-4000:]
            )
            assert time.monotonic() < deadline, f"no moment to interrupt within {timeout} s"
            time.sleep(0.2)
        os.killpg(proc.pid, sig)
        returncode = proc.wait(timeout=timeout)
        while _group_alive(proc.pid):  # its jobs too, not only snakemake
            assert time.monotonic() < deadline, f"jobs still running {timeout} s after {sig}"
            time.sleep(0.2)
        return returncode
    finally:
        if proc.poll() is None or _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _unfinished_outputs(work: Path, reference: Path) -> set[str]:
    """Snakemake's incomplete outputs, having checked that every other output on disk (not
    counting atomic_path's temporary files) has its final bytes: nothing half-written, or
    written by a job that did not finish, can pass as complete."""
    incomplete = _marked_incomplete(work)
    for rel, path in _files(work).items():
        if rel in incomplete or _is_temporary(rel):
            continue
        assert (reference / rel).is_file(), f"{rel}: not an output of the full run"
        assert path.read_bytes() == (reference / rel).read_bytes(), f"{rel}: differs"
    return incomplete


def test_an_interrupted_run_resumes_to_identical_bytes(demo_run: Path, tmp_path_factory) -> None:
    """A second run on the same inputs, stopped twice, ends with the same bytes as the
    uninterrupted one in every file of results/ and data/interim/ (report, PDF, workbook,
    tables, figures, provenance): reproducible, and safe to stop. SIGTERM during ingest lets
    Snakemake stop its jobs and clean up; SIGKILL once figures are written leaves no chance
    to. After each stop, an output on disk is either marked incomplete or final. Then a
    rerun of the regional roll-ups over the finished outputs is killed while the comparison
    tables are written: the next run rebuilds every output the killed jobs removed."""
    work = make_workdir(tmp_path_factory.mktemp("interrupted") / "work")
    copy_raw(demo_run, work)  # the same demo extracts, not generated again
    finished = work / "results/provenance.json"

    def figures() -> bool:
        return any(not p.name.startswith(".") for p in work.glob("results/figures/*"))

    # 1. SIGTERM once two LAs are ingested, at a quiet moment: other ingest jobs are running.
    log = work / "sigterm.log"
    ingested = _quiet_after(lambda: _finished(log, "ingest") >= 2, log)
    terminated = _interrupt_when(_start_snakemake(work, log), log, ingested, signal.SIGTERM)
    assert "profile profiles/default" in log.read_text()  # rerun-incomplete: true
    assert terminated != 0 and not finished.exists(), log.read_text()[-4000:]
    _unfinished_outputs(work, demo_run)

    # 2. SIGKILL once figures appear: the jobs making them die mid-way, markers stay.
    log = work / "sigkill.log"
    killed = _interrupt_when(_start_snakemake(work, log), log, figures, signal.SIGKILL)
    assert killed == -signal.SIGKILL and not finished.exists()
    incomplete = _unfinished_outputs(work, demo_run)
    assert incomplete, "SIGKILL found no job running"
    dry = run([str(BIN / "snakemake"), "-n"], work)
    planned = {
        path
        for line in re.findall(r"^\s+output: (.*)$", dry.stdout + dry.stderr, flags=re.M)
        for path in line.split(", ")
    }
    assert incomplete <= planned, incomplete - planned

    # 3. Resume. A killed Snakemake leaves its lock: a plain restart refuses, naming --unlock.
    refused = run([str(BIN / "snakemake"), "--cores", "2"], work, check=False)
    assert refused.returncode != 0 and "--unlock" in refused.stdout + refused.stderr
    run([str(BIN / "snakemake"), "--unlock"], work)
    run([str(BIN / "snakemake"), "--cores", "2"], work)
    _same_files(work, demo_run)
    assert finished.exists()

    # 4. Rerun the roll-ups (forced here; a code change does the same) and SIGKILL the group
    # once the comparison job has started: Snakemake has removed the outputs of the jobs it
    # started, while everything made from them is still on disk and newer. Snakemake alone
    # would then find nothing to do and leave them missing; the default target names every
    # output, so they are rebuilt.
    tables = "data/interim/tables/oversight_metrics.csv"
    log = work / "rollups.log"
    rollups = _start_snakemake(work, log, "--forcerun", "comparison", "impact")
    killed = _interrupt_when(
        rollups, log, lambda: tables in _marked_incomplete(work), signal.SIGKILL
    )
    assert killed == -signal.SIGKILL
    _unfinished_outputs(work, demo_run)
    removed = set(_files(demo_run)) - set(_files(work))
    assert {tables, "data/interim/tables/heterogeneity.csv"} <= removed, sorted(removed)
    # Until the next run, a trace says the file it cites is gone instead of citing its hash.
    trace = run([str(BIN / "oversight"), "trace", "FIG-FUNNEL-child_oversight_28d"], work)
    assert f"<- {tables}" in trace.stdout and "[missing]" in trace.stdout
    run([str(BIN / "snakemake"), "--unlock"], work)
    planned = run([str(BIN / "snakemake"), "-n"], work)
    assert "Nothing to be done" not in planned.stdout + planned.stderr
    run([str(BIN / "snakemake"), "--cores", "2"], work)
    _same_files(work, demo_run)
    again = run([str(BIN / "snakemake"), "-n"], work)
    assert "Nothing to be done" in again.stdout + again.stderr


def _same_files(work: Path, reference_run: Path) -> None:
    """Every file of results/ and data/interim/ of ``work`` has the reference run's bytes,
    with none missing, none extra and no temporary file left."""
    mine, reference = _files(work), _files(reference_run)
    assert not [rel for rel in mine if _is_temporary(rel)]
    assert set(mine) == set(reference), sorted(set(mine) ^ set(reference))
    for rel, path in reference.items():
        assert mine[rel].read_bytes() == path.read_bytes(), rel
    assert len(reference) > 500


def test_a_code_change_reruns_what_uses_it_and_nothing_else(demo_run: Path, tmp_path) -> None:
    """Editing the figures' shared style plans the rules whose scripts import it (figures,
    link figures, impact, survey analysis, the annex pages: derived from their imports) and
    what reads their outputs; no ingest, metrics, questionnaire or other LA work."""
    work = copy_run(demo_run, tmp_path / "copy")
    # The scratch run links src/ to the project; the copy gets its own, to edit.
    (work / "src").unlink() if (work / "src").is_symlink() else shutil.rmtree(work / "src")
    shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    quiet = [str(BIN / "snakemake"), "-n", "--quiet", "all"]
    assert "Nothing to be done" in run(quiet, work).stdout + run(quiet, work).stderr
    module = work / "src/oversight/figures/style.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    proc = run(quiet, work)
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", proc.stdout + proc.stderr, flags=re.M))
    assert jobs.pop("total") == "31"
    assert jobs.pop("annex") == "19"
    assert set(jobs) == {
        "report_pdf",
        "publication",
        "open_data",
        "figures",
        "link_figures",
        "impact",
        "survey_analysis",
        "publish_tables",
        "exports",
        "report",
        "provenance",
        "all",
    }
