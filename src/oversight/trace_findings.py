"""Tracing a finding's numbers and a figure's points to the published cells they come from:
each number in a finding's text with the cells that print as it, and each kind of figure's
points with the table, metric and period it draws (``trace.yaml``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from oversight.trace_cells import Cell, TraceError, keys_text, settings

# ----------------------------------------------------------------------------- findings
# A number as findings print it (``1,486,862``, ``-0.41``, ``38%``, ``+16.2 points``), or a
# period (``2024-25``), which is skipped.
NUMBER = re.compile(r"(?<![\w.\-])([+-]?\d[\d,]*(?:\.\d+)?(?:-\d{2}(?!\d))?)(%| points)?")
PERIOD = re.compile(r"^\d{4}(?:-\d{2})?$")


@dataclass(frozen=True)
class Citation:
    """A number in a finding's text and the published cells that print as it."""

    text: str
    cells: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    note: str = ""


def _renders(value: float, shown: float, digits: int, scales: tuple[int, ...]) -> bool:
    return any(round(scale * value, digits) == shown for scale in scales)


def _named_after(text: str, end: int, names: Mapping[str, str]) -> set[str]:
    """LA codes named just after a number (``38% (Slough)``)."""
    after = text[end : end + 60].lstrip(" (")
    return {code for code, name in names.items() if name and after.startswith(name)}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def _clause(text: str, start: int, end: int) -> str:
    """The sentence part around a number (between full stops and semicolons)."""
    left = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    right = min(
        (i for i in (text.find(". ", end), text.find("; ", end)) if i >= 0), default=len(text)
    )
    return text[left + 1 : right]


def finding_numbers(
    finding: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    names: Mapping[str, str],
    year: str,
    region_code: str,
) -> list[Citation]:
    """Each number in a finding's text with the cells of its cited tables that print as it.

    A finding may list its cells itself (``cells``: ``{table, keys, column}``); otherwise the
    cited tables are searched for cells that print as the number, and among them those are
    kept that best fit the text, step by step: the period the text names (else the study
    year), the metric its figures draw, breakdown ``all``, a column named just before the
    number (``England 23%``), the LA named just after it (``38% (Slough)``) or the region when
    the clause speaks of it, key values the text mentions, and a value column.
    """
    text = finding["text"]
    if finding.get("cells"):
        return [
            Citation(str(c.get("text", "")), [(c["table"], dict(c["keys"]), c["column"])])
            for c in finding["cells"]
        ]
    conf = settings()
    skip_after = conf["not_cells_after"]
    metrics = {_figure_metric(f) for f in finding.get("figures", [])} - {None}
    periods = {m.group(1) for m in NUMBER.finditer(text) if PERIOD.match(m.group(1))} or {year}
    squashed = _squash(text)
    out = []
    for m in NUMBER.finditer(text):
        raw, unit = m.group(1), m.group(2) or ""
        token = raw + unit
        if PERIOD.match(raw) and not unit:
            continue
        rest = text[m.end() :].lstrip()
        last = text[: m.start()].split()[-1:] or [""]
        if any(re.match(rf"{re.escape(w)}\b", rest) for w in skip_after) or (
            last[0].lower().strip("(\"'") in conf["not_cells_before"]
        ):
            out.append(Citation(token, note="a count, window or limit level, not a table cell"))
            continue
        shown = float(raw.replace(",", ""))
        digits = len(raw.split(".")[1]) if "." in raw else 0
        clause = _clause(text, m.start(), m.end())
        points = unit.strip() == "points" or (raw[0] in "+-" and "points" in clause)
        scales = (100,) if unit == "%" or points else (1,)
        found = []
        for table_id, table in tables.items():
            found += _matching_cells(table_id, table, shown, digits, scales)
        before = _squash(text[max(0, m.start() - 20) : m.start()].split("(")[-1])
        named = _named_after(text, m.end(), names)
        prefs = [
            lambda c: (
                c[1].get("period", c[1].get("from", "")).split(" ")[0] in periods
                or "period" not in c[1]
            ),
            lambda c: c[1].get("period", "") in periods or "period" not in c[1],
            lambda c: not metrics or c[1].get("metric") in metrics,
            lambda c: c[1].get("breakdown", "all") == "all",
            lambda c, before=before: bool(before) and before.endswith(_squash(c[2])),
        ]
        if named:
            prefs.append(lambda c, named=named: c[1].get("la_code") in named)
        else:
            # A number no LA is named beside speaks for the region.
            prefs.append(lambda c: c[1].get("la_code") == region_code)
        prefs.append(lambda c: c[2] in conf["value_columns"])
        for i, pref in enumerate(prefs):
            if i == len(prefs) - 1:
                # Before the last step: the cells whose keys the text mentions most.
                best = _best(found, squashed)
                found = [c for c in found if _mentions(c[1], squashed) == best]
            narrower = [c for c in found if pref(c)]
            if narrower:
                found = narrower
        note = "" if found else "no single published cell prints as it (a total or average)"
        out.append(Citation(token, found, note))
    return out


def _mentions(keys: Mapping[str, str], squashed: str) -> int:
    return sum(1 for v in keys.values() if len(_squash(v)) > 3 and _squash(v) in squashed)


def _best(found: list[tuple[str, dict[str, str], str]], squashed: str) -> int:
    return max((_mentions(c[1], squashed) for c in found), default=0)


def _matching_cells(
    table_id: str, table: pd.DataFrame, shown: float, digits: int, scales: tuple[int, ...]
) -> list[tuple[str, dict[str, str], str]]:
    keys = [c for c in settings()["key_columns"] if c in table.columns]
    found = []
    for col in table.columns:
        if col in keys or col in settings()["not_values"]:
            continue
        values = pd.to_numeric(table[col], errors="coerce")
        for i, v in values.items():
            if pd.notna(v) and _renders(float(v), shown, digits, scales):
                found.append((table_id, {k: str(table.at[i, k]) for k in keys}, col))
    return found


def _figure_metric(figure_id: str) -> str | None:
    for prefix in settings()["figures"]:
        if figure_id.startswith(prefix):
            return figure_id[len(prefix) :].split("-")[0]
    return None


def describe_finding(finding: Mapping[str, Any], citations: list[Citation]) -> list[str]:
    """The finding's text, then each number and the cell it comes from."""
    lines = [f"{finding['id']}: {finding['title']}", f"  {finding['text']}", "  numbers cited:"]
    for cite in citations:
        if not cite.cells:
            lines.append(f"    {cite.text}: {cite.note}")
            continue
        table_id, keys, col = cite.cells[0]
        more = (
            f" (and {len(cite.cells) - 1} other cells print the same)"
            if len(cite.cells) > 1
            else ""
        )
        lines.append(f"    {cite.text} = {table_id} {col} of {keys_text(keys)}{more}")
    lines.append(
        f"  tables: {', '.join(finding.get('tables', [])) or 'none'}; figures: "
        f"{', '.join(finding.get('figures', [])) or 'none'}"
    )
    lines.append("  to trace a cell to its raw rows: oversight trace <table> --cell <keys above>")
    return lines


# ----------------------------------------------------------------------------- figures
@dataclass(frozen=True)
class FigurePoint:
    """The published cells a figure's point was drawn from."""

    metrics: Cell
    kpi: dict[str, str] | None = None


def figure_point(
    figure_id: str, prov: Mapping[str, Any], point: Mapping[str, str], manifest: Mapping[str, Any]
) -> FigurePoint:
    """The cell(s) behind one point of a figure, from ``trace.yaml`` and the figure job's
    parameters (the period it drew); a manifest entry's own ``table``/``metric`` wins."""
    conf = settings()
    for prefix, why in conf["no_points"].items():
        if figure_id.startswith(prefix):
            raise TraceError(f"{figure_id} has no points to trace with --point: {why}")
    prefix = next((p for p in conf["figures"] if figure_id.startswith(p)), None)
    if prefix is None:
        kinds = ", ".join(conf["figures"])
        raise TraceError(f"{figure_id}: --point works on figures starting {kinds}")
    spec = conf["figures"][prefix]
    params = prov["ids"][figure_id].get("params", {})
    unknown = set(point) - set(spec["point"])
    missing = [k for k in spec["point"] if k not in point and k != "period"]
    if unknown or missing or ("period" in spec["point"] and "period" not in point):
        raise TraceError(f"{figure_id} takes --point {','.join(f'{k}=...' for k in spec['point'])}")
    rest = figure_id[len(prefix) :]
    metric = manifest.get("metric") or rest.split("-")[0]
    period = point.get("period") or params.get(spec.get("period", ""), "")
    cell = Cell(point["la_code"], str(period), metric, "all")
    kpi = None
    if spec.get("also") == "TAB-KPIS":
        indicator = manifest.get("indicator") or rest.split("-", 1)[1]
        kpi = {
            "la_code": point["la_code"],
            "period": str(params.get(spec["kpi_period"], "")),
            "indicator": indicator,
        }
    return FigurePoint(cell, kpi)
