"""The survey rules' functions, run directly on two small LAs."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
from markupsafe import escape

from oversight.survey import load_instrument, run_questionnaire, run_survey_analysis

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = ROOT / "config" / "survey.yaml"


def _returns(la_code: str, respondents: int, role: str = "social_worker") -> pd.DataFrame:
    """Every scored item answered by each respondent: respondent r answers (r + item) mod the
    scale's points, plus one."""
    instrument = load_instrument(INSTRUMENT)
    rows = []
    for r in range(respondents):
        for i, item in enumerate(instrument.items):
            points = instrument.scale_points(item.id)
            if not points:
                continue
            rows.append(
                {
                    "la_code": la_code,
                    "respondent_id": f"{la_code}-{r}",
                    "wave": "baseline",
                    "role": role if r % 3 else "team_manager",
                    "item_id": item.id,
                    "response": (r + i) % points + 1,
                    "scale_points": points,
                }
            )
    frame = pd.DataFrame(rows)
    return frame.astype({"response": "Int64", "scale_points": "Int64"})


def _inputs(tmp_path: Path) -> dict:
    survey, supervision = [], []
    for la, respondents, workers in (("E1", 12, 24), ("E2", 4, 8)):
        survey.append(tmp_path / f"{la}_survey.parquet")
        _returns(la, respondents).to_parquet(survey[-1])
        supervision.append(tmp_path / f"{la}_supervision.parquet")
        pd.DataFrame(
            {"la_code": la, "worker_id": [f"W{w % workers}" for w in range(2 * workers)]}
        ).to_parquet(supervision[-1])
    ledger = tmp_path / "ledger.csv"
    pd.DataFrame({"la_code": ["E1", "E2"], "dataset": "survey", "status": "ok"}).to_csv(
        ledger, index=False
    )
    return {"survey": survey, "supervision": supervision, "ledger": ledger}


def test_survey_analysis_writes_counts_scores_and_the_figure(tmp_path):
    out = {k: tmp_path / "out" / f"{k}.csv" for k in ("responses", "constructs", "alpha")}
    out |= {k: tmp_path / "out" / f"{k}.csv" for k in ("roles", "waves")}
    svg = tmp_path / "out" / "figures" / "FIG-SURVEY-diverging.svg"
    manifest = tmp_path / "out" / "figures" / "survey.json"
    run_survey_analysis(
        **_inputs(tmp_path),
        instrument=INSTRUMENT,
        min_n=10,
        demo=True,
        svg=svg,
        manifest=manifest,
        **out,
    )
    responses = pd.read_csv(out["responses"]).set_index("la_code")
    # Invited staff: the distinct workers in each LA's supervision records.
    assert responses["respondents"].to_dict() == {"E1": 12, "E2": 4}
    assert responses["eligible"].to_dict() == {"E1": 24, "E2": 8}
    assert responses["response_rate"].to_dict() == {"E1": 0.5, "E2": 0.5}
    constructs = pd.read_csv(out["constructs"])
    # Fewer than 10 answered in E2: its construct scores are not shown.
    assert set(constructs["la_code"]) >= {"E1"}
    e2 = constructs[constructs["la_code"] == "E2"]
    assert e2["mean"].isna().all()
    scored = load_instrument(INSTRUMENT).scored_constructs
    alpha = pd.read_csv(out["alpha"])
    assert sorted(alpha["construct"]) == sorted(scored)
    (entry,) = json.loads(manifest.read_text(encoding="utf-8"))
    assert entry["id"] == "FIG-SURVEY-diverging"
    assert svg.read_text(encoding="utf-8").startswith("<?xml")
    assert svg.with_suffix(".png").stat().st_size > 0


def test_questionnaire_writes_the_page_pdf_and_import_template(tmp_path):
    html, pdf, xlsx = tmp_path / "q.html", tmp_path / "q.pdf", tmp_path / "t.xlsx"
    run_questionnaire(instrument=INSTRUMENT, title="A study", html=html, pdf=pdf, xlsx=xlsx)
    page = html.read_text(encoding="utf-8")
    instrument = load_instrument(INSTRUMENT)
    assert "A study" in page
    assert all(str(escape(item.text)) in page for item in instrument.items)
    assert pdf.read_bytes().startswith(b"%PDF")
    header = [c.value for c in next(openpyxl.load_workbook(xlsx).active.iter_rows(max_row=1))]
    assert set(instrument.item_ids) <= set(header)
