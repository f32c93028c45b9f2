"""Rule ``impact`` as one function (oversight.impact.run_impact), without Snakemake: six
LAs' monthly series, one LA's supervision marked unreliable by the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from oversight.impact import run_impact

OUTCOME = "part1_family_reflection"
PLAN = {
    "outcomes": {OUTCOME: "part1"},
    "its": {
        "family": "quasibinomial",
        "hac_lags": 3,
        "seasonal": 0,
        "min_points": 3,
        "robust": "if_autocorrelated",
    },
    "did": {"control_group": "never_treated", "event_window": [-6, 4], "alpha": 0.05},
}
MONTHS = [str(p) for p in pd.period_range("2024-04", "2025-12", freq="M")]
# A and B adopt part 1 in 2025-05, C and D in 2025-08; E, F and G never do.
ADOPTED = {"A": "2025-05", "B": "2025-05", "C": "2025-08", "D": "2025-08", "E": None}
ADOPTED |= {"F": None, "G": None}


def series(la: str, month: str | None, rng: np.random.Generator) -> pd.DataFrame:
    """21 months of one LA: reflection recorded for 40% of 400, odds x 2.2 once adopted."""
    rows = []
    for m in MONTHS:
        p = 0.40
        if month and m >= month:
            p = 0.4 / 0.6 * 2.2 / (1 + 0.4 / 0.6 * 2.2)
        rows.append((la, m, OUTCOME, "all", float(rng.binomial(400, p)), 400.0))
    cols = ["la_code", "period", "metric", "breakdown", "numerator", "denominator"]
    return pd.DataFrame(rows, columns=cols)


def test_run_impact_writes_tables_and_figures(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    paths = []
    for la, month in ADOPTED.items():
        paths.append(tmp_path / la / "impact_series.csv")
        paths[-1].parent.mkdir()
        series(la, month, rng).to_csv(paths[-1], index=False)
    ledger = tmp_path / "ledger.csv"
    status = ["unreliable: most rows rejected" if la == "G" else "ok" for la in ADOPTED]
    pd.DataFrame({"la_code": list(ADOPTED), "dataset": "supervision", "status": status}).to_csv(
        ledger, index=False
    )
    out = {
        name: tmp_path / "tables" / f"impact_{name}.csv"
        for name in ("panel", "its", "did", "events", "att_gt")
    }
    manifest = tmp_path / "figures" / "impact.json"
    run_impact(
        series=paths,
        ledger=ledger,
        **out,
        manifest=manifest,
        plan=PLAN,
        adoption={la.lower(): {"part1": m, "part2": None} for la, m in ADOPTED.items()},
        codes={la.lower(): la for la in ADOPTED},
        first_month="2024-04",
        names={la: f"Borough {la}" for la in ADOPTED},
        demo=False,
    )

    panel = pd.read_csv(out["panel"])
    # G's outcome rests on its unreliable supervision: it leaves the panel.
    assert sorted(panel["la_code"].unique()) == list("ABCDEF")
    assert len(panel) == 6 * 21
    its = pd.read_csv(out["its"]).set_index("la_code")
    assert its.loc["A", "interruption"] == 14 and its.loc["C", "interruption"] == 17
    assert bool(its.loc["E", "placebo"]) and not bool(its.loc["A", "placebo"])
    did = pd.read_csv(out["did"], keep_default_na=False).set_index("metric").loc[OUTCOME]
    assert (did["las_treated"], did["las_comparison"]) == (4, 2)
    truth = 0.4 / 0.6 * 2.2 / (1 + 0.4 / 0.6 * 2.2) - 0.4  # 0.1946
    assert did["lower"] < truth < did["upper"]
    events = pd.read_csv(out["events"])
    assert events["event_time"].min() == -6 and events["event_time"].max() == 4
    assert set(pd.read_csv(out["att_gt"])["group"]) == {14, 17}

    figures = json.loads(manifest.read_text())
    ids = [f"FIG-IMPACT-EVENT-{OUTCOME}", f"FIG-IMPACT-ITS-{OUTCOME}"]
    assert [f["id"] for f in figures] == ids
    for figure_id in ids:
        assert (manifest.parent / f"{figure_id}.svg").stat().st_size > 0
        assert (manifest.parent / f"{figure_id}.png").stat().st_size > 0
