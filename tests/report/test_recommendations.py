"""Recommendations cite findings by ID; a citation of a missing ID stops the build."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oversight.errors import ConfigError
from oversight.report.recommendations import check_citations, check_not_done, done, load

YAML = """\
recommendations:
  - id: R-01
    title: First
    text: Do the first thing.
    asks_for: [recording_practice]
    cites: [F-SUP-01, F-HYP-01]
  - id: R-02
    title: Second
    text: Do the second thing.
    asks_for: [longer_follow_up, impact_evaluation]
    cites:
      - F-OVS-01
      - F-XYZ-09
"""


def test_a_missing_citation_names_file_line_and_the_known_ids(tmp_path: Path) -> None:
    path = tmp_path / "recommendations.yaml"
    path.write_text(YAML, encoding="utf-8")
    recs = load(path)
    with pytest.raises(ConfigError) as err:
        check_citations(recs, ["F-SUP-01", "F-HYP-01", "F-OVS-01"], path)
    message = str(err.value)
    assert f"{path} line 13: recommendation R-02 cites 'F-XYZ-09'" in message
    assert "F-HYP-01, F-OVS-01, F-SUP-01" in message
    assert "R-01" not in message


def test_valid_citations_pass(tmp_path: Path) -> None:
    path = tmp_path / "recommendations.yaml"
    path.write_text(YAML.replace("F-XYZ-09", "F-SUP-01"), encoding="utf-8")
    check_citations(load(path), ["F-SUP-01", "F-HYP-01", "F-OVS-01"], path)


def test_schema_rejects_a_recommendation_without_citations(tmp_path: Path) -> None:
    path = tmp_path / "recommendations.yaml"
    path.write_text(YAML.replace("cites: [F-SUP-01, F-HYP-01]", "cites: []"), encoding="utf-8")
    with pytest.raises(ConfigError, match="recommendations/0/cites"):
        load(path)


def test_the_study_recommendations_load() -> None:
    recs = load(Path(__file__).resolve().parents[2] / "config/recommendations.yaml")
    assert [r["id"] for r in recs] == [f"R-{i:02d}" for i in range(1, len(recs) + 1)]


def test_a_recommendation_asking_for_done_work_stops_the_build(tmp_path: Path) -> None:
    path = tmp_path / "recommendations.yaml"
    path.write_text(YAML, encoding="utf-8")
    recs = load(path)
    # With impact results the report has evaluated the templates: R-02 asks for it again.
    already = done({"impact_did": pd.DataFrame({"metric": ["audit_mo_good"]})})
    assert already == {"baseline_measurement", "template_adoption", "impact_evaluation"}
    with pytest.raises(ConfigError) as err:
        check_not_done(recs, already, path)
    assert f"{path} line 10: R-02 asks for impact evaluation" in str(err.value)
    assert "R-01" not in str(err.value)
    # Before any follow-up data, asking for the evaluation is right.
    check_not_done(recs, done({"impact_did": pd.DataFrame()}), path)


def test_the_study_recommendations_ask_for_nothing_the_report_did() -> None:
    recs = load(Path(__file__).resolve().parents[2] / "config/recommendations.yaml")
    check_not_done(recs, {"baseline_measurement", "template_adoption", "impact_evaluation"}, "x")
