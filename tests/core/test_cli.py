"""The command line: suggest-mapping prints a reviewable columns: block; --version; check's
exit status and progress on a demo LA; init starts a study folder."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

import oversight
from oversight import cli
from tests.conftest import ROOT, TEST_KEY, demo_workdir
from tests.helpers import authority_config, csv_text, supervision_spec


def _authorities(tmp_path):
    folder = tmp_path / "authorities"
    folder.mkdir()
    columns = {
        "worker_id": "Staff Number",
        "worker_role": "Job Title",
        "session_date": "Date of Supervision",
        "session_type": "Supervision Type",
        "agency": "Agency?",
        "nqsw": "NQSW",
        "status": "Status",
    }
    cfg = authority_config({"supervision": supervision_spec(columns=columns)})
    (folder / "other_la.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return folder


def test_suggest_mapping_prints_columns_block(tmp_path, capsys):
    folder = _authorities(tmp_path)
    extract = tmp_path / "new_la_supervision.csv"
    extract.write_text(
        csv_text(
            ["Extract run 30/04/2025"],
            [
                "STAFF NUMBER",
                "Job title",
                "Agency ?",
                "Date of supervision",
                "Supervision type",
                "Session status",
                "Favourite colour",
            ],
            ["W1", "Social Worker", "No", "01/05/2024", "Case", "held", "blue"],
        ),
        encoding="utf-8",
    )
    code = cli.main(
        ["--authorities", str(folder), "suggest-mapping", str(extract), "--dataset", "supervision"]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "# Suggested mapping for new_la_supervision.csv (supervision). "
        "Review every line before use:"
    )
    assert "columns:" in lines
    assert "  worker_id: STAFF NUMBER  # 100% like 'staff number'; required" in lines
    assert "  worker_role: Job title  # 100% like 'job title'; required" in lines
    assert (
        "  session_date: Date of supervision  # 100% like 'date of supervision'; required" in lines
    )
    assert any(line.startswith("  agency: Agency ?  # ") for line in lines)
    assert any(line.startswith("  status: Session status  # ") for line in lines)
    assert "  # duration_min: no column found (optional)" in lines
    assert "  # not matched: 'Favourite colour'" in lines
    block = yaml.safe_load("\n".join(lines[lines.index("columns:") :]))
    assert block["columns"]["worker_id"] == "STAFF NUMBER"


def test_suggest_mapping_reports_file_errors(tmp_path, capsys):
    folder = _authorities(tmp_path)
    code = cli.main(
        [
            "--authorities",
            str(folder),
            "suggest-mapping",
            str(tmp_path / "missing.csv"),
            "--dataset",
            "supervision",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"oversight suggest-mapping: {tmp_path / 'missing.csv'}: file not found")


LA = "slough"  # a small demo LA: its demo data is written in about a second
SENT = ("supervision", "caseload", "oversight", "audits", "survey", "transcripts")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A scratch study of one demo LA, with its demo data (read only: copy it to change it)."""
    return demo_workdir(tmp_path_factory.mktemp("cli") / "work", [LA])


def _check(monkeypatch, capsys, folder: Path, *options: str) -> tuple[int, str, str]:
    """``oversight check`` of the demo LA run in ``folder``: status, stdout, stderr."""
    monkeypatch.chdir(folder)
    monkeypatch.delenv("OVERSIGHT_KEY", raising=False)
    monkeypatch.delenv("OVERSIGHT_KEY_FILE", raising=False)
    code = cli.main(["check", LA, *options])
    out, err = capsys.readouterr()
    return code, out, err


def test_version_names_the_package_version(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"oversight {oversight.__version__}\n"


def test_check_exits_1_when_rows_are_rejected_and_shows_progress(demo, monkeypatch, capsys):
    code, out, err = _check(monkeypatch, capsys, demo)
    assert code == 1
    truth = json.loads((demo / "data/raw/demo_truth.json").read_text(encoding="utf-8"))
    rows_in = truth["authorities"][LA]["rows_in"]
    rejected = {}
    for dataset in SENT:
        line = re.search(rf"^{dataset}: (\d+) rows, (\d+) loaded, (\d+) rejected$", out, re.M)
        total, loaded, rejected[dataset] = map(int, line.groups())
        assert total == rows_in[dataset] > 0 and loaded + rejected[dataset] == total
    assert rejected["supervision"] > 0 and rejected["transcripts"] == 0
    where = ", ".join(f"{d} {n}" for d, n in rejected.items() if n)
    assert out.endswith(
        f"\nresult: {sum(rejected.values())} rows rejected ({where}); "
        "--allow-rejects accepts them\n"
    )
    # Progress on stderr: a line as each dataset starts and one as it ends, in order.
    lines = err.splitlines()
    assert len(lines) == 2 * len(SENT) + 3
    for i, dataset in enumerate(SENT):
        assert lines[2 * i] == f"{LA} {dataset}: reading"
        assert re.fullmatch(
            rf"{LA} {dataset}: {rows_in[dataset]:,} rows, [\d,]+ loaded, "
            rf"{rejected[dataset]:,} rejected \(\d+\.\d s\)",
            lines[2 * i + 1],
        )
    assert lines[-3] == f"{LA} strategy_discussions: not sent"
    assert lines[-2] == f"{LA} links between the datasets: checking"
    assert re.fullmatch(rf"{LA} links between the datasets: done \(\d+\.\d s\)", lines[-1])


def test_allow_rejects_exits_0_and_quiet_drops_the_progress(demo, monkeypatch, capsys):
    code, out, err = _check(monkeypatch, capsys, demo)
    quiet_code, quiet_out, quiet_err = _check(monkeypatch, capsys, demo, "--quiet")
    allowed, allowed_out, _ = _check(monkeypatch, capsys, demo, "--allow-rejects")
    assert (code, quiet_code, allowed) == (1, 1, 0)
    assert err.count("\n") == 2 * len(SENT) + 3 and quiet_err == ""
    assert quiet_out == out  # the report itself is the same, run after run
    report, last = out.rstrip("\n").rsplit("\n", 1)
    accepted = last.replace("; --allow-rejects accepts them", ", accepted (--allow-rejects)")
    assert accepted != last and allowed_out == f"{report}\n{accepted}\n"


def test_a_file_that_cannot_be_used_fails_the_check_even_with_allow_rejects(
    demo, tmp_path, monkeypatch, capsys
):
    work = tmp_path / "work"
    shutil.copytree(demo, work, symlinks=True)
    (work / "data/raw" / LA / "audits_2024-25.csv").write_text("hello\n", encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("OVERSIGHT_KEY", TEST_KEY)  # the demo key is refused for a changed file
    code = cli.main(["check", LA, "--allow-rejects"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "\naudits: the file could not be used\n" in out
    assert out.endswith("\nresult: 1 file(s) could not be used (audits)\n")
    assert f"{LA} audits: the file could not be used (" in err


def test_a_check_that_cannot_run_exits_2(demo, monkeypatch, capsys):
    monkeypatch.chdir(demo)
    assert cli.main(["--authorities", "nowhere", "check", LA]) == 2
    err = capsys.readouterr().err
    assert err == f"oversight check: nowhere/{LA}.yaml: no such authority configuration\n"
    with pytest.raises(SystemExit) as usage:
        cli.main(["check"])
    assert usage.value.code == 2


def test_init_writes_the_study_configuration_and_never_overwrites(tmp_path, capsys):
    folder = tmp_path / "study"
    assert cli.main(["init", str(folder)]) == 0
    expected = {
        p.relative_to(ROOT).as_posix()
        for top in ("config", "data/raw/published", "profiles")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert written == expected
    assert "config/schemas/config.schema.yaml" in written
    assert all((folder / n).read_bytes() == (ROOT / n).read_bytes() for n in written)
    assert "profiles/default/config.yaml" in written
    configs = sum(n.startswith("config/") for n in written)
    profiles = sum(n.startswith("profiles/") for n in written)
    assert capsys.readouterr().out.startswith(
        f"wrote the study configuration to {folder}: config/ ({configs} files), "
        f"data/raw/published/ ({len(written) - configs - profiles} files), "
        f"profiles/ ({profiles} files)\n"
    )
    # A folder holding any of the files is refused, and nothing is written.
    (folder / "config/report.yaml").write_text("edited: true\n", encoding="utf-8")
    (folder / "config/metrics.yaml").unlink()
    assert cli.main(["init", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"oversight init: {folder} already holds a study configuration (")
    assert err.rstrip().endswith(
        "nothing was written. Run `oversight init` in an empty folder, "
        "or edit the files that are there"
    )
    assert not (folder / "config/metrics.yaml").exists()
    assert (folder / "config/report.yaml").read_text(encoding="utf-8") == "edited: true\n"
