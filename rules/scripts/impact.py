"""Snakemake job: the template impact analysis (oversight.impact.analysis) and its figures."""

from pathlib import Path

import pandas as pd

from oversight import artefacts, jobs
from oversight.figures.impact import event_study_plot, its_forest_plot
from oversight.figures.style import marks_for, save
from oversight.impact.analysis import adoption_table, did_tables, its_table, panel
from oversight.quality.exclusions import drop_for, unreliable

sm = snakemake  # noqa: F821 (provided by Snakemake)


def main() -> None:
    p = sm.params
    series = pd.concat(
        [pd.read_csv(f, dtype={"la_code": str, "period": str}) for f in sm.input.series],
        ignore_index=True,
    )
    # Outcomes built on a dataset the ledger marks unreliable leave that LA's series.
    bad = unreliable(pd.read_csv(sm.input.ledger, dtype={"la_code": str}))
    series = drop_for(series, bad, "impact")
    adopted = adoption_table(p.adoption, dict(p.codes))
    data = panel(series, adopted, dict(p.plan["outcomes"]), p.first_month)
    artefacts.write_csv(data, sm.output.panel)
    its = its_table(data, p.plan)
    artefacts.write_csv(its, sm.output.its)
    did = did_tables(data, p.plan)
    artefacts.write_csv(did["overall"], sm.output.did)
    artefacts.write_csv(did["event_study"], sm.output.events)
    artefacts.write_csv(did["att_gt"], sm.output.att_gt)
    out_dir = Path(sm.output.manifest).parent
    manifest = []
    marks = marks_for("impact", bool(p.demo))
    for metric in p.plan["outcomes"]:
        overall = did["overall"].set_index("metric").loc[metric]
        events = did["event_study"][did["event_study"]["metric"] == metric]
        manifest.append(save(*event_study_plot(events, overall, metric), out_dir, marks))
        manifest.append(save(*its_forest_plot(its, metric, dict(p.names)), out_dir, marks))
    artefacts.write_json(sorted(manifest, key=lambda m: m["id"]), sm.output.manifest)


jobs.run(sm.log[0], main, "impact", sm)
