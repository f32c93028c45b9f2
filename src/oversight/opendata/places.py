"""The geography columns of the open data files: each study LA's codes and names, and its
region and country (an LA row carries the levels above it, as EES expects)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.errors import ConfigError
from oversight.opendata import ees


def la_places(
    authorities: Mapping[str, Mapping[str, Any]],
    reference: pd.DataFrame,
    reference_path: str | Path,
    region_code: str,
) -> dict[str, dict[str, str]]:
    """Each study LA's new code (``la_code`` of its configuration) to its name and codes:
    the old 3-digit code from the LA ``reference`` file, which must place the LA in the
    study's region. The reference file's other LAs of the region are placed from it alone:
    a published DfE table (kpis) holds every LA the reference file names, including those of
    a study that reads the extracts of fewer."""
    ref = reference.set_index("la_code_new")
    places = {}
    for slug, auth in authorities.items():
        code = auth["la_code"]
        if code not in ref.index:
            raise ConfigError(
                f"{reference_path}: LA {auth['la_name']} ({code}, config/authorities/"
                f"{slug}.yaml) has no row; add its la_code_new, la_code_old and region"
            )
        row = ref.loc[code]
        if f"({region_code})" not in str(row["region"]):
            raise ConfigError(
                f"{reference_path}: LA {code} is in region {row['region']!r}, not the study's "
                f"region {region_code} (config/config.yaml study.region_code)"
            )
        places[code] = {
            "new_la_code": code,
            "old_la_code": str(row["la_code_old"]),
            "la_name": auth["la_name"],
        }
    return places | reference_places(ref, region_code, set(places))


def reference_places(
    ref: pd.DataFrame, region_code: str, known: set[str]
) -> dict[str, dict[str, str]]:
    """The LAs of the reference file (``ref``, indexed by new code) in the study's region,
    other than the ``known`` ones, each with its codes and its name there."""
    others = ref[ref["region"].astype(str).str.contains(f"({region_code})", regex=False)]
    return {
        str(code): {
            "new_la_code": str(code),
            "old_la_code": str(row["la_code_old"]),
            "la_name": str(row["la_name"]),
        }
        for code, row in others.iterrows()
        if code not in known
    }


def geography(
    la_codes: pd.Series,
    places: Mapping[str, Mapping[str, str]],
    country: Mapping[str, str],
    region: Mapping[str, str],
    table: str,
) -> pd.DataFrame:
    """The geography columns (:data:`ees.GEOGRAPHY_COLUMNS`) of Local authority rows for the
    LA codes ``la_codes`` of the published ``table``."""
    unknown = sorted(set(la_codes) - set(places))
    if unknown:
        raise ConfigError(
            f"results/tables/{table}.csv: la_code {unknown[:5]} is not a study LA "
            "(config/authorities/); the open data files hold LA rows only"
        )
    rows = [
        {
            "geographic_level": "Local authority",
            "country_code": country["country_code"],
            "country_name": country["country_name"],
            "region_code": region["region_code"],
            "region_name": region["region_name"],
            **places[code],
        }
        for code in la_codes
    ]
    return pd.DataFrame(rows, columns=list(ees.GEOGRAPHY_COLUMNS), index=la_codes.index)
