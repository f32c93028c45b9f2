"""Demo marking: artefacts built from LA extracts say they are synthetic in a demo run."""

import pandas as pd

from oversight.config import load_checked
from oversight.report import marking


def test_demo_tables_from_la_extracts_carry_the_status_column():
    frame = pd.DataFrame({"la_code": ["E06000035"], "value": [0.25]})
    marked = marking.mark_table(frame, {"id": "TAB-METRICS"}, demo=True)
    assert list(marked.columns) == ["la_code", "value", "data_status"]
    assert marked["data_status"].tolist() == ["synthetic demonstration data"]
    # The input frame is left as it was.
    assert list(frame.columns) == ["la_code", "value"]


def test_published_sources_and_real_runs_are_not_marked():
    frame = pd.DataFrame({"value": [0.3]})
    assert "data_status" not in marking.mark_table(frame, {"source": "published"}, demo=True)
    assert "data_status" not in marking.mark_table(frame, {}, demo=False)


def test_catalogue_marks_only_dfe_and_ofsted_tables_as_published():
    tables = load_checked("config/tables.yaml", "tables.schema.yaml")["tables"]
    published = sorted(n for n, s in tables.items() if not marking.from_la_extracts(s))
    assert published == [
        "inspectors_oversight",
        "inspectors_quotes",
        "kpis",
        "network_minutes",
        "ofsted_latest",
        "ofsted_set_aside",
        "ofsted_what_needs_to_improve",
    ]


def test_findings_say_synthetic_only_in_a_demo_run():
    found = [{"id": "F-SUP-01", "text": "..."}]
    assert marking.mark_findings(found, demo=True)[0]["data"].startswith(
        "The LA-level figures in this run are synthetic"
    )
    assert "data" not in marking.mark_findings(found, demo=False)[0]
