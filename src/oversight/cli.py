"""The ``oversight`` command line: start a study folder, demo data, a quick check of one LA,
mapping suggestions, raw file labels and tracing.

Exit status: 0 done; 1 the command found a problem in the data (``check``: a file that could
not be used, or rows rejected unless ``--allow-rejects``; ``files --label``: no such file); 2 it
could not run (a usage, configuration or key problem, said on standard error).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from oversight import __version__
from oversight.cli_check import _print_links, add_check
from oversight.cli_init import add_init
from oversight.errors import ConfigError, ExtractError, KeyMissingError

__all__ = ["_print_links", "main", "parser"]  # _print_links: the links part of `check`

# The command could not run: argparse's status for a usage error, and ours for any other.
CANNOT_RUN = 2
EXIT_STATUS = """exit status:
  0  done
  1  the command found a problem in the data (check: a file that could not be used, or rows
     rejected unless --allow-rejects; files --label: no file has the label)
  2  the command could not run: a usage, configuration or key problem, said on stderr"""


def _study(args: argparse.Namespace) -> dict:
    from oversight.config import load_study

    return load_study(args.config)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from oversight.demo.manifest import unhashed_manifest

    out = Path(args.out)
    if args.study is not None:
        args.config = str(Path(args.study) / "config.yaml")
    study = _study(args)
    if args.if_empty and any((out / la).exists() for la in study["authorities"]):
        older = unhashed_manifest(out)
        if older is None or not older.get("authorities"):
            print(f"{out} already holds extracts; leaving them as they are")
            return 0
        # Demo extracts from before DEMO_DATA.json listed their hashes: the demo key would be
        # refused for them. The same seed writes the same files again; no other file is touched.
        args.seed, args.only = older.get("seed", args.seed), ",".join(older["authorities"])
        print(f"{out}/DEMO_DATA.json lists no file hashes: writing the demo extracts again")
    gen = _demo_generator(args, study)
    # A study's LAs are added beside the extracts already there (the bundled study's), which
    # stay listed in the manifest: the same seed writes the same files.
    only = args.only.split(",") if args.only else None
    if only is None and args.study is not None:
        only = list(study["authorities"])
    truth = gen.run(out, Path(args.write_config) if args.write_config else None, only=only)
    n = len(truth["authorities"])
    print(f"wrote synthetic extracts for {n} authorities to {out} (seed {truth['seed']})")
    return 0


def _demo_generator(args: argparse.Namespace, study: dict) -> Any:
    """The demo generator for the bundled study, or for the study in ``--study DIR`` (its LAs,
    each borrowing a bundled LA's systems, over its own window: ``DIR/demo.yaml``)."""
    from oversight.demo.generate import DEFAULT_SEED, Generator
    from oversight.demo.study import load_demo_study

    seed = args.seed if args.seed is not None else DEFAULT_SEED
    if args.study is None:
        impact = Path(args.impact) if Path(args.impact).exists() else None
        return Generator(Path(study["paths"]["la_reference"]), Path(args.survey), seed, impact)
    demo = load_demo_study(Path(args.study), Path.cwd())
    return Generator(
        demo.reference,
        Path(args.survey),
        seed,
        impact_yaml=demo.impact,
        window=demo.window,
        authorities=demo.authorities,
    )


def cmd_suggest(args: argparse.Namespace) -> int:
    from oversight.config import load_authority
    from oversight.ingest import suggest
    from oversight.ingest.normalise import norm_label
    from oversight.ingest.readers import read_table

    if args.release:
        return _suggest_release(args)
    if not args.dataset:
        raise ConfigError("suggest-mapping needs --dataset (an LA extract) or --release (DfE)")
    configs = [load_authority(p) for p in sorted(Path(args.authorities).glob("*.yaml"))]
    aliases = suggest.known_aliases(configs, args.dataset)
    path = Path(args.file)
    fmt = args.format or path.suffix.lstrip(".").lower()
    spec = {
        "format": fmt,
        "encoding": args.encoding,
        "sheet": args.sheet,
        "header_row": args.header_row or "auto",
    }
    table = read_table(path, spec, str(path), set(aliases), norm_label)
    by_field, unmatched = suggest.suggest(table.header, aliases)
    print(suggest.as_yaml(args.dataset, path, by_field, unmatched), end="")
    return 0


def _suggest_release(args: argparse.Namespace) -> int:
    """``suggest-mapping --release NAME``: a DfE release's new file against the names
    config/published.yaml gives each of the release's fields."""
    from oversight.config import load_yaml
    from oversight.ingest import suggest
    from oversight.ingest.normalise import norm_label
    from oversight.ingest.readers import read_table

    releases = load_yaml(Path(args.published))["releases"]
    if args.release not in releases:
        raise ConfigError(
            f"{args.published}: no release {args.release!r} (one of {', '.join(releases)})"
        )
    spec = dict(releases[args.release])
    path = Path(args.file)
    spec["format"] = args.format or path.suffix.lstrip(".").lower()
    spec["encoding"] = args.encoding or spec.get("encoding")
    if args.sheet:
        spec["sheet"] = args.sheet
    if args.header_row:
        spec["header_row"] = args.header_row
    table = read_table(path, spec, str(path), suggest.known_release_headers(spec), norm_label)
    found = suggest.release_suggestions(table.header, spec)
    print(suggest.release_yaml(args.release, path, table.header, spec, found), end="")
    return 0


def _labelled(study: dict, authorities: Path, slug: str):
    """The LA's configuration and a Labeller with its pseudonymisation key."""
    from oversight.config import load_authority
    from oversight.ingest.filelabels import Labeller
    from oversight.ingest.pseudonymise import key_for

    raw = Path(study["paths"]["raw"])
    config = load_authority(authorities / f"{slug}.yaml")
    key = key_for(slug, study["privacy"], os.environ, raw, config)
    return config, Labeller(raw, slug, config["la_code"], key)


def cmd_files(args: argparse.Namespace) -> int:
    """Each raw file's label (as outputs name it) and its path, computed with the LA's key
    from the raw folder: nothing that links a label to a path is stored anywhere."""
    from oversight.ingest.filelabels import listing

    study = _study(args)
    slugs = args.la or study["authorities"]
    unknown = sorted(set(slugs) - set(study["authorities"]))
    if unknown:
        raise ConfigError(f"not an LA of the study: {', '.join(unknown)}")
    lines = []
    for slug in slugs:
        config, labeller = _labelled(study, Path(args.authorities), slug)
        for label, what, path in listing(labeller, config):
            if not args.label or label == args.label:
                lines.append(f"{slug}\t{label}\t{what}\t{path}")
    print("# la\tlabel\tdataset\tpath  (secure: paths may hold names; do not share)")
    if lines:
        print("\n".join(lines))
    if args.label and not lines:
        print(f"oversight files: no raw file has the label {args.label!r}", file=sys.stderr)
        return 1
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    """Trace a table cell, finding, figure point or KPI cell: the answer first, then the jobs."""
    import json

    import pandas as pd

    from oversight.compare.metrics import periods
    from oversight.config import load_authority, load_yaml
    from oversight.ingest.filelabels import label_map
    from oversight.trace import Tracer
    from oversight.trace_cells import cell_members

    study = _study(args)
    prov_path = Path(args.provenance or Path(study["paths"]["results"]) / "provenance.json")
    if not prov_path.exists():
        raise ConfigError(f"{prov_path} not found: run the pipeline (snakemake) first")
    prov = json.loads(prov_path.read_text(encoding="utf-8"))
    authorities = Path(args.authorities)
    configs = {la: load_authority(authorities / f"{la}.yaml") for la in study["authorities"]}
    slugs = {config["la_code"]: la for la, config in configs.items()}

    def units(slug: str, cell):
        interim = Path(study["paths"]["interim"]) / slug
        frames = {d: pd.read_parquet(interim / f"{d}.parquet") for d in STATS_DATASETS}
        found = cell_members(frames, configs[slug], study["study"], study["windows_days"], cell)
        # Rows name raw files by label; with the key, the trace gives each file's path.
        try:
            config, labeller = _labelled(study, authorities, slug)
            return found, label_map(labeller, config)
        except KeyMissingError:
            return found, {}

    tracer = Tracer(
        prov=prov,
        raw_root=Path(study["paths"]["raw"]),
        year=periods(study["study"]["period_start"], study["study"]["period_end"])[0].label,
        region_code=study["study"]["region_code"],
        slugs=slugs,
        names={config["la_code"]: config["la_name"] for config in configs.values()},
        published=load_yaml(Path(args.published)),
        reference=pd.read_csv(study["paths"]["la_reference"], dtype=str),
        units=units,
        min_count=study["disclosure"]["min_count"],
        limit=args.limit,
        verbose=args.verbose,
        with_code=args.code,
    )
    print("\n".join(tracer.trace(args.id, cell=args.cell, point=args.point)))
    return 0


STATS_DATASETS = ("supervision", "caseload", "oversight", "audits", "strategy_discussions")


def parser() -> argparse.ArgumentParser:
    """The command line: global options, then one subcommand (each added by its own function)."""
    p = argparse.ArgumentParser(
        prog="oversight",
        description="Start a study folder, write demo data, check one LA's raw files, suggest "
        "header mappings, list raw file labels and trace outputs back to raw rows.",
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"oversight {__version__}")
    p.add_argument("--config", default="config/config.yaml", help="study configuration")
    p.add_argument("--survey", default="config/survey.yaml", help="common survey instrument")
    p.add_argument(
        "--authorities", default="config/authorities", help="folder of per-LA configurations"
    )
    sub = p.add_subparsers(dest="command", required=True)
    for add in (add_init, _add_demo_data, add_check, _add_suggest_mapping, _add_trace, _add_files):
        add(sub)
    return p


def _add_demo_data(sub: argparse._SubParsersAction) -> None:
    """The arguments of ``oversight demo-data``: write synthetic raw extracts for every LA."""
    demo = sub.add_parser("demo-data", help="write synthetic raw extracts for every LA")
    demo.add_argument("--out", default="data/raw")
    demo.add_argument("--seed", type=int, default=None)
    demo.add_argument(
        "--impact",
        default="config/impact.yaml",
        help="which LAs adopt the templates, and when (effects are planted from then)",
    )
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing when extracts are already there"
    )
    demo.add_argument(
        "--write-config",
        default=None,
        metavar="DIR",
        help="also write the LA configurations describing the demo exports",
    )
    demo.add_argument(
        "--only",
        default=None,
        metavar="LA,LA",
        help="only these LAs (each LA's data is the same as in a full run)",
    )
    demo.add_argument(
        "--study",
        default=None,
        metavar="DIR",
        help="write the LAs of the study in DIR (its demo.yaml), over its own window",
    )
    demo.set_defaults(func=cmd_demo_data)


def _add_suggest_mapping(sub: argparse._SubParsersAction) -> None:
    """The arguments of ``oversight suggest-mapping``: propose header aliases for a new file."""
    sug = sub.add_parser("suggest-mapping", help="propose header aliases for a new file")
    sug.add_argument("file")
    what = sug.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--dataset",
        choices=["supervision", "caseload", "oversight", "audits", "survey"],
        help="an LA extract of this dataset, matched to the aliases other LAs use",
    )
    what.add_argument(
        "--release",
        metavar="NAME",
        help="a new file of this DfE release (c1, c4, d5, csww), matched to the names "
        "--published gives its fields",
    )
    sug.add_argument(
        "--published", default="config/published.yaml", help="the DfE release configuration"
    )
    sug.add_argument("--format", choices=["csv", "xlsx", "ods"], default=None)
    sug.add_argument("--encoding", default=None)
    sug.add_argument("--sheet", default=None)
    sug.add_argument("--header-row", type=int, default=None)
    sug.set_defaults(func=cmd_suggest)


def _add_trace(sub: argparse._SubParsersAction) -> None:
    """The arguments of ``oversight trace``: a published cell, finding or figure point back
    to its raw rows."""
    trace = sub.add_parser(
        "trace",
        help="trace a table cell, finding, figure point or KPI cell back to the raw rows",
        description="The answer first (value, numerator, denominator, status, raw files and "
        "rows or the DfE file and row), then the jobs that made it, one line each.",
    )
    trace.add_argument(
        "id",
        help="a table ID (TAB-METRICS), finding ID (F-SUP-01) or figure ID "
        "(FIG-FUNNEL-child_oversight_28d)",
    )
    trace.add_argument(
        "--cell",
        default=None,
        metavar="key=..,key=..",
        help="a row of the table: TAB-METRICS la_code=..,period=..,metric=..[,breakdown=..] "
        "(the raw rows behind it); TAB-KPIS la_code=..,period=..,indicator=.. (the DfE row)",
    )
    trace.add_argument(
        "--point",
        default=None,
        metavar="la_code=..",
        help="a point of a figure: the published cell it was drawn from (a trend also takes "
        "period=..)",
    )
    trace.add_argument("--limit", type=int, default=5, help="raw rows listed per part")
    trace.add_argument(
        "--verbose", action="store_true", help="the full job records instead of one line per job"
    )
    trace.add_argument(
        "--code", action="store_true", help="with --verbose, also list the code files used"
    )
    trace.add_argument(
        "--published", default="config/published.yaml", help="the DfE release configuration"
    )
    trace.add_argument("--provenance", default=None, help="default: <results>/provenance.json")
    trace.set_defaults(func=cmd_trace)


def _add_files(sub: argparse._SubParsersAction) -> None:
    """The arguments of ``oversight files``: each raw file's label and path."""
    files = sub.add_parser(
        "files",
        help="each raw file's label (as outputs name it) and its path; needs the key",
    )
    files.add_argument("la", nargs="*", help="LA configuration names (default: every LA)")
    files.add_argument("--label", default=None, help="only the file with this label")
    files.set_defaults(func=cmd_files)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ExtractError, ConfigError, KeyMissingError, KeyError, ValueError) as exc:
        print(f"oversight {args.command}: {exc}", file=sys.stderr)
        return CANNOT_RUN


if __name__ == "__main__":
    sys.exit(main())
