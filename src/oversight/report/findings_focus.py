"""Focus-group findings by theme, from the published tables only.

``F-FG-01`` gives the overview: how many focus groups (sessions) and LAs raised each theme of
the codebook (TAB-FG-THEMES). ``F-FG-02`` onwards take one theme each (:data:`THEMES`: an ID
never changes its theme) with the number of groups and LAs behind it and one or two quotes
from the published, redacted quotes table (TAB-QUOTES): nothing unpublished is ever quoted.
"""

from __future__ import annotations

import pandas as pd

# The module object, not its names: findings.py registers these builders, so each imports
# the other, and names are looked up when a finding is built.
from oversight.report import findings as fnd

SECTION = "focus_groups"
TABLE = "focus_group_themes"
SOURCE = "transcript"
MAX_QUOTES = 2
# Finding ID -> codebook theme (config/codebook.yaml); the IDs are cited by ID, so they stay.
THEMES: dict[str, str] = {
    "F-FG-02": "reflection",
    "F-FG-03": "recording_barriers",
    "F-FG-04": "data_protection",
    "F-FG-05": "capacity",
    "F-FG-06": "partnership",
    "F-FG-07": "identity",
    "F-FG-08": "drift",
    "F-FG-09": "oversight",
}
# Themes the overview names even when few groups raised them: the network asked about them.
ASKED_ABOUT = ("partnership", "data_protection")


def _themes(tables: fnd.Tables) -> pd.DataFrame | None:
    """The published theme table with its counts as numbers (None when it is missing)."""
    table = tables.get(TABLE)
    if table is None:
        return None
    out = table.copy()
    for col in ("sessions", "las", "sessions_total", "las_total"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    return out


def _of(n: int, total: int, noun: str) -> str:
    return f"all {total} {noun}" if n == total else f"{n} of the {total} {noun}"


def theme_quotes(quotes: pd.DataFrame, codes: list[str], limit: int = MAX_QUOTES) -> list[str]:
    """Up to ``limit`` focus-group quotes for the theme's codes from the published quotes
    table: best-ranked first, one per LA before a second from the same LA, no repeats."""
    q = quotes[(quotes["source"] == SOURCE) & quotes["code"].isin(codes)].copy()
    if q.empty:
        return []
    q["rank"] = pd.to_numeric(q["rank"], errors="coerce")
    q["order"] = q["code"].map({c: i for i, c in enumerate(codes)})
    q = q.sort_values(["rank", "order", "quote"], kind="stable").drop_duplicates("quote")
    q["nth"] = q.groupby("la_code").cumcount()
    q = q.sort_values(["nth", "rank", "order", "quote"], kind="stable")
    return q["quote"].head(limit).tolist()


def _named(label: str, code_labels: str) -> str:
    """The theme's label with its codes' labels in brackets ("Reflection in supervision (part
    1: ...; part 2: ...)"), left out when the one code's label is the theme's."""
    labels = [lab[:1].lower() + lab[1:] for lab in str(code_labels).split(";") if lab]
    return label if labels == [label[:1].lower() + label[1:]] else f"{label} ({'; '.join(labels)})"


def focus_overview(tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
    """F-FG-01: every theme with the number of groups and LAs that raised it."""
    themes = _themes(tables)
    title = "What practitioners and managers talked about"
    cites = ["TAB-FG-THEMES", "TAB-QUOTES", "TAB-CODES"]
    if themes is None or themes.empty:
        text = "The focus-group themes are not available."
        return fnd.Finding("F-FG-01", SECTION, title, text, cites)
    total, las = int(themes["sessions_total"].max()), int(themes["las_total"].max())
    ids = {theme: fid for fid, theme in THEMES.items()}
    order = themes.sort_values(["sessions", "las", "label"], ascending=[False, False, True])
    parts = [
        f"{r.label.lower()} ({r.sessions} groups, {r.las} LAs)"
        for r in order.itertuples()
        if r.sessions > 0
    ]
    text = (
        f"{total} focus groups were held in {las} LAs; participants' turns were coded with the "
        "codebook (facilitators' turns were not). The themes, most often raised first: "
        + "; ".join(parts)
        + "."
    )
    asked = themes[themes["theme"].isin(ASKED_ABOUT)]
    if len(asked):
        said = [
            f"{_named(r.label.lower(), r.code_labels)} came up in "
            f"{_of(r.sessions, total, 'groups')}" + (f" ({ids[r.theme]})" if r.theme in ids else "")
            for r in asked.itertuples()
        ]
        text += " Of the network's own questions, " + " and ".join(said) + "."
    return fnd.Finding("F-FG-01", SECTION, title, text, cites)


def theme_finding(tables: fnd.Tables, ctx: fnd.Context, fid: str) -> fnd.Finding:
    """One theme (``THEMES[fid]``): its groups and LAs, and one or two redacted quotes."""
    theme = THEMES[fid]
    themes = _themes(tables)
    cites = ["TAB-FG-THEMES", "TAB-QUOTES"]
    row = None if themes is None else themes[themes["theme"] == theme]
    if row is None or row.empty:
        title = f"Focus groups: {theme.replace('_', ' ')}"
        return fnd.Finding(fid, SECTION, title, "This theme's figures are not available.", cites)
    r = row.iloc[0]
    total, las = int(r["sessions_total"]), int(r["las_total"])
    codes = [c for c in str(r["codes"]).split(";") if c]
    quotes = theme_quotes(tables["quotes"], codes) if "quotes" in tables else []
    groups, in_las = _of(int(r["sessions"]), total, "groups"), _of(int(r["las"]), las, "LAs")
    text = f"{_named(r['label'], r['code_labels'])} came up in {groups}, in {in_las}."
    text += (
        f" {'A quotation' if len(quotes) == 1 else 'Quotations'} from the groups, redacted:"
        if quotes
        else " The published quotes table holds no focus-group quotation on this theme."
    )
    return fnd.Finding(fid, SECTION, f"Focus groups: {r['label']}", text, cites, quotes=quotes)
