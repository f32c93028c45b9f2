"""Links between one LA's datasets, and each dataset's status in the ledger."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from oversight.config import load_study
from oversight.errors import LedgerError
from oversight.ingest import common_schema as cs
from oversight.ingest.extracts import LEDGER_COLUMNS
from oversight.ingest.pseudonymise import pseudonymise
from oversight.quality.links import (
    Limits,
    check_consistency,
    check_links,
    dataset_status,
    definitions,
    ledger_with_status,
    link_datasets,
    report,
)
from oversight.quality.pages import combine_ledgers, page_context, render
from tests.conftest import ROOT

KEY = b"links-test-key"
LA = "E06000041"
LIMITS = Limits(reject=0.05, unlinked=0.05, reject_by_dataset={"survey": 0.30})


def _ids(values: list[str], kind: str) -> pd.Series:
    """Pseudonyms as ingest makes them: the same raw ID gives the same pseudonym in every
    dataset of the LA."""
    return pseudonymise(pd.Series(values, dtype="string"), KEY, LA, kind)


def _lineage(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    frame["source_file"] = file
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def _frames(
    kids: list[str],
    entries: list[str],
    workers: list[str | None],
    sessions: list[tuple[str, str, str]],
) -> dict[str, pd.DataFrame]:
    """Harmonised frames: caseload children (each allocated to ``workers``), oversight entries
    and audits for ``entries`` children, supervision ``(worker, type, role)`` sessions."""
    caseload = _lineage(
        pd.DataFrame(
            {
                "child_id": _ids(kids, "child"),
                "worker_id": _ids([w or "" for w in workers], "worker").where(
                    pd.Series([w is not None for w in workers])
                ),
            }
        ),
        "la/caseload.csv",
    )
    oversight = _lineage(pd.DataFrame({"child_id": _ids(entries, "child")}), "la/oversight.csv")
    audits = _lineage(pd.DataFrame({"child_id": _ids(entries, "child")}), "la/audits.xlsx")
    supervision = _lineage(
        pd.DataFrame(
            {
                "worker_id": _ids([s[0] for s in sessions], "worker"),
                "session_type": [s[1] for s in sessions],
                "worker_role": [s[2] for s in sessions],
                "agency": [False] * len(sessions),
            }
        ),
        "la/supervision.csv",
    )
    return {
        "caseload": caseload,
        "oversight": oversight,
        "audits": audits,
        "supervision": supervision,
    }


KIDS = ["C1", "C2", "C3", "C4"]
# 20 entries (rows 2 to 21): 16 for children in the caseload; C9 on rows 6, 10 and 14, C8 on 21.
ENTRIES = ["C1", "C2", "C3", "C9", "C4", "C1", "C2", "C9", "C3", "C4"]
ENTRIES += ["C1", "C9", "C2", "C3", "C4", "C1", "C2", "C3", "C8"]
ENTRIES.insert(0, "C4")
SESSIONS = [
    ("W1", "case", "social_worker"),
    ("W2", "case", "social_worker"),
    ("W9", "personal", "team_manager"),  # a manager holds no cases: not checked
    ("W9", "case", "team_manager"),  # a case supervision of a worker with no case
    ("W1", "personal", "senior_practitioner"),  # W1's role differs from row 2
]


def _ledger(rejected: dict[str, tuple[int, int]], problem: dict[str, str] | None = None):
    """An ingest ledger: dataset -> (rows in, rows rejected)."""
    problem = problem or {}
    return pd.DataFrame(
        [
            {
                "la_code": LA,
                "dataset": d,
                "rows_in": n,
                "rows_loaded": n - r,
                "rows_rejected": r,
                "blank_rows_skipped": 0,
                "file_problem": problem.get(d, ""),
            }
            for d, (n, r) in rejected.items()
        ],
        columns=LEDGER_COLUMNS,
    )


def test_oversight_entries_for_children_not_in_the_caseload_are_counted_with_examples() -> None:
    assert len(ENTRIES) == 20
    frames = _frames(KIDS, ENTRIES, ["W1", "W1", "W2", "W2"], SESSIONS)
    links = {c.name: c for c in check_links(frames, examples=3)}
    over = links["oversight_child"]
    assert over.checked and (over.rows_checked, over.rows_unlinked, over.ids_unlinked) == (20, 4, 2)
    assert over.share == pytest.approx(0.2)
    c9 = _ids(["C9"], "child").iloc[0]
    assert re.fullmatch(r"C-[0-9a-f]{16}", c9)  # a pseudonym, never the raw ID
    assert over.examples == [
        {"id": c9, "source_file": "la/oversight.csv", "source_row": row} for row in (6, 10, 14)
    ]
    assert links["audits_child"].rows_unlinked == 4
    assert links["audits_child"].examples[0]["source_file"] == "la/audits.xlsx"


def test_only_case_supervisions_must_link_to_a_worker_with_cases() -> None:
    frames = _frames(KIDS, ENTRIES, ["W1", "W1", "W2", "W2"], SESSIONS)
    case = {c.name: c for c in check_links(frames, examples=5)}["supervision_case_worker"]
    # Three case sessions; W9's personal supervision is not a link to check.
    assert (case.rows_checked, case.rows_unlinked, case.ids_unlinked) == (3, 1, 1)
    assert case.examples == [
        {"id": _ids(["W9"], "worker").iloc[0], "source_file": "la/supervision.csv", "source_row": 5}
    ]


def test_a_link_is_not_checked_without_its_target() -> None:
    # A caseload without allocated workers cannot show which workers hold cases.
    frames = _frames(KIDS, ENTRIES, [None] * 4, SESSIONS)
    case = {c.name: c for c in check_links(frames, 3)}["supervision_case_worker"]
    assert not case.checked and case.rows_unlinked == 0
    assert case.note == "not checked: the caseload extract carries no worker_id"
    # A caseload that could not be used leaves every link to it unchecked, not unlinked.
    frames = _frames([], ENTRIES, [], SESSIONS)
    ledger = _ledger(
        {"caseload": (0, 0), "oversight": (20, 0), "audits": (20, 0), "supervision": (5, 0)},
        {"caseload": "caseload.csv: missing required column for 'child_id'"},
    )
    out, summary = report(frames, ledger, LIMITS, 3)
    notes = {c["name"]: c["note"] for c in summary["links"]}
    assert notes["oversight_child"] == "not checked: the caseload extract could not be used"
    status = dict(zip(out["dataset"], out["status"], strict=True))
    assert status == {
        "caseload": "unreliable: the file could not be used",
        "oversight": "ok",
        "audits": "ok",
        "supervision": "ok",
    }


def test_status_marks_a_dataset_over_a_limit_unreliable_and_says_why() -> None:
    frames = _frames(KIDS, ENTRIES, ["W1", "W1", "W2", "W2"], SESSIONS)
    links = check_links(frames, 3)
    ledger = _ledger(
        {
            "caseload": (100, 5),  # exactly at the limit: ok
            "oversight": (25, 5),  # 20% rejected, and 20% of the loaded entries unlinked
            "audits": (20, 0),
            "supervision": (1000, 51),  # 5.1% rejected
            "survey": (32, 8),  # 25%: under the survey's own limit of 30%
            "transcripts": (40, 0),
        }
    )
    marked = ledger_with_status(ledger, links, LIMITS)
    status = dict(zip(marked["dataset"], marked["status"], strict=True))
    assert status["caseload"] == "ok"
    assert status["oversight"] == (
        "unreliable: 20% of rows rejected, above the study's limit of 5%; 20% of oversight "
        "entries are for a child not in the caseload, above the study's limit of 5%"
    )
    assert status["audits"] == (
        "unreliable: 20% of audit grades are for a child not in the caseload, above the "
        "study's limit of 5%"
    )
    # One of three case sessions is of a worker with no case.
    assert status["supervision"] == (
        "unreliable: 5.1% of rows rejected, above the study's limit of 5%; 33.3% of case "
        "supervisions are of a worker with no child allocated in the caseload, above the "
        "study's limit of 5%"
    )
    assert status["survey"] == "ok" and status["transcripts"] == "ok"
    line = {"dataset": "survey", "rows_in": 32, "rows_rejected": 11, "file_problem": ""}
    assert dataset_status(line, links, LIMITS) == (
        "unreliable: 34.4% of rows rejected, above the study's limit of 30%"
    )


def test_unlinked_rows_at_or_under_the_limit_leave_the_dataset_ok() -> None:
    # 1 unlinked entry in 20 is exactly 5%: not above the limit.
    entries = ["C1"] * 19 + ["C9"]
    links = check_links(_frames(KIDS, entries, ["W1"] * 4, [("W1", "case", "social_worker")]), 3)
    line = {"dataset": "oversight", "rows_in": 20, "rows_rejected": 0, "file_problem": ""}
    assert dataset_status(line, links, LIMITS) == "ok"
    assert dataset_status(line, links, Limits(0.05, 0.049)).startswith(
        "unreliable: 5% of oversight entries"
    )


def test_workers_with_more_than_one_role_are_counted_not_marked() -> None:
    frames = _frames(KIDS, ENTRIES, ["W1", "W1", "W2", "W2"], SESSIONS)
    conflicts = {c.name: c for c in check_consistency(frames, 3)}
    role = conflicts["worker_role"]
    assert (role.ids, role.ids_checked) == (1, 3)
    assert role.examples == [
        {
            "id": _ids(["W1"], "worker").iloc[0],
            "values": [
                {"value": "social worker", "source_file": "la/supervision.csv", "source_row": 2},
                {
                    "value": "senior practitioner",
                    "source_file": "la/supervision.csv",
                    "source_row": 6,
                },
            ],
        }
    ]
    assert conflicts["worker_agency"].ids == 0


def test_the_regional_ledger_carries_status_and_still_refuses_an_unbalanced_line() -> None:
    frames = _frames(KIDS, ENTRIES, ["W1", "W1", "W2", "W2"], SESSIONS)
    ledger = _ledger({"caseload": (4, 0), "oversight": (20, 0), "audits": (20, 0)})
    ledger = pd.concat([ledger, _ledger({"supervision": (5, 0)})], ignore_index=True)
    with_status, _ = report(frames, ledger, LIMITS, 3)
    assert list(with_status.columns) == [*LEDGER_COLUMNS, "status"]
    regional = combine_ledgers([with_status])
    assert regional.set_index("dataset")["status"].to_dict() == {
        "audits": "unreliable: 20% of audit grades are for a child not in the caseload, "
        "above the study's limit of 5%",
        "caseload": "ok",
        "oversight": "unreliable: 20% of oversight entries are for a child not in the "
        "caseload, above the study's limit of 5%",
        "supervision": "unreliable: 33.3% of case supervisions are of a worker with no child "
        "allocated in the caseload, above the study's limit of 5%",
    }
    assert regional["balanced"].all()
    unbalanced = with_status.copy()
    unbalanced.loc[0, "rows_loaded"] = 3
    with pytest.raises(LedgerError, match="does not balance for 1 line"):
        combine_ledgers([unbalanced])
    with pytest.raises(LedgerError, match="have no status"):
        combine_ledgers([with_status.drop(columns=["status"])])


def test_quality_page_shows_unlinked_rows_with_pseudonyms_file_and_row() -> None:
    frames = _frames(KIDS, ENTRIES, ["W1", "W1", "W2", "W2"], SESSIONS)
    ledger = _ledger({"caseload": (4, 0), "oversight": (20, 0), "audits": (20, 0)})
    ledger, summary = report(frames, ledger, LIMITS, 3)
    empty = pd.DataFrame(columns=["source_file", "source_row", "column", "value_shown", "rule"])
    context = page_context(
        {"la_name": "Testshire", "la_code": LA},
        ledger,
        dict.fromkeys(ledger["dataset"], empty.assign(message=[])),
        {},
        {"period_start": "2024-04-01", "period_end": "2025-03-31", "extract_date": "x"},
        3,
        summary,
    )
    html = render(ROOT / "report_templates/quality.html.j2", context)
    text = " ".join(html.split())
    assert "4 of 20 oversight entries (20%) are for a child not in the caseload (2 diff" in text
    assert "the oversight data will be left out of the regional comparisons" in text
    assert f"<code>{_ids(['C9'], 'child').iloc[0]}</code>" in html
    assert '<td><code>la/oversight.csv</code></td><td class="num">14</td>' in html
    assert "all 4 caseload" not in html  # caseload is the target, not a checked dataset
    assert "2 datasets will be left out" in text
    assert "<strong>Not for publication.</strong> This page is for the LA's data lead" in text


def test_study_config_limits_are_valid_and_every_check_names_real_fields() -> None:
    study = load_study(ROOT / "config/config.yaml")
    limits = Limits.from_config(study["quality"])
    assert limits.reject_for("oversight") == limits.reject and limits.reject_for("survey") > 0
    assert set(link_datasets()) <= set(study["datasets"])
    for spec in definitions()["links"].values():
        assert spec["key"] in cs.fields(spec["dataset"])
        assert spec["target_key"] in cs.fields(spec["target"])
        for column in spec.get("where", {}):
            assert column in cs.fields(spec["dataset"])
    for spec in definitions()["consistency"].values():
        assert spec["field"] in cs.fields(spec["dataset"])


def test_oversight_check_prints_the_links_and_each_status(capsys) -> None:
    """`oversight check <la>` shows a data lead the unlinked rows and the status before the
    pipeline runs, as the quality page will (rows and files only, never an identifier)."""
    from oversight.cli import _print_links
    from oversight.ingest.extracts import Result

    frames = _frames(KIDS, ENTRIES, ["W1", "W2", "W1", None], SESSIONS)
    sizes = {d: len(f) for d, f in frames.items()}
    ledger = _ledger({d: (n, 0) for d, n in sizes.items()})
    results = {
        line["dataset"]: Result(frames[line["dataset"]], pd.DataFrame(), line)
        for line in ledger.to_dict("records")
    }
    quality = {"max_reject_share": 0.05, "max_unlinked_share": 0.05}
    _print_links(results, quality, examples=2)
    out = capsys.readouterr().out
    assert "oversight_child: 4 of 20 oversight entries are for a child not in the caseload" in out
    assert "    row 6 of la/oversight.csv\n    row 10 of la/oversight.csv\n" in out
    assert "supervision: 1 of 3 workers have a role that differs between rows" in out
    assert "  oversight: unreliable: 20% of oversight entries are for a child" in out
    assert "  caseload: ok" in out
    assert "C-" not in out and "W-" not in out  # pseudonyms are not needed to find a row


def test_a_small_reject_share_is_never_shown_as_zero() -> None:
    from oversight.quality.pages import share_text

    assert share_text(17 / 39971) == "<0.1%"
    assert share_text(0.0) == "0.0%"
    assert share_text(9 / 10516) == "0.1%"
    assert share_text(6 / 456) == "1.3%"
