"""``oversight check <la>``: validate one LA's raw files without the pipeline.

What a data lead needs goes to standard output: each dataset's rows loaded and rejected, the
rejects by rule with what to change, the links between the datasets and each dataset's
status. Progress goes to standard error (a line as each dataset, and the links check, starts
and ends, with rows and seconds), so that the report itself stays the same from run to run;
``--quiet`` drops it.

Exit status: :data:`CLEAN` when every file was read and no row rejected; :data:`PROBLEMS` when
rows were rejected (``--allow-rejects`` accepts them) or a file could not be used at all (never
accepted); a configuration or key problem ends the command with status 2 (``cli.main``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLEAN = 0
PROBLEMS = 1

Progress = Callable[[str], None]


def progress_to(stream: Any, quiet: bool) -> Progress:
    """A progress printer: one line to ``stream`` (standard error), or nothing when quiet."""

    def say(line: str) -> None:
        if not quiet:
            print(line, file=stream, flush=True)

    return say


def ended(result: Any) -> str:
    """How one dataset ended, for the progress line: its rows, or why there are none."""
    if result.problem:
        return "the file could not be used"
    led = result.ledger
    return (
        f"{led['rows_in']:,} rows, {led['rows_loaded']:,} loaded, {led['rows_rejected']:,} rejected"
    )


def ingest_with_progress(
    la: Any, datasets: list[str], raw_root: Path, study: Any, key: bytes, say: Progress
) -> dict[str, Any]:
    """Every dataset of the LA, as ingest reads them for the pipeline, one at a time with a
    progress line as each starts and ends."""
    from oversight.ingest import extracts

    # The datasets the LA does not send, first: an optional one gets its empty result and a
    # missing required one stops the check, every such dataset named, before a file is read.
    unsent = [d for d in datasets if d not in la.config["datasets"]]
    results = extracts.ingest_authority(la, unsent, raw_root, study, key)
    for dataset in datasets:
        if dataset in results:
            say(f"{la.slug} {dataset}: not sent")
            continue
        say(f"{la.slug} {dataset}: reading")
        started = time.perf_counter()
        result = extracts.ingest_authority(la, [dataset], raw_root, study, key)[dataset]
        say(f"{la.slug} {dataset}: {ended(result)} ({time.perf_counter() - started:.1f} s)")
        results[dataset] = result
    return {d: results[d] for d in datasets}


def print_dataset(dataset: str, result: Any, examples: int) -> None:
    """One dataset's lines of the report: rows, notes, and the rejects by rule."""
    from oversight.quality.pages import RULE_ADVICE, summarise_rejects

    if result.problem:
        print(f"\n{dataset}: the file could not be used\n  {result.problem}")
        return
    led = result.ledger
    print(
        f"\n{dataset}: {led['rows_in']} rows, {led['rows_loaded']} loaded, "
        f"{led['rows_rejected']} rejected"
    )
    for note in result.notes:
        print(f"  note: {note}")
    for summary in summarise_rejects(result.rejects, examples):
        print(f"  {summary.rule}: {summary.rows} rows ({summary.columns})")
        print(f"    what to change: {RULE_ADVICE.get(summary.rule, '')}")
        for ex in summary.examples:
            print(f"    row {ex['source_row']} of {ex['source_file']}: {ex['message']}")


def verdict(results: dict[str, Any], allow_rejects: bool) -> tuple[int, str]:
    """The exit status and the last line of the report, which says why."""
    unusable = [d for d, r in results.items() if r.problem]
    rejected = {d: r.ledger["rows_rejected"] for d, r in results.items() if not r.problem}
    rows = sum(rejected.values())
    where = ", ".join(f"{d} {n}" for d, n in rejected.items() if n)
    if unusable:
        return (
            PROBLEMS,
            f"\nresult: {len(unusable)} file(s) could not be used ({', '.join(unusable)})",
        )
    if rows and not allow_rejects:
        return PROBLEMS, f"\nresult: {rows} rows rejected ({where}); --allow-rejects accepts them"
    if rows:
        return CLEAN, f"\nresult: {rows} rows rejected ({where}), accepted (--allow-rejects)"
    return CLEAN, "\nresult: every file read, no row rejected"


def cmd_check(args: argparse.Namespace) -> int:
    """Validate one LA's raw files without running the pipeline; print what a data lead needs."""
    from oversight.config import load_authority, load_study, load_yaml
    from oversight.ingest.extracts import Authority, Study
    from oversight.ingest.pseudonymise import key_for

    study = load_study(args.config)
    cfg_path = Path(args.authorities) / f"{args.la}.yaml"
    la = Authority(args.la, load_authority(cfg_path), cfg_path)
    items = [i["id"] for i in load_yaml(Path(args.survey))["items"]]
    raw_root = Path(study["paths"]["raw"])
    key = key_for(args.la, study["privacy"], os.environ, raw_root, la.config)
    say = progress_to(sys.stderr, args.quiet)
    results = ingest_with_progress(
        la,
        study["datasets"],
        raw_root,
        Study.from_config(study["study"], items, study.get("ingest")),
        key,
        say,
    )
    problems = [r.problem for r in results.values() if r.problem]
    print(
        f"{la.config['la_name']} ({la.la_code}): "
        + (f"{len(problems)} file(s) could not be used" if problems else "every file could be read")
    )
    for dataset, result in results.items():
        print_dataset(dataset, result, args.examples)
    say(f"{la.slug} links between the datasets: checking")
    started = time.perf_counter()
    _print_links(results, study["quality"], args.examples)
    say(f"{la.slug} links between the datasets: done ({time.perf_counter() - started:.1f} s)")
    status, line = verdict(results, args.allow_rejects)
    print(line)
    return status


def _print_links(results: dict, quality: dict, examples: int) -> None:
    """The checks between the LA's datasets and each dataset's status, as the quality page
    gives them: a data lead sees unlinked rows before the pipeline runs."""
    from oversight.ingest.extracts import ledger_frame
    from oversight.quality import links

    limits = links.Limits.from_config(quality)
    frames = {d: r.data for d, r in results.items()}
    ledger, summary = links.report(frames, ledger_frame(results), limits, examples)
    print("\nlinks between the datasets:")
    for link in summary["links"]:
        if not link["checked"]:
            print(f"  {link['name']}: not checked ({link['note']})")
            continue
        print(
            f"  {link['name']}: {link['rows_unlinked']} of {link['rows_checked']} "
            f"{link['rows']} are {link['problem']}"
        )
        if link["rows_unlinked"]:
            print(f"    what to change: {link['fix']}")
            for ex in link["examples"]:
                print(f"    row {ex['source_row']} of {ex['source_file']}")
    for conflict in summary["conflicts"]:
        if conflict["ids"]:
            print(
                f"  {conflict['dataset']}: {conflict['ids']} of {conflict['ids_checked']} "
                f"workers have a {conflict['label']} that differs between rows (shown, not "
                "counted against the dataset)"
            )
    print(f"\nstatus (unreliable means {limits.describe()}):")
    for line in ledger.itertuples():
        print(f"  {line.dataset}: {line.status}")


def add_check(sub: argparse._SubParsersAction) -> None:
    """The arguments of ``oversight check``: validate one LA's raw files without the pipeline."""
    check = sub.add_parser(
        "check",
        help="validate one LA's raw files, without the pipeline",
        description="Read one LA's raw files as the pipeline's ingest does and say, per "
        "dataset, what was loaded, what was rejected and what to change. Exit status: 0 every "
        "file read and no row rejected; 1 rows rejected (0 with --allow-rejects) or a file "
        "could not be used; 2 the check could not run (usage, configuration or key).",
    )
    check.add_argument("la", help="the LA's configuration name, e.g. kent")
    check.add_argument("--examples", type=int, default=3, help="example rows per reject rule")
    check.add_argument(
        "--allow-rejects",
        action="store_true",
        help="exit 0 although rows were rejected (a file that cannot be used still fails)",
    )
    check.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    check.set_defaults(func=cmd_check)
