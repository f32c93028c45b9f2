"""Rule ``open_data`` as one function: the disclosure-controlled published tables in the EES
open data shape, each data file with its metadata file, each pair checked against the EES
standards before the job ends."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.config import load_authority, load_yaml
from oversight.errors import ConfigError, DisclosureError
from oversight.opendata.metadata import meta_rows
from oversight.opendata.periods import check_study_year
from oversight.opendata.places import la_places
from oversight.opendata.reshape import open_data_frames
from oversight.opendata.spec import file_names, load_spec
from oversight.opendata.validate import read_exact, validate_ees

SUPPRESSED = "c"


def study_year_label(period_start: str) -> str:
    """The study year's label as the published tables write it (2024-25)."""
    start = pd.Timestamp(period_start).year
    return f"{start}-{str(start + 1)[2:]}"


def build_context(
    spec: Mapping[str, Any],
    authorities: Iterable[str | Path],
    reference: str | Path,
    region: tuple[str, str],
    period_start: str,
) -> dict[str, Any]:
    """What every table's reshaping shares: the LAs' places, country, ``region`` (the
    study's region: its code and name, study.region_code and study.region), time."""
    region_code, region_name = region
    check_study_year(spec["study_year"], period_start)
    configs = {Path(p).stem: load_authority(p) for p in authorities}
    ref = artefacts.read_reference(reference)
    geo = spec["geography"]
    return {
        "places": la_places(configs, ref, reference, region_code),
        "country": {k: geo[k] for k in ("country_code", "country_name")},
        "region": {"region_code": region_code, "region_name": region_name},
        "region_code": region_code,
        "identifiers": spec["study_year"],
        "study_year": study_year_label(period_start),
    }


def check_hidden(source: pd.DataFrame, files: Mapping[str, pd.DataFrame], table: str) -> None:
    """Every suppressed cell of the published table's LA rows is suppressed in the files:
    the same number of ``c`` cells in each column that is carried over."""
    out = pd.concat(list(files.values()), ignore_index=True) if files else pd.DataFrame()
    for col in out.columns:
        if col not in source:
            continue
        before = int((source[col] == SUPPRESSED).sum())
        after = int((out[col] == SUPPRESSED).sum())
        if after < before:
            raise DisclosureError(
                f"open data of {table}: column {col!r} shows {before - after} cell(s) that "
                f"results/tables/{table}.csv hides; nothing hidden may be published"
            )


def write_table(
    name: str, path: str | Path, spec: Mapping[str, Any], context: Mapping[str, Any], out: Path
) -> list[str]:
    """One published table's open data files, written to ``out``; their names."""
    source = read_exact(path)
    la_rows = source[source["la_code"] != context["region_code"]] if "la_code" in source else source
    files = open_data_frames(source, spec, name, context)
    check_hidden(la_rows, files, name)
    expected = file_names({name: spec})
    if sorted(files) != sorted(expected):
        raise ConfigError(
            f"config/open_data.yaml tables.{name}.time.files: the table gives files "
            f"{sorted(files)}, the configuration names {sorted(expected)}; make them match"
        )
    for stem, frame in files.items():
        artefacts.write_csv(frame, out / f"{stem}.csv")
        artefacts.write_csv(meta_rows(frame, spec), out / f"{stem}.meta.csv")
    return list(files)


def run_open_data(
    *,
    tables: Iterable[str | Path],
    config: str | Path,
    catalogue: str | Path,
    authorities: Iterable[str | Path],
    reference: str | Path,
    region_code: str,
    region_name: str,
    period_start: str,
    out_dir: str | Path,
) -> None:
    """Rule ``open_data``: each published table of ``tables`` (results/tables/, by file
    name) that ``config`` (config/open_data.yaml) writes, as EES data and metadata files in
    ``out_dir``; every table of ``catalogue`` (config/tables.yaml) must be written or
    excluded there, and every file written must pass :func:`validate_ees`."""
    published = load_yaml(Path(catalogue))["tables"]
    spec = load_spec(config, published)
    region = (region_code, region_name)
    context = build_context(spec, authorities, reference, region, period_start)
    paths = {Path(p).stem: p for p in tables}
    missing = sorted(set(spec["tables"]) - set(paths))
    if missing:
        raise ConfigError(f"{config}: the published table(s) {missing} were not given")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    log = logging.getLogger("open data")
    problems = []
    for name, entry in spec["tables"].items():
        for stem in write_table(name, paths[name], entry, context, out):
            found = validate_ees(out / f"{stem}.csv", out / f"{stem}.meta.csv")
            problems += found
            log.info("%s: %s", stem, found or "passes the EES checks")
    if problems:
        raise ConfigError(
            "open data files that break the EES standards (config/open_data.yaml):\n  "
            + "\n  ".join(problems)
        )
