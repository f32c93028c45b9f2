"""End to end: a second, small study (two North East LAs over 2023-24) runs the whole pipeline.

Nothing may be wired to the bundled South East study of 19 LAs: the study's configuration
(config/studies/north_east/) names its LAs, region, year and plans, the demo generator writes
its LAs' extracts over its window, and every table and page speaks of that study only.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from oversight.config import load_yaml
from tests.conftest import BIN, ROOT, make_workdir, run

pytestmark = pytest.mark.e2e
STUDY = Path("config/studies/north_east")
# Where the study writes its results (its config.yaml, paths.results).
RESULTS = Path("results/north_east")
LAS = {"E08000023": "South Tyneside", "E08000024": "Sunderland"}
LAS_SLUGS = ["south_tyneside", "sunderland"]
REGION_CODE, REGION = "E12000001", "North East"
# What the bundled study would leak: its region, its code and its year.
LEAKS = ["South East", "E12000008", "2024-25"]


@pytest.fixture(scope="module")
def north_east(tmp_path_factory) -> Path:
    """The project copied to a scratch folder, the study's demo data written, the pipeline run
    with the study's configuration."""
    work = make_workdir(tmp_path_factory.mktemp("north_east") / "work")
    # A bundled LA's extracts first: the study's are written beside them, not over them.
    run([str(BIN / "oversight"), "demo-data", "--only", "kent"], work)
    oversight = [str(BIN / "oversight"), "demo-data", "--study", str(STUDY)]
    run([*oversight, "--write-config", "generated_config"], work)
    run([str(BIN / "snakemake"), "--cores", "2", "--configfile", str(STUDY / "config.yaml")], work)
    return work


def _text(path: Path) -> str:
    """A page's visible text, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_study_configs_describe_the_generated_exports(north_east: Path) -> None:
    for slug in ("south_tyneside", "sunderland"):
        written = (north_east / "generated_config" / f"{slug}.yaml").read_text(encoding="utf-8")
        committed = (ROOT / STUDY / "authorities" / f"{slug}.yaml").read_text(encoding="utf-8")
        assert written == committed, slug


def test_the_comparison_holds_the_two_las_and_their_region(north_east: Path) -> None:
    metrics = pd.read_csv(north_east / RESULTS / "tables/oversight_metrics.csv", dtype=str)
    assert set(metrics["la_code"]) == {*LAS, REGION_CODE}
    months = metrics["period"].str.fullmatch(r"\d{4}-\d{2}")
    assert set(metrics.loc[~months, "period"].str[:7]) == {"2023-24"}  # the year, its quarters
    assert metrics.loc[months, "period"].between("2023-04", "2024-12").all()
    change = pd.read_csv(north_east / RESULTS / "tables/oversight_change.csv", dtype=str)
    assert set(change["la_code"]) <= {*LAS, REGION_CODE}
    received = pd.read_csv(north_east / RESULTS / "tables/data_received.csv")
    assert set(received["las"]) == {2}


def test_the_report_names_the_study(north_east: Path) -> None:
    report = _text(north_east / RESULTS / "report/index.html")
    for name in [*LAS.values(), REGION]:
        assert name in report
    assert "2023-24" in report
    for code, name in LAS.items():
        annex = _text(north_east / RESULTS / f"report/la/{code}.html")
        assert name in annex and REGION in annex
    assert sorted(p.stem for p in (north_east / RESULTS / "report/la").glob("*.html")) == sorted(
        LAS
    )


def test_nothing_of_the_bundled_study_leaks(north_east: Path) -> None:
    pages = [north_east / RESULTS / "report/index.html"]
    pages += sorted((north_east / RESULTS / "report/la").glob("*.html"))
    for page in pages:
        text = _text(page)
        for leak in LEAKS:
            assert leak not in text, (page.name, leak)
        assert not re.search(r"\b(19|Nineteen|nineteen) (local authorities|LAs|areas)\b", text)
    # The published tables, the open data files and their metadata, and every text of the
    # workbook (its cover, notes and headers included).
    tables = sorted((north_east / RESULTS / "tables").glob("*.csv"))
    tables += sorted((north_east / RESULTS / "open_data").glob("*.csv"))
    assert any(t.name == "kpis.meta.csv" for t in tables)
    with zipfile.ZipFile(north_east / RESULTS / "report/tables.xlsx") as book:
        texts = {n: book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")}
    texts |= {t.name: t.read_text(encoding="utf-8") for t in tables}
    for name, content in texts.items():
        for leak in LEAKS:
            assert leak not in content, (name, leak)
    kpis = pd.read_csv(north_east / RESULTS / "open_data/kpis.csv", dtype=str)
    assert set(zip(kpis["region_code"], kpis["region_name"], strict=True)) == {
        (REGION_CODE, REGION)
    }
    findings = (north_east / RESULTS / "report/findings.json").read_text(encoding="utf-8")
    assert "South East" not in findings and "E12000008" not in findings
    truth = load_yaml(north_east / "data/raw/demo_truth.json")
    assert truth["period"] == ["2023-04-01", "2024-03-31"]


def test_the_study_is_written_beside_the_bundled_extracts(north_east: Path) -> None:
    manifest = load_yaml(north_east / "data/raw/DEMO_DATA.json")
    assert manifest["authorities"] == ["kent", *LAS_SLUGS]
    listed = {rel.split("/", 1)[0] for rel in manifest["files"]}
    assert listed == {"kent", *LAS_SLUGS}
    # The bundled study's folders are untouched by the second study's run.
    assert not (north_east / "results/tables").exists()
    assert (north_east / RESULTS / "provenance.json").is_file()


def test_a_small_study_reads_without_nan(north_east: Path) -> None:
    # With two LAs some intervals and tests cannot be estimated: the report says so in words.
    pages = [north_east / RESULTS / "report/index.html"]
    pages += sorted((north_east / RESULTS / "report/la").glob("*.html"))
    for page in pages:
        words = _text(page)
        assert not re.search(r"\bnan\b", words, re.I), (
            page.name,
            re.findall(r".{60}\bnan\b.{20}", words),
        )
    assert "the 1 adopting LA compared with the 1 that did not adopt" in _text(pages[0])
