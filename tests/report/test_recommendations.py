"""Recommendations cite findings by ID; a citation of a missing ID stops the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from oversight.errors import ConfigError
from oversight.report.recommendations import check_citations, load

YAML = """\
recommendations:
  - id: R-01
    title: First
    text: Do the first thing.
    cites: [F-SUP-01, F-HYP-01]
  - id: R-02
    title: Second
    text: Do the second thing.
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
    assert f"{path} line 11: recommendation R-02 cites 'F-XYZ-09'" in message
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
