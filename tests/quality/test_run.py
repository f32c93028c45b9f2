"""The quality stage's rules, each called as one function without Snakemake
(``oversight.quality.run``) on a small LA written to a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from oversight.errors import LedgerError
from oversight.ingest.extracts import LEDGER_COLUMNS
from oversight.quality import (
    run_dataset_ledger,
    run_ledger,
    run_links,
    run_quality_index,
    run_quality_page,
)
from oversight.quality.links import link_datasets
from tests.conftest import ROOT
from tests.helpers import authority_config, supervision_spec

LA = "E10000016"
QUALITY = {"max_reject_share": 0.05, "max_unlinked_share": 0.05}
STUDY = {
    "title": "Test study",
    "period_start": "2024-04-01",
    "period_end": "2025-03-31",
    "extract_date": "2025-04-30",
}
REJECT_COLUMNS = ["source_file", "source_row", "column", "value_shown", "rule", "message"]


def _rows(file: str, **columns: list) -> pd.DataFrame:
    """A harmonised frame with its lineage (rows numbered from 2, as under a header)."""
    frame = pd.DataFrame(columns)
    frame["source_file"] = file
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def _frames() -> dict[str, pd.DataFrame]:
    """Two children allocated to W1; one oversight entry of five is for a child (C9) not in
    the caseload; W2's case supervision is of a worker holding no case; W1's role differs."""
    return {
        "caseload": _rows("la/caseload.csv", child_id=["C1", "C2"], worker_id=["W1", "W1"]),
        "oversight": _rows("la/oversight.csv", child_id=["C1", "C2", "C9", "C1", "C2"]),
        "audits": _rows("la/audits.csv", child_id=["C1", "C2"]),
        "supervision": _rows(
            "la/supervision.csv",
            worker_id=["W1", "W1", "W2"],
            session_type=["case", "personal", "case"],
            worker_role=["social_worker", "senior_practitioner", "social_worker"],
            agency=[False, False, False],
        ),
    }


def _ingest_lines(folder: Path, sizes: dict[str, int]) -> list[Path]:
    """One ingest ledger line per dataset (``<dataset>.csv``), every row loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for dataset, n in sizes.items():
        paths.append(folder / f"{dataset}.csv")
        line = pd.DataFrame([[LA, dataset, n, n, 0, 0, ""]], columns=LEDGER_COLUMNS)
        line.to_csv(paths[-1], index=False)
    return paths


@pytest.fixture
def links_run(tmp_path: Path) -> Path:
    """``run_links`` on the small LA, then its page (``run_quality_page``, which writes the
    LA's ledger and notes); the folder of their outputs."""
    frames = _frames()
    datasets = link_datasets()
    data = []
    for name in datasets:
        data.append(tmp_path / f"{name}.parquet")
        frames[name].to_parquet(data[-1])
    lines = _ingest_lines(tmp_path / "lines", {d: len(frames[d]) for d in datasets})
    run_links(
        data=data,
        datasets=datasets,
        lines=lines,
        quality=QUALITY,
        examples=2,
        out_links=tmp_path / "out/links.json",
    )
    _page(tmp_path, lines, tmp_path / "out")
    return tmp_path / "out"


def _page(tmp_path: Path, lines: list[Path], out: Path) -> None:
    """``run_quality_page`` of the small LA, its ingest notes empty but one dataset's."""
    config = tmp_path / "testshire.yaml"
    config.write_text(yaml.safe_dump(authority_config({"supervision": supervision_spec()})))
    rejects, notes = [], []
    for name in link_datasets():
        rejects.append(tmp_path / f"{name}.rejects.csv")
        pd.DataFrame(columns=REJECT_COLUMNS).to_csv(rejects[-1], index=False)
        notes.append(tmp_path / f"{name}.notes.json")
        own = {"files": [f"la/{name}.csv"], "notes": [], "problem": None}
        notes[-1].write_text(json.dumps({name: own}), encoding="utf-8")
    run_quality_page(
        config=config,
        rejects=rejects,
        lines=lines,
        notes=notes,
        links=out / "links.json",
        template=ROOT / "report_templates/quality.html.j2",
        study=STUDY,
        quality=QUALITY,
        examples=2,
        out=out / "index.html",
        out_ledger=out / "ledger.csv",
        out_notes=out / "notes.json",
    )


def test_run_links_writes_the_checks_and_the_page_each_dataset_status(links_run: Path) -> None:
    ledger = pd.read_csv(links_run / "ledger.csv", dtype={"la_code": str})
    assert ledger["dataset"].tolist() == link_datasets()
    status = ledger.set_index("dataset")["status"].to_dict()
    assert status["caseload"] == "ok"
    assert status["audits"] == "ok"
    assert status["oversight"] == (
        "unreliable: 20% of oversight entries are for a child not in the caseload, "
        "above the study's limit of 5%"
    )
    assert status["supervision"].startswith("unreliable: 50% of case supervisions")
    assert ledger["la_code"].unique().tolist() == [LA]
    summary = json.loads((links_run / "links.json").read_text(encoding="utf-8"))
    oversight = next(link for link in summary["links"] if link["name"] == "oversight_child")
    assert (oversight["rows_checked"], oversight["rows_unlinked"]) == (5, 1)
    assert [e["source_row"] for e in oversight["examples"]] == [4]
    assert {c["field"]: c["ids"] for c in summary["conflicts"]} == {"worker_role": 1, "agency": 0}
    notes = json.loads((links_run / "notes.json").read_text(encoding="utf-8"))
    assert sorted(notes) == link_datasets()
    assert notes["audits"]["files"] == ["la/audits.csv"]


def _dataset_ledger(tmp_path: Path, links_run: Path, dataset: str, links: bool) -> Path:
    """``run_dataset_ledger`` of ``dataset`` over the small LA and a copy of it (another LA
    code), with or without their link checks; the output's path."""
    other = tmp_path / "other"
    _ingest_lines(other, {dataset: 5})
    line = pd.read_csv(other / f"{dataset}.csv").assign(la_code="E06000036")
    line.to_csv(other / f"{dataset}.csv", index=False)
    out = tmp_path / f"ledger/{dataset}.csv"
    run_dataset_ledger(
        lines=[tmp_path / f"lines/{dataset}.csv", other / f"{dataset}.csv"],
        links=[links_run / "links.json"] * 2 if links else [],
        quality=QUALITY,
        out=out,
    )
    return out


def test_run_dataset_ledger_judges_every_las_line_as_the_page_does(
    links_run: Path, tmp_path: Path
) -> None:
    """The status in a dataset's ledger is the status on the LA's page (one function gives
    both); without the link checks a dataset is judged on its rejects alone."""
    judged = pd.read_csv(_dataset_ledger(tmp_path, links_run, "oversight", True), dtype=str)
    assert judged["la_code"].tolist() == ["E06000036", LA]  # sorted
    page = pd.read_csv(links_run / "ledger.csv", dtype=str).set_index("dataset")
    assert judged["status"].tolist() == [page.loc["oversight", "status"]] * 2
    assert judged["balanced"].tolist() == ["True", "True"]
    unjudged = pd.read_csv(_dataset_ledger(tmp_path, links_run, "caseload", False))
    assert unjudged["status"].tolist() == ["ok", "ok"]


def test_run_dataset_ledger_refuses_a_file_problem_and_a_line_that_does_not_balance(
    links_run: Path, tmp_path: Path
) -> None:
    lines = _ingest_lines(tmp_path / "bad", {"audits": 2, "caseload": 2})
    problem = pd.read_csv(lines[0]).assign(rows_in=0, rows_loaded=0, file_problem="unreadable")
    problem.to_csv(lines[0], index=False)
    unbalanced = pd.read_csv(lines[1]).assign(rows_loaded=1)
    unbalanced.to_csv(lines[1], index=False)
    for line, message in ((lines[0], "could not be used"), (lines[1], "does not balance")):
        with pytest.raises(LedgerError, match=message):
            run_dataset_ledger(lines=[line], links=[], quality=QUALITY, out=tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_run_ledger_combines_the_dataset_ledgers_and_refuses_one_that_does_not_balance(
    links_run: Path, tmp_path: Path
) -> None:
    ledgers = [_dataset_ledger(tmp_path, links_run, d, True) for d in link_datasets()]
    run_ledger(ledgers=ledgers, out=tmp_path / "r.csv")
    regional = pd.read_csv(tmp_path / "r.csv", dtype={"la_code": str})
    assert len(regional) == 8 and regional["balanced"].all()
    assert regional[["la_code", "dataset"]].values.tolist() == sorted(
        [la, d] for la in ("E06000036", LA) for d in link_datasets()
    )
    other = pd.read_csv(ledgers[0])
    other.loc[0, "rows_loaded"] -= 1
    other.to_csv(tmp_path / "other.csv", index=False)
    with pytest.raises(LedgerError, match="does not balance for 1 line"):
        run_ledger(ledgers=[tmp_path / "other.csv"], out=tmp_path / "bad.csv")
    assert not (tmp_path / "bad.csv").exists()


def test_run_quality_page_shows_the_unlinked_rows_and_the_left_out_datasets(
    links_run: Path,
) -> None:
    text = " ".join((links_run / "index.html").read_text(encoding="utf-8").split())
    assert "Testshire" in text
    assert "1 of 5 oversight entries (20%) are for a child not in the caseload" in text
    assert "2 datasets will be left out" in text
    assert '<td><code>la/oversight.csv</code></td><td class="num">4</td>' in text


def test_run_quality_index_lists_each_la_with_its_rows_and_unreliable_datasets(
    links_run: Path, tmp_path: Path
) -> None:
    run_quality_index(
        ledger=links_run / "ledger.csv",
        template=ROOT / "report_templates/quality_index.html.j2",
        study=STUDY,
        authorities={"testshire": {"la_name": "Testshire", "la_code": LA}},
        out=tmp_path / "index.html",
    )
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="testshire/index.html"' in html
    assert "Testshire" in html and "oversight, supervision" in " ".join(html.split())
