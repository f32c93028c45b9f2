"""``oversight init [DIR]``: start a study folder from the configuration the package ships.

An installed package carries the study configuration (``config/``: the study, its LAs, the
survey, the tables and report settings) and the published reference data the configuration
points at (``data/raw/published/``), and the Snakemake profiles (``profiles/``: a workflow
used as a module applies none of its own). ``init`` copies them into a folder, so that
``oversight demo-data``, ``oversight check`` and the workflow find them where they look: in
the working folder. It never overwrites a file: a folder that already holds any of them is
left as it is.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from oversight.errors import ConfigError
from oversight.resources import shipped

# What a study folder starts from, relative to the checkout and to the new folder.
# The Snakemake profiles too: a deployed workflow applies no profile of its own.
STARTER = ("config", "data/raw/published", "profiles")
# Never copied: caches and editor or system leftovers in a checkout.
SKIPPED_PARTS = ("__pycache__",)


def starter_files() -> list[str]:
    """The files ``init`` writes, relative to the new folder, sorted."""
    found = []
    for top in STARTER:
        base = shipped(top)
        for path in sorted(base.rglob("*")):
            parts = path.relative_to(base).parts
            hidden = any(p.startswith(".") or p.endswith("~") for p in parts)
            if path.is_file() and not hidden and not set(parts) & set(SKIPPED_PARTS):
                found.append(f"{top}/{'/'.join(parts)}")
    return found


def init_project(folder: Path) -> list[str]:
    """Copy the starter files into ``folder`` (made if missing); the files written.

    Raises:
        ConfigError: ``folder`` already holds one of them (none is written then).
    """
    files = starter_files()
    present = [name for name in files if (folder / name).exists()]
    if present:
        shown = ", ".join(present[:3]) + (
            f" and {len(present) - 3} more" if len(present) > 3 else ""
        )
        raise ConfigError(
            f"{folder} already holds a study configuration ({shown}); nothing was written. "
            "Run `oversight init` in an empty folder, or edit the files that are there"
        )
    for name in files:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped(name), target)
    return files


def cmd_init(args: argparse.Namespace) -> int:
    """Write the shipped study configuration into the folder and say what comes next."""
    folder = Path(args.dir)
    files = init_project(folder)
    tops = ", ".join(
        f"{top}/ ({sum(f.startswith(top + '/') for f in files)} files)" for top in STARTER
    )
    print(f"wrote the study configuration to {folder}: {tops}")
    print(
        "next, in that folder: edit config/config.yaml and config/authorities/ for your "
        "study, or try the demo: `oversight demo-data` then `oversight check <la>`"
    )
    return 0


def add_init(sub: argparse._SubParsersAction) -> None:
    """The arguments of ``oversight init``."""
    init = sub.add_parser(
        "init",
        help="start a study folder: write the shipped configuration and reference data into it",
        description="Copy the study configuration the package ships (config/) and the "
        "published reference data it points at (data/raw/published/) and the Snakemake "
        "profiles (profiles/) into DIR. Nothing is "
        "overwritten: a folder holding any of these files is refused.",
    )
    init.add_argument(
        "dir", nargs="?", default=".", metavar="DIR", help="the study folder (default: here)"
    )
    init.set_defaults(func=cmd_init)
