"""Reading a folder of Ofsted reports without one unreadable report stopping the rest: a
report the parser cannot read is set aside, with the file and what was missing, and the others
go on. The set-aside list is logged and written out (``ofsted_set_aside``) so the report can say
how many were left out and why."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.published.report_parser import parse_report, read_report

SET_ASIDE_COLUMNS = ["source_file", "problem"]
log = logging.getLogger("inspections")


def _problem(exc: Exception, name: str) -> str:
    """The parser's message without the file name it starts with (the list has its own
    column for the file)."""
    return str(exc).removeprefix(f"{name}: ").strip()


def parse_reports(paths: Sequence[str | Path]) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Parse each report in ``paths``; return the parsed reports and the set-aside list (one
    row per report that could not be parsed: ``source_file``, ``problem``).

    Only what the parser reports as not understood (``ValueError``) sets a report aside; a file
    that cannot be read at all (missing, not UTF-8 text) is an error of the folder, not of one
    report's layout, and still stops the job.
    """
    parsed: list[dict[str, Any]] = []
    set_aside: list[dict[str, str]] = []
    for path in map(Path, paths):
        text = read_report(path)
        try:
            parsed.append(parse_report(text, path.name))
        except ValueError as exc:
            problem = _problem(exc, path.name)
            log.warning("%s: set aside, not parsed: %s", path.name, problem)
            set_aside.append({"source_file": path.name, "problem": problem})
    if set_aside:
        log.warning(
            "%d of %d inspection report(s) set aside (listed in the set-aside table)",
            len(set_aside),
            len(parsed) + len(set_aside),
        )
    frame = pd.DataFrame(set_aside, columns=SET_ASIDE_COLUMNS).astype("string")
    return parsed, frame
