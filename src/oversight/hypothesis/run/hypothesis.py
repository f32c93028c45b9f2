"""The hypothesis stage's rule as one function: ``run_hypothesis`` (rule ``hypothesis``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.coding.codebook import load_codebook
from oversight.config import load_yaml
from oversight.hypothesis import predictions
from oversight.hypothesis.decisions import Measures, verdicts
from oversight.quality.exclusions import drop_for, drop_las, unreliable


def read_parquets(paths: Iterable[str | Path]) -> pd.DataFrame:
    """The LAs' parquet files as one frame, in the order given."""
    return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)


def item_points(instrument: Mapping[str, Any]) -> dict[str, int]:
    """Each survey item's number of scale points: paired differences are in the points of
    the instrument's own scale."""
    return {i["id"]: len(instrument["scales"][i["scale"]]) for i in instrument["items"]}


def file_content_codes(plan: Mapping[str, Any]) -> list[str]:
    """The codes the plan's file-content prediction looks for in record texts."""
    return next(p["test"]["codes"] for p in plan["predictions"] if p["measure"] == "file_content")


def write_measures(
    measures: Measures, verdict: pd.DataFrame, out: Mapping[str, str | Path]
) -> None:
    """The four measures' tables and the verdicts, each to its output (keys as the rule's)."""
    artefacts.write_csv(measures.patterns, out["patterns"])
    artefacts.write_csv(measures.file_content, out["file_content"])
    artefacts.write_csv(measures.pairs, out["pairs"])
    artefacts.write_csv(measures.focus_groups, out["focus_groups"])
    artefacts.write_csv(verdict, out["verdict"])


def run_hypothesis(
    *,
    supervision: Iterable[str | Path],
    survey: Iterable[str | Path],
    segments: str | Path,
    plan: str | Path,
    instrument: str | Path,
    codebook: str | Path,
    ledger: artefacts.Ledgers,
    patterns: str | Path,
    file_content: str | Path,
    pairs: str | Path,
    focus_groups: str | Path,
    verdict: str | Path,
    region_code: str,
    period_start: str,
    period_end: str,
    min_n: int,
) -> None:
    """The hypothesis measures and verdicts as the plan says.

    Reads each LA's harmonised supervision and survey (without LAs whose datasets the ledger
    marks unreliable, supervisions of the study period only), the focus-group coding
    ``segments``, the plan, survey instrument and codebook; writes the recording
    ``patterns``, the ``file_content`` of record texts, the survey ``pairs``, the
    ``focus_groups`` codes and the ``verdict`` table.
    """
    test_plan = predictions.load_plan(plan, period_start)
    bad = unreliable(artefacts.read_ledger(ledger))
    held = drop_las(read_parquets(supervision), bad, ["supervision"])
    held = predictions.in_period(held, period_start, period_end)
    answers = drop_for(read_parquets(survey), bad, "survey")
    codes = load_codebook(codebook)
    questions = load_yaml(instrument)
    labels = {c.id: c.label for c in codes.codes}
    measures = Measures(
        patterns=predictions.pattern_table(held, region_code),
        file_content=predictions.file_content(
            held, codes, file_content_codes(test_plan), region_code
        ),
        pairs=predictions.paired_differences(
            answers,
            predictions.survey_pairs(questions["items"]),
            item_points(questions),
            min_n,
            test_plan["survey_wave"],
        ),
        focus_groups=predictions.focus_group_codes(
            pd.read_parquet(segments), test_plan["focus_group_codes"], labels
        ),
        region_code=region_code,
    )
    out = {
        "patterns": patterns,
        "file_content": file_content,
        "pairs": pairs,
        "focus_groups": focus_groups,
        "verdict": verdict,
    }
    write_measures(measures, verdicts(test_plan, measures), out)
