"""One LA's raw extract for one dataset -> harmonised rows, rejects and a ledger line.

The steps are the data flow of docs/design.md §3: read as text, map headers, validate every cell
(pandera, lazy), convert the valid rows to the common types, pseudonymise identifiers, redact
free text, add lineage, and check the result against the common contract. Rows are never
dropped silently: each raw row is loaded or rejected with its reasons, and the ledger counts
both.
"""

from __future__ import annotations

from collections.abc import Callable
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
    validate,
)
from oversight.ingest.messages import describe
from oversight.ingest.pseudonymise import pseudonymise
from oversight.ingest.redact import redact
from oversight.ingest.repeats import Checked, check_resend_bytes, repeated_rows
from oversight.ingest.tabular import set_aside_rejects, tabular_frame
from oversight.ingest.transcripts import known_names, transcript_frame

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


@dataclass(frozen=True)
class _Job:
    """One dataset of one LA being ingested: what every file of it is read and checked with."""

    la: Authority
    dataset: str
    spec: dict[str, Any]
    fields: dict[str, dict[str, Any]]
    id_rules: dict[str, identifiers.IdRule]
    study: Study
    raw_root: Path
    labels: filelabels.Labeller
    key: bytes
    # A reference to the dataset's configuration line ``sub`` (for messages).
    ref: Callable[[list[str]], str]

    @property
    def sentinels(self) -> tuple[str, ...]:
        """The open-ended dates (study-wide, then the dataset's own)."""
        return (*self.study.open_date_sentinels, *(self.spec.get("open_date_sentinels") or []))

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.spec.get("date_formats") or [])


@dataclass
class _Checked:
    """The files of a dataset after cell validation, before the repeat checks."""

    files: list[Checked] = field(default_factory=list)
    rejects: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_in: int = 0
    blank: int = 0


def ingest(la: Authority, dataset: str, raw_root: Path, study: Study, key: bytes) -> Result:
    """Ingest one dataset of one LA."""
    spec = la.config["datasets"][dataset]

    def ref_fn(sub: list[str]) -> str:
        return config_ref(la.config_path, ["datasets", dataset, *sub])

    paths = source_files(raw_root, spec, la.slug)
    if not paths:
        raise ExtractError(
            spec["path"],
            "no file matches this path",
            expected=f"one or more {spec['format']} files",
            found="none",
            fix=f"put the extract under {raw_root} or correct path: in {ref_fn([])}",
        )
    _check_items(spec, study, ref_fn)
    fields = cs.fields(dataset)
    id_rules = identifiers.rules_from_config(la.config, la.config_path)
    labels = labeller(la, raw_root, key)
    job = _Job(la, dataset, spec, fields, id_rules, study, raw_root, labels, key, ref_fn)
    checked = _Checked()
    digests: dict[str, str] = {}
    for path in paths:
        _check_file(job, path, digests, checked)
    # Repeats are judged once every file is read: the first copy may be in another file.
    repeats = repeated_rows(
        checked.files, dataset, job.fields, spec, cs.key(dataset), job.ref(["path"])
    )
    checked.rejects.append(repeats)
    data = cs.conform(pd.concat(_loaded_parts(job, checked.files, repeats)), dataset)
    all_rejects = pd.concat([r for r in checked.rejects if not r.empty] or [checked.rejects[0]])
    all_rejects = all_rejects.sort_values(
        ["source_file", "source_row", "column", "rule"], kind="stable"
    ).reset_index(drop=True)
    ledger = {
        "la_code": la.la_code,
        "dataset": dataset,
        "rows_in": checked.rows_in,
        "rows_loaded": _rows_loaded(data, dataset),
        "rows_rejected": all_rejects[["source_file", "source_row"]].drop_duplicates().shape[0],
        "blank_rows_skipped": checked.blank,
        "file_problem": "",
    }
    files = [job.labels.label(p, dataset) for p in paths]
    return Result(data, all_rejects, ledger, files, checked.notes)


def _check_file(job: _Job, path: Path, digests: dict[str, str], checked: _Checked) -> None:
    """Read one file of the dataset and validate every cell, adding its rejects, notes and
    counts to ``checked`` (``digests`` refuses a file sent twice)."""
    file = job.labels.label(path, job.dataset)
    if job.dataset == "transcripts":
        frame, headers, table_notes, overlong, n_blank = transcript_frame(
            path, job.spec, file, job.raw_root, job.ref, job.labels
        )
    else:
        frame, headers, table_notes, overlong, n_blank = tabular_frame(
            path, job.spec, file, job.fields, job.ref
        )
    check_resend_bytes(path, file, digests, job.ref(["path"]))
    # Identifiers and dates as validation, the repeat checks and pseudonymisation all
    # see them: canonical IDs, open-ended dates blank, day/month order checked.
    frame, id_notes = identifiers.normalise_frame(frame, job.fields, headers, job.id_rules)
    frame, date_notes = dates.prepare_dates(
        frame, job.fields, headers, job.sentinels, job.formats, file, job.ref(["date_formats"])
    )
    checked.notes += [f"{file}: {n}" for n in [*table_notes, *id_notes, *date_notes]]
    checked.blank += n_blank
    checked.rows_in += len(frame) + len(overlong)
    study = job.study
    ctx = validate.Context(
        file,
        job.ref,
        headers,
        study.period_start,
        study.period_end,
        study.extract_date,
        job.formats,
        job.id_rules,
        job.sentinels,
    )
    schema = validate.build_schema(job.fields, job.spec, ctx, list(frame.columns))
    cells = validate.failing_cells(frame, schema)
    file_rejects = describe(cells, frame, job.fields, job.spec, ctx)
    checked.rejects.append(set_aside_rejects(file, overlong, len(headers)))
    checked.rejects.append(file_rejects)
    checked.files.append(Checked(file, frame, ctx, frozenset(cells["source_row"])))


def _loaded_parts(job: _Job, files: list[Checked], repeats: pd.DataFrame) -> list[pd.DataFrame]:
    """Each file's rows that passed every check, harmonised."""
    parts = []
    for item in files:
        repeated = repeats.loc[repeats["source_file"] == item.file, "source_row"]
        valid = item.frame.drop(index=sorted(item.failed | set(repeated)))
        names = (
            known_names(item.frame, job.spec, job.raw_root, job.labels)
            if job.dataset == "transcripts"
            else []
        )
        parts.append(
            _harmonise(
                valid,
                job.dataset,
                job.fields,
                job.spec,
                job.la,
                item.file,
                job.key,
                names,
                job.id_rules,
            )
        )
    return parts


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
    """Every configured dataset of one LA (:func:`ingest_dataset`, one after another).

    Raises:
        ExtractError: The LA's configuration has no extract for a dataset every LA must send
            (all such datasets named, before any file is read).
    """
    sent = la.config["datasets"]
    missing = [d for d in datasets if d not in sent and not cs.optional(d)]
    if missing:
        raise _not_configured(la, missing)
    return {d: ingest_dataset(la, d, raw_root, study, key) for d in datasets}


def _not_configured(la: Authority, missing: list[str]) -> ExtractError:
    """The error for datasets every LA must send that its configuration does not name."""
    return ExtractError(
        str(la.config_path),
        f"no extract configured for {', '.join(missing)}",
        expected="an entry under datasets: for every study dataset",
        found=", ".join(la.config["datasets"]),
        fix=f"add the missing datasets to {la.config_path}",
    )


def ingest_dataset(la: Authority, dataset: str, raw_root: Path, study: Study, key: bytes) -> Result:
    """One dataset of one LA: its rows, or the empty result of an optional dataset not sent.

    A file-level problem does not stop the job: the dataset gets an empty result carrying the
    problem (shown on the LA's quality page), and the dataset's ledger refuses to pass it on,
    so nothing downstream runs on incomplete data.

    Raises:
        ExtractError: The LA's configuration has no extract for a dataset every LA must send.
    """
    sent = la.config["datasets"]
    if dataset not in sent:
        if cs.optional(dataset):
            return not_sent(la, dataset)
        raise _not_configured(la, [dataset])
    try:
        return ingest(la, dataset, raw_root, study, key)
    except ExtractError as problem:
        # A message may name a raw file by its path (a link, a participants list): it names
        # it by its label, as everything outside the raw folder does.
        labels = labeller(la, raw_root, key)
        names = filelabels.scrub_names(filelabels.label_map(labels, la.config), labels)
        return failed(la, dataset, filelabels.scrub_error(problem, names))


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
    """The ledger lines of ``results``, one per dataset in their order."""
    return pd.DataFrame([r.ledger for r in results.values()], columns=LEDGER_COLUMNS)


def notes_record(results: dict[str, Result]) -> dict[str, dict[str, Any]]:
    """Each dataset's files (by label), notes and file-level problem, for ``notes.json``."""
    return {
        d: {
            "files": r.files,
            "notes": r.notes,
            "problem": r.problem.as_dict() if r.problem else None,
        }
        for d, r in results.items()
    }


def dataset_config(config: dict[str, Any], dataset: str) -> dict[str, Any]:
    """An LA's configuration with only ``dataset`` under ``datasets:`` (none if not sent):
    what names the raw files of that dataset alone."""
    own = {dataset: config["datasets"][dataset]} if dataset in config.get("datasets", {}) else {}
    return {**config, "datasets": own}
