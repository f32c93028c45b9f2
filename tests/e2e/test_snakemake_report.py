"""Snakemake's run report (`snakemake --report report.zip`) of the demo run: every figure and
every published table is in it under its category, with its ID and its caption (the figure's
manifest, config/tables.yaml's title), and so are the report and the workbook."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import BIN, copy_run, run

pytestmark = pytest.mark.e2e


def _script_json(html: str, name: str) -> dict:
    """The JSON value the report's page assigns to ``var <name>``."""
    match = re.search(rf"var {name} = (\{{.*?\}});\n", html, flags=re.S)
    assert match, name
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def run_report(demo_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The run report of a copy of the demo run (Snakemake writes its log in the folder),
    unpacked: its results, categories and the files it embeds."""
    base = tmp_path_factory.mktemp("run_report")
    work = copy_run(demo_run, base / "copy")
    archive = base / "report.zip"
    run([str(BIN / "snakemake"), "--report", str(archive)], work)
    with zipfile.ZipFile(archive) as packed:
        names = packed.namelist()
        page = next(n for n in names if n.endswith("/report.html"))
        html = packed.read(page).decode("utf-8")
        folder = page.rsplit("/", 1)[0]
        embedded = {n[len(folder) + 1 :]: packed.read(n) for n in names if n != page}
    return {
        "work": work,
        "results": _script_json(html, "results"),
        "categories": _script_json(html, "categories"),
        "embedded": embedded,
        "html": html,
    }


def _manifest_captions(work: Path) -> dict[str, str]:
    captions = {}
    for manifest in sorted((work / "results/figures").glob("*.json")):
        for figure in json.loads(manifest.read_text(encoding="utf-8")):
            captions[figure["id"]] = figure["caption"]
    return captions


def test_every_figure_is_shown_with_its_id_and_caption(run_report: dict) -> None:
    work, results = run_report["work"], run_report["results"]
    captions = _manifest_captions(work)
    svgs = sorted(p.name for p in (work / "results/figures").glob("*.svg"))
    assert len(svgs) == len(captions) >= 30
    shown = {
        entry["labels"]["ID"]: entry
        for path, entry in results.items()
        if path.startswith("results/figures/")
    }
    assert set(shown) == set(captions)
    for fid, entry in shown.items():
        assert entry["filename"] == f"{fid}.svg"
        assert entry["labels"]["Caption"] == captions[fid]
        assert entry["mime_type"] == "image/svg+xml"
        # the caption file, rendered for the rule that drew it, names that rule's manifest
        assert re.search(r"results/figures/\w+\.json", entry["caption"]), fid
    by_set = run_report["categories"]["Figures"]
    assert sum(len(files) for files in by_set.values()) == len(captions)
    assert {"Comparison of the LAs", "Impact of the templates", "Staff survey"} <= set(by_set)


def test_every_published_table_is_shown_with_its_id_and_caption(run_report: dict) -> None:
    work, results = run_report["work"], run_report["results"]
    catalogue = yaml.safe_load((work / "config/tables.yaml").read_text())["tables"]
    published = sorted(p.name for p in (work / "results/tables").glob("*.csv"))
    assert published == sorted(f"{name}.csv" for name in catalogue)
    for name, spec in catalogue.items():
        entry = results[f"results/tables/{name}.csv"]
        assert entry["labels"] == {"ID": spec["id"], "Caption": spec["title"]}, name
        assert "suppressed" in entry["caption"]
    tables = run_report["categories"]["Tables"]
    assert sum(len(files) for files in tables.values()) == len(catalogue)


def test_the_report_and_workbook_are_shown(run_report: dict) -> None:
    report = run_report["categories"]["Report"]
    assert sorted(f for files in report.values() for f in files) == [
        "results/report/index.html",
        "results/report/report.pdf",
        "results/report/tables.xlsx",
    ]
    title = yaml.safe_load((run_report["work"] / "config/config.yaml").read_text())["study"]
    assert title["title"] in run_report["html"]


def test_each_shown_file_is_embedded_as_the_run_wrote_it(run_report: dict) -> None:
    work, embedded = run_report["work"], run_report["embedded"]
    assert len(run_report["results"]) >= 63
    for path, entry in run_report["results"].items():
        assert embedded[entry["data_uri"]] == (work / path).read_bytes(), path
