"""``oversight demo-data``: synthetic raw extracts for a study's LAs, their truth and manifest.

Same seed, same bytes. The truth file (``data/raw/demo_truth.json``) is for the tests: the
pipeline never reads it. The manifest (``data/raw/DEMO_DATA.json``) marks the data as synthetic,
carries the public demo pseudonymisation key and lists every file the generator wrote
(:mod:`oversight.demo.manifest`).

By default the generator writes the bundled study: every LA of the reference table over the
bundled window. Given ``authorities`` (:class:`~oversight.demo.study.DemoAuthority`) and a
``window`` (:class:`~oversight.demo.study.Window`), it writes those LAs over that window
instead, each borrowing the systems and volumes of a bundled LA.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from oversight.config import load_yaml
from oversight.demo import manifest as mf
from oversight.demo import truth as tr
from oversight.demo.authority import write_authority
from oversight.demo.study import BUNDLED, DemoAuthority, Plan, Window, plans
from oversight.ingest.pseudonymise import DEMO_KEY_MARK

DEFAULT_SEED = 20240401
DEMO_KEY = f"{DEMO_KEY_MARK}:oversight-synthetic-demo-key-v1"
MANIFEST_NOTE = (
    "Synthetic data for demonstration and tests. No real person is described. "
    "The demo key is public: ingest uses it for an LA only when every file it reads "
    "is listed here with the same size and SHA-256."
)


def slugify(name: str) -> str:
    """An LA's name as its slug ("Brighton and Hove" -> "brighton_and_hove")."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def reference(path: Path) -> list[dict[str, str]]:
    """The rows of the LA reference table the demo volumes come from."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def survey_items(path: Path) -> list[dict[str, str]]:
    """The instrument's agreement items: each demo LA's survey tool asks these on its own
    agreement scale (frequency and 0-10 items are not simulated)."""
    items = load_yaml(path)["items"]
    return [it for it in items if it.get("scale", "agree5") == "agree5"]


class Generator:
    """Builds every LA's raw files, configuration and truth from one seed.

    ``data_end`` runs the bundled window on to another day (the benchmark's multi-year data);
    ``window`` replaces the window whole; ``authorities`` replaces the reference table's LAs.
    """

    def __init__(
        self,
        reference_csv: Path,
        survey_yaml: Path,
        seed: int = DEFAULT_SEED,
        impact_yaml: Path | None = None,
        data_end: str | None = None,
        window: Window | None = None,
        authorities: list[DemoAuthority] | None = None,
    ):
        window = window or BUNDLED
        if data_end is not None:
            window = Window(window.period_start, window.period_end, pd.Timestamp(data_end))
        self.window = window
        self.ref = reference(reference_csv)
        self.items = survey_items(survey_yaml)
        self.seed = seed
        # Which LAs adopt each template, and when (config/impact.yaml); none without it.
        self.adoption = load_yaml(Path(impact_yaml))["adoption"] if impact_yaml else {}
        self.plans: list[Plan] = plans(self.ref, self._reference_slugs(), authorities)

    def _reference_slugs(self) -> list[str]:
        return [slugify(r["la_name"]) for r in self.ref]

    def run(
        self, raw_root: Path, config_dir: Path | None = None, only: list[str] | None = None
    ) -> dict[str, Any]:
        """Write every LA's extracts (or only the named ones: each LA's random stream is
        seeded by its position, so a subset is byte-identical to the same LAs in a full run)."""
        truth = tr.header(self.seed, self.window)
        files: dict[str, dict[str, Any]] = {}  # every file written: path -> bytes, sha256
        for plan in self.plans:
            if only is not None and plan.slug not in only:
                continue
            mf.clear_demo_folder(raw_root, plan.slug)
            before = mf.file_states(raw_root / plan.slug)
            la_truth, la_config = write_authority(
                plan, self.seed, self.adoption.get(plan.slug), self.items, raw_root, self.window
            )
            truth["authorities"][plan.slug] = la_truth
            files.update(mf.written_files(raw_root, raw_root / plan.slug, before))
            if config_dir is not None:
                write_config(config_dir / f"{plan.slug}.yaml", la_config)
        raw_root.mkdir(parents=True, exist_ok=True)
        if only is not None:
            self._keep_earlier(raw_root, truth, files, only)
        manifest = {
            "demo": True,
            "generator": "oversight demo-data",
            "seed": self.seed,
            "demo_key": DEMO_KEY,
            "authorities": sorted(truth["authorities"]),
            "note": MANIFEST_NOTE,
            "files": {rel: files[rel] for rel in sorted(files)},
        }
        (raw_root / "DEMO_DATA.json").write_text(json.dumps(manifest, indent=2) + "\n")
        (raw_root / "demo_truth.json").write_text(
            json.dumps(truth, indent=2, sort_keys=True) + "\n"
        )
        return truth

    def _keep_earlier(
        self, raw_root: Path, truth: dict[str, Any], files: dict[str, Any], only: list[str]
    ) -> None:
        """A partial run (``only``) adds to what an earlier run with the same seed wrote
        rather than hiding it: its LAs' truth and files stay listed (in place)."""
        earlier = mf.read_json(raw_root / "demo_truth.json")
        if earlier.get("seed") != self.seed:
            return
        truth["authorities"] = {**earlier.get("authorities", {}), **truth["authorities"]}
        # The files of the LAs not written again stay listed as the earlier run wrote them.
        kept = mf.read_json(raw_root / "DEMO_DATA.json").get("files")
        for rel, entry in (kept if isinstance(kept, dict) else {}).items():
            slug = rel.split("/", 1)[0]
            if slug in truth["authorities"] and slug not in only:
                files[rel] = entry


def write_config(path: Path, config: dict[str, Any]) -> None:
    """One LA's configuration as YAML, with a header saying what it describes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = (
        f"# {config['la_name']} ({config['la_code']}): how this LA's extracts are laid out.\n"
        "# Validated against config/schemas/authority.schema.yaml. To onboard a new release\n"
        "# with renamed columns or new labels, change this file: no code change is needed.\n"
    )
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(head + body, encoding="utf-8")
