"""Findings on the network's own questions, from the published DfE indicators (TAB-KPIS).

``F-NET-01`` answers the QA leads' minutes on section 47 enquiries reaching an initial child
protection conference: it names the LAs and years whose published conversion matches each
statement (``config/network.yaml``), or says that none does. ``F-NET-02`` onwards (IDs in the
same file) describe how each KPI the funding request names moved over the years available and
where the LAs stand in the latest year, and say plainly what no bundled release holds.
Everything here is a real DfE figure, never the study's synthetic LA data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.config import load_yaml
from oversight.figures.ids import S47, S47_LATEST_ID, S47_TREND_ID, kpi_id
from oversight.published.network import (
    NETWORK_CONFIG,
    Minute,
    latest_period,
    load_network,
    match_minutes,
    minutes,
    nearest,
    numeric,
)

# The module object, not its names: findings.py registers these builders, so each imports
# the other, and names are looked up when a finding is built.
from oversight.report import findings as fnd

SECTION = "network"
PUBLISHED_CONFIG = Path("config/published.yaml")
REAL = (
    "These are DfE's published figures for the real LAs (years are DfE reporting years), not "
    "the study's synthetic data."
)


def _indicators() -> dict[str, dict[str, Any]]:
    return load_yaml(PUBLISHED_CONFIG)["indicators"]


def _fmt(value: float, percent: bool) -> str:
    return f"{100 * value:.1f}%" if percent else f"{value:.1f}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _name(row: pd.Series, ctx: fnd.Context) -> str:
    return ctx.names.get(str(row["la_code"]), str(row.get("la_name", row["la_code"])))


def describe_trend(series: pd.Series, percent: bool) -> str:
    """How a yearly series moved, in words: first and last year, the change, and the lowest
    and highest years when they are not the ends. ``series`` is indexed by year (missing
    values are left out); an empty series says so."""
    s = series.dropna().sort_index()
    if s.empty:
        return "not published in any year"
    if len(s) == 1:
        return f"{_fmt(s.iloc[0], percent)} in {s.index[0]}, the only year published"
    first, last = s.index[0], s.index[-1]
    # Only the two ends are printed: every number in a finding is a cell of its table.
    diff = float(s.iloc[-1] - s.iloc[0])
    steady = abs(diff) < (0.005 if percent else 0.5)
    move = "about the same" if steady else ("up" if diff > 0 else "down")
    text = (
        f"{_fmt(s.iloc[0], percent)} in {first} and {_fmt(s.iloc[-1], percent)} in {last} ({move})"
    )
    lo, hi = s.idxmin(), s.idxmax()
    extremes = [
        f"{word} {_fmt(s[year], percent)} in {year}"
        for word, year in (("lowest", lo), ("highest", hi))
        if year not in (first, last)
    ]
    return text + (f", {' and '.join(extremes)}" if extremes else "")


def latest_standing(rows: pd.DataFrame, year: str, percent: bool, ctx: fnd.Context) -> str:
    """Where the LAs stand in ``year``: range, how many above and below England and their
    statistical neighbours, and how many values DfE suppressed."""
    year_rows = rows[rows["period"] == year]
    shown = year_rows.dropna(subset=["value"])
    if shown.empty:
        return f"No LA value is published for {year}."
    lo, hi = shown.loc[shown["value"].idxmin()], shown.loc[shown["value"].idxmax()]
    england = shown["england"].dropna()
    text = (
        f"In {year} the {len(shown)} LAs with a published value ranged from "
        f"{_fmt(lo['value'], percent)} ({_name(lo, ctx)}) to {_fmt(hi['value'], percent)} "
        f"({_name(hi, ctx)})"
    )
    if len(england):
        eng = float(england.iloc[0])
        above = int((shown["value"] > eng).sum())
        text += (
            f"; {fnd._count(above, 'LA')} {'was' if above == 1 else 'were'} above England "
            f"({_fmt(eng, percent)}) and {fnd._count(len(shown) - above, 'LA')} at or below it"
        )
    both = shown.dropna(subset=["neighbours"])
    if len(both):
        over = int((both["value"] > both["neighbours"]).sum())
        text += (
            f"; {fnd._count(over, 'LA')} {'was' if over == 1 else 'were'} above "
            f"{'its' if over == 1 else 'their'} ten statistical neighbours' average"
        )
    hidden = len(year_rows) - len(shown)
    if hidden:
        text += f"; DfE suppressed the value of {fnd._count(hidden, 'LA')} (shown as c)"
    return text + "."


def _comparator_series(rows: pd.DataFrame, column: str) -> pd.Series:
    per_year = rows.dropna(subset=[column]).groupby("period")[column].first()
    return per_year.set_axis(per_year.index.astype(int)).sort_index()


def _region_name(ctx: fnd.Context) -> str:
    return ctx.names.get(ctx.region_code, "the region")


def _minute_text(kpis: pd.DataFrame, minute: Minute, ctx: fnd.Context) -> str:
    """One statement of the minutes against the data: who matches in the latest year, who
    is nearest when nobody does, and how many LA-years matched before."""
    hits = match_minutes(kpis, minute)
    year = latest_period(kpis, minute.measure)
    said = (
        f"The minutes say “{minute.says}”: a conversion of {100 * minute.value:.0f}%, taken as "
        f"within {100 * minute.tolerance:.1f} points. "
    )
    now = hits[hits["latest"]]
    if now.empty:
        near = nearest(kpis, minute, year) if year else None
        said += f"In {year}, no LA is in that range" + (
            f"; the nearest is {_name(near, ctx)} ({_fmt(near['value'], True)})."
            if near is not None
            else "."
        )
    else:
        named = [f"{_name(r, ctx)} ({_fmt(r['value'], True)})" for _, r in now.iterrows()]
        said += (
            f"In {year}, {fnd._count(len(now), 'LA')} {'is' if len(now) == 1 else 'are'} in that "
            f"range{', nearest first' if len(now) > 1 else ''}: {_join(named)}"
            + (
                "; the statement alone does not single out one LA."
                if len(now) > 1
                else ", the only LA in range that year."
            )
        )
    before = hits[~hits["latest"]]
    if len(before):
        las = before.groupby("la_code")["period"].apply(lambda p: sorted(p))
        order = sorted(las.index, key=lambda c: ctx.names.get(c, c))
        parts = [f"{ctx.names.get(c, c)} ({', '.join(las[c])})" for c in order]
        counted = f"{fnd._count(len(before), 'LA-year')} in {fnd._count(len(las), 'LA')}"
        said += f" In earlier years {counted} were in the range: {_join(parts)}."
    return said


def s47_conversion(tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
    """F-NET-01: S47 to ICPC conversion in every LA, and the LAs the minutes discuss."""
    kpis = numeric(tables["kpis"])
    rows = kpis[kpis["indicator"] == S47]
    figures = fnd._figs(ctx, S47_TREND_ID, S47_LATEST_ID)
    title = "Section 47 enquiries that reach an initial child protection conference"
    if rows["value"].notna().sum() == 0:
        text = "The published section 47 and conference figures are not available."
        return fnd.Finding("F-NET-01", SECTION, title, text, ["TAB-KPIS"], figures)
    year = latest_period(kpis, S47)
    region = _comparator_series(rows, "region")
    england = _comparator_series(rows, "england")
    text = (
        "Of the section 47 enquiries an LA starts, the share that lead to an initial child "
        f"protection conference: {_region_name(ctx)} "
        f"{describe_trend(region, True)}; England {describe_trend(england, True)}. "
        + latest_standing(rows, year, True, ctx)
        + " "
        + " ".join(_minute_text(kpis, m, ctx) for m in minutes(load_network()))
        + f" {REAL}"
    )
    cites = ["TAB-KPIS", *(["TAB-NET-MINUTES"] if "network_minutes" in tables else [])]
    return fnd.Finding("F-NET-01", SECTION, title, text, cites, figures)


def kpi_series(
    indicator: str, asked: str, fid: str
) -> Callable[[fnd.Tables, fnd.Context], fnd.Finding]:
    """The builder of one KPI's finding: its movement over the years and the latest year."""

    def build(tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
        spec = _indicators()[indicator]
        percent = spec["kind"] == "proportion"
        kpis = numeric(tables["kpis"])
        rows = kpis[kpis["indicator"] == indicator]
        title = f"{fnd._cap(asked)}: {spec['label'][:1].lower()}{spec['label'][1:]}"
        figures = fnd._figs(ctx, kpi_id(indicator))
        if rows["value"].notna().sum() == 0:
            text = f"{spec['label']}: the published figures are not available."
            return fnd.Finding(fid, SECTION, title, text, ["TAB-KPIS"], figures)
        year = latest_period(kpis, indicator)
        text = (
            f"{spec['label']} (the funding request's {asked}): {_region_name(ctx)} "
            f"{describe_trend(_comparator_series(rows, 'region'), percent)}; England "
            f"{describe_trend(_comparator_series(rows, 'england'), percent)}. "
            + latest_standing(rows, year, percent, ctx)
            + f" {REAL}"
        )
        return fnd.Finding(fid, SECTION, title, text, ["TAB-KPIS"], figures)

    return build


def not_published(
    asked: str, why: str, fid: str
) -> Callable[[fnd.Tables, fnd.Context], fnd.Finding]:
    """The builder of a finding that says a measure the request names is not in the data."""

    def build(tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
        text = f"{fnd._cap(asked)} cannot be reported: {' '.join(why.split())}."
        return fnd.Finding(fid, SECTION, f"{fnd._cap(asked)}: not in the published data", text, [])

    return build


def network_findings(tables: fnd.Tables, ctx: fnd.Context) -> list[fnd.Finding]:
    """Every finding of the network section, in report order (config/network.yaml)."""
    config = load_network()
    builders: list[Callable[[fnd.Tables, fnd.Context], fnd.Finding]] = [s47_conversion]
    builders += [kpi_series(k["indicator"], k["asked"], k["finding"]) for k in config["kpis"]]
    builders += [not_published(n["asked"], n["why"], n["finding"]) for n in config["not_published"]]
    return [build(tables, ctx) for build in builders]


def network_finding(tables: fnd.Tables, ctx: fnd.Context, fid: str) -> fnd.Finding:
    """The network section's finding ``fid`` (findings.BUILDERS lists the IDs)."""
    config = load_network()
    if fid == "F-NET-01":
        return s47_conversion(tables, ctx)
    for k in config["kpis"]:
        if k["finding"] == fid:
            return kpi_series(k["indicator"], k["asked"], fid)(tables, ctx)
    for n in config["not_published"]:
        if n["finding"] == fid:
            return not_published(n["asked"], n["why"], fid)(tables, ctx)
    raise KeyError(f"no network finding {fid} in {NETWORK_CONFIG}")
