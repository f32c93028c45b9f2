"""The command line: suggest-mapping prints a reviewable columns: block."""

from __future__ import annotations

import yaml

from oversight import cli
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
