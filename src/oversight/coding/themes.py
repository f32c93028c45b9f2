"""Focus groups by theme: how many groups (sessions) and LAs raised each theme of the codebook.

A theme is raised in a session when any of its codes is applied to a participant's turn in
that session's transcript (facilitators' turns are not coded). A session is one transcript
file of one LA. The table counts sessions and LAs, never people or turns, so it can be
published as it is; the report quotes it beside the redacted quotes of TAB-QUOTES.
"""

from __future__ import annotations

import pandas as pd

from oversight.coding.codebook import Codebook

SOURCE = "transcript"
COLUMNS = [
    "theme",
    "label",
    "codes",
    "code_labels",
    "sessions",
    "las",
    "sessions_total",
    "las_total",
]


def theme_summary(
    segments: pd.DataFrame, codebook: Codebook, units: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per codebook theme, in codebook order: its label, its codes and their labels
    (``;``-joined),
    the focus-group sessions and LAs where any of its codes was applied, and the totals of
    sessions and LAs: those in ``units`` (every coded text unit, coded or not) when given,
    else those with any coded turn. A theme never applied has 0 sessions and 0 LAs."""
    focus = segments[segments["source"] == SOURCE]
    held = focus if units is None else units[units["source"] == SOURCE]
    sessions = held[["la_code", "source_file"]].drop_duplicates()
    rows = []
    for theme in codebook.themes:
        hit = focus[focus["code"].isin(theme.codes)]
        rows.append(
            (
                theme.id,
                theme.label,
                ";".join(theme.codes),
                ";".join(codebook.code(c).label for c in theme.codes),
                len(hit[["la_code", "source_file"]].drop_duplicates()),
                hit["la_code"].nunique(),
                len(sessions),
                sessions["la_code"].nunique(),
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)
