"""Snakemake job: the hypothesis measures and verdicts as the plan says."""

import pandas as pd

from oversight import artefacts, jobs
from oversight.coding.codebook import load_codebook
from oversight.config import load_yaml
from oversight.hypothesis.predictions import (
    Measures,
    file_content,
    focus_group_codes,
    in_period,
    load_plan,
    paired_differences,
    pattern_table,
    survey_pairs,
    verdicts,
)
from oversight.quality.exclusions import drop_for, drop_las, unreliable

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    plan = load_plan(sm.input.plan, sm.params.period_start)
    region = sm.params.region_code
    bad = unreliable(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
    supervision = pd.concat([pd.read_parquet(p) for p in sm.input.supervision], ignore_index=True)
    supervision = drop_las(supervision, bad, ["supervision"])
    supervision = in_period(supervision, sm.params.period_start, sm.params.period_end)
    survey = pd.concat([pd.read_parquet(p) for p in sm.input.survey], ignore_index=True)
    survey = drop_for(survey, bad, "survey")
    codebook = load_codebook(sm.input.codebook)
    instrument = load_yaml(sm.input.instrument)
    # Each item's own number of scale points: differences are in the instrument's points.
    points = {i["id"]: len(instrument["scales"][i["scale"]]) for i in instrument["items"]}
    file_codes = next(
        p["test"]["codes"] for p in plan["predictions"] if p["measure"] == "file_content"
    )
    labels = {c.id: c.label for c in codebook.codes}
    measures = Measures(
        patterns=pattern_table(supervision, region),
        file_content=file_content(supervision, codebook, file_codes, region),
        pairs=paired_differences(
            survey,
            survey_pairs(instrument["items"]),
            points,
            sm.params.min_n,
            plan["survey_wave"],
        ),
        focus_groups=focus_group_codes(
            pd.read_parquet(sm.input.segments), plan["focus_group_codes"], labels
        ),
        region_code=region,
    )
    artefacts.write_csv(measures.patterns, sm.output.patterns)
    artefacts.write_csv(measures.file_content, sm.output.file_content)
    artefacts.write_csv(measures.pairs, sm.output.pairs)
    artefacts.write_csv(measures.focus_groups, sm.output.focus_groups)
    artefacts.write_csv(verdicts(plan, measures), sm.output.verdict)


jobs.run(sm.log[0], main, "hypothesis", sm)
