"""``oversight trace``: an answer first, then where it came from.

What can be traced, all through ``results/provenance.json``:

- a table (``TAB-...``), with ``--cell key=value,...`` one of its rows. A cell of the metrics
  table (one LA, period, metric and breakdown) is recomputed from the harmonised records
  (:func:`oversight.compare.members.members`) and each unit's raw file and row is listed; a cell of
  the KPI table (one LA, period, indicator) is found in the DfE release it was read from, by
  file, row number and column (:mod:`oversight.trace_kpis`); any other table's row is
  printed as published (:mod:`oversight.trace_cells`).
- a finding (``F-...``): its text, then each number in it with the published cell it comes
  from (:mod:`oversight.trace_findings`).
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.provenance import chain, disk_state
from oversight.trace_cells import (
    Cell,
    TraceError,
    describe_cell,
    describe_published_cell,
    keys_text,
    parse_keys,
    select_row,
    shown_values,
)
from oversight.trace_findings import describe_finding, figure_point, finding_numbers
from oversight.trace_kpis import describe_kpi, kpi_source


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
            names = sorted(jobs[group[0]].get("wildcards") or {})
            each = " and ".join({"la": "LA"}.get(n, n) for n in names)
            head = (
                f"{rule}[{','.join(f'{n}=*' for n in names)}] ({len(group)} jobs, one per {each})"
            )
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
                f"{', '.join(tables)}. Figures: {shown_values(figures)}. Findings: the IDs in "
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
        lines = [f"{table_id} {keys_text(keys)}:"]
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
                f"{shown_values(las['la_code'])}"
            )
        lines = [f"{figure_id}, point {keys_text(point)}: drawn from"]
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
