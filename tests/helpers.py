"""Builders shared by the unit tests: authority YAML, raw extracts and a balanced ingest."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import yaml

from oversight.config import load_authority
from oversight.errors import ExtractError
from oversight.ingest.common_schema import fields
from oversight.ingest.extracts import Authority, Result, Study, ingest

KEY = b"test-key"
LA_CODE = "E10000016"
SURVEY_ITEMS = frozenset({"wb_workload", "wb_support"})
STUDY = Study(
    pd.Timestamp("2024-04-01"),
    pd.Timestamp("2025-03-31"),
    pd.Timestamp("2025-04-30"),
    SURVEY_ITEMS,
)

SUP_COLUMNS = {
    "worker_id": "Worker ID",
    "worker_role": "Worker Role",
    "agency": "Agency Worker",
    "nqsw": "NQSW",
    "session_date": "Supervision Date",
    "session_type": "Supervision Type",
    "duration_min": "Duration (mins)",
    "status": "Status",
}
SUP_HEADER = list(SUP_COLUMNS.values())
# The harmonised supervision columns the metric tests build frames with: the common schema's
# fields (config/common_schema.yaml) but the optional record text.
SUP_FIELDS = [f for f in fields("supervision") if f != "record_text"]
SUP_PATH = "testshire/supervision.csv"


def sup_row(**changes: str) -> list[str]:
    """A valid supervision row; keyword arguments replace cells by common field name."""
    row = {
        "worker_id": "W1001",
        "worker_role": "Social Worker",
        "agency": "No",
        "nqsw": "No",
        "session_date": "01/05/2024",
        "session_type": "Personal supervision",
        "duration_min": "60",
        "status": "held",
    }
    unknown = set(changes) - set(row)
    assert not unknown, unknown
    row.update(changes)
    return list(row.values())


def supervision_spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "path": SUP_PATH,
        "format": "csv",
        "encoding": "utf-8",
        "date_formats": ["%d/%m/%Y", "excel_serial"],
        "columns": dict(SUP_COLUMNS),
        "values": {
            "session_type": {
                "Personal supervision": "personal",
                "Case supervision": "case",
                "Group supervision": "group",
            },
            "worker_role": {"Social Worker": "social_worker", "Team Manager": "team_manager"},
        },
    }
    spec.update(overrides)
    return spec


CASELOAD_COLUMNS = {
    "child_id": "Child ID",
    "legal_status": "Status",
    "team_type": "Team",
    "episode_start": "Start",
    "episode_end": "End",
}


def caseload_spec(**overrides: Any) -> dict[str, Any]:
    """A caseload extract of testshire: dd/mm/yyyy dates, two team labels."""
    spec: dict[str, Any] = {
        "path": "testshire/caseload.csv",
        "format": "csv",
        "date_formats": ["%d/%m/%Y"],
        "columns": dict(CASELOAD_COLUMNS),
        "values": {"team_type": {"Safeguarding": "cin_cp", "Front door": "front_door"}},
    }
    spec.update(overrides)
    return spec


def authority_config(datasets: dict[str, Any]) -> dict[str, Any]:
    return {
        "la_code": LA_CODE,
        "la_name": "Testshire",
        "system": "unit-test export",
        "supervision_policy_days": 28,
        "datasets": datasets,
    }


def csv_text(header: list[str], *rows: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def key_line(path: Path, dotted: str) -> int:
    """1-based line of a nested key, found by indentation (independent of oversight.config)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    start, indent = 0, -1
    for key in dotted.split("."):
        for i in range(start, len(lines)):
            stripped = lines[i].lstrip(" ")
            depth = len(lines[i]) - len(stripped)
            if depth > indent and stripped.startswith((f"{key}:", f"'{key}':")):
                start, indent = i + 1, depth
                break
        else:
            raise AssertionError(f"{dotted} not found in {path}")
    return start


def assert_balanced(result: Result) -> None:
    led = result.ledger
    assert led["rows_in"] == led["rows_loaded"] + led["rows_rejected"], led


def rules_by_row(result: Result) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for row, rule in zip(result.rejects["source_row"], result.rejects["rule"], strict=True):
        out.setdefault(int(row), set()).add(rule)
    return out


def one_reject(result: Result, row: int) -> dict[str, Any]:
    hits = result.rejects[result.rejects["source_row"] == row]
    assert len(hits) == 1, hits
    return hits.iloc[0].to_dict()


@dataclass
class Sandbox:
    """A raw-data root and a config folder inside tmp_path."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    def authority(self, datasets: dict[str, Any], slug: str = "testshire") -> Authority:
        path = self.root / "config" / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.safe_dump(authority_config(datasets), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        return Authority(slug, load_authority(path), path)

    def write(self, relpath: str, data: bytes | str) -> Path:
        path = self.raw / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        return path

    def ingest(self, la: Authority, dataset: str) -> Result:
        """Ingest and check the ledger balances (every ingest test goes through here)."""
        result = ingest(la, dataset, self.raw, STUDY, key=KEY)
        assert_balanced(result)
        return result

    def supervision(self, data: bytes | str, **spec: Any) -> tuple[Authority, Result]:
        la = self.authority({"supervision": supervision_spec(**spec)})
        self.write(la.config["datasets"]["supervision"]["path"], data)
        return la, self.ingest(la, "supervision")

    def supervision_error(
        self, data: bytes | str | None, **spec: Any
    ) -> tuple[Authority, ExtractError]:
        la = self.authority({"supervision": supervision_spec(**spec)})
        if data is not None:
            self.write(la.config["datasets"]["supervision"]["path"], data)
        try:
            ingest(la, "supervision", self.raw, STUDY, key=KEY)
        except ExtractError as exc:
            return la, exc
        raise AssertionError("expected an ExtractError")


def ugly_workbook(path: Path) -> None:
    """A Notes sheet first, then a sheet with merged title rows above the header on row 4.

    Row 5: Excel serial as a number; row 6 blank; row 7: a real date cell;
    row 8: serial as text and a float duration.
    """
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = "About this extract"
    notes["A2"] = "Produced by the BI team; do not edit."
    ws = wb.create_sheet("Supervision")
    ws["A1"] = "Supervision extract 2024-25"
    ws.merge_cells("A1:H1")
    ws["A2"] = "Extract date: 30/04/2025"
    ws.merge_cells("A2:D2")
    rows = {
        4: SUP_HEADER,
        5: ["W1", "Social Worker", "No", "No", 45412, "Case supervision", 60, "held"],
        7: [
            "W2",
            "Team Manager",
            "Yes",
            "No",
            dt.datetime(2024, 5, 1),
            "Personal supervision",
            90,
            "held",
        ],
        8: ["W3", "Social Worker", "No", "Yes", "45412", "Group supervision", 45.0, "cancelled"],
    }
    for number, values in rows.items():
        for col, value in enumerate(values, start=1):
            ws.cell(row=number, column=col, value=value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
