"""The coding rule as one function: the codebook applied to every source, and its outputs.

:func:`run_coding` reads the focus-group turns, survey comments and Ofsted report sections,
codes them, and writes the segments, frequencies, co-occurrence, themes, exemplar quotes (and
the ones withheld), what inspectors said about management oversight, and the REFI-QDA
exchange files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.coding.codebook import Codebook, load_codebook
from oversight.coding.coder import (
    code_frequencies,
    code_units,
    cooccurrence,
    units_from_inspections,
    units_from_survey,
    units_from_transcripts,
)
from oversight.coding.inspectors import oversight_by_grade, oversight_mentions, oversight_quotes
from oversight.coding.quotes import WITHHELD_COLUMNS, exemplars
from oversight.coding.refi import codebook_to_qdc, project_to_qdpx
from oversight.coding.themes import theme_summary
from oversight.ingest.redact import publishable
from oversight.quality.exclusions import drop_las, unreliable


def read_frames(paths: Iterable[str | Path]) -> pd.DataFrame:
    """The parquet files at ``paths`` (one per LA) as one frame."""
    return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)


def text_units(
    transcripts: pd.DataFrame,
    survey: pd.DataFrame,
    inspections: pd.DataFrame,
    ledger: artefacts.Ledgers,
) -> pd.DataFrame:
    """Every source's text units. Each source leaves the LAs whose dataset of it the ledger
    marks unreliable (the Ofsted reports are published, so none are left out)."""
    bad = unreliable(artefacts.read_ledger(ledger))
    return pd.concat(
        [
            units_from_transcripts(drop_las(transcripts, bad, ["transcripts"])),
            units_from_survey(drop_las(survey, bad, ["survey"])),
            units_from_inspections(inspections),
        ],
        ignore_index=True,
    )


def frequencies(segments: pd.DataFrame, units: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """Each LA's code counts and the region's (all LAs together, whose counts are rarely
    small), the region under ``region_code``."""
    by_la = code_frequencies(segments, by=["source", "la_code"], units=units)
    region = code_frequencies(segments, by=["source"], units=units)
    region.insert(1, "la_code", region_code)
    return pd.concat([by_la, region], ignore_index=True)[by_la.columns]


def exchange_project(
    segments: pd.DataFrame, units: pd.DataFrame, codebook: Codebook, known: Sequence[str]
) -> bytes:
    """The focus groups as a REFI-QDA project. It carries whole turns, so a turn the redactor
    is unsure of is left out, with its segments."""
    focus = units[units["source"] == "transcript"]
    focus = focus[focus["text"].map(lambda t: publishable(t, known=list(known)))]
    chosen = segments[
        (segments["source"] == "transcript") & segments["unit_id"].isin(focus["unit_id"])
    ]
    return project_to_qdpx(chosen, focus, codebook)


def write_bytes(data: bytes, path: str | Path) -> None:
    """``data`` written to ``path`` through a temporary file."""
    with artefacts.atomic_path(path) as tmp:
        tmp.write_bytes(data)


def run_coding(
    *,
    transcripts: Iterable[str | Path],
    survey: Iterable[str | Path],
    inspections: str | Path,
    codebook: str | Path,
    ledger: artefacts.Ledgers,
    region_code: str,
    id_patterns: Mapping[str, Iterable[Any]],
    known: Sequence[str],
    out: Mapping[str, str | Path],
) -> None:
    """Code every source and write the coding outputs.

    ``out`` names each output path by its key: ``segments, frequencies, cooccurrence, quotes,
    themes, inspectors, inspector_quotes, withheld, qdc, qdpx``. ``id_patterns`` holds each
    LA's identifier patterns by LA code and ``known`` every LA and region name, for the
    redactor.
    """
    book = load_codebook(codebook)
    reports = pd.read_parquet(inspections)
    units = text_units(read_frames(transcripts), read_frames(survey), reports, ledger)
    segments = code_units(units, book)
    artefacts.write_parquet(segments, out["segments"])
    artefacts.write_csv(frequencies(segments, units, region_code), out["frequencies"])
    artefacts.write_csv(cooccurrence(segments).reset_index(), out["cooccurrence"])
    artefacts.write_csv(theme_summary(segments, book, units), out["themes"])
    # Quotes with a word the redactor is unsure of stay in the secure coding outputs only.
    withheld: list[dict[str, Any]] = []
    quotes = exemplars(
        segments, units, id_patterns=dict(id_patterns), known=list(known), withheld=withheld
    )
    artefacts.write_csv(quotes, out["quotes"])
    artefacts.write_csv(pd.DataFrame(withheld, columns=WITHHELD_COLUMNS), out["withheld"])
    mentions = oversight_mentions(reports, known=list(known))
    artefacts.write_csv(oversight_by_grade(mentions), out["inspectors"])
    artefacts.write_csv(oversight_quotes(mentions), out["inspector_quotes"])
    write_bytes(codebook_to_qdc(book), out["qdc"])
    write_bytes(exchange_project(segments, units, book, known), out["qdpx"])
