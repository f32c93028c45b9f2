"""One demo LA: its planted rates, populations, files, configuration and truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from oversight.demo import dialects as d
from oversight.demo import exports, focus_groups, optional, rates, simulate, truth
from oversight.demo.study import Plan, Window

POLICY_DAYS = [28, 42, 56]
ID_STYLES = {
    "worker": ["W", "SW", "E", "numeric", "EMP", "S"],
    "child": ["C", "P", "CH", "numeric", "CL", "R"],
    "audit": ["AUD", "QA", "A", "numeric", "CFA", "AU"],
    "respondent": ["R", "RESP", "numeric", "SM", "N", "G"],
}
TABULAR = ["supervision", "caseload", "oversight", "audits"]


def identifier_rules(style: dict[str, str]) -> dict[str, dict[str, str]]:
    """What each kind of identifier looks like in one LA's exports (``identifiers:`` in its
    configuration), from the style its systems use (:func:`oversight.demo.simulate._ids`)."""
    out = {}
    for kind, prefix in sorted(style.items()):
        if prefix == "numeric":
            out[kind] = {"pattern": r"9\d{7}", "description": "8 digits starting with 9"}
        else:
            out[kind] = {"pattern": rf"{prefix}\d{{6}}", "description": f"{prefix} and 6 digits"}
    return out


def adoption_of(adopted: dict[str, Any] | None) -> rates.Adoption:
    """When an LA adopted each template, from its ``adoption`` entry in config/impact.yaml."""
    adopted = adopted or {}
    return rates.Adoption(
        *(pd.Timestamp(f"{adopted[t]}-01") if adopted.get(t) else None for t in ("part1", "part2"))
    )


def populations(
    plan: Plan,
    planted: rates.Rates,
    adoption: rates.Adoption,
    items: list[dict[str, Any]],
    streams: tuple[np.random.Generator, np.random.Generator],
    window: Window,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any], dict[str, Any]]:
    """The LA's datasets in the common schema, the expected child-level rates and what the
    optional data holds (headers and truth). ``streams``: the LA's first and second."""
    rng, extra = streams
    style = {k: v[(plan.dialect + 2) % 6] for k, v in ID_STYLES.items()}
    staff = simulate.workers(plan.ref, rng, style["worker"])
    frames = {
        "supervision": simulate.supervision(staff, planted, rng, window, adoption, extra),
    }
    kids = simulate.children(plan.ref, staff, rng, style["child"], window)
    frames["caseload"] = kids
    frames["oversight"], child_expected = simulate.oversight(kids, planted, rng, window, adoption)
    frames["audits"] = simulate.audits(kids, planted, rng, style["audit"], window, adoption)
    tool = d.SURVEY[exports.dialect_index(plan.dialect, "survey")]
    points = d.SCALES[tool["scale"]]["points"]
    frames["survey"] = simulate.survey(
        staff, planted, items, points, rng, style["respondent"], extra
    )
    sent = optional.add_optional(plan.profile, frames, kids, extra, window)
    return frames, child_expected, sent


def write_authority(
    plan: Plan,
    seed: int,
    adopted: dict[str, Any] | None,
    items: list[dict[str, Any]],
    raw_root: Path,
    window: Window,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write one LA's files; return its truth and its configuration."""
    rng = np.random.default_rng([seed, plan.stream])
    planted = rates.planted_rates(plan.outlier, rng)
    adoption = adoption_of(adopted)
    policy = POLICY_DAYS[plan.dialect % 3]
    style = {k: v[(plan.dialect + 2) % 6] for k, v in ID_STYLES.items()}
    # A second stream for what came later (reflection beyond the headline cells, the
    # optional fields, the paired survey items): the first stream's draws stay as they were.
    extra = np.random.default_rng([seed, plan.stream, 1])
    rates.plant_reflection(planted, extra)
    frames, child_expected, sent = populations(plan, planted, adoption, items, (rng, extra), window)
    config: dict[str, Any] = {
        "la_code": plan.la_code,
        "la_name": plan.la_name,
        "system": "synthetic demo export",
        "supervision_policy_days": policy,
        "identifiers": identifier_rules(style),
        "datasets": {},
    }
    la_truth: dict[str, Any] = {
        "la_code": plan.la_code,
        "la_name": plan.la_name,
        "policy_days": policy,
        "errors": {},
        "rows_in": {},
        "volumes": {},
    }
    tabular = TABULAR + (["strategy_discussions"] if "strategy_discussions" in frames else [])
    for dataset in tabular:
        spec, counts, n_in = exports.write_tabular(
            plan, dataset, frames[dataset], rng, raw_root, window, sent["headers"].get(dataset)
        )
        _record(config, la_truth, dataset, spec, counts, len(frames[dataset]), n_in)
    if "strategy_discussions" not in frames:
        # Not sent: ingest writes it empty, with a ledger line of zeros.
        _record(None, la_truth, "strategy_discussions", None, {}, 0, 0)
    spec, counts, n_in, planted_names = exports.write_survey(
        plan, frames["survey"], items, rng, raw_root, window
    )
    _record(config, la_truth, "survey", spec, counts, len(frames["survey"]), n_in)
    spec, turns, names, themes = focus_groups.write_transcripts(
        plan.dialect, plan.slug, rng, raw_root
    )
    _record(config, la_truth, "transcripts", spec, {}, turns, turns)
    la_truth["redaction_planted"] = sorted(set(planted_names) | set(names))
    la_truth["themes_planted"] = themes  # session (file stem) -> codes planted in it
    la_truth["rates"] = truth.headline_rates(planted, policy, child_expected, window)
    la_truth["child_oversight_by_month_end"] = child_expected
    la_truth["impact"] = truth.impact(planted, adoption)
    la_truth["reflection"] = truth.reflection(planted)
    la_truth["optional"] = sent["truth"]
    return la_truth, config


def _record(
    config: dict[str, Any] | None,
    la_truth: dict[str, Any],
    dataset: str,
    spec: dict[str, Any] | None,
    counts: Any,
    volume: int,
    rows_in: int,
) -> None:
    """Note one dataset in the LA's configuration (when written) and truth."""
    if config is not None:
        config["datasets"][dataset] = spec
    la_truth["errors"][dataset] = dict(sorted(counts.items()))
    la_truth["volumes"][dataset] = volume
    la_truth["rows_in"][dataset] = rows_in
