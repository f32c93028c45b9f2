"""The targets, and the rows of the table in docs/performance.md: scenario, command, target,
measured, met. A scenario not run is a row that says so."""

from __future__ import annotations

from typing import Any

# scenario -> (the row's name, the target as written)
TARGETS: dict[str, tuple[str, str]] = {
    "full": ("19-LA demo, raw to report", "≤ 90 s"),
    "noop": ("nothing changed", "≤ 2 s"),
    "supervision": (
        "one LA's supervision file corrected",
        "≤ 20 s, and only jobs that read supervision rerun",
    ),
    "transcript": ("one LA's focus-group transcript corrected", "≤ 15 s"),
    "scale": ("153 LAs × 3 years", "≤ 12 min, every job ≤ 2 GB"),
    "ingest_parse": ("ingest ÷ parsing every table once", "≤ 10×"),
    "test": ("`make test`", "≤ 7 min"),
    "test_fast": ("`make test-fast`", "≤ 1 min"),
    "ingest_memory": (
        "one LA's largest supervision extract ingested",
        "within the rule's declared mem_mb",
    ),
}
LIMIT_S = {
    "full": 90,
    "noop": 2,
    "supervision": 20,
    "transcript": 15,
    "scale": 720,
    "test": 420,
    "test_fast": 60,
}
MAX_JOB_MB = 2048
MAX_INGEST_RATIO = 10


def _duration(seconds: float) -> str:
    """Seconds as a reader takes them: ``41.2 s``, ``13.5 min``."""
    return f"{seconds / 60:.1f} min" if seconds >= 120 else f"{seconds:.1f} s"


def _reran(r: dict[str, Any]) -> str:
    """The jobs a correction reran, and those that read nothing changed."""
    needless = r.get("no_change", [])
    text = f"{r['jobs']} jobs ({', '.join(r['rules_rerun'])})"
    if needless:
        text += f"; {len(needless)} read nothing changed: {', '.join(needless)}"
    return text


def measured(r: dict[str, Any]) -> tuple[str, bool | None]:
    """What a result measured, in words, and whether it meets its target."""
    name = r["scenario"]
    if name == "ingest_parse":
        ratio = r["ratio"]
        return (
            f"{ratio:.0f}× ({r['ingest_s']:.1f} s ÷ {r['floor']['parse_s']:.2f} s)",
            ratio <= MAX_INGEST_RATIO,
        )
    if name == "ingest_memory":
        top = max(r["points"], key=lambda p: p["raw_mb"])
        fits = top["peak_rss_mb"] <= top["declared_mem_mb"]
        return (
            f"{top['supervision_mb']:.0f} MB {top['format']}: peak {top['peak_rss_mb']:,} MB "
            f"of {top['declared_mem_mb']:,} MB declared",
            fits,
        )
    wall, met = r["wall_s"], r["wall_s"] <= LIMIT_S[name]
    text = _duration(wall)
    if name in ("supervision", "transcript"):
        text += f", {_reran(r)}"
        met = met and not r.get("no_change")
    elif name == "noop":
        text += f", {r['jobs']} jobs"
        met = met and r["jobs"] == 0
    elif name == "scale":
        text += f", {r['jobs']} jobs, largest job {r['peak_job_mb']:.0f} MB"
        met = met and r["peak_job_mb"] is not None and r["peak_job_mb"] <= MAX_JOB_MB
    elif name in ("test", "test_fast"):
        text += f" ({r['summary']})" if r.get("summary") else ""
        met = met and r["returncode"] == 0
    elif name == "full":
        text += f", {r['jobs']} jobs"
    return text, met


def rows(results: dict[str, dict[str, Any]]) -> list[str]:
    """The markdown table: one row per target, in the order of :data:`TARGETS`."""
    lines = ["| scenario | command | target | measured | met |", "|---|---|---|---|---|"]
    for name, (label, target) in TARGETS.items():
        r = results.get(name)
        if r is None:
            lines.append(
                f"| {label} | `python benchmarks/run.py --scenario {name}` | {target} | not run | |"
            )
            continue
        text, met = measured(r)
        command = "; ".join(f"`{c}`" for c in r.get("commands", []))
        flag = "" if met is None else ("yes" if met else "no")
        lines.append(f"| {label} | {command} | {target} | {text} | {flag} |")
    return lines


def rule_lines(r: dict[str, Any]) -> list[str]:
    """A full run's time by rule (from Snakemake's benchmark files)."""
    lines = [
        "",
        f"### {r['scenario']}: {r['las']} LAs, {r['years']} study year(s), {r['jobs']} jobs, "
        f"{r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU",
        "",
        "| rule | jobs | wall s (sum) | slowest job s | CPU s | peak MB |",
        "|---|---|---|---|---|---|",
    ]
    return lines + [
        f"| {x['rule']} | {x['jobs']} | {x['wall_s']:.1f} | {x['max_job_s']:.1f} | "
        f"{x['cpu_s']:.1f} | {x['peak_mb']:.0f} |"
        for x in r.get("rules", [])
    ]
