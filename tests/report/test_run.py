"""The report rules' functions, run directly on small inputs: the workbook, provenance and
the public archive (the report itself: tests/report/test_run_report.py)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import yaml

from oversight.provenance import sha256
from oversight.report import run_exports, run_provenance, run_publication
from oversight.report.publication import MANIFEST
from tests.conftest import ROOT

VERSION = {"package": "0.1.0", "git_commit": "abc123", "source_sha256": "f" * 64}
CATALOGUE = {
    "tables": {
        "survey_alpha": {
            "id": "TAB-SURVEY-ALPHA",
            "title": "Reliability of each scale",
            "rule": "survey_analysis",
            "disclosure": {"method": "none", "reason": "no counts"},
        },
        "kpis": {
            "id": "TAB-KPIS",
            "title": "Published indicators",
            "rule": "kpis",
            "source": "published",
            "disclosure": {"method": "none", "reason": "DfE's own"},
        },
    }
}


def _tables(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Two published tables and their catalogue."""
    catalogue = tmp_path / "tables.yaml"
    catalogue.write_text(yaml.safe_dump(CATALOGUE, sort_keys=False), encoding="utf-8")
    folder = tmp_path / "results" / "tables"
    folder.mkdir(parents=True)
    (folder / "survey_alpha.csv").write_text("construct,alpha\nclimate,0.81\nvoice,c\n")
    (folder / "kpis.csv").write_text("la_code,value\nE1,0.25\n")
    return catalogue, [folder / "survey_alpha.csv", folder / "kpis.csv"]


def test_exports_writes_a_sheet_per_table_after_the_notes(tmp_path):
    catalogue, tables = _tables(tmp_path)
    xlsx = tmp_path / "tables.xlsx"
    run_exports(
        tables=tables,
        catalogue=catalogue,
        title="A study",
        min_count=11,
        survey_min_n=10,
        demo=True,
        xlsx=xlsx,
    )
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Cover", "Contents", "Notes", "TAB-SURVEY-ALPHA", "TAB-KPIS"]
    assert book["Cover"]["A1"].value == "A study: published tables"
    alpha = book["TAB-SURVEY-ALPHA"]
    # A demo run marks the table built from LA extracts, not the DfE one.
    assert alpha["A1"].value.startswith("TAB-SURVEY-ALPHA: Reliability of each scale. ")
    assert book["TAB-KPIS"]["A1"].value == "TAB-KPIS: Published indicators"
    # Readable headers; numbers stay numbers with a format; the suppressed cell shows [c].
    assert [c.value for c in alpha[4]] == ["Construct", "Cronbach's alpha"]
    assert [alpha["B5"].value, alpha["B6"].value] == [0.81, "[c]"]
    assert alpha["B5"].number_format == "#,##0.00"
    notes = {r[0]: r[1] for r in book["Notes"].iter_rows(min_row=4, values_only=True)}
    assert "a count from 1 to 10" in notes["[c]"]
    assert "[u]" not in notes  # only the symbols a table shows are explained


def _made(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_provenance_maps_every_id_to_the_job_that_made_it(tmp_path):
    catalogue, tables = _tables(tmp_path)
    res = tmp_path / "results"
    docs = {
        "html": _made(res / "report/index.html", "<html/>"),
        "pdf": _made(res / "report/report.pdf", "%PDF"),
        "xlsx": _made(res / "report/tables.xlsx", "xlsx"),
        "findings": _made(res / "report/findings.json", "[]"),
    }
    annex = _made(res / "report/la/E1.html", "<html/>")
    svg = _made(res / "figures/FIG-A.svg", "<svg/>")
    manifest = _made(
        res / "figures/figs.json", json.dumps([{"id": "FIG-A", "svg": "FIG-A.svg", "caption": "A"}])
    )
    outputs = [*tables, *docs.values(), annex, svg]
    record = {
        "rule": "everything",
        "wildcards": {},
        "params": {},
        "inputs": [],
        "outputs": [{"path": str(p), "role": "", "sha256": sha256(p)} for p in outputs],
        "code_version": VERSION,
        "config_sha256": "e" * 64,
    }
    records = _made(tmp_path / "prov/everything.json", json.dumps(record))
    out = tmp_path / "provenance.json"
    run_provenance(
        records=[records],
        tables=tables,
        catalogue=catalogue,
        manifests=[manifest],
        annexes=[annex],
        out=out,
        **docs,
    )
    ids = json.loads(out.read_text(encoding="utf-8"))["ids"]
    assert sorted(ids) == [
        "ANNEX-E1",
        "FIG-A",
        "REPORT-FINDINGS",
        "REPORT-HTML",
        "REPORT-PDF",
        "REPORT-XLSX",
        "TAB-KPIS",
        "TAB-SURVEY-ALPHA",
    ]
    assert ids["FIG-A"]["rule"] == "everything"
    assert ids["TAB-KPIS"]["sha256"] == sha256(tables[1])


def test_publication_packs_the_public_outputs_only(tmp_path):
    res = tmp_path / "results"
    public = [_made(res / "report/index.html", "<html/>"), _made(res / "tables/t.csv", "a\n1\n")]
    secure = [_made(res / "quality/kent/index.html", "exact"), _made(res / "provenance.json", "{}")]
    out = res / "publication.zip"
    packed = run_publication(
        outputs=[*secure, *public], catalogue=ROOT / "config/publication.yaml", out=out
    )
    assert [o.path for o in packed] == ["report/index.html", "tables/t.csv"]
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == [MANIFEST, "report/index.html", "tables/t.csv"]
