"""One LA's raw extract for one dataset -> harmonised rows, rejects and a ledger line.

The steps are the data flow of docs/design.md §3: read as text, map headers, validate every cell
(pandera, lazy), convert the valid rows to the common types, pseudonymise identifiers, redact
free text, add lineage, and check the result against the common contract. Rows are never
dropped silently: each raw row is loaded or rejected with its reasons, and the ledger counts
both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.config import config_ref
from oversight.errors import ExtractError
from oversight.ingest import common_schema as cs
from oversight.ingest import (
    dates,
    filelabels,
    harmonise,
    identifiers,
    rawpaths,
    readers,
    shown,
    transcripts,
    validate,
)
from oversight.ingest.normalise import norm_label
from oversight.ingest.pseudonymise import pseudonymise
from oversight.ingest.redact import redact

# The note on an optional dataset an LA does not hold (common_schema.yaml `optional: true`).
NOT_SENT = "not sent: an optional dataset this LA does not hold"
LEDGER_COLUMNS = [
    "la_code",
    "dataset",
    "rows_in",
    "rows_loaded",
    "rows_rejected",
    "blank_rows_skipped",
    "file_problem",
]


@dataclass
class Study:
    """The parts of the study configuration that ingest needs."""

    period_start: pd.Timestamp
    period_end: pd.Timestamp
    extract_date: pd.Timestamp
    survey_items: frozenset[str] = frozenset()
    # Dates that stand for "still open" (9999-12-31 ...): read as blank where a field may be.
    open_date_sentinels: tuple[str, ...] = ()

    @classmethod
    def from_config(
        cls,
        study: dict[str, Any],
        survey_items: list[str] | None = None,
        ingest: dict[str, Any] | None = None,
    ) -> Study:
        """From the ``study:`` block (and the ``ingest:`` block) of config/config.yaml."""
        # Dated events are accepted from the study's start to the end of the data the
        # extracts cover (the follow-up months run past the study year).
        return cls(
            pd.Timestamp(study["period_start"]),
            pd.Timestamp(study.get("data_end", study["period_end"])),
            pd.Timestamp(study["extract_date"]),
            frozenset(survey_items or []),
            tuple((ingest or {}).get("open_date_sentinels") or ()),
        )


@dataclass
class Authority:
    slug: str
    config: dict[str, Any]
    config_path: Path

    @property
    def la_code(self) -> str:
        return self.config["la_code"]


@dataclass
class Result:
    data: pd.DataFrame
    rejects: pd.DataFrame
    ledger: dict[str, Any]
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: ExtractError | None = None


def source_files(raw_root: Path, spec: dict[str, Any], la: str | None = None) -> list[Path]:
    """The raw files an extract config names (``path`` may be a glob), sorted.

    Every file, and the transcripts' participants list, must lie in the LA's own folder
    ``<raw_root>/<la>/`` after symbolic links are followed (:mod:`oversight.ingest.rawpaths`);
    ``la`` defaults to the path's first folder, for callers that only list files.

    Raises:
        ExtractError: A path outside the LA's folder, or a link leading out of it.
    """
    la = la or rawpaths.first_folder(spec["path"])
    paths = rawpaths.la_files(raw_root, la, spec["path"])
    if spec.get("participants"):
        rawpaths.confined(raw_root, la, spec["participants"])
    return paths


def labeller(la: Authority, raw_root: Path, key: bytes) -> filelabels.Labeller:
    """How the LA's raw files are named outside the raw folder: in messages, rejects, notes
    and the harmonised rows (:mod:`oversight.ingest.filelabels`)."""
    return filelabels.Labeller(raw_root, la.slug, la.la_code, key)


def ingest(la: Authority, dataset: str, raw_root: Path, study: Study, key: bytes) -> Result:
    """Ingest one dataset of one LA."""
    spec = la.config["datasets"][dataset]
    keys = ["datasets", dataset]
    ref = config_ref(la.config_path, keys)

    def ref_fn(sub: list[str]) -> str:
        return config_ref(la.config_path, [*keys, *sub])

    paths = source_files(raw_root, spec, la.slug)
    if not paths:
        raise ExtractError(
            spec["path"],
            "no file matches this path",
            expected=f"one or more {spec['format']} files",
            found="none",
            fix=f"put the extract under {raw_root} or correct path: in {ref}",
        )
    _check_items(spec, study, ref_fn)
    fields = cs.fields(dataset)
    id_rules = identifiers.rules_from_config(la.config, la.config_path)
    sentinels = (*study.open_date_sentinels, *(spec.get("open_date_sentinels") or []))
    formats = tuple(spec.get("date_formats") or [])
    checked: list[validate.Checked] = []
    rejects, notes = [], []
    digests: dict[str, str] = {}
    rows_in = blank = 0
    labels = labeller(la, raw_root, key)
    for path in paths:
        file = labels.label(path, dataset)
        if dataset == "transcripts":
            frame, headers, table_notes, overlong, n_blank = _transcript_frame(
                path, spec, file, raw_root, ref_fn, labels
            )
        else:
            frame, headers, table_notes, overlong, n_blank = _tabular_frame(
                path, spec, file, fields, ref_fn
            )
        validate.check_resend_bytes(path, file, digests, ref_fn(["path"]))
        # Identifiers and dates as validation, the repeat checks and pseudonymisation all
        # see them: canonical IDs, open-ended dates blank, day/month order checked.
        frame, id_notes = identifiers.normalise_frame(frame, fields, headers, id_rules)
        frame, date_notes = dates.prepare_dates(
            frame, fields, headers, sentinels, formats, file, ref_fn(["date_formats"])
        )
        notes += [f"{file}: {n}" for n in [*table_notes, *id_notes, *date_notes]]
        blank += n_blank
        rows_in += len(frame) + len(overlong)
        ctx = validate.Context(
            file,
            ref_fn,
            headers,
            study.period_start,
            study.period_end,
            study.extract_date,
            formats,
            id_rules,
            sentinels,
        )
        schema = validate.build_schema(fields, spec, ctx, list(frame.columns))
        cells = validate.failing_cells(frame, schema)
        file_rejects = validate.describe(cells, frame, fields, spec, ctx)
        rejects.append(_overlong_rejects(file, overlong, len(headers)))
        rejects.append(file_rejects)
        checked.append(validate.Checked(file, frame, ctx, frozenset(cells["source_row"])))
    # Repeats are judged once every file is read: the first copy may be in another file.
    repeats = validate.repeated_rows(
        checked, dataset, fields, spec, cs.key(dataset), ref_fn(["path"])
    )
    rejects.append(repeats)
    parts = []
    for item in checked:
        repeated = repeats.loc[repeats["source_file"] == item.file, "source_row"]
        valid = item.frame.drop(index=sorted(item.failed | set(repeated)))
        names = _known_names(item.frame, spec, raw_root, labels) if dataset == "transcripts" else []
        parts.append(_harmonise(valid, dataset, fields, spec, la, item.file, key, names, id_rules))
    data = cs.conform(pd.concat(parts), dataset)
    all_rejects = pd.concat([r for r in rejects if not r.empty] or [rejects[0]])
    all_rejects = all_rejects.sort_values(
        ["source_file", "source_row", "column", "rule"], kind="stable"
    ).reset_index(drop=True)
    n_rejected = all_rejects[["source_file", "source_row"]].drop_duplicates().shape[0]
    loaded = _rows_loaded(data, dataset)
    ledger = {
        "la_code": la.la_code,
        "dataset": dataset,
        "rows_in": rows_in,
        "rows_loaded": loaded,
        "rows_rejected": n_rejected,
        "blank_rows_skipped": blank,
        "file_problem": "",
    }
    return Result(data, all_rejects, ledger, [labels.label(p, dataset) for p in paths], notes)


def _rows_loaded(data: pd.DataFrame, dataset: str) -> int:
    # Survey rows are loaded long (one per answer); the ledger counts raw respondent rows.
    if dataset == "survey":
        return data[["source_file", "source_row"]].drop_duplicates().shape[0]
    return len(data)


def _check_items(spec: dict[str, Any], study: Study, ref_fn) -> None:
    unknown = sorted(set((spec.get("items") or {}).values()) - study.survey_items)
    if unknown and study.survey_items:
        raise ExtractError(
            ref_fn(["items"]),
            f"survey item ids not in config/survey.yaml: {', '.join(unknown)}",
            expected="item ids of the common instrument",
            found=", ".join(unknown),
            fix="map each header to an item id listed in config/survey.yaml",
        )


def _tabular_frame(path: Path, spec, file: str, fields, ref_fn):
    """One tabular extract as a text frame of common fields, with the rows set aside before
    validation (``row -> n cells`` for a split row; ``row -> [RowReject]`` for a row that is
    not a record, is hidden, or holds a formula with no saved value in a used column)."""
    table = readers.read_table(
        path,
        spec,
        file,
        harmonise.known_headers(spec),
        norm_label,
        ref_fn([]),
        row_checks=True,
    )
    mapping = harmonise.map_headers(table.header, spec, fields, file, ref_fn, table.header_row)
    frame = harmonise.mapped_frame(table.rows, mapping, spec, fields)
    headers = {target: table.header[pos] for target, pos in mapping.items()}
    used = set(mapping.values())
    # Blank in place of the used columns, so the unused ones keep their column numbers.
    unused = [h if i not in used else "" for i, h in enumerate(table.header)]
    notes = list(table.notes)
    if any(h.strip() for h in unused):
        quotable = harmonise.quotable_names(spec)
        notes.append("columns not used: " + shown.cells_shown(unused, quotable, norm_label))
    set_aside: dict[int, int | list[readers.RowReject]] = dict(table.overlong_rows)
    set_aside.update({row: [problem] for row, problem in table.structural.items()})
    formulas, empty, note = _formula_rejects(table, mapping)
    set_aside.update(formulas)
    notes += note
    frame = frame.drop(index=[*formulas, *empty])
    return frame, headers, notes, set_aside, table.blank_rows + len(empty)


def _formula_rejects(
    table: readers.RawTable, mapping: dict[str, int]
) -> tuple[dict[int, list[readers.RowReject]], list[int], list[str]]:
    """Formula cells with no saved value (they read as blank, but their value is unknown).

    In a used column each is rejected as ``formula_without_value``; in a column not used it
    is only counted in a note, and a row that is blank apart from such cells is a blank row.
    """
    by_position = {pos: target for target, pos in mapping.items()}
    rejects: dict[int, list[readers.RowReject]] = {}
    empty: list[int] = []
    unused = 0
    for row, columns in table.formula_cells.items():
        hits = [c for c in columns if c in by_position]
        unused += len(columns) - len(hits)
        if not hits:
            if readers.is_blank(table.rows.loc[row].fillna("").tolist()):
                empty.append(row)
            continue
        rejects[row] = [
            readers.RowReject(
                "formula_without_value",
                f"{table.header[c]!r} holds a formula saved without its value (the workbook "
                "was not calculated before saving), so the value is unknown: open the file in "
                "a spreadsheet program, let it calculate, save it and send it again",
                "(formula, no saved value)",
                column=table.header[c],
                field=by_position[c],
            )
            for c in hits
        ]
    notes = (
        [f"{unused} formula cells without a saved value in columns not used (not checked)"]
        if unused
        else []
    )
    return rejects, empty, notes


def _overlong_rejects(
    file: str, set_aside: dict[int, int | list[readers.RowReject]], width: int
) -> pd.DataFrame:
    """Reject lines for the rows set aside before validation: a row split by an unquoted
    delimiter (``row -> number of cells``, against the header's ``width`` columns), and the
    readers' structural and workbook rejects (``row -> [RowReject]``)."""
    lines = []
    for row, item in sorted(set_aside.items()):
        if isinstance(item, int):
            lines.append(
                {
                    "source_file": file,
                    "source_row": row,
                    "column": "(whole row)",
                    "field": "(whole row)",
                    "value_shown": f"{item} cells",
                    "rule": "field_count",
                    "message": (
                        f"this row has {item} cells but the header has {width} columns; a "
                        "value with an unquoted delimiter has probably split; quote it and "
                        "re-export"
                    ),
                }
            )
        else:
            lines += _reader_reject_lines(file, row, item)
    return pd.DataFrame.from_records(lines, columns=validate.REJECT_COLUMNS)


def _reader_reject_lines(file: str, row: int, problems: list[readers.RowReject]) -> list[dict]:
    """Reject lines (rejects.csv columns) for one row the readers set aside."""
    return [
        {
            "source_file": file,
            "source_row": row,
            "column": p.column,
            "field": p.field,
            "value_shown": p.value_shown,
            "rule": p.rule,
            "message": p.message,
        }
        for p in problems
    ]


def read_participants(path: Path, spec: dict[str, Any], file: str) -> dict[str, str]:
    """Speaker name -> role label from a participants CSV with columns speaker, role."""
    if not path.exists():
        raise ExtractError(
            file, "participants list not found", fix="add the file or correct participants:"
        )
    rawpaths.require_file(path, file, "participants list (CSV)")
    text = readers.decode(path.read_bytes(), spec.get("encoding"), file)
    records = readers.read_delimited(text, ",", file)
    header = records[0] if records else []
    names = {norm_label(h): i for i, h in enumerate(header)}
    if "speaker" not in names or "role" not in names:
        # Row 1 may be a participant: only the two headers this list needs are quoted.
        found = (
            shown.cells_shown(header, {"speaker", "role"}, norm_label)
            if "speaker" in names or "role" in names
            else f"{len(header)} cells on row 1, neither 'speaker' nor 'role' (not shown: "
            "the row may hold names)"
        )
        raise ExtractError(
            file,
            "participants list needs columns 'speaker' and 'role'",
            expected="speaker, role",
            found=found,
            row=1,
        )
    speaker, role = names["speaker"], names["role"]
    out: dict[str, str | None] = {}
    for record in records[1:]:
        cells = record + [""] * (max(speaker, role) + 1 - len(record))
        if cells[speaker].strip():
            # A blank role stays missing so the turn is rejected as `required`, not as a label.
            out[norm_label(cells[speaker])] = cells[role].strip() or None
    return out


def _known_names(
    frame: pd.DataFrame, spec: dict[str, Any], raw_root: Path, labels: filelabels.Labeller
) -> list[str]:
    """Everyone named in a session: every speaker (rejected turns too) and every participant
    listed, whether or not they spoke. All are redacted from every turn."""
    names = {s for s in frame["speaker_id"].dropna()}
    if spec.get("participants"):
        ppath = raw_root / spec["participants"]
        names |= set(read_participants(ppath, spec, labels.participants(ppath)))
    return sorted(names)


def _transcript_frame(
    path: Path, spec, file: str, raw_root: Path, ref_fn, labels: filelabels.Labeller
):
    """One session's turns as a text frame; ``file`` is the session's label (``T-...``),
    which is also its ``session_id``: the file name itself never leaves the raw folder."""
    turns = transcripts.read_transcript(path, spec, file, ref_fn([]))
    roles: dict[str, str] = {}
    if spec.get("participants"):
        ppath = raw_root / spec["participants"]
        roles = read_participants(ppath, spec, labels.participants(ppath))
    frame = pd.DataFrame(index=turns.index)
    frame["session_id"] = pd.Series(file, index=turns.index, dtype="string")
    frame["turn"] = pd.Series(range(1, len(turns) + 1), index=turns.index).astype("string")
    frame["speaker_id"] = turns["speaker"]
    frame["speaker_role"] = (
        turns["speaker"]
        .map(lambda s: roles.get(norm_label(s)) if isinstance(s, str) else None)
        .astype("string")
    )
    frame["text"] = turns["text"]
    frame["timestamp"] = turns["timestamp"]
    headers = {
        "speaker_id": "speaker",
        "speaker_role": "role (participants list)",
        "text": "text",
        "session_id": "file",
        "turn": "turn",
        "timestamp": "timestamp",
    }
    notes = [f"participants: {len(roles)} listed"] if roles else []
    return frame.astype("string"), headers, notes, {}, 0


def _harmonise(
    valid: pd.DataFrame,
    dataset: str,
    fields,
    spec,
    la: Authority,
    file: str,
    key: bytes,
    names: list[str],
    id_rules: dict[str, identifiers.IdRule],
) -> pd.DataFrame:
    typed = harmonise.to_typed(valid, fields, spec, list(spec.get("date_formats") or []))
    for name, meta in fields.items():
        if meta["type"] == "identifier" and name in typed:
            rule = id_rules.get(meta["kind"])
            typed[name] = pseudonymise(typed[name], key, la.la_code, meta["kind"], rule)
    # The LA's own identifier patterns and its name go to the redactor with the participants.
    id_patterns = [r.pattern for r in id_rules.values() if r.pattern is not None]
    known = [la.config.get("la_name", "")]
    for name in cs.text_fields(dataset):
        if name in typed:
            # Each distinct text once: record templates repeat the same sentences many times.
            texts = typed[name].dropna().unique()
            done = {t: redact(t, names, id_patterns, known) for t in texts if isinstance(t, str)}
            typed[name] = typed[name].map(done).astype("string")
    if dataset == "survey":
        typed = harmonise.survey_long(valid, typed, spec)
    typed["la_code"] = la.la_code
    typed["source_file"] = file
    typed["source_row"] = typed.index.astype("int64")
    typed.index = pd.RangeIndex(len(typed))
    typed["la_code"] = typed["la_code"].astype("string")
    typed["source_file"] = typed["source_file"].astype("string")
    return typed


def ingest_authority(
    la: Authority, datasets: list[str], raw_root: Path, study: Study, key: bytes
) -> dict[str, Result]:
    """Every configured dataset of one LA.

    A file-level problem in one dataset does not hide the others: that dataset gets an empty
    result carrying the problem (shown on the LA's quality page), and the regional ledger
    refuses to pass it on, so nothing downstream runs on incomplete data.
    """
    sent = la.config["datasets"]
    missing = [d for d in datasets if d not in sent and not cs.optional(d)]
    if missing:
        raise ExtractError(
            str(la.config_path),
            f"no extract configured for {', '.join(missing)}",
            expected="an entry under datasets: for every study dataset",
            found=", ".join(la.config["datasets"]),
            fix=f"add the missing datasets to {la.config_path}",
        )
    results = {}
    names: dict[str, str] | None = None
    for dataset in datasets:
        if dataset not in sent:
            results[dataset] = not_sent(la, dataset)
            continue
        try:
            results[dataset] = ingest(la, dataset, raw_root, study, key)
        except ExtractError as problem:
            # A message may name a raw file by its path (a link, a participants list): it
            # names it by its label, as everything outside the raw folder does.
            if names is None:
                labels = labeller(la, raw_root, key)
                names = filelabels.scrub_names(filelabels.label_map(labels, la.config), labels)
            results[dataset] = failed(la, dataset, filelabels.scrub_error(problem, names))
    return results


def _empty_ledger(la: Authority, dataset: str, file_problem: str = "") -> dict:
    """The ledger line of a dataset with no rows loaded (not sent, or its file unusable)."""
    return {
        "la_code": la.la_code,
        "dataset": dataset,
        "rows_in": 0,
        "rows_loaded": 0,
        "rows_rejected": 0,
        "blank_rows_skipped": 0,
        "file_problem": file_problem,
    }


def not_sent(la: Authority, dataset: str) -> Result:
    """An optional dataset the LA does not hold: no rows, a ledger line of zeros, a note."""
    rejects = pd.DataFrame(columns=validate.REJECT_COLUMNS)
    return Result(cs.empty(dataset), rejects, _empty_ledger(la, dataset), [], [NOT_SENT])


def failed(la: Authority, dataset: str, problem: ExtractError) -> Result:
    """The result of a dataset whose file could not be used: no rows, and the reason."""
    ledger = _empty_ledger(la, dataset, str(problem))
    return Result(
        cs.empty(dataset),
        pd.DataFrame(columns=validate.REJECT_COLUMNS),
        ledger,
        [problem.file],
        [],
        problem,
    )


def ledger_frame(results: dict[str, Result]) -> pd.DataFrame:
    return pd.DataFrame([r.ledger for r in results.values()], columns=LEDGER_COLUMNS)
