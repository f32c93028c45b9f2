"""The coding rule's function, run directly on two small LAs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from oversight.coding import run_coding

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = (
    "segments.parquet",
    "frequencies.csv",
    "cooccurrence.csv",
    "quotes.csv",
    "themes.csv",
    "inspectors.csv",
    "inspector_quotes.csv",
    "withheld.csv",
    "codebook.qdc",
    "focus_groups.qdpx",
)


def _inputs(tmp_path: Path, survey_status: str = "ok") -> dict:
    """Transcripts and survey comments of E1 and E2, two Ofsted reports, and a ledger."""
    turns = pd.DataFrame(
        {
            "la_code": ["E1", "E1", "E2"],
            "source_file": ["fg.docx"] * 3,
            "source_row": [1, 2, 1],
            "speaker_role": ["facilitator", "social_worker", "team_manager"],
            "text": [
                "How is supervision going?",
                "My manager gives me reflective supervision every month and it helps me think.",
                "Management oversight of every case is recorded on the file by the manager.",
            ],
        }
    )
    survey = pd.DataFrame(
        {
            "la_code": ["E1", "E2"],
            "source_file": ["s.csv"] * 2,
            "source_row": [3, 4],
            "item_id": ["free_text", "free_text"],
            "free_text": [
                "Caseloads are far too high to reflect properly on any of my work.",
                "Supervision is cancelled because the team has no capacity this year.",
            ],
            "role": ["social_worker", "social_worker"],
        }
    )
    reports = pd.DataFrame(
        {
            "la_code": ["E1", "E2"],
            "published": pd.to_datetime(["2023-01-01", "2024-01-01"]),
            "overall": ["Good", "Requires improvement"],
            "section": ["what_needs_to_improve"] * 2,
            "text": [
                "◼ The quality and consistency of management oversight.",
                "◼ The timeliness of assessments.",
            ],
            "source_file": ["a.txt", "b.txt"],
        }
    )
    paths = {}
    for name, frame in (("transcripts", turns), ("survey", survey), ("inspections", reports)):
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name])
    ledger = pd.DataFrame(
        {"la_code": ["E1", "E2"], "dataset": ["survey", "survey"], "status": ["ok", survey_status]}
    )
    paths["ledger"] = tmp_path / "ledger.csv"
    ledger.to_csv(paths["ledger"], index=False)
    return paths


def _run(tmp_path: Path, survey_status: str = "ok") -> dict[str, Path]:
    paths = _inputs(tmp_path, survey_status)
    keys = ("segments", "frequencies", "cooccurrence", "quotes", "themes", "inspectors")
    keys += ("inspector_quotes", "withheld", "qdc", "qdpx")
    out = {k: tmp_path / "out" / name for k, name in zip(keys, OUTPUTS, strict=True)}
    run_coding(
        transcripts=[paths["transcripts"]],
        survey=[paths["survey"]],
        inspections=paths["inspections"],
        codebook=ROOT / "config" / "codebook.yaml",
        ledger=paths["ledger"],
        region_code="R1",
        id_patterns={"E1": [], "E2": []},
        known=["Region"],
        out=out,
    )
    return out


def test_codes_every_source_and_writes_each_output(tmp_path):
    out = _run(tmp_path)
    segments = pd.read_parquet(out["segments"])
    # The facilitator's question is not coded.
    assert list(zip(segments["unit_id"], segments["code"], strict=True)) == [
        ("transcript:E1:fg.docx:2", "oversight_quality"),
        ("survey:E1:s.csv:3", "caseload"),
        ("survey:E2:s.csv:4", "manager_capacity"),
        ("survey:E2:s.csv:4", "oversight_weak"),
    ]
    freq = pd.read_csv(out["frequencies"], dtype={"la_code": str})
    # Each LA's rows, then the region's: all LAs together, under the region's code.
    assert freq["la_code"].tolist() == ["E1", "E2", "E2", "E1", "R1", "R1", "R1", "R1"]
    region = freq[freq["la_code"] == "R1"]
    assert region["units_total"].tolist() == [2, 2, 2, 2]
    assert region["share"].tolist() == [0.5, 0.5, 0.5, 0.5]
    quotes = pd.read_csv(out["quotes"])
    assert quotes["code"].tolist() == ["manager_capacity", "oversight_quality", "oversight_weak"]
    # "Caseloads" starts a sentence the redactor cannot place: withheld, not published.
    withheld = pd.read_csv(out["withheld"])
    assert withheld[["code", "unsure"]].values.tolist() == [["caseload", "Caseloads"]]
    inspectors = pd.read_csv(out["inspectors"])
    assert inspectors.set_index("overall")["share"].to_dict() == {
        "Good": 1.0,
        "Requires improvement": 0.0,
    }
    quotes = pd.read_csv(out["inspector_quotes"])
    assert quotes["quote"].tolist() == ["The quality and consistency of management oversight."]
    with zipfile.ZipFile(out["qdpx"]) as project:
        assert "project.qde" in project.namelist()
    assert out["qdc"].read_bytes().startswith(b"<?xml")


def test_leaves_out_an_unreliable_survey(tmp_path):
    out = _run(tmp_path, survey_status="unreliable: too many rejects")
    segments = pd.read_parquet(out["segments"])
    survey_las = set(segments.loc[segments["source"] == "survey", "la_code"])
    assert survey_las == {"E1"}
