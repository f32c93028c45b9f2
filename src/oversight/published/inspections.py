"""Ofsted inspections of local authority children's services: the ``inspections`` dataset
(one row per report section, with the report's judgements) and its summary tables.

Each report is parsed by :mod:`oversight.published.report_parser` (layouts:
:mod:`oversight.published.report_layout`); here the reports are matched to their LAs and
validated, and each LA's latest judgements and the items of "what needs to improve" are drawn
from the dataset.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pandera.pandas as pa

from oversight.published.report_files import normalise_la_name
from oversight.published.report_layout import GRADES, JUDGEMENTS, SECTION_ORDER

COLUMNS = [
    "la_code",
    "la_name",
    "urn",
    "published",
    "inspection_start",
    "inspection_end",
    *JUDGEMENTS,
    "section",
    "section_grade",
    "text",
    "source_file",
]
BULLET_RE = re.compile("^[◼■▪•●\uf06e\uf0a7\uf0b7\uf0d8]\\s*")
NUMBERED_RE = re.compile(r"^\d{1,2}\.\s+")


INSPECTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "la_code": pa.Column("string", pa.Check.str_matches(r"^E\d{8}$")),
        "la_name": pa.Column("string"),
        "urn": pa.Column("int64", pa.Check.gt(0)),
        "published": pa.Column("datetime64[s]"),
        "inspection_start": pa.Column("datetime64[s]"),
        "inspection_end": pa.Column("datetime64[s]"),
        **{key: pa.Column("string", pa.Check.isin(GRADES)) for key in JUDGEMENTS},
        "section": pa.Column("string", pa.Check.isin(SECTION_ORDER)),
        "section_grade": pa.Column("string", pa.Check.isin(GRADES), nullable=True),
        "text": pa.Column("string", pa.Check.str_length(min_value=1)),
        "source_file": pa.Column("string"),
    },
    checks=[
        pa.Check(
            lambda df: ~df.duplicated(["la_code", "published", "section"]),
            error="one row per report and section",
        ),
        pa.Check(
            lambda df: df["inspection_start"] <= df["inspection_end"],
            error="inspection starts before it ends",
        ),
        pa.Check(
            lambda df: df["inspection_end"] <= df["published"],
            error="report published after the inspection",
        ),
    ],
    strict=True,
    ordered=True,
)


def _la_code(report: dict[str, Any], by_urn: dict[int, tuple], by_name: dict[str, tuple]):
    hit = by_urn.get(int(report["urn"])) or by_name.get(normalise_la_name(report["la_name"]))
    if hit is None:
        raise ValueError(
            f"{report.get('source_file', '?')}: no LA in the lookup with URN {report['urn']} "
            f"or a name matching {report['la_name']!r}"
        )
    return hit


def inspections_frame(reports: list[dict[str, Any]], la_lookup: pd.DataFrame) -> pd.DataFrame:
    """The ``inspections`` dataset: one row per report section, validated.

    ``la_lookup`` needs ``la_name``, ``la_code_new`` and ``ofsted_urn`` (the seslip LA table).
    Reports are matched to an LA by URN, else by normalised name; ``la_name`` in the output is
    the lookup's name (the name as written in each report is in :func:`parse_report`'s result).
    """
    by_urn: dict[int, tuple] = {}
    by_name: dict[str, tuple] = {}
    for row in la_lookup.itertuples(index=False):
        entry = (str(row.la_code_new), str(row.la_name))
        if pd.notna(row.ofsted_urn):
            by_urn[int(row.ofsted_urn)] = entry
        by_name[normalise_la_name(str(row.la_name))] = entry
    rows = []
    for report in reports:
        code, name = _la_code(report, by_urn, by_name)
        for section in report["sections"]:
            rows.append(
                {
                    "la_code": code,
                    "la_name": name,
                    "urn": int(report["urn"]),
                    "published": report["published"],
                    "inspection_start": report["inspection_start"],
                    "inspection_end": report["inspection_end"],
                    **{key: report["grades"][key] for key in JUDGEMENTS},
                    "section": section["section"],
                    "section_grade": section["grade"],
                    "text": section["text"],
                    "source_file": report["source_file"],
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("published", "inspection_start", "inspection_end"):
        frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d").astype("datetime64[s]")
    frame["urn"] = frame["urn"].astype("int64")
    for col in COLUMNS:
        if col not in ("urn", "published", "inspection_start", "inspection_end"):
            frame[col] = frame[col].astype("string")
    order = {name: i for i, name in enumerate(SECTION_ORDER)}
    frame = (
        frame.assign(_order=frame["section"].map(order))
        .sort_values(["la_code", "published", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return INSPECTIONS_SCHEMA.validate(frame, lazy=True)


def latest_judgements(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per LA: its latest inspection (by publication date) and the five grades.

    ``combined_cla_care_leavers`` says whether that inspection gave one judgement for children
    in care and care leavers (both grade columns then hold it).
    """
    keys = ["la_code", "la_name", "urn", "published", "inspection_start", "inspection_end"]
    reports = frame.groupby(["la_code", "published"], sort=True)
    combined = reports["section"].agg(
        lambda s: bool((s == "children_in_care_and_care_leavers").any())
    )
    one = frame.drop_duplicates(["la_code", "published"])[[*keys, *JUDGEMENTS, "source_file"]]
    one = one.merge(
        combined.rename("combined_cla_care_leavers").reset_index(), on=["la_code", "published"]
    )
    latest = one.sort_values(["la_code", "published"]).groupby("la_code").tail(1)
    return latest.reset_index(drop=True)


def split_items(text: str) -> list[str]:
    """Split a "What needs to improve" (or SIF "Recommendations") text into its items.

    Items start at bullet lines (◼, , •, ...); failing bullets, at numbered lines ("1. ");
    failing both, at blank lines. Sub-bullets ("−") stay in their item. Wrapped lines are
    joined with a space, except a word broken after a hyphen ("multi-" + "agency").
    """
    lines = [line.strip() for line in text.splitlines()]
    if any(BULLET_RE.match(line) for line in lines):
        starts = BULLET_RE
    elif any(NUMBERED_RE.match(line) for line in lines):
        starts = NUMBERED_RE
    else:
        starts = None
    items: list[list[str]] = []
    for line in lines:
        if starts is None:
            if not line:
                items.append([])
                continue
            if not items:
                items.append([])
            items[-1].append(line)
        elif starts.match(line):
            items.append([starts.sub("", line, count=1)])
        elif line and items:
            items[-1].append(line)
        elif line:  # text before the first bullet: keep it as its own item, not lost
            items.append([line])
    out = []
    for parts in items:
        joined = ""
        for part in parts:
            if joined.endswith("-") and len(joined) > 1 and joined[-2].isalpha():
                joined += part
            else:
                joined = f"{joined} {part}".strip()
        if joined:
            out.append(" ".join(joined.split()))
    return out


def what_needs_to_improve(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per item of each report's "What needs to improve" section:
    ``la_code``, ``published``, ``item`` (1, 2, ...) and ``text``."""
    rows = []
    sections = frame[frame["section"] == "what_needs_to_improve"]
    for row in sections.itertuples(index=False):
        for number, item in enumerate(split_items(row.text), start=1):
            rows.append(
                {"la_code": row.la_code, "published": row.published, "item": number, "text": item}
            )
    out = pd.DataFrame(rows, columns=["la_code", "published", "item", "text"])
    out["la_code"] = out["la_code"].astype("string")
    out["published"] = out["published"].astype("datetime64[s]")
    out["item"] = out["item"].astype("int64")
    out["text"] = out["text"].astype("string")
    return out.sort_values(["la_code", "published", "item"]).reset_index(drop=True)
