"""One LA's tabular and survey exports, written as its systems write them, with the
configuration that describes them (``datasets:`` of ``config/authorities/<slug>.yaml``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oversight.demo import dialects as d
from oversight.demo import render, writers
from oversight.demo.errorplan import error_plan
from oversight.demo.focus_groups import survey_comments
from oversight.demo.study import Plan, Window
from oversight.ingest import common_schema as cs

SPREADSHEET_MAX_ROWS = 12000
# Each dataset's dialect is the LA's dialect number moved on by this much, so one LA's
# datasets come from different systems.
DATASET_OFFSET = {
    "supervision": 0,
    "caseload": 1,
    "oversight": 1,
    "audits": 2,
    "survey": 3,
    "transcripts": 0,
    "strategy_discussions": 2,
}
SHEET_NAMES = {
    "supervision": "Supervision",
    "caseload": "Open episodes",
    "oversight": "Case notes",
    "audits": "Audit grades",
    "survey": "Responses",
    "strategy_discussions": "Strategy discussions",
}
TABULAR_NOTES = [
    "Extract notes",
    "One row per record.",
    "Dates are dd/mm/yyyy unless shown as day numbers.",
]
# Yes/no fields per dataset, listed in an LA's values when its labels are not built in.
BOOL_FIELDS = {
    "supervision": [
        "agency",
        "nqsw",
        "family_reflection_recorded",
        "practitioner_reflection_recorded",
    ],
    "oversight": ["rationale_recorded"],
    "audits": ["learning_conversation"],
    "strategy_discussions": ["police_attended", "health_attended", "education_attended"],
}
BUILTIN_BOOLS = {"y", "n", "yes", "no", "true", "false", "1", "0"}


def dialect_index(la_index: int, dataset: str) -> int:
    """Which of the six dialects an LA's export of ``dataset`` follows."""
    return (la_index + DATASET_OFFSET[dataset]) % 6


def container(kind: str, dataset: str, n_rows: int) -> str:
    """The container an export is written in: the LA's own, except where it cannot hold it."""
    if kind == "ods" and dataset in ("caseload", "oversight"):
        return "csv_utf8"
    if kind in ("xlsx", "ods") and n_rows > SPREADSHEET_MAX_ROWS:
        return "csv_bom"
    return kind


def write_export(
    raw_root: Path, rel: str, kind: str, sheet: str, title: str, table: tuple[list, list], notes
) -> dict[str, Any]:
    """Write header and rows in container ``kind``; return the configuration's file fields.
    ``notes`` are the lines an xlsx export puts beside its table (ods exports have none)."""
    box = d.CONTAINERS[kind]
    header, rows = table
    spec: dict[str, Any] = {"path": rel, "format": box["format"]}
    if box["format"] == "csv":
        writers.write_csv(raw_root / rel, header, rows, box["encoding"], box.get("delimiter", ","))
        spec["encoding"] = box["encoding"]
        if box.get("delimiter"):
            spec["delimiter"] = box["delimiter"]
    elif box["format"] == "xlsx":
        writers.write_xlsx(raw_root / rel, sheet, title, header, rows, notes)
        spec["sheet"] = sheet
        spec["header_row"] = "auto"
    else:
        writers.write_ods(raw_root / rel, sheet, title, header, rows)
        spec["sheet"] = sheet
        spec["header_row"] = "auto"
    return spec


def with_optional(dialect: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """The dialect with the optional fields this LA sends added as its last columns."""
    if not headers:
        return dialect
    out = {**dialect, "headers": {**dialect["headers"], **headers}}
    if dialect.get("order"):
        n = len(dialect["headers"])
        out["order"] = [*dialect["order"], *range(n, n + len(headers))]
    return out


def tabular_dialect(plan: Plan, dataset: str) -> dict[str, Any]:
    """The dialect of one of the LA's tabular exports."""
    if dataset == "strategy_discussions":
        return d.STRATEGY[plan.profile["strategy_discussions"]]
    return d.TABULAR[dataset][dialect_index(plan.dialect, dataset)]


def write_tabular(
    plan: Plan,
    dataset: str,
    frame: pd.DataFrame,
    rng: np.random.Generator,
    raw_root: Path,
    window: Window,
    optional_headers: dict[str, str] | None = None,
) -> tuple[dict[str, Any], Counter, int]:
    """Write one tabular export with its planted errors; return its configuration, the
    errors planted per rule and the rows written."""
    i = plan.dialect
    dialect = with_optional(tabular_dialect(plan, dataset), optional_headers or {})
    kind = container(plan.profile["container"], dataset, len(frame))
    native_cells = d.CONTAINERS[kind]["format"] == "xlsx"
    header, rows = render.render(frame, dataset, dialect, i, native_cells, rng)
    mapped = [header.index(h) for h in dialect["headers"].values()]
    keyed = [
        header.index(dialect["headers"][f]) for f in cs.key(dataset) if f in dialect["headers"]
    ]
    plan_errors = error_plan(dataset, dialect, rng, native_cells, window.data_end)
    rows, counts = render.plant(rows, header, plan_errors, rng, mapped, keyed)
    rel = f"{plan.slug}/{dataset}_{window.label}.{d.CONTAINERS[kind]['format']}"
    title = f"{dataset.replace('_', ' ').title()} extract, {window.spoken}"
    spec = write_export(
        raw_root, rel, kind, SHEET_NAMES[dataset], title, (header, rows), TABULAR_NOTES
    )
    if spec["format"] == "xlsx":
        spec["header_row"] = "auto" if i % 2 else 4
    spec["date_formats"] = [dialect["date_format"]] if dialect["date_format"] != "%Y-%m-%d" else []
    spec["columns"] = dict(dialect["headers"])
    spec["values"] = values(dataset, dialect, i)
    return spec, counts, len(rows)


def write_survey(
    plan: Plan,
    frame: pd.DataFrame,
    items: list[dict[str, str]],
    rng: np.random.Generator,
    raw_root: Path,
    window: Window,
) -> tuple[dict[str, Any], Counter, int, list[str]]:
    """Write the LA's staff survey export with its planted errors; return its configuration,
    the errors planted per rule, the rows written and the names planted in comments."""
    tool = d.SURVEY[dialect_index(plan.dialect, "survey")]
    scale = d.SCALES[tool["scale"]]
    labels = scale["labels"]
    headers = {
        it["id"]: d.item_header(tool["item_style"], n + 1, it["id"], it["text"])
        for n, it in enumerate(items)
    }
    roles = d.ROLE_LABELS[tool["roles"]]
    header = [tool["id"], tool["role"], *headers.values(), tool["free_text"], *tool["extra"]]
    comments, planted = survey_comments(len(frame), rng)
    rows = []
    for r, rec in enumerate(frame.itertuples(index=False)):
        answers = [
            "" if pd.isna(getattr(rec, k)) else labels[int(getattr(rec, k)) - 1] for k in headers
        ]
        extra = [f"{v[:3].upper()}{r % 7}" for v in tool["extra"].values()]
        rows.append([rec.respondent_id, roles[rec.role], *answers, comments[r], *extra])
    dialect = {"headers": {"respondent_id": tool["id"]}}
    mapped = list(range(len(header) - len(tool["extra"])))
    keyed = [0]  # the respondent; the wave is the same for every row of one file
    errors = error_plan("survey", dialect, rng, False, window.data_end, headers["rec_decisions"])
    rows, counts = render.plant(rows, header, errors, rng, mapped, keyed)
    kind = container(plan.profile["container"], "survey", len(rows))
    fmt = d.CONTAINERS[kind]["format"]
    rel = f"{plan.slug}/staff_survey_{tool['tool'].split()[0].lower()}.{fmt}"
    title = f"{tool['tool']} export"
    notes = ["Exported from " + tool["tool"]]
    spec = write_export(raw_root, rel, kind, "Responses", title, (header, rows), notes)
    spec["columns"] = {"respondent_id": tool["id"], "role": tool["role"]}
    spec["values"] = {
        "role": {label: code for code, label in roles.items() if label.casefold() != code}
    }
    spec["defaults"] = {"wave": "baseline"}
    spec["items"] = {h: k for k, h in headers.items()}
    spec["free_text_item"] = tool["free_text"]
    spec["scale"] = {
        "points": scale["points"],
        "labels": {lab: n + 1 for n, lab in enumerate(labels)},
    }
    return spec, counts, len(rows), planted


def values(dataset: str, dialect: dict[str, Any], i: int) -> dict[str, dict[str, Any]]:
    """The LA's labels for common codes, as its configuration lists them (``i``: the LA's
    dialect number)."""
    out: dict[str, dict[str, Any]] = {}
    for name, labels in dialect.get("labels", {}).items():
        out[name] = {str(label): code for code, label in labels.items()}
    if dataset == "supervision":
        out["worker_role"] = {label: code for code, label in d.ROLE_LABELS[i % 6].items()}
    if dataset == "caseload":
        out["team_type"] = {label: code for code, label in d.TEAM_LABELS[i % 6].items()}
    if dataset == "audits":
        out["domain"] = {label: code for code, label in d.DOMAIN_LABELS[i % 6].items()}
        out["grade"] = dict(d.GRADE_SCALES[i % len(d.GRADE_SCALES)]["map"])
    yes, no = d.BOOL_LABELS[i % len(d.BOOL_LABELS)]
    bool_fields = [f for f in BOOL_FIELDS.get(dataset, []) if f in dialect["headers"]]
    for name in bool_fields:
        if name in out:
            continue
        if yes.casefold() not in BUILTIN_BOOLS or no.casefold() not in BUILTIN_BOOLS:
            out[name] = {yes: True, no: False}
    # Identity labels need no synonym; keep the file short.
    trimmed = {
        k: v
        if k == "grade"
        else {lab: c for lab, c in v.items() if str(lab).casefold() != str(c).casefold()}
        for k, v in out.items()
    }
    return {k: v for k, v in trimmed.items() if v}
