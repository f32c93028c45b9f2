"""The messy-extract corpus (tests/fixtures/messy/): every case through ingest with its LA's
real configuration (plus the case's overrides), checked against cases.yaml.

A case either is refused with a message holding the listed fragments, or is read: the ledger
balances, rows are rejected by exactly the listed rules, and for ``same_as_clean`` the
harmonised rows and every metric the report publishes
(``oversight.compare.metrics.la_metrics``, with the LA's other clean datasets) are those the
clean file gives.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from oversight.compare.metrics import la_metrics
from oversight.config import load_authority, load_study, load_yaml
from oversight.errors import ConfigError, ExtractError
from oversight.ingest.extracts import Authority, Result, Study, ingest, ledger_frame
from tests.conftest import ROOT

MESSY = ROOT / "tests" / "fixtures" / "messy"
SPEC: dict[str, Any] = yaml.safe_load((MESSY / "cases.yaml").read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = SPEC["cases"]
CONFIG = load_study(ROOT / "config" / "config.yaml")
SURVEY_ITEMS = [item["id"] for item in load_yaml(ROOT / "config" / "survey.yaml")["items"]]
STUDY = Study.from_config(CONFIG["study"], SURVEY_ITEMS, CONFIG.get("ingest"))
KEY = b"messy-corpus-test-key"
DATASETS = ("supervision", "caseload", "oversight", "audits", "survey")
METRIC_DATASETS = ("supervision", "caseload", "oversight", "audits")
LINEAGE = ["source_file", "source_row"]
# Six or more digits in a row: an identifier of any corpus LA (and no count or date in it).
IDENTIFIER = re.compile(r"\d{6,}")


def dataset_of(name: str) -> str:
    """A case's dataset: the first word of its file name (``staff_survey_...`` is the survey)."""
    stem = Path(name).name.removeprefix("staff_")
    return next(d for d in DATASETS if stem.startswith(d))


def la_of(name: str) -> str:
    return name.split("/", 1)[0]


def la_config(la: str) -> dict[str, Any]:
    """The LA's real configuration, as plain data to change."""
    return load_yaml(ROOT / "config" / "authorities" / f"{la}.yaml")


def clean_fixture(la: str, dataset: str) -> str:
    """The clean slice of a dataset: named as the LA's configuration names its extract."""
    return f"{la}/clean/{Path(la_config(la)['datasets'][dataset]['path']).name}"


def merged(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``change`` merged in, mapping by mapping."""
    out = copy.deepcopy(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass
class Run:
    """One sandboxed ingest: the LA's datasets (or the refusal of its configuration)."""

    results: dict[str, Result | ExtractError] = field(default_factory=dict)
    refused: ConfigError | None = None
    authority: Authority | None = None
    fixed: str = ""  # the configuration as JSON: with every path, it fixes what clean files give


# Clean files read under one configuration give one result: many cases share them.
_CLEAN: dict[tuple[str, str], Result | ExtractError] = {}  # by dataset and configuration
_CLEAN_METRICS: dict[str, pd.DataFrame] = {}


def _place(raw: Path, target: str, fixture: str) -> None:
    path = raw / target
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MESSY / fixture, path)


def _files(name: str, case: dict[str, Any]) -> list[str]:
    return list(case.get("files") or [case.get("file", name)])


def _messy_files(la: str, name: str, case: dict[str, Any], root: Path) -> str:
    """Put the case's files in the sandbox; return the configured path that reads them."""
    raw = root / "raw"
    files = _files(name, case)
    for fixture in files:
        _place(raw, f"{la}/{Path(fixture).name}", fixture)
    for target, fixture in (case.get("place") or {}).items():
        _place(raw, target, fixture)
    target = f"{la}/{Path(files[0]).name}"
    setup = case.get("setup")
    if setup == "symlink_outside":
        (raw / target).unlink()
        outside = root / "outside" / Path(files[0]).name
        outside.parent.mkdir(parents=True)
        shutil.copyfile(MESSY / files[0], outside)
        os.symlink(outside, raw / target)
    elif setup == "directory":
        (raw / target).unlink()
        (raw / target).mkdir()
        shutil.copyfile(MESSY / files[0], raw / target / Path(files[0]).name)
    elif setup == "linked_folder":  # <la>/archive/ leads to the first placed file's folder
        other = next(iter(case["place"]))
        os.symlink(raw / Path(other).parent, raw / la / "archive")
    elif setup is not None:
        raise AssertionError(f"unknown setup {setup!r}")
    return case.get("path", target)


def run_case(name: str, case: dict[str, Any], root: Path, clean: bool) -> Run:
    """Ingest the case (or, with ``clean``, its clean counterpart) in a sandbox under ``root``:
    ``root/raw/<la>/`` holds the LA's clean slices at their configured paths and the case's
    files; ``root/config/<la>.yaml`` the LA's configuration with the case's overrides."""
    la, dataset = la_of(name), dataset_of(name)
    raw = root / "raw"
    config = merged(la_config(la), case.get("config") or {})
    for d in DATASETS:
        _place(raw, config["datasets"][d]["path"], clean_fixture(la, d))
    for d, fixture in (case.get("with") or {}).items():
        _place(raw, f"{la}/{Path(fixture).name}", fixture)
        config["datasets"][d]["path"] = f"{la}/{Path(fixture).name}"
    spec = merged(config["datasets"][dataset], case.get("spec") or {})
    if clean:
        fixture = case.get("clean", clean_fixture(la, dataset))
        _place(raw, f"{la}/{Path(fixture).name}", fixture)
        spec["path"] = f"{la}/{Path(fixture).name}"
    else:
        spec["path"] = _messy_files(la, name, case, root)
    config["datasets"][dataset] = spec
    path = root / "config" / f"{la}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        authority = Authority(la, load_authority(path), path)
    except ConfigError as refused:
        return Run(refused=refused)
    run = Run(authority=authority, fixed=json.dumps(config, sort_keys=True))
    wanted = {dataset}
    if (case.get("same_as_clean") and dataset in METRIC_DATASETS) or "status" in case:
        wanted |= set(METRIC_DATASETS)
    common = {k: v for k, v in config.items() if k != "datasets"}
    for d in sorted(wanted):
        # A dataset read from its clean file depends only on its own configuration and the
        # LA-wide keys (the paths are in the configuration; clean files are never replaced).
        shared = (
            (d, json.dumps([common, config["datasets"][d]], sort_keys=True))
            if clean or d != dataset
            else None
        )
        if shared not in _CLEAN:
            try:
                result: Result | ExtractError = ingest(authority, d, raw, STUDY, KEY)
            except ExtractError as problem:
                result = problem
            if shared is None:
                run.results[d] = result
                continue
            _CLEAN[shared] = result
        run.results[d] = _CLEAN[shared]
    return run


def _content(frame: pd.DataFrame, ignore: list[str]) -> pd.DataFrame:
    """A harmonised frame without lineage: its rows in a fixed order."""
    body = frame.drop(columns=[*LINEAGE, *ignore])
    return body.sort_values(list(body.columns), kind="stable").reset_index(drop=True)


def _metrics(run: Run, clean: bool = False) -> pd.DataFrame:
    """Every metric count of the run's LA (oversight.compare.metrics.la_metrics)."""
    if clean and run.fixed in _CLEAN_METRICS:
        return _CLEAN_METRICS[run.fixed]
    frames = {d: run.results[d].data for d in METRIC_DATASETS}
    study = CONFIG["study"]
    counts = la_metrics(
        frames,
        study["period_start"],
        study["period_end"],
        run.authority.config["supervision_policy_days"],
        list(CONFIG["windows_days"]),
    )
    if clean:
        _CLEAN_METRICS[run.fixed] = counts
    return counts


def _assert_nothing_identifying(text: str) -> None:
    assert not IDENTIFIER.search(text), f"an identifier is shown: {text[:2000]}"


def test_every_file_has_a_case_and_every_case_its_files() -> None:
    made = {
        p.relative_to(MESSY).as_posix()
        for p in MESSY.rglob("*")
        if p.is_file()
        and p.suffix != ".py"
        and p.name != "cases.yaml"
        and "__pycache__" not in p.relative_to(MESSY).parts  # Python's own, when it writes one
    }
    named: set[str] = set()
    for name, case in CASES.items():
        la, dataset = la_of(name), dataset_of(name)
        files = _files(name, case)
        named |= {*files, *(case.get("place") or {}).values(), *(case.get("with") or {}).values()}
        named.add(case.get("clean", clean_fixture(la, dataset)))
        if "setup" not in case:
            assert all(f in made for f in files), name
    named |= {clean_fixture(la, d) for la in {la_of(n) for n in CASES} for d in DATASETS}
    assert made == named, (made - named, named - made)
    assert len(made - {n for n in made if "/clean/" in n}) >= 40


def test_the_corpus_is_what_its_generator_writes() -> None:
    from tests.fixtures.messy.make_messy import corpus

    files = corpus()
    on_disk = {
        p.relative_to(MESSY).as_posix(): p.read_bytes()
        for p in MESSY.rglob("*")
        if p.is_file()
        and p.suffix != ".py"
        and p.name != "cases.yaml"
        and "__pycache__" not in p.relative_to(MESSY).parts  # Python's own, when it writes one
    }
    assert sorted(files) == sorted(on_disk)
    for name, data in files.items():
        assert on_disk[name] == data, name
    assert sum(len(d) for d in files.values()) < 1_000_000


@pytest.mark.parametrize("name", sorted(CASES))
def test_messy_case(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    dataset = dataset_of(name)
    run = run_case(name, case, tmp_path / "messy", clean=False)
    answer = run.refused or run.results[dataset]
    if "error" in case:
        assert isinstance(answer, ExtractError | ConfigError), f"not refused: {answer}"
        text = str(answer)
        for fragment in case["error"]:
            assert fragment in text, f"{fragment!r} not in:\n{text}"
        _assert_nothing_identifying(text)
        return
    assert isinstance(answer, Result), f"refused:\n{answer}"
    led = answer.ledger
    assert led["rows_in"] == led["rows_loaded"] + led["rows_rejected"], led
    by_rule = answer.rejects.groupby("rule").size().to_dict()
    assert by_rule == case.get("rejects", {}), answer.rejects[["source_row", "rule", "message"]]
    if "loaded" in case:
        assert led["rows_loaded"] == case["loaded"], led
    if "blank_rows_skipped" in case:
        assert led["blank_rows_skipped"] == case["blank_rows_skipped"], led
    for fragment in case.get("notes", []):
        assert any(fragment in note for note in answer.notes), (fragment, answer.notes)
    shown = " ".join(answer.rejects["value_shown"].astype(str)) + " ".join(
        answer.rejects["message"].astype(str)
    )
    _assert_nothing_identifying(shown)
    _assert_nothing_identifying(" ".join(answer.notes))  # notes.json and the quality page
    if "status" in case:
        _check_links(run, dataset, case)
    if case.get("same_as_clean"):
        _check_same_as_clean(name, case, run, tmp_path / "clean")


def _check_links(run: Run, dataset: str, case: dict[str, Any]) -> None:
    from oversight.quality.links import Limits, report

    frames = {d: r.data for d, r in run.results.items()}
    ledger = ledger_frame(dict(run.results))
    limits = Limits.from_config(CONFIG["quality"])
    with_status, summary = report(frames, ledger, limits, 3)
    status = with_status.set_index("dataset").loc[dataset, "status"]
    assert status.split(":")[0] == case["status"], status
    unlinked = sum(link["rows_unlinked"] for link in summary["links"] if link["dataset"] == dataset)
    assert unlinked == case.get("unlinked", 0), summary["links"]


def _check_same_as_clean(name: str, case: dict[str, Any], messy: Run, root: Path) -> None:
    dataset = dataset_of(name)
    clean = run_case(name, case, root, clean=True)
    want = clean.results[dataset]
    assert isinstance(want, Result), f"the clean counterpart is refused:\n{want}"
    assert want.rejects.empty, want.rejects
    got = messy.results[dataset]
    ignore = list(case.get("ignore", []))
    pd.testing.assert_frame_equal(_content(got.data, ignore), _content(want.data, ignore))
    if dataset in METRIC_DATASETS:
        pd.testing.assert_frame_equal(_metrics(messy), _metrics(clean, clean=True))
