"""``oversight demo-data``: synthetic raw extracts for the 19 LAs, their truth and manifest.

Same seed, same bytes. The truth file (``data/raw/demo_truth.json``) is for the tests: the
pipeline never reads it. The manifest (``data/raw/DEMO_DATA.json``) marks the data as synthetic,
carries the public demo pseudonymisation key and lists every file the generator wrote (path
under ``data/raw/``, size and SHA-256): ingest uses the demo key for an LA only when each file
it reads is one of these, unchanged (:func:`oversight.ingest.pseudonymise.load_key`).
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from oversight.config import load_yaml
from oversight.demo import dialects as d
from oversight.demo import optional, render, simulate, writers
from oversight.ingest import common_schema as cs
from oversight.ingest.pseudonymise import DEMO_KEY_MARK, sha256_file

DEFAULT_SEED = 20240401
DEMO_KEY = f"{DEMO_KEY_MARK}:oversight-synthetic-demo-key-v1"
POLICY_DAYS = [28, 42, 56]
# Per-LA file container; large tabular extracts fall back to CSV (spreadsheets cap out).
CONTAINER_BY_LA = {
    "bracknell_forest": "xlsx",
    "brighton_and_hove": "csv_bom",
    "buckinghamshire": "csv_cp1252",
    "east_sussex": "csv_utf8",
    "hampshire": "csv_utf8",
    "isle_of_wight": "xlsx",
    "kent": "csv_bom",
    "medway": "csv_cp1252",
    "milton_keynes": "xlsx",
    "oxfordshire": "csv_semicolon",
    "portsmouth": "csv_utf8",
    "reading": "xlsx",
    "slough": "csv_cp1252",
    "southampton": "csv_bom",
    "surrey": "csv_utf8",
    "west_berkshire": "xlsx",
    "west_sussex": "csv_cp1252",
    "windsor_and_maidenhead": "ods",
    "wokingham": "xlsx",
}
SPREADSHEET_MAX_ROWS = 12000
ID_STYLES = {
    "worker": ["W", "SW", "E", "numeric", "EMP", "S"],
    "child": ["C", "P", "CH", "numeric", "CL", "R"],
    "audit": ["AUD", "QA", "A", "numeric", "CFA", "AU"],
    "respondent": ["R", "RESP", "numeric", "SM", "N", "G"],
}
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


def identifier_rules(style: dict[str, str]) -> dict[str, dict[str, str]]:
    """What each kind of identifier looks like in one LA's exports (``identifiers:`` in its
    configuration), from the style its systems use (:func:`oversight.demo.simulate._ids`)."""
    rules = {}
    for kind, prefix in sorted(style.items()):
        if prefix == "numeric":
            rules[kind] = {"pattern": r"9\d{7}", "description": "8 digits starting with 9"}
        else:
            rules[kind] = {"pattern": rf"{prefix}\d{{6}}", "description": f"{prefix} and 6 digits"}
    return rules


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def unhashed_manifest(raw_root: Path) -> dict[str, Any] | None:
    """The demo manifest in ``raw_root`` when an older generator wrote it (no file hashes, so
    the demo key is refused for every LA), else None."""
    manifest = _read_json(raw_root / "DEMO_DATA.json")
    if manifest.get("demo") is True and not isinstance(manifest.get("files"), dict):
        return manifest
    return None


def _clear_demo_folder(raw_root: Path, slug: str) -> None:
    """Remove the files an earlier demo run wrote for an LA (those its manifest lists) before
    writing new ones, so nothing stale is left behind. Any other file in the folder is kept,
    and is not listed in the new manifest: a real extract put there is never deleted, nor
    taken for demo data."""
    manifest = _read_json(raw_root / "DEMO_DATA.json")
    folder = raw_root / slug
    listed = manifest.get("files")
    if not folder.is_dir() or manifest.get("demo") is not True or not isinstance(listed, dict):
        return
    for rel in sorted(listed):
        parts = Path(rel).parts
        if len(parts) > 1 and parts[0] == slug and ".." not in parts:
            path = raw_root / rel
            if path.is_file() and not path.is_symlink():
                path.unlink()
    for here, dirs, names in os.walk(folder, topdown=False):
        if here != str(folder) and not dirs and not names:
            os.rmdir(here)


def _file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each regular file under ``folder`` (links not followed) -> its inode, size and mtime."""
    states = {}
    for here, _dirs, names in os.walk(folder):
        for name in names:
            info = os.lstat(os.path.join(here, name))
            if stat.S_ISREG(info.st_mode):
                states[os.path.join(here, name)] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return states


def written_files(
    raw_root: Path, folder: Path, before: dict[str, tuple[int, int, int]]
) -> dict[str, dict[str, Any]]:
    """The files under ``folder`` written since ``before`` (:func:`_file_states`) -> their
    manifest entry: path under ``raw_root`` -> ``{"bytes", "sha256"}``."""
    out = {}
    for path, state in _file_states(folder).items():
        if before.get(path) != state:
            rel = Path(path).relative_to(raw_root).as_posix()
            out[rel] = {"bytes": state[1], "sha256": sha256_file(Path(path))}
    return out


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def reference(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def survey_items(path: Path) -> list[dict[str, str]]:
    """The instrument's agreement items: each demo LA's survey tool asks these on its own
    agreement scale (frequency and 0-10 items are not simulated)."""
    items = load_yaml(path)["items"]
    return [it for it in items if it.get("scale", "agree5") == "agree5"]


def dialect_index(la_index: int, dataset: str) -> int:
    return (la_index + DATASET_OFFSET[dataset]) % 6


def container(slug: str, dataset: str, n_rows: int) -> str:
    # Benchmark copies of an LA ("kent_copy_2") use the original's container.
    kind = CONTAINER_BY_LA[re.sub(r"_copy_\d+$", "", slug)]
    if kind == "ods" and dataset in ("caseload", "oversight"):
        return "csv_utf8"
    if kind in ("xlsx", "ods") and n_rows > SPREADSHEET_MAX_ROWS:
        return "csv_bom"
    return kind


def error_plan(
    dataset: str,
    dialect: dict[str, Any],
    rng: np.random.Generator,
    native_cells: bool,
    points_labels: list[str] | None = None,
    item_header: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Which errors to plant in one export, how many (1..4 each), and how to make them."""
    headers = dialect["headers"]
    fmt = dialect.get("date_format", "%d/%m/%Y")

    def n() -> int:
        return int(rng.integers(1, 5))

    def bad_date(_row, _col):
        return render.BAD_DATES[int(rng.integers(0, len(render.BAD_DATES)))]

    def future(_row, _col):
        when = pd.Timestamp("2026-03-01") + pd.Timedelta(days=int(rng.integers(0, 500)))
        return render.native_date(when, fmt, native_cells)

    def const(value):
        return lambda _row, _col: value

    id_field = {
        "supervision": "worker_id",
        "caseload": "child_id",
        "oversight": "child_id",
        "audits": "audit_id",
        "survey": "respondent_id",
        "strategy_discussions": "child_id",
    }[dataset]
    plan: dict[str, dict[str, Any]] = {
        "required": {"n": n(), "column": headers[id_field], "value": const("")},
        "duplicate_row": {"n": n()},
    }
    if dataset == "supervision":
        plan["date_format"] = {"n": n(), "column": headers["session_date"], "value": bad_date}
        plan["future_date"] = {"n": n(), "column": headers["session_date"], "value": future}
        plan["allowed_codes"] = {
            "n": n(),
            "column": headers["session_type"],
            "value": const(render.UNKNOWN_CODES["session_type"]),
        }
        plan["value_range"] = {"n": n(), "column": headers["duration_min"], "value": const("-30")}
    elif dataset == "caseload":
        plan["date_format"] = {"n": n(), "column": headers["episode_start"], "value": bad_date}
        plan["allowed_codes"] = {
            "n": n(),
            "column": headers["legal_status"],
            "value": const(render.UNKNOWN_CODES["legal_status"]),
        }
    elif dataset == "oversight":
        plan["date_format"] = {"n": n(), "column": headers["entry_date"], "value": bad_date}
        plan["future_date"] = {"n": n(), "column": headers["entry_date"], "value": future}
        plan["allowed_codes"] = {
            "n": n(),
            "column": headers["entry_type"],
            "value": const(render.UNKNOWN_CODES["entry_type"]),
        }
    elif dataset == "audits":
        plan["date_format"] = {"n": n(), "column": headers["audit_date"], "value": bad_date}
        plan["allowed_codes"] = {
            "n": n(),
            "column": headers["grade"],
            "value": const(render.UNKNOWN_CODES["grade"]),
        }
    elif dataset == "strategy_discussions":
        plan["date_format"] = {"n": n(), "column": headers["discussion_date"], "value": bad_date}
        plan["future_date"] = {"n": n(), "column": headers["discussion_date"], "value": future}
    elif dataset == "survey" and item_header:
        plan["allowed_codes"] = {
            "n": n(),
            "column": item_header,
            "value": const(render.UNKNOWN_CODES["item"]),
        }
    return plan


class Generator:
    """Builds every LA's raw files, configuration and truth from one seed."""

    def __init__(
        self,
        reference_csv: Path,
        survey_yaml: Path,
        seed: int = DEFAULT_SEED,
        impact_yaml: Path | None = None,
        data_end: str | None = None,
    ):
        if data_end is not None:
            simulate.set_window(pd.Timestamp(data_end))
        self.ref = reference(reference_csv)
        self.items = survey_items(survey_yaml)
        self.seed = seed
        # Which LAs adopt each template, and when (config/impact.yaml); none without it.
        self.adoption = load_yaml(Path(impact_yaml))["adoption"] if impact_yaml else {}

    def slugs(self) -> list[str]:
        return [slugify(r["la_name"]) for r in self.ref]

    def run(
        self, raw_root: Path, config_dir: Path | None = None, only: list[str] | None = None
    ) -> dict[str, Any]:
        """Write every LA's extracts (or only the named ones: each LA's random stream is
        seeded by its position, so a subset is byte-identical to the same LAs in a full run)."""
        truth: dict[str, Any] = {
            "seed": self.seed,
            "note": "Synthetic demo data truth; read by the tests, never by the pipeline.",
            "period": [str(simulate.PERIOD_START.date()), str(simulate.PERIOD_END.date())],
            "data_end": str(simulate.DATA_END.date()),
            "template_effects": simulate.TEMPLATE_EFFECTS,
            "censuses": [str(c.date()) for c in simulate.CENSUSES],
            "definitions": {
                "staff_supervision_W": "workers whose last held personal supervision on or "
                "before the census is within W days (census - date <= W), at the year-end "
                "census",
                "child_oversight_W": "children open at the census and open >= 28 days with a "
                "case-supervision or management-oversight entry within W days, year-end census",
                "part1_family_reflection": "held case supervisions recording family reflection",
                "part2_practitioner_reflection": "held personal supervisions recording the "
                "practitioner's own reflection",
                "audit_mo_good_or_better": "management-oversight domain graded good or better "
                "(auditor grade)",
                "reflection": "held case and personal sessions: never_reflect is the share of "
                "workers recording no reflection; cells are each session type's marginal chance "
                "of recording part 1 (family) and part 2 (own), before adoption; patterns are "
                "the expected shares of neither / part 1 only / part 2 only / both",
                "optional": "which LAs send the optional fields and dataset, and the rates "
                "they were drawn from",
            },
            "outliers": {"low": simulate.LOW_OUTLIER, "high": simulate.HIGH_OUTLIER},
            "authorities": {},
        }
        files: dict[str, dict[str, Any]] = {}  # every file written: path -> bytes, sha256
        for i, ref in enumerate(self.ref):
            slug = slugify(ref["la_name"])
            if only is not None and slug not in only:
                continue
            _clear_demo_folder(raw_root, slug)
            before = _file_states(raw_root / slug)
            rng = np.random.default_rng([self.seed, i])
            la_truth, la_config = self._authority(i, slug, ref, rng, raw_root)
            truth["authorities"][slug] = la_truth
            files.update(written_files(raw_root, raw_root / slug, before))
            if config_dir is not None:
                write_config(config_dir / f"{slug}.yaml", la_config)
        raw_root.mkdir(parents=True, exist_ok=True)
        # A partial run (``only``) adds to what an earlier run wrote rather than hiding it.
        earlier = _read_json(raw_root / "demo_truth.json")
        if only is not None and earlier.get("seed") == self.seed:
            truth["authorities"] = {**earlier.get("authorities", {}), **truth["authorities"]}
            # The files of the LAs not written again stay listed as the earlier run wrote them.
            kept = _read_json(raw_root / "DEMO_DATA.json").get("files")
            for rel, entry in (kept if isinstance(kept, dict) else {}).items():
                slug = rel.split("/", 1)[0]
                if slug in truth["authorities"] and slug not in only:
                    files[rel] = entry
        manifest = {
            "demo": True,
            "generator": "oversight demo-data",
            "seed": self.seed,
            "demo_key": DEMO_KEY,
            "authorities": sorted(truth["authorities"]),
            "note": "Synthetic data for demonstration and tests. No real person is described. "
            "The demo key is public: ingest uses it for an LA only when every file it reads "
            "is listed here with the same size and SHA-256.",
            "files": {rel: files[rel] for rel in sorted(files)},
        }
        (raw_root / "DEMO_DATA.json").write_text(json.dumps(manifest, indent=2) + "\n")
        (raw_root / "demo_truth.json").write_text(
            json.dumps(truth, indent=2, sort_keys=True) + "\n"
        )
        return truth

    def _authority(
        self, i: int, slug: str, ref: dict[str, str], rng: np.random.Generator, raw_root: Path
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        rates = simulate.planted_rates(slug, rng)
        adopted = self.adoption.get(slug) or {}
        adoption = simulate.Adoption(
            *(
                pd.Timestamp(f"{adopted[t]}-01") if adopted.get(t) else None
                for t in ("part1", "part2")
            )
        )
        policy = POLICY_DAYS[i % 3]
        style = {k: v[(i + 2) % 6] for k, v in ID_STYLES.items()}
        # A second stream for what came later (reflection beyond the headline cells, the
        # optional fields, the paired survey items): the first stream's draws stay as they were.
        extra = np.random.default_rng([self.seed, i, 1])
        simulate.plant_reflection(rates, extra)
        staff = simulate.workers(ref, rng, style["worker"])
        frames = {"supervision": simulate.supervision(staff, rates, rng, adoption, extra)}
        kids = simulate.children(ref, staff, rng, style["child"])
        frames["caseload"] = kids
        frames["oversight"], child_expected = simulate.oversight(kids, rates, rng, adoption)
        frames["audits"] = simulate.audits(kids, rates, rng, style["audit"], adoption)
        survey_tool = d.SURVEY[dialect_index(i, "survey")]
        scale = d.SCALES[survey_tool["scale"]]
        frames["survey"] = simulate.survey(
            staff, rates, self.items, scale["points"], rng, style["respondent"], extra
        )
        base = re.sub(r"_copy_\d+$", "", slug)
        sent = self._optional(base, frames, kids, extra)
        config: dict[str, Any] = {
            "la_code": ref["la_code_new"],
            "la_name": ref["la_name"],
            "system": "synthetic demo export",
            "supervision_policy_days": policy,
            "identifiers": identifier_rules(style),
            "datasets": {},
        }
        la_truth: dict[str, Any] = {
            "la_code": ref["la_code_new"],
            "la_name": ref["la_name"],
            "policy_days": policy,
            "errors": {},
            "rows_in": {},
            "volumes": {},
        }
        tabular = ["supervision", "caseload", "oversight", "audits"]
        if "strategy_discussions" in frames:
            tabular.append("strategy_discussions")
        for dataset in tabular:
            spec, counts, n_in = self._tabular(
                i, slug, dataset, frames[dataset], rng, raw_root, sent["headers"].get(dataset)
            )
            config["datasets"][dataset] = spec
            la_truth["errors"][dataset] = dict(sorted(counts.items()))
            la_truth["volumes"][dataset] = len(frames[dataset])
            la_truth["rows_in"][dataset] = n_in
        if "strategy_discussions" not in frames:
            # Not sent: ingest writes it empty, with a ledger line of zeros.
            la_truth["errors"]["strategy_discussions"] = {}
            la_truth["volumes"]["strategy_discussions"] = 0
            la_truth["rows_in"]["strategy_discussions"] = 0
        spec, counts, n_in, planted = self._survey(
            i, slug, frames["survey"], survey_tool, rng, raw_root
        )
        config["datasets"]["survey"] = spec
        la_truth["errors"]["survey"] = dict(sorted(counts.items()))
        la_truth["volumes"]["survey"] = len(frames["survey"])
        la_truth["rows_in"]["survey"] = n_in
        spec, turns, names, themes = self._transcripts(i, slug, rng, raw_root)
        config["datasets"]["transcripts"] = spec
        la_truth["errors"]["transcripts"] = {}
        la_truth["volumes"]["transcripts"] = turns
        la_truth["rows_in"]["transcripts"] = turns
        la_truth["redaction_planted"] = sorted(set(planted) | set(names))
        la_truth["themes_planted"] = themes  # session (file stem) -> codes planted in it
        la_truth["rates"] = self._rates(rates, policy, child_expected)
        la_truth["child_oversight_by_month_end"] = child_expected
        la_truth["impact"] = self._impact(rates, adoption)
        la_truth["reflection"] = self._reflection(rates)
        la_truth["optional"] = sent["truth"]
        return la_truth, config

    @staticmethod
    def _optional(
        slug: str, frames: dict[str, pd.DataFrame], kids: pd.DataFrame, rng: np.random.Generator
    ) -> dict[str, Any]:
        """Add the optional fields and dataset this LA sends to ``frames``; return the headers
        its exports give them (dataset -> field -> header) and their truth."""
        from oversight.ingest.redact import forenames

        headers: dict[str, dict[str, str]] = {}
        truth: dict[str, Any] = {"record_text": slug in optional.RECORD_TEXT}
        if slug in optional.RECORD_TEXT:
            sup = frames["supervision"]
            sup["record_text"] = optional.record_texts(sup, rng, sorted(forenames())[:400])
            headers["supervision"] = {"record_text": optional.RECORD_TEXT[slug]}
        rate = float(rng.uniform(0.3, 0.8))
        truth["learning_conversation"] = rate if slug in optional.LEARNING_CONVERSATION else None
        if slug in optional.LEARNING_CONVERSATION:
            aud = frames["audits"]
            aud["learning_conversation"] = optional.learning_conversations(aud, rate, rng)
            headers["audits"] = {"learning_conversation": optional.LEARNING_CONVERSATION[slug]}
        truth["strategy_discussions"] = None
        if slug in optional.STRATEGY_DISCUSSIONS:
            dialect = d.STRATEGY[optional.STRATEGY_DISCUSSIONS[slug]]
            rates = optional.attendance_rates(rng)
            rates = {k: v for k, v in rates.items() if k in dialect["headers"]}
            frames["strategy_discussions"] = optional.strategy_discussions(kids, rates, rng)
            truth["strategy_discussions"] = rates
        return {"headers": headers, "truth": truth}

    @staticmethod
    def _reflection(rates: simulate.Rates) -> dict[str, Any]:
        """The planted reflection recording: cells and the expected patterns per session type
        before adoption."""
        cells = {
            "case": {"part1": rates.part1, "part2": rates.part2_case},
            "personal": {"part1": rates.part1_personal, "part2": rates.part2},
        }
        return {
            "never_reflect": rates.never_reflect,
            "cells": cells,
            "patterns": {
                kind: simulate.pattern_shares(c["part1"], c["part2"], rates.never_reflect)
                for kind, c in cells.items()
            },
        }

    @staticmethod
    def _impact(rates: simulate.Rates, adoption: simulate.Adoption) -> dict[str, Any]:
        """Per outcome: the adoption month and the planted odds ratio, with the monthly
        probability before and after (their difference is the effect on the treated)."""
        baseline = {
            "child_oversight_28d": rates.child_28,
            "part1_family_reflection": rates.part1,
            "part2_practitioner_reflection": rates.part2,
            "audit_mo_good": rates.audit_mo_good,
        }
        out = {}
        for template, outcomes in simulate.TEMPLATE_EFFECTS.items():
            start = getattr(adoption, template)
            for outcome, ratio in outcomes.items():
                ratio = ratio if start is not None else 1.0
                pre = baseline[outcome]
                post = float(simulate.shifted(pre, ratio))
                out[outcome] = {
                    "template": template,
                    "adopted": start.strftime("%Y-%m") if start is not None else None,
                    "odds_ratio": ratio,
                    "pre": pre,
                    "post": post,
                    "difference": post - pre,
                }
        return out

    @staticmethod
    def _rates(rates: simulate.Rates, policy: int, child: dict) -> dict[str, float]:
        year_end = child[str(simulate.PERIOD_END.date())]
        return {
            "staff_supervision_28": rates.staff_28,
            "staff_supervision_42": float(simulate.expected_within(rates.staff_28, 42)),
            "staff_supervision_policy": float(simulate.expected_within(rates.staff_28, policy)),
            "child_oversight_28": year_end["28"],
            "child_oversight_42": year_end["42"],
            "child_oversight_probability": rates.child_28,
            "part1_family_reflection": rates.part1,
            "part2_practitioner_reflection": rates.part2,
            "audit_mo_good_or_better": rates.audit_mo_good,
            "rationale_recorded": rates.rationale,
        }

    def _tabular(
        self,
        i: int,
        slug: str,
        dataset: str,
        frame: pd.DataFrame,
        rng: np.random.Generator,
        raw_root: Path,
        optional_headers: dict[str, str] | None = None,
    ):
        if dataset == "strategy_discussions":
            base = re.sub(r"_copy_\d+$", "", slug)
            dialect = d.STRATEGY[optional.STRATEGY_DISCUSSIONS[base]]
        else:
            dialect = {
                "supervision": d.SUPERVISION,
                "caseload": d.CASELOAD,
                "oversight": d.OVERSIGHT,
                "audits": d.AUDITS,
            }[dataset][dialect_index(i, dataset)]
        dialect = with_optional(dialect, optional_headers or {})
        kind = container(slug, dataset, len(frame))
        box = d.CONTAINERS[kind]
        native_cells = box["format"] == "xlsx"
        header, rows = render.render(frame, dataset, dialect, i, native_cells, rng)
        mapped = [header.index(h) for h in dialect["headers"].values()]
        keyed = [
            header.index(dialect["headers"][f]) for f in cs.key(dataset) if f in dialect["headers"]
        ]
        plan = error_plan(dataset, dialect, rng, native_cells)
        rows, counts = render.plant(rows, header, plan, rng, mapped, keyed)
        rel = f"{slug}/{dataset}_2024-25.{box['format']}"
        path = raw_root / rel
        title = f"{dataset.replace('_', ' ').title()} extract, 1 April 2024 to 31 March 2025"
        spec: dict[str, Any] = {"path": rel, "format": box["format"]}
        if box["format"] == "csv":
            writers.write_csv(path, header, rows, box["encoding"], box.get("delimiter", ","))
            spec["encoding"] = box["encoding"]
            if box.get("delimiter"):
                spec["delimiter"] = box["delimiter"]
        elif box["format"] == "xlsx":
            writers.write_xlsx(
                path,
                SHEET_NAMES[dataset],
                title,
                header,
                rows,
                [
                    "Extract notes",
                    "One row per record.",
                    "Dates are dd/mm/yyyy unless shown as day numbers.",
                ],
            )
            spec["sheet"] = SHEET_NAMES[dataset]
            spec["header_row"] = "auto" if i % 2 else 4
        else:
            writers.write_ods(path, SHEET_NAMES[dataset], title, header, rows)
            spec["sheet"] = SHEET_NAMES[dataset]
            spec["header_row"] = "auto"
        spec["date_formats"] = (
            [dialect["date_format"]] if dialect["date_format"] != "%Y-%m-%d" else []
        )
        spec["columns"] = dict(dialect["headers"])
        spec["values"] = _values(dataset, dialect, i)
        return spec, counts, len(rows)

    def _survey(
        self,
        i: int,
        slug: str,
        frame: pd.DataFrame,
        tool: dict[str, Any],
        rng: np.random.Generator,
        raw_root: Path,
    ):
        scale = d.SCALES[tool["scale"]]
        labels = scale["labels"]
        items = {
            it["id"]: d.item_header(tool["item_style"], n + 1, it["id"], it["text"])
            for n, it in enumerate(self.items)
        }
        roles = d.ROLE_LABELS[tool["roles"]]
        header = [
            tool["id"],
            tool["role"],
            *items.values(),
            tool["free_text"],
            *tool["extra"].keys(),
        ]
        comments, planted = _comments(len(frame), rng)
        rows = []
        for r, rec in enumerate(frame.itertuples(index=False)):
            answers = [
                "" if pd.isna(getattr(rec, k)) else labels[int(getattr(rec, k)) - 1] for k in items
            ]
            extra = [f"{v[:3].upper()}{r % 7}" for v in tool["extra"].values()]
            rows.append([rec.respondent_id, roles[rec.role], *answers, comments[r], *extra])
        dialect = {"headers": {"respondent_id": tool["id"]}}
        mapped = list(range(len(header) - len(tool["extra"])))
        keyed = [0]  # the respondent; the wave is the same for every row of one file
        plan = error_plan("survey", dialect, rng, False, labels, items["rec_decisions"])
        rows, counts = render.plant(rows, header, plan, rng, mapped, keyed)
        kind = container(slug, "survey", len(rows))
        box = d.CONTAINERS[kind]
        rel = f"{slug}/staff_survey_{tool['tool'].split()[0].lower()}.{box['format']}"
        spec: dict[str, Any] = {"path": rel, "format": box["format"]}
        if box["format"] == "csv":
            writers.write_csv(
                raw_root / rel, header, rows, box["encoding"], box.get("delimiter", ",")
            )
            spec["encoding"] = box["encoding"]
            if box.get("delimiter"):
                spec["delimiter"] = box["delimiter"]
        elif box["format"] == "xlsx":
            writers.write_xlsx(
                raw_root / rel,
                "Responses",
                f"{tool['tool']} export",
                header,
                rows,
                ["Exported from " + tool["tool"]],
            )
            spec["sheet"] = "Responses"
            spec["header_row"] = "auto"
        else:
            writers.write_ods(raw_root / rel, "Responses", f"{tool['tool']} export", header, rows)
            spec["sheet"] = "Responses"
            spec["header_row"] = "auto"
        spec["columns"] = {"respondent_id": tool["id"], "role": tool["role"]}
        spec["values"] = {
            "role": {label: code for code, label in roles.items() if label.casefold() != code}
        }
        spec["defaults"] = {"wave": "baseline"}
        spec["items"] = {h: k for k, h in items.items()}
        spec["free_text_item"] = tool["free_text"]
        spec["scale"] = {
            "points": scale["points"],
            "labels": {lab: n + 1 for n, lab in enumerate(labels)},
        }
        return spec, counts, len(rows), planted

    def _transcripts(self, i: int, slug: str, rng: np.random.Generator, raw_root: Path):
        people = _participants(rng)
        sessions = 2 if i % 4 == 0 else 1
        vtt = i % 2 == 0
        word = i % 4 == 3  # Word (.docx) exports from a meeting tool
        ext = "vtt" if vtt else "docx" if word else "txt"
        folder = f"{slug}/focus_groups"
        turns_total = 0
        planted: list[str] = []
        themes: dict[str, list[str]] = {}
        for s in range(sessions):
            turns, mentions, codes = _dialogue(people, rng)
            turns_total += len(turns)
            planted += mentions
            name = f"focus_group_{s + 1}"
            themes[name] = codes
            if vtt:
                text = _as_vtt(turns)
                writers.write_text(raw_root / folder / f"{name}.vtt", text)
            elif word:
                writers.write_docx(
                    raw_root / folder / f"{name}.docx", _as_txt(turns, stamped=False).splitlines()
                )
            else:
                text = _as_txt(turns, stamped=i % 4 == 1)
                writers.write_text(raw_root / folder / f"{name}.txt", text, "utf-8")
        lines = ["speaker,role"] + [f"{p},{r}" for p, r in people]
        writers.write_text(raw_root / folder / "participants.csv", "\n".join(lines) + "\n")
        spec: dict[str, Any] = {
            "path": f"{folder}/*.{ext}",
            "format": ext,
            "encoding": "utf-8",
            "participants": f"{folder}/participants.csv",
        }
        if not vtt:
            spec["line_format"] = "timestamp_speaker_colon" if i % 4 == 1 else "speaker_colon"
        spec["values"] = {
            "speaker_role": {
                "Facilitator": "facilitator",
                "Social Worker": "social_worker",
                "Senior Practitioner": "senior_practitioner",
                "Team Manager": "team_manager",
            }
        }
        return spec, turns_total, [p for p, _ in people], themes


def with_optional(dialect: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """The dialect with the optional fields this LA sends added as its last columns."""
    if not headers:
        return dialect
    out = {**dialect, "headers": {**dialect["headers"], **headers}}
    if dialect.get("order"):
        n = len(dialect["headers"])
        out["order"] = [*dialect["order"], *range(n, n + len(headers))]
    return out


def _values(dataset: str, dialect: dict[str, Any], i: int) -> dict[str, dict[str, Any]]:
    """The LA's labels for common codes, as its configuration lists them."""
    values: dict[str, dict[str, Any]] = {}
    for name, labels in dialect.get("labels", {}).items():
        values[name] = {str(label): code for code, label in labels.items()}
    if dataset == "supervision":
        values["worker_role"] = {label: code for code, label in d.ROLE_LABELS[i % 6].items()}
    if dataset == "caseload":
        values["team_type"] = {label: code for code, label in d.TEAM_LABELS[i % 6].items()}
    if dataset == "audits":
        values["domain"] = {label: code for code, label in d.DOMAIN_LABELS[i % 6].items()}
        values["grade"] = dict(d.GRADE_SCALES[i % len(d.GRADE_SCALES)]["map"])
    yes, no = d.BOOL_LABELS[i % len(d.BOOL_LABELS)]
    bool_fields = {
        "supervision": [
            "agency",
            "nqsw",
            "family_reflection_recorded",
            "practitioner_reflection_recorded",
        ],
        "oversight": ["rationale_recorded"],
        "audits": ["learning_conversation"],
        "strategy_discussions": ["police_attended", "health_attended", "education_attended"],
    }.get(dataset, [])
    bool_fields = [f for f in bool_fields if f in dialect["headers"]]
    builtin = {"y", "n", "yes", "no", "true", "false", "1", "0"}
    for name in bool_fields:
        if name in values:
            continue
        if yes.casefold() not in builtin or no.casefold() not in builtin:
            values[name] = {yes: True, no: False}
    # Identity labels need no synonym; keep the file short.
    trimmed = {
        k: v
        if k == "grade"
        else {lab: c for lab, c in v.items() if str(lab).casefold() != str(c).casefold()}
        for k, v in values.items()
    }
    return {k: v for k, v in trimmed.items() if v}


SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "Khan",
    "Okafor",
]
ROLES_SPOKEN = [
    "Social Worker",
    "Social Worker",
    "Senior Practitioner",
    "Team Manager",
    "Social Worker",
    "Team Manager",
    "Senior Practitioner",
]
PHRASES = {
    "facilitator": [
        "How does supervision help you think about the family's capacity to change?",
        "Where do those reflections end up being recorded?",
        "What gets in the way of recording management decisions on the child's file?",
        "How safe do you feel talking about your own experiences in supervision?",
        "What would a good template for case supervision need to include?",
    ],
    # Each worker phrase plants one code of config/codebook.yaml; the truth file records which
    # codes were planted in which session, so the coder can be checked against them.
    "worker": [
        (
            "In supervision we reflect on the family's capacity to change and what the prognosis "
            "is for the children.",
            "part1_family_reflection",
        ),
        (
            "My own experience as a parent shapes how I see this family, and I need space to "
            "reflect on my own bias.",
            "part2_practitioner_reflection",
        ),
        (
            "There is simply no time to write up supervision notes, so recording waits until the "
            "end of the week.",
            "recording_time",
        ),
        (
            "The case management system makes it hard to record the supervision discussion on the "
            "child's file.",
            "recording_systems",
        ),
        (
            "I am not confident about how to write up a management decision so that it reads well "
            "on the file.",
            "recording_confidence",
        ),
        (
            "Nobody has told us what should be recorded after supervision; the expectations are "
            "unclear.",
            "recording_expectations",
        ),
        (
            "I worry that anything I write about my feelings could be disclosed under a subject "
            "access request.",
            "sar_data_protection",
        ),
        (
            "My manager has too many workers to supervise and keeps cancelling our sessions.",
            "manager_capacity",
        ),
        (
            "With a caseload of twenty-five children there is no space for real reflection.",
            "caseload",
        ),
        (
            "Health and school partners rarely attend the meetings where decisions are made.",
            "partner_attendance",
        ),
        (
            "As a Black social worker I do not always feel safe raising how race and identity "
            "affect my practice.",
            "identity_inclusion",
        ),
        (
            "Plans drift for months because decisions are not followed up and the case stalls.",
            "drift_delay",
        ),
        (
            "Management oversight is strong here: decisions are clear and recorded with the "
            "reasons.",
            "oversight_quality",
        ),
        (
            "Management oversight is not evident on the file; you would not know a manager had "
            "looked at it.",
            "oversight_weak",
        ),
        ("The decision is on the file but no rationale is recorded.", "rationale_missing"),
    ],
    "sensitive": [
        "I was working with {child}'s family and the plan drifted for months.",
        "You can email me at {email} if you want the example.",
        "Call me on {phone} about the case I mentioned.",
    ],
}


def _participants(rng: np.random.Generator) -> list[tuple[str, str]]:
    from oversight.ingest.redact import forenames

    names = sorted(forenames())
    k = int(rng.integers(4, 7))
    chosen = rng.choice(len(names), size=k + 1, replace=False)
    surnames = rng.choice(SURNAMES, size=k + 1, replace=False)
    people = [(f"{names[chosen[0]]} {surnames[0]}", "Facilitator")]
    for j in range(1, k + 1):
        people.append((f"{names[chosen[j]]} {surnames[j]}", ROLES_SPOKEN[j % len(ROLES_SPOKEN)]))
    return people


def _dialogue(
    people, rng: np.random.Generator
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Turns of one focus group, the names and contacts planted in them, and the codes."""
    from oversight.ingest.redact import forenames

    turns: list[tuple[str, str]] = []
    planted: list[str] = []
    codes: list[str] = []
    facilitator = people[0][0]
    for question in PHRASES["facilitator"]:
        turns.append((facilitator, question))
        for _ in range(int(rng.integers(3, 7))):
            speaker = people[int(rng.integers(1, len(people)))][0]
            if rng.random() < 0.12:
                template = PHRASES["sensitive"][int(rng.integers(0, 3))]
                child = sorted(forenames())[int(rng.integers(0, len(forenames())))]
                first = speaker.split()[0].lower()
                email = f"{first}.worker@example.gov.uk"
                phone = f"07700 900{int(rng.integers(100, 999))}"
                said = template.format(child=child, email=email, phone=phone)
                planted += [child, email, phone]
            else:
                said, code = PHRASES["worker"][int(rng.integers(0, len(PHRASES["worker"])))]
                codes.append(code)
            if rng.random() < 0.15:
                other = people[int(rng.integers(1, len(people)))][0].split()[0]
                said = f"I agree with {other}. " + said
                planted.append(other)
            turns.append((speaker, said))
    return turns, planted, sorted(set(codes))


def _as_vtt(turns: list[tuple[str, str]]) -> str:
    out = ["WEBVTT", ""]
    t = 3.0
    for n, (speaker, said) in enumerate(turns):
        dur = 2.5 + len(said) / 15
        out += [
            f"{n:08x}-0000-4000-8000-demo/{n}-0",
            f"{_stamp(t)} --> {_stamp(t + dur)}",
            f"<v {speaker}>{said}</v>",
            "",
        ]
        t += dur + 0.8
    return "\n".join(out)


def _stamp(seconds: float) -> str:
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def _as_txt(turns: list[tuple[str, str]], stamped: bool) -> str:
    out = []
    t = 5
    for speaker, said in turns:
        prefix = f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] " if stamped else ""
        out.append(f"{prefix}{speaker}: {said}")
        t += 10 + len(said) // 12
    return "\n".join(out) + "\n"


def _comments(n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    from oversight.ingest.redact import forenames

    pool = [
        "",
        "",
        "",
        "Supervision is too often cancelled.",
        "I would value more reflective space.",
        "Decisions are made but not written up with reasons.",
        "I am not sure who can read my personal reflections.",
    ]
    names = sorted(forenames())
    out, planted = [], []
    for _ in range(n):
        text = pool[int(rng.integers(0, len(pool)))]
        if text and rng.random() < 0.1:
            name = names[int(rng.integers(0, len(names)))]
            text += f" My manager {name} is supportive."
            planted.append(name)
        out.append(text)
    return out, planted


def write_config(path: Path, config: dict[str, Any]) -> None:
    """One LA's configuration as YAML, with a header saying what it describes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = (
        f"# {config['la_name']} ({config['la_code']}): how this LA's extracts are laid out.\n"
        "# Validated against config/schemas/authority.schema.yaml. To onboard a new release\n"
        "# with renamed columns or new labels, change this file: no code change is needed.\n"
    )
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(head + body, encoding="utf-8")
