"""Data quality: the ledger that must balance, and each LA's data-quality page.

The page is written for the LA's data lead: what arrived, what was loaded, what was rejected
and why, with a few masked examples and what to change in the next extract.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from oversight.errors import LedgerError
from oversight.quality.links import OK, STATUS_COLUMN, Limits, percent

# What a data lead can do about each rule, in the order problems are usually fixed.
RULE_ADVICE: dict[str, str] = {
    "required": "Fill in the blank values in the case-management system before the next "
    "extract, or leave test and placeholder records out of it.",
    "date_format": "Correct the dates that are not real calendar dates (for example 31/02) or "
    "placeholders such as 'TBC'. If the whole column uses another format, tell the study team "
    "so the configuration can list it.",
    "future_date": "Correct dates after the extract date: they are usually typing errors in "
    "the year.",
    "date_outside_period": "Leave out records dated outside the study period, or correct "
    "their dates.",
    "date_order": "Correct episodes that end before they start.",
    "allowed_codes": "Use one of the listed labels. If your system has a new label that means "
    "one of them, tell the study team so the configuration can map it.",
    "number_format": "Enter numbers as digits only, without units or text.",
    "value_range": "Correct impossible values such as negative durations.",
    "duplicate_row": "Remove repeated rows: the extract should hold each record once.",
    "empty_response": "Leave blank survey returns (no answer, no comment) out of the export.",
    "field_count": "Quote values that contain the delimiter, or re-export the file.",
    "control_character": "Remove invisible control characters (often pasted from another "
    "program or left by a broken export) from these cells, or re-export the file.",
    "hidden_row": "Delete hidden test or set-aside rows before sending the workbook; if hidden "
    "rows are real records, unhide them, or tell the study team so the configuration loads them.",
    "formula_without_value": "Open the workbook in a spreadsheet program so its formulas are "
    "calculated, save it and send it again (or paste the values over the formulas).",
    "repeated_header": "Send each extract with one header row: remove header rows repeated "
    "where exports were joined or pages printed.",
    "totals_row": "Leave totals and sub-totals out of the extract: the study counts the "
    "records itself.",
    "placeholder_id": "Enter the real identifier where the extract has NULL, N/A, 0, 'unknown' "
    "or a similar placeholder, or leave records without one out of the extract.",
    "mixed_script_id": "Retype these identifiers in Latin letters: they contain a look-alike "
    "letter from another alphabet (often Cyrillic or Greek), which makes a different person.",
    "id_pattern": "Correct identifiers that do not have the form this LA's identifiers have; "
    "if the form has changed, tell the study team so the configuration can describe it.",
    "conflicting_answers": "One respondent ID has several different responses: keep the real "
    "one in the export and remove the others, or correct the respondent IDs.",
}


def share_text(share: float) -> str:
    """A reject share for a data lead: one decimal, but never "0.0%" when rows were rejected
    (17 of 39,971 is "<0.1%", which still says there is something to fix)."""
    return "<0.1%" if 0 < share < 0.0005 else f"{share:.1%}"


@dataclass(frozen=True)
class RuleSummary:
    rule: str
    rows: int
    cells: int
    columns: str
    advice: str
    examples: list[dict[str, Any]]


def combine_ledgers(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The regional ledger, sorted, with each dataset's ``status`` carried on and a
    ``balanced`` column.

    Raises if any line does not balance, if any file could not be used at all (its LA's
    quality page says why), or if a line has no status: the roll-ups never run on an
    incomplete region, nor on data whose reliability was not judged. An ``unreliable``
    status does not stop the roll-ups: they leave that LA's dataset out
    (:mod:`oversight.quality.exclusions`).
    """
    ledger = pd.concat(frames, ignore_index=True)
    if STATUS_COLUMN not in ledger:
        ledger[STATUS_COLUMN] = ""
    ledger[STATUS_COLUMN] = ledger[STATUS_COLUMN].fillna("").astype(str)
    unjudged = ledger[ledger[STATUS_COLUMN] == ""]
    if not unjudged.empty:
        lines = ", ".join(f"{r.la_code} {r.dataset}" for r in unjudged.itertuples())
        raise LedgerError(
            f"{len(unjudged)} ledger line(s) have no status ({lines}); each LA's ledger "
            "gets one from the links rule (results/quality/<la>/ledger.csv)"
        )
    ledger["file_problem"] = ledger["file_problem"].fillna("").astype(str)
    problems = ledger[ledger["file_problem"] != ""]
    if not problems.empty:
        lines = "\n".join(
            f"- {r.la_code} {r.dataset}: {r.file_problem}" for r in problems.itertuples()
        )
        raise LedgerError(
            f"{len(problems)} extract(s) could not be used; each LA's "
            f"results/quality/<la>/index.html says what to change:\n{lines}"
        )
    ledger = ledger.sort_values(["la_code", "dataset"], kind="stable").reset_index(drop=True)
    ledger["balanced"] = ledger["rows_in"] == ledger["rows_loaded"] + ledger["rows_rejected"]
    bad = ledger[~ledger["balanced"]]
    if not bad.empty:
        lines = "; ".join(
            f"{r.la_code} {r.dataset}: {r.rows_in} in, {r.rows_loaded} loaded, "
            f"{r.rows_rejected} rejected"
            for r in bad.itertuples()
        )
        raise LedgerError(f"the ledger does not balance for {len(bad)} line(s): {lines}")
    return ledger


def summarise_rejects(rejects: pd.DataFrame, examples: int) -> list[RuleSummary]:
    """Rejects grouped by rule: rows affected, columns, advice and a few masked examples."""
    out = []
    for rule, group in rejects.groupby("rule", sort=True):
        rows = group[["source_file", "source_row"]].drop_duplicates().shape[0]
        cols = ", ".join(sorted(group["column"].astype(str).unique()))
        sample = group.sort_values(["source_file", "source_row"]).head(examples)
        out.append(
            RuleSummary(
                rule=str(rule),
                rows=rows,
                cells=len(group),
                columns=cols,
                advice=RULE_ADVICE.get(str(rule), ""),
                examples=sample[
                    ["source_file", "source_row", "column", "value_shown", "message"]
                ].to_dict("records"),
            )
        )
    return out


def link_views(links: dict[str, Any], dataset: str) -> list[dict[str, Any]]:
    """The link checks of one dataset (``links.json``) as the quality page words them."""
    limit = links["limits"]["max_unlinked_share"]
    out = []
    for check in links["links"]:
        if check["dataset"] != dataset:
            continue
        n, of = check["rows_unlinked"], check["rows_checked"]
        if not check["checked"]:
            summary = f"{check['rows']} {check['problem']}: {check['note']}"
        elif n:
            summary = (
                f"{n:,} of {of:,} {check['rows']} ({percent(check['share'])}) are "
                f"{check['problem']} ({check['ids_unlinked']:,} different IDs)"
            )
        else:
            summary = f"all {of:,} {check['rows']} link to the {check['target']}"
        out.append(
            {
                "name": check["name"],
                "summary": summary,
                "unlinked": bool(n),
                "over_limit": check["checked"] and check["share"] > limit,
                "limit": percent(limit),
                "fix": check["fix"],
                "examples": check["examples"],
            }
        )
    return out


def conflict_views(links: dict[str, Any], dataset: str) -> list[dict[str, Any]]:
    """Identifiers of one dataset with more than one value of a field, worded for the page."""
    return [
        {
            "label": c["label"],
            "summary": f"{c['ids']:,} of {c['ids_checked']:,} workers have more than one "
            f"{c['label']} across their rows; the analysis uses each worker's latest",
            "examples": c["examples"],
        }
        for c in links["conflicts"]
        if c["dataset"] == dataset and c["ids"]
    ]


def page_context(
    la: dict[str, Any],
    ledger: pd.DataFrame,
    rejects: dict[str, pd.DataFrame],
    notes: dict[str, Any],
    study: dict[str, Any],
    examples: int,
    links: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the data-quality page shows, in display order. ``links`` is the LA's
    ``links.json`` (:func:`oversight.quality.links.report`); the ledger carries each dataset's
    ``status``."""
    links = links or {"limits": {"max_unlinked_share": 1.0}, "links": [], "conflicts": []}
    datasets = []
    for row in ledger.to_dict("records"):
        share = row["rows_rejected"] / row["rows_in"] if row["rows_in"] else 0.0
        name = row["dataset"]
        status = row.get(STATUS_COLUMN)
        status = status if isinstance(status, str) and status else OK
        datasets.append(
            {
                "name": name,
                "rows_in": row["rows_in"],
                "rows_loaded": row["rows_loaded"],
                "rows_rejected": row["rows_rejected"],
                "blank": row["blank_rows_skipped"],
                "share_rejected": share_text(share),
                "status": status,
                "unreliable": status != OK,
                "files": notes.get(name, {}).get("files", []),
                "notes": notes.get(name, {}).get("notes", []),
                "rules": summarise_rejects(rejects[name], examples),
                "rejects_file": f"{name}.rejects.csv",
                "problem": notes.get(name, {}).get("problem"),
                "links": link_views(links, name),
                "conflicts": conflict_views(links, name),
            }
        )
    return {
        "la_name": la["la_name"],
        "la_code": la["la_code"],
        "study": study,
        "datasets": datasets,
        "total_in": int(ledger["rows_in"].sum()),
        "total_rejected": int(ledger["rows_rejected"].sum()),
        "problems": sum(1 for d in datasets if d["problem"]),
        "unreliable": [d for d in datasets if d["unreliable"] and not d["problem"]],
        "limits": (
            Limits.from_config(links["limits"]).describe()
            if "max_reject_share" in links["limits"]
            else ""
        ),
    }


def render(template_path: str | Path, context: dict[str, Any]) -> str:
    """Render a page template with HTML autoescaping (values from extracts are untrusted)."""
    path = Path(template_path)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(path.parent),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(path.name).render(**context)


def index_context(
    ledger: pd.DataFrame, authorities: dict[str, dict[str, str]], study: dict[str, Any]
) -> dict[str, Any]:
    """One line per LA for the index page, in the order of the study configuration.

    ``authorities`` maps each LA's slug to its ``la_name`` and ``la_code``.
    """
    totals = ledger.groupby("la_code")[["rows_in", "rows_loaded", "rows_rejected"]].sum()
    rows = []
    for slug, la in authorities.items():
        t = totals.loc[la["la_code"]]
        rows.append(
            {
                "slug": slug,
                "name": la["la_name"],
                "la_code": la["la_code"],
                "rows_in": int(t.rows_in),
                "rows_loaded": int(t.rows_loaded),
                "rows_rejected": int(t.rows_rejected),
                "share": share_text(t.rows_rejected / t.rows_in) if t.rows_in else "-",
                "unreliable": _unreliable_datasets(ledger, la["la_code"]),
            }
        )
    return {"authorities": rows, "study": study}


def _unreliable_datasets(ledger: pd.DataFrame, la_code: str) -> list[str]:
    """The datasets of one LA whose status is not ``ok`` (none for a ledger without status)."""
    if STATUS_COLUMN not in ledger:
        return []
    own = ledger[(ledger["la_code"] == la_code) & (ledger[STATUS_COLUMN].fillna(OK) != OK)]
    return sorted(own["dataset"].astype(str))
