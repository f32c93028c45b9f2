"""An LA whose oversight entries do not link to its caseload: the whole pipeline runs, the
dataset is marked unreliable, and it is left out of the comparison, the region's totals and
the findings, while the LA's other datasets stay in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import BIN, demo_workdir, keyed_env, run

pytestmark = pytest.mark.e2e
# Bracknell Forest's oversight entries are spoiled. Brighton and Hove adopts both templates
# and the others neither, so the impact analysis keeps adopters and a comparison group; the
# three others have every DfE indicator the link figures need three LAs for.
LAS = ["bracknell_forest", "brighton_and_hove", "isle_of_wight", "windsor_and_maidenhead"]
OUT, OUT_CODE, OUT_NAME = "bracknell_forest", "E06000036", "Bracknell Forest"
REGION = "E12000008"
YEAR = "2024-25"


def _spoil_child_ids(path: Path) -> int:
    """Give every fifth oversight entry a child ID of the LA's own shape that no entry uses:
    a child the caseload does not hold. Returns how many were changed."""
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    used = set(re.findall(r"CH\d{6}", text))
    fresh = (f"CH{n:06d}" for n in range(1_000_000) if f"CH{n:06d}" not in used)
    changed = 0
    for i in range(5, len(lines), 5):
        lines[i], n = re.subn(r"^CH\d{6}", next(fresh), lines[i])
        changed += n
    path.write_text("".join(lines), encoding="utf-8-sig")
    return changed


@pytest.fixture(scope="module")
def spoiled_run(tmp_path_factory) -> Path:
    work = demo_workdir(tmp_path_factory.mktemp("unreliable") / "work", LAS)
    changed = _spoil_child_ids(work / f"data/raw/{OUT}/oversight_2024-25.csv")
    assert changed > 2000
    # A changed demo file is not demo data: the public demo key is refused, a key is set.
    run([str(BIN / "snakemake"), "--cores", "2"], work, env=keyed_env())
    return work


def _metrics(work: Path) -> pd.DataFrame:
    m = pd.read_csv(work / "results/tables/oversight_metrics.csv", dtype=str)
    return m[(m["period"] == YEAR) & (m["breakdown"] == "all")]


def test_ledger_marks_only_the_spoiled_dataset_unreliable(spoiled_run: Path) -> None:
    ledger = pd.read_csv(spoiled_run / "results/quality/ledger.csv", dtype=str)
    assert ledger["balanced"].eq("True").all()
    bad = ledger[ledger["status"] != "ok"]
    assert bad[["la_code", "dataset"]].values.tolist() == [[OUT_CODE, "oversight"]]
    assert re.fullmatch(
        r"unreliable: 2\d(\.\d)?% of oversight entries are for a child not in the caseload, "
        r"above the study's limit of 5%",
        bad.iloc[0]["status"],
    )
    own = pd.read_csv(spoiled_run / f"results/quality/{OUT}/ledger.csv", dtype=str)
    assert own.set_index("dataset").loc["oversight", "status"] == bad.iloc[0]["status"]


def test_quality_page_shows_the_unlinked_entries(spoiled_run: Path) -> None:
    page = (spoiled_run / f"results/quality/{OUT}/index.html").read_text(encoding="utf-8")
    text = " ".join(page.split())
    assert "1 dataset will be left out of the regional comparisons" in text
    assert re.search(r"[\d,]+ of [\d,]+ oversight entries \(2\d(\.\d)?%\) are for a child", text)
    # Examples by pseudonym, file and row: row 6 is the first spoiled entry.
    assert re.search(
        r"<td><code>bracknell_forest/oversight_2024-25.csv</code></td><td class=\"num\">6</td>"
        r"<td><code>C-[0-9a-f]{16}</code></td>",
        page,
    )
    assert not re.search(r"CH\d{6}", page)  # never a raw child ID
    index = (spoiled_run / "results/quality/index.html").read_text(encoding="utf-8")
    assert "<td>oversight</td>" in index


def test_comparison_and_region_leave_out_the_spoiled_data(spoiled_run: Path) -> None:
    m = _metrics(spoiled_run)
    las = {c: set(m.loc[m["metric"] == c, "la_code"]) for c in m["metric"].unique()}
    assert OUT_CODE not in las["child_oversight_28d"] | las["oversight_rationale"]
    assert OUT_CODE in las["staff_supervision_28d"] and OUT_CODE in las["audit_mo_good"]
    # The region's child oversight is the sum of the three other LAs, from their own counts.
    interim = pd.read_csv(spoiled_run / "data/interim/tables/oversight_metrics.csv", dtype=str)
    cell = interim[
        (interim["period"] == YEAR)
        & (interim["breakdown"] == "all")
        & (interim["metric"] == "child_oversight_28d")
    ].set_index("la_code")
    others = [c for c in cell.index if c != REGION]
    assert len(others) == 3
    for col in ("numerator", "denominator"):
        assert float(cell.loc[REGION, col]) == sum(float(cell.loc[c, col]) for c in others)
    own = pd.read_csv(spoiled_run / f"data/interim/{OUT}/metrics.csv", dtype=str)
    assert not own[own["metric"] == "child_oversight_28d"].empty  # counted, then left out
    het = pd.read_csv(spoiled_run / "results/tables/heterogeneity.csv", dtype=str)
    assert het.set_index("metric").loc["child_oversight_28d", "las"] == "3"


def test_report_says_what_was_left_out_and_no_finding_rests_on_it(spoiled_run: Path) -> None:
    found = {
        f["id"]: f for f in json.loads((spoiled_run / "results/report/findings.json").read_text())
    }
    data = found["F-DATA-02"]["text"]
    assert data.startswith("One LA dataset was judged unreliable")
    assert f"{OUT_NAME}'s oversight data (2" in data and "the model of oversight" in data
    for fid in ("F-OVS-01", "F-OVS-02", "F-OVS-03", "F-OVS-04", "F-IMP-02"):
        text = found[fid]["text"]
        assert text.endswith(
            f"Left out as unreliable, here and in the region's figures: {OUT_NAME} "
            "(oversight data) (F-DATA-02)."
        ), fid
        assert text.count(OUT_NAME) == 1, fid  # named only as left out
    assert "Left out" not in found["F-SUP-01"]["text"]
    excluded = pd.read_csv(spoiled_run / "results/tables/data_exclusions.csv", dtype=str)
    assert excluded[["la_code", "dataset"]].values.tolist() == [[OUT_CODE, "oversight"]]
    html = (spoiled_run / "results/report/index.html").read_text(encoding="utf-8")
    assert 'id="TAB-EXCLUSIONS"' in html and 'id="F-DATA-02"' in html
    annex = (spoiled_run / f"results/report/la/{OUT_CODE}.html").read_text(encoding="utf-8")
    assert "Left out as unreliable." in annex
    assert "Children with oversight within 28 days" not in annex
