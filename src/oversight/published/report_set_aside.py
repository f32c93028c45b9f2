"""Reading a folder of Ofsted reports without one unreadable report stopping the rest: a
report the parser cannot read is set aside, with the file and what was missing, and the others
go on. The set-aside list is logged in full and written out (``ofsted_set_aside``) so the
report can say how many were left out and why.

The list is published, and a file in the folder may not be a published report (a file put
there by mistake), so the list carries none of the file's own words: text the parser quotes
from the file is left out (:data:`~oversight.published.report_layout.EXCERPT_RE`), and a file
not named as an Ofsted report is not named. The log keeps both for whoever fixes the file."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.published.report_layout import EXCERPT_RE, FILE_NAME_RE
from oversight.published.report_parser import parse_report, read_report

SET_ASIDE_COLUMNS = ["source_file", "problem"]
UNNAMED = "(a file not named as an Ofsted report; its name is in the inspections log)"
log = logging.getLogger("inspections")


def _problem(exc: Exception, name: str) -> str:
    """The parser's message without the file name it starts with (the list has its own
    column for the file)."""
    return str(exc).removeprefix(f"{name}: ").strip()


def public_row(name: str, problem: str) -> dict[str, str]:
    """The set-aside list's row for file ``name``: its name only if it is named as an Ofsted
    report, and ``problem`` without the text it quotes from the file."""
    shown = name if FILE_NAME_RE.match(name) else UNNAMED
    return {"source_file": shown, "problem": EXCERPT_RE.sub("“…”", problem)}


def parse_reports(paths: Sequence[str | Path]) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Parse each report in ``paths``; return the parsed reports and the set-aside list (one
    row per report that could not be parsed: ``source_file``, ``problem``, as
    :func:`public_row` gives them; the log has the whole message).

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
            set_aside.append(public_row(path.name, problem))
    if set_aside:
        log.warning(
            "%d of %d inspection report(s) set aside (listed in the set-aside table)",
            len(set_aside),
            len(parsed) + len(set_aside),
        )
    frame = pd.DataFrame(set_aside, columns=SET_ASIDE_COLUMNS).astype("string")
    return parsed, frame
