"""``oversight trace``: an answer first, then where it came from.

What can be traced, all through ``results/provenance.json``:

- a table (``TAB-...``), with ``--cell key=value,...`` one of its rows. A cell of the metrics
  table (one LA, period, metric and breakdown) is recomputed from the harmonised records
  (:func:`oversight.compare.members.members`) and each unit's raw file and row is listed; a cell of
  the KPI table (one LA, period, indicator) is found in the DfE release it was read from, by
  file, row number and column (:func:`kpi_source`); any other table's row is printed as
  published.
- a finding (``F-...``): its text, then each number in it with the published cell it comes
  from (:func:`finding_numbers`).
- a figure (``FIG-...``), with ``--point la_code=...`` the published cell a point was drawn
  from (``trace.yaml`` says which table, metric and period each kind of figure draws).

The answer leads (value, numerator, denominator, status and why a ``c`` is hidden, then the
raw files and rows, or the DfE file and row); the jobs that made it follow, one line per job
(:func:`job_lines`), or in full with ``--verbose`` (:func:`oversight.provenance.chain`). Raw
files are named by label (:mod:`oversight.ingest.filelabels`); with the LA's key the path is shown.
Only file names, row numbers and pseudonymised IDs of LA extracts are printed: never the
content of a raw row. DfE releases are public, so their cells are quoted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.compare.members import members
from oversight.config import load_yaml
from oversight.ingest import harmonise
from oversight.ingest.normalise import norm_label
from oversight.ingest.readers import read_table
from oversight.provenance import chain, disk_state
from oversight.published.releases import identify, indicator_rows, read_release

CELL_KEYS = ("la_code", "period", "metric", "breakdown")
KPI_KEYS = ("la_code", "period", "indicator")
STATS_DATASETS = ("supervision", "caseload", "oversight", "audits", "strategy_discussions")
SYMBOL = "c"
# Row ranges shown per raw file before the rest are counted.
RANGES_SHOWN = 6
# Values of a key named in an error before the rest are counted.
VALUES_SHOWN = 12


class TraceError(ValueError):
    """An ID, cell or point that cannot be traced; the message names what is valid."""


@cache
def settings() -> dict[str, Any]:
    """How figure points map to table cells (``trace.yaml``)."""
    return load_yaml(Path(__file__).with_name("trace.yaml"))


# ----------------------------------------------------------------------------- cells
@dataclass(frozen=True)
class Cell:
    la_code: str
    period: str
    metric: str
    breakdown: str = "all"

    @classmethod
    def parse(cls, text: str) -> Cell:
        """``la_code=E06000039,period=2024-25,metric=staff_supervision_28d[,breakdown=...]``.

        Breakdowns may hold ``=`` and ``;`` (``domain=x;grade=2``), so they come last."""
        parts = parse_keys(text)
        missing = [k for k in CELL_KEYS[:3] if k not in parts]
        if missing:
            raise TraceError(
                f"cell {text!r} lacks {', '.join(missing)}: give "
                "la_code=...,period=...,metric=...[,breakdown=...]"
            )
        return cls(
            parts["la_code"], parts["period"], parts["metric"], parts.get("breakdown", "all")
        )

    def as_text(self) -> str:
        return (
            f"la_code={self.la_code},period={self.period},metric={self.metric},"
            f"breakdown={self.breakdown}"
        )


def parse_keys(text: str) -> dict[str, str]:
    """``k=v,k=v`` as a dict; a ``breakdown=`` part runs to the end (it may hold ``=``)."""
    head, sep, breakdown = text.partition("breakdown=")
    if sep and head and not head.endswith(","):
        head, breakdown, sep = text, "", ""
    parts: dict[str, str] = {}
    for item in head.rstrip(",").split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise TraceError(f"{item!r} in {text!r} is not key=value: give key=value,key=value")
        key, value = item.split("=", 1)
        parts[key.strip()] = value.strip()
    if sep:
        parts["breakdown"] = breakdown
    return parts


def _shown(values: Iterable[Any]) -> str:
    vals = sorted({str(v) for v in values})
    more = f" and {len(vals) - VALUES_SHOWN} more" if len(vals) > VALUES_SHOWN else ""
    return ", ".join(vals[:VALUES_SHOWN]) + more


def select_row(table: pd.DataFrame, keys: Mapping[str, str], table_id: str) -> pd.Series:
    """The one row of ``table`` matching every ``key=value``; a :class:`TraceError` naming
    the valid values when no row or several rows match."""
    unknown = [k for k in keys if k not in table.columns]
    if unknown:
        raise TraceError(
            f"{table_id} has no column {', '.join(unknown)}; its columns are "
            f"{', '.join(table.columns)}"
        )
    hit = table
    for key, value in keys.items():
        narrower = hit[hit[key].astype(str) == value]
        if narrower.empty:
            raise TraceError(
                f"no row of {table_id} has {key}={value}"
                + (" with the other keys given" if len(hit) < len(table) else "")
                + f"; {key} takes: {_shown(hit[key])}"
            )
        hit = narrower
    if len(hit) > 1:
        keyed = [c for c in settings()["key_columns"] if c in table.columns] or list(table.columns)
        differ = [c for c in keyed if c not in keys and hit[c].astype(str).nunique() > 1]
        choose = "; ".join(f"{c} takes: {_shown(hit[c])}" for c in differ[:3])
        raise TraceError(
            f"{len(hit)} rows of {table_id} match {_keys_text(keys)}: add a key to choose one "
            f"({choose})"
        )
    return hit.iloc[0]


def _keys_text(keys: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in keys.items())


def _number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _value_text(value: Any) -> str:
    """A published value with its percentage when it is a proportion."""
    number = _number(value)
    if number is None:
        return str(value) if str(value) else "(blank)"
    if 0 <= number <= 1:
        return f"{number:g} ({100 * number:.1f}%)"
    return f"{number:g}"


def _count_text(value: Any) -> str:
    number = _number(value)
    if number is None:
        return str(value) if str(value) else "(blank)"
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def suppression_reason(numerator: float, denominator: float, min_count: int) -> str:
    """Why disclosure control hid a metrics cell
    (``oversight.disclosure.suppress.protect_long``)."""
    small = range(1, min_count)
    if int(numerator) in small:
        return f"primary: its numerator is a count from 1 to {min_count - 1}"
    if int(denominator - numerator) in small:
        return f"primary: the count not in its numerator is from 1 to {min_count - 1}"
    if int(denominator) in small:
        return f"primary: its denominator is from 1 to {min_count - 1}"
    return (
        "secondary: its own counts are not small, but a hidden cell related to it (another "
        "breakdown of the same total, the region's total, the year's quarters) could be "
        "worked out from it"
    )


# ----------------------------------------------------------------------------- metrics cells
def cell_members(
    frames: Mapping[str, pd.DataFrame],
    authority: Mapping[str, Any],
    study: Mapping[str, Any],
    windows: list[int],
    cell: Cell,
) -> pd.DataFrame:
    """The units behind one LA's cell, with the raw file and row of each."""
    return members(
        dict(frames),
        study["period_start"],
        study["period_end"],
        authority["supervision_policy_days"],
        windows,
        cell.period,
        cell.metric,
        cell.breakdown,
    )


def row_ranges(rows: Iterable[int]) -> str:
    """``2-5, 9, 12-13`` (the first ranges, the rest counted)."""
    nums = sorted(set(int(r) for r in rows))
    ranges: list[tuple[int, int]] = []
    for n in nums:
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    shown = [f"{a}-{b}" if b > a else str(a) for a, b in ranges[:RANGES_SHOWN]]
    more = f", ... ({len(ranges) - RANGES_SHOWN} more ranges)" if len(ranges) > RANGES_SHOWN else ""
    return ", ".join(shown) + more


def describe_cell(
    cell: Cell,
    row: pd.Series,
    units: pd.DataFrame,
    raw_root: Path,
    limit: int,
    where: Mapping[str, Path] | None = None,
    min_count: int = 6,
    slug: str = "",
) -> list[str]:
    """The answer for one metrics cell: the published numbers, the same counted again from
    the harmonised records, the raw files (by label) and rows behind it.

    Harmonised rows name their raw file by label (:mod:`oversight.ingest.filelabels`); ``where``
    (label -> path, computed with the key) gives the path, else the label is shown under
    ``raw_root``.
    """
    where = where or {}
    n_num, n_den = int(units["in_numerator"].sum()), len(units)
    status = str(row.get("status", "") or "")
    agrees = _number(row["numerator"]) == n_num and _number(row["denominator"]) == n_den
    lines = [
        f"TAB-METRICS {cell.la_code} {cell.period} {cell.metric} ({cell.breakdown}): "
        f"value {_value_text(row['value'])}, numerator {_count_text(row['numerator'])}, "
        f"denominator {_count_text(row['denominator'])}, "
        + ("status c (suppressed in the published table)" if status == SYMBOL else "published"),
        f"  recomputed from the harmonised records: {n_num} of {n_den} units"
        + ("" if status == SYMBOL else (" (agrees)" if agrees else " (DIFFERS from the table)")),
    ]
    if status == SYMBOL:
        lines.append(f"  why c: {suppression_reason(n_num, n_den, min_count)}")
    lines.append(
        "  raw files (by label"
        + (f"; `oversight files {slug}` gives paths with the key" if slug and not where else "")
        + "):"
    )
    for label, part in units.groupby("source_file", sort=True):
        lines.append(
            f"    {label} ({', '.join(sorted(set(part['dataset'])))}): {len(part)} rows: "
            f"{row_ranges(part['source_row'])}"
        )
    for flag, title in ((True, "numerator"), (False, "denominator only")):
        part = units[units["in_numerator"] == flag]
        lines.append(f"  {title}: {len(part)} units; raw rows (file:row) behind them:")
        for r in part.head(limit).itertuples():
            path = where.get(r.source_file, raw_root / r.source_file)
            lines.append(f"    {path}:{r.source_row}  {r.dataset}  {r.unit}")
        if len(part) > limit:
            lines.append(f"    ... and {len(part) - limit} more (use --limit)")
    return lines


def describe_published_cell(cell: Cell, row: pd.Series, why: str) -> list[str]:
    """A metrics cell that has no unit records to list (the region, a ratio): its numbers."""
    status = str(row.get("status", "") or "")
    return [
        f"TAB-METRICS {cell.la_code} {cell.period} {cell.metric} ({cell.breakdown}): "
        f"value {_value_text(row['value'])}, numerator {_count_text(row['numerator'])}, "
        f"denominator {_count_text(row['denominator'])}, "
        + ("status c (suppressed in the published table)" if status == SYMBOL else "published"),
        f"  {why}",
    ]


# ----------------------------------------------------------------------------- KPI cells
@dataclass(frozen=True)
class KpiSource:
    """Where one KPI cell comes from in its DfE release."""

    release: str
    file: str
    row: int
    columns: dict[str, str]
    cells: dict[str, str]
    numerator: float | None
    denominator: float | None
    value: float | None
    status: str


def release_headers(path: Path, name: str, spec: Mapping[str, Any]) -> dict[str, str]:
    """Each configured field of a release -> the header it has in this file."""
    fields = {f: {"type": "text", "required": True} for f in spec["columns"]}
    table = read_table(path, dict(spec), spec["path"], harmonise.known_headers(spec), norm_label)
    mapping = harmonise.map_headers(
        table.header, dict(spec), fields, spec["path"], lambda keys: name, table.header_row, True
    )
    return {f: table.header[pos] for f, pos in mapping.items()}


def kpi_source(
    published: Mapping[str, Any],
    raw_root: Path,
    reference: pd.DataFrame,
    la_code: str,
    period: str,
    indicator: str,
) -> KpiSource:
    """The DfE release row (file, row number, columns, cells) an LA's indicator is read from,
    found the way ``rule kpis`` reads it (:func:`oversight.published.releases.read_release`)."""
    indicators = published["indicators"]
    if indicator not in indicators:
        raise TraceError(f"{indicator!r} is not an indicator; indicators: {_shown(indicators)}")
    spec = indicators[indicator]
    name = spec["release"]
    release = published["releases"][name]
    path = raw_root / release["path"]
    frame = read_release(path, name, dict(release), lambda keys: name)
    rows = indicator_rows(frame, indicator, spec, release["path"])
    las = rows[rows["geographic_level"] == "Local authority"].copy()
    las["la_code"] = identify(las, reference)
    mine = las[las["la_code"] == la_code]
    if mine.empty:
        raise TraceError(f"{la_code} has no row in {release['path']}")
    hit = mine[mine["period"] == period]
    if hit.empty:
        raise TraceError(
            f"{release['path']} has no row for {la_code} in {period}; periods: "
            f"{_shown(mine['period'])}"
        )
    if len(hit) > 1:
        raise TraceError(
            f"{len(hit)} rows of {release['path']} are {la_code} in {period} (rows "
            f"{', '.join(str(r) for r in hit['source_row'])}): the release repeats the LA"
        )
    found = hit.iloc[0]
    source_row = int(found["source_row"])
    headers = release_headers(path, name, release)
    used = {"numerator": spec["numerator"], **_denominators(spec)}
    if spec.get("published"):
        used["published value"] = spec["published"]
    raw = frame[frame["source_row"] == source_row].iloc[0]
    return KpiSource(
        release=name,
        file=release["path"],
        row=source_row,
        columns={role: headers[f] for role, f in used.items()},
        cells={role: str(raw[f]) for role, f in used.items()},
        numerator=_number(found["numerator"]),
        denominator=_number(found["denominator"]),
        value=_number(found["value"]),
        status=str(found["status"]),
    )


def _denominators(spec: Mapping[str, Any]) -> dict[str, str]:
    fields = spec["denominator"]
    if len(fields) == 1:
        return {"denominator": fields[0]}
    return {f"denominator part {i}": f for i, f in enumerate(fields, 1)}


def describe_kpi(row: pd.Series, source: KpiSource, raw_root: Path) -> list[str]:
    """The answer for one KPI cell: the published value, then the DfE file, row and cells."""
    status = str(row.get("status", "") or "")
    published = _number(row.get("value"))
    agrees = (
        published is not None
        and source.value is not None
        and abs(round(source.value, 6) - published) < 1e-6
    )
    lines = [
        f"TAB-KPIS {row['la_code']} {row['period']} {row['indicator']}: value "
        f"{_value_text(row['value'])}, numerator {_count_text(source.numerator)}, denominator "
        f"{_count_text(source.denominator)}, "
        + (f"status {status} (DfE's symbol: not published by DfE)" if status else "published"),
        f"  DfE release {source.release}: {raw_root / source.file}",
        f"  row {source.row} (its line number in the file; the header is line 1); columns:",
    ]
    for role, column in source.columns.items():
        lines.append(f"    {column} ({role}) = {source.cells[role]}")
    if source.value is not None:
        lines.append(
            f"  numerator / denominator = {source.value:.6f}"
            + (" (agrees with the table)" if agrees else " (DIFFERS from the table)")
        )
    return lines


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
        lines.append(f"    {cite.text} = {table_id} {col} of {_keys_text(keys)}{more}")
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


# ----------------------------------------------------------------------------- job chain
def focused_jobs(
    prov: Mapping[str, Any], paths: Iterable[str], la: str | None = None
) -> list[tuple[str, list[str]]]:
    """The jobs behind ``paths``, newest first, each with its inputs that are missing or
    changed on disk. A job is followed only through the input named like the output traced,
    when it has one (``publish_tables`` makes each table from its namesake), and only for
    the LA ``la`` (a slug) when a per-LA job is reached."""
    jobs = prov["jobs"]
    made_by = {o["path"]: key for key, r in jobs.items() for o in r["outputs"]}
    order: list[str] = []
    todo = list(paths)
    seen_paths: set[str] = set()
    while todo:
        path = todo.pop(0)
        if path in seen_paths:
            continue
        seen_paths.add(path)
        key = made_by.get(path)
        if key is None:
            continue
        wc = jobs[key].get("wildcards") or {}
        if la is not None and "la" in wc and wc["la"] != la:
            continue
        if key not in order:
            order.append(key)
        data = [i["path"] for i in jobs[key]["inputs"] if not _is_code(i)]
        namesake = [p for p in data if Path(p).name == Path(path).name]
        todo += namesake or data
    return [(key, _problems(jobs[key])) for key in order]


def _is_code(item: Mapping[str, Any]) -> bool:
    return item.get("role") == "code" or str(item["path"]).startswith("src/")


def _problems(job: Mapping[str, Any]) -> list[str]:
    """Inputs of a job that are no longer on disk as it read them: data files one by one,
    code files counted (the code version says which code ran)."""
    out, code = [], 0
    for item in job["inputs"]:
        state = disk_state(item["path"], item["sha256"])
        if state and _is_code(item):
            code += 1
        elif state:
            out.append(f"<- {item['path']}  [{state}]")
    if code:
        out.append(f"({code} code files changed since this job ran)")
    return out


def job_lines(prov: Mapping[str, Any], keys: list[tuple[str, list[str]]]) -> list[str]:
    """One line per job (rule and wildcards, code version, inputs); jobs of one rule for
    every LA are folded into one line."""
    jobs = prov["jobs"]
    lines = ["job chain (newest first; --verbose for the full records):"]
    folded: dict[str, list[str]] = {}
    for key, _ in keys:
        rule = jobs[key]["rule"]
        if "la" in (jobs[key].get("wildcards") or {}):
            folded.setdefault(rule, []).append(key)
    done: set[str] = set()
    for key, problems in keys:
        job = jobs[key]
        rule = job["rule"]
        group = folded.get(rule, [key])
        if rule in done:
            continue
        if len(group) > 1:
            done.add(rule)
            head = f"{rule}[la=*] ({len(group)} jobs, one per LA)"
        else:
            head = key
        version = job["code_version"]
        commit = version["git_commit"]
        short = commit[:10] + ("+dirty" if commit.endswith("+dirty") else "")
        n_in = sum(1 for i in job["inputs"] if not _is_code(i))
        n_code = sum(1 for i in job["inputs"] if _is_code(i))
        raw = len(job.get("raw_inputs", []))
        lines.append(
            f"  made by {head}: code {version['package']} {short}, config "
            f"{job['config_sha256'][:12]}, {n_in} inputs, {n_code} code files"
            + (f", {raw} raw files" if raw else "")
        )
        lines += [f"      {p}" for p in problems]
    return lines


# ----------------------------------------------------------------------------- the command
@dataclass
class Tracer:
    """Everything a trace reads: provenance, the study settings and how to reach an LA's
    harmonised records (``units``: slug, cell -> units and label -> path map)."""

    prov: Mapping[str, Any]
    raw_root: Path
    year: str
    region_code: str
    slugs: Mapping[str, str]
    names: Mapping[str, str]
    published: Mapping[str, Any]
    reference: pd.DataFrame
    units: Callable[[str, Cell], tuple[pd.DataFrame, Mapping[str, Path]]]
    min_count: int = 6
    limit: int = 5
    verbose: bool = False
    with_code: bool = False

    def entry(self, item_id: str) -> Mapping[str, Any]:
        ids = self.prov["ids"]
        if item_id not in ids:
            tables = sorted(i for i in ids if i.startswith("TAB-"))
            figures = sorted(i for i in ids if i.startswith("FIG-"))
            raise TraceError(
                f"{item_id!r} is not a table, figure or finding ID. Tables: "
                f"{', '.join(tables)}. Figures: {_shown(figures)}. Findings: the IDs in "
                "results/report/findings.json (F-...)"
            )
        return ids[item_id]

    def table(self, table_id: str) -> pd.DataFrame:
        return pd.read_csv(self.entry(table_id)["path"], dtype=str, keep_default_na=False)

    def trace(self, item_id: str, cell: str | None = None, point: str | None = None) -> list[str]:
        """The lines ``oversight trace`` prints."""
        if item_id.startswith("F-"):
            return self.finding(item_id)
        entry = self.entry(item_id)
        if point is not None:
            if entry["kind"] != "figure":
                raise TraceError(f"--point is for figures; {item_id} is a {entry['kind']}")
            return self.figure(item_id, parse_keys(point))
        if cell is not None:
            if entry["kind"] != "table":
                hint = " (a figure takes --point la_code=...)" if entry["kind"] == "figure" else ""
                raise TraceError(f"--cell is for tables; {item_id} is a {entry['kind']}{hint}")
            return self.table_cell(item_id, cell)
        lines = [
            f"{item_id}: {entry['caption']}",
            f"  file {entry['path']}  sha256 {entry['sha256'][:16]}..."
            + _mark(entry["path"], entry["sha256"]),
        ]
        if entry["kind"] == "figure":
            lines.append("  a point: add --point la_code=... (see `oversight trace --help`)")
        elif entry["kind"] == "table":
            lines.append("  a cell: add --cell key=value,... (the table's key columns)")
        return lines + self.chain([item_id], None)

    def chain(self, ids: list[str], slug: str | None) -> list[str]:
        if not ids:
            return []
        if self.verbose:
            out: list[str] = []
            for item_id in ids:
                out += chain(self.prov, item_id, with_code=self.with_code)
            return out
        paths = [self.prov["ids"][i]["path"] for i in ids]
        return job_lines(self.prov, focused_jobs(self.prov, paths, slug))

    def table_cell(self, table_id: str, text: str) -> list[str]:
        keys = parse_keys(text)
        if table_id == "TAB-METRICS":
            return self.metrics_cell(Cell.parse(text), [table_id])
        row = select_row(self.table(table_id), keys, table_id)
        if table_id == "TAB-KPIS":
            return self.kpi_cell(row) + self.chain([table_id], None)
        lines = [f"{table_id} {_keys_text(keys)}:"]
        lines += [f"  {col} = {row[col]}" for col in row.index if col not in keys]
        return lines + self.chain([table_id], None)

    def metrics_cell(self, cell: Cell, ids: list[str]) -> list[str]:
        table = self.table("TAB-METRICS")
        keys = {"la_code": cell.la_code, "period": cell.period, "metric": cell.metric}
        row = select_row(table, {**keys, "breakdown": cell.breakdown}, "TAB-METRICS")
        slug = self.slugs.get(cell.la_code)
        if slug is None:
            why = (
                "the region's value: the sum of its LAs' cells (trace each LA's cell)"
                if cell.la_code == self.region_code
                else "not an LA of the study"
            )
            return describe_published_cell(cell, row, why) + self.chain(ids, None)
        try:
            units, where = self.units(slug, cell)
        except KeyError as exc:
            why = f"no unit records to list: {exc.args[0] if exc.args else exc}"
            return describe_published_cell(cell, row, why) + self.chain(ids, slug)
        lines = describe_cell(
            cell, row, units, self.raw_root, self.limit, where, self.min_count, slug
        )
        return lines + self.chain(ids, slug)

    def kpi_cell(self, row: pd.Series) -> list[str]:
        source = kpi_source(
            self.published,
            self.raw_root,
            self.reference,
            str(row["la_code"]),
            str(row["period"]),
            str(row["indicator"]),
        )
        return describe_kpi(row, source, self.raw_root)

    def finding(self, finding_id: str) -> list[str]:
        path = self.entry("REPORT-FINDINGS")["path"]
        findings = {f["id"]: f for f in json.loads(Path(path).read_text(encoding="utf-8"))}
        if finding_id not in findings:
            raise TraceError(
                f"{finding_id!r} is not a finding ID in {path}; findings: {', '.join(findings)}"
            )
        finding = findings[finding_id]
        tables = {t: self.table(t) for t in finding.get("tables", []) if t in self.prov["ids"]}
        cites = finding_numbers(finding, tables, self.names, self.year, self.region_code)
        lines = describe_finding(finding, cites)
        if self.verbose:
            return lines + self.chain(["REPORT-FINDINGS", *tables], None)
        # The job that wrote the finding, then only the jobs behind the tables it cites.
        report = focused_jobs(self.prov, [path], None)[:1]
        cited = focused_jobs(self.prov, [self.prov["ids"][t]["path"] for t in tables], None)
        return lines + job_lines(self.prov, report + [j for j in cited if j not in report])

    def figure(self, figure_id: str, point: Mapping[str, str]) -> list[str]:
        entry = self.entry(figure_id)
        manifest = _manifest_entry(entry["path"], figure_id)
        target = figure_point(figure_id, self.prov, point, manifest)
        table = self.table("TAB-METRICS")
        las = table[
            (table["metric"] == target.metrics.metric)
            & (table["period"] == target.metrics.period)
            & (table["breakdown"] == "all")
        ]
        if target.metrics.la_code not in set(las["la_code"]):
            raise TraceError(
                f"{figure_id} has no point for la_code={target.metrics.la_code}; its points: "
                f"{_shown(las['la_code'])}"
            )
        lines = [f"{figure_id}, point {_keys_text(point)}: drawn from"]
        lines += self.metrics_cell(target.metrics, [])
        if target.kpi:
            kpis = self.table("TAB-KPIS")
            lines += self.kpi_cell(select_row(kpis, target.kpi, "TAB-KPIS"))
        slug = self.slugs.get(target.metrics.la_code)
        return lines + self.chain([figure_id], slug)


def _mark(path: str, recorded: str) -> str:
    state = disk_state(path, recorded)
    return f"  [{state}]" if state else ""


def _manifest_entry(svg: str, figure_id: str) -> Mapping[str, Any]:
    """The figure's entry in the manifest beside it (figures.json, links.json, ...)."""
    for manifest in sorted(Path(svg).parent.glob("*.json")):
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(entries, list):
            for item in entries:
                if isinstance(item, dict) and item.get("id") == figure_id:
                    return item
    return {}
