"""The demo generator for any study: its window passed in (never module state), LAs that
borrow a bundled LA's systems, and the package kept apart from the analysis."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from oversight.demo import dialects, profiles
from oversight.demo.generate import Generator, reference, slugify
from oversight.demo.study import BUNDLED, DemoAuthority, Window, load_demo_study, plans
from tests.conftest import ROOT

SESLIP = ROOT / "data/raw/published/seslip_las.csv"


def test_the_bundled_window() -> None:
    assert BUNDLED.period_start == pd.Timestamp("2024-04-01")
    assert BUNDLED.data_end == pd.Timestamp("2025-12-31")
    assert [str(c.date()) for c in BUNDLED.censuses][:2] == ["2024-06-30", "2024-09-30"]
    assert len(BUNDLED.censuses) == 7 and len(BUNDLED.month_ends()) == 21
    assert BUNDLED.days == 640
    assert BUNDLED.label == "2024-25"
    assert BUNDLED.spoken == "1 April 2024 to 31 March 2025"


def test_another_window_runs_on_nine_months() -> None:
    window = Window.of("2023-04-01", "2024-03-31")
    assert window.data_end == pd.Timestamp("2024-12-31")
    assert window.label == "2023-24"
    assert str(window.censuses[-1].date()) == "2024-12-31"


def test_bundled_plans_follow_the_reference_table() -> None:
    rows = reference(SESLIP)
    slugs = [slugify(r["la_name"]) for r in rows]
    out = plans(rows, slugs, None)
    assert [p.slug for p in out] == slugs == list(profiles.PROFILES)
    assert [p.dialect for p in out] == [p.stream for p in out] == list(range(19))
    assert {p.slug: p.outlier for p in out if p.outlier} == {"hampshire": "high", "slough": "low"}


def test_an_la_borrows_a_bundled_las_systems() -> None:
    rows = reference(SESLIP)
    slugs = [slugify(r["la_name"]) for r in rows]
    la = DemoAuthority("sunderland", "E08000024", "Sunderland", like="slough")
    (plan,) = plans(rows, slugs, [la])
    assert (plan.la_code, plan.la_name, plan.stream) == ("E08000024", "Sunderland", 0)
    assert plan.dialect == slugs.index("slough") and plan.ref["la_name"] == "Slough"
    assert plan.profile == profiles.PROFILES["slough"]
    assert plan.outlier is None  # the outliers are the bundled LAs themselves


def test_a_study_of_another_region_and_year(tmp_path: Path) -> None:
    demo = load_demo_study(ROOT / "config/studies/north_east", ROOT)
    assert demo.window == Window.of("2023-04-01", "2024-03-31", "2024-12-31")
    gen = Generator(
        demo.reference,
        ROOT / "config/survey.yaml",
        impact_yaml=demo.impact,
        window=demo.window,
        authorities=demo.authorities,
    )
    truth = gen.run(tmp_path / "raw", tmp_path / "config", only=["south_tyneside"])
    la = truth["authorities"]["south_tyneside"]
    assert (la["la_code"], la["la_name"]) == ("E08000023", "South Tyneside")
    assert truth["period"] == ["2023-04-01", "2024-03-31"]
    assert truth["censuses"][-1] == "2024-12-31"
    assert la["impact"]["part1_family_reflection"]["adopted"] == "2024-05"
    names = sorted(p.name for p in (tmp_path / "raw/south_tyneside").glob("*_2023-24.*"))
    assert names[0].startswith("audits_2023-24") and len(names) >= 5
    manifest = json.loads((tmp_path / "raw/DEMO_DATA.json").read_text())
    assert manifest["authorities"] == ["south_tyneside"]
    assert all(rel.startswith("south_tyneside/") for rel in manifest["files"])
    config = (tmp_path / "config/south_tyneside.yaml").read_text(encoding="utf-8")
    assert config.startswith("# South Tyneside (E08000023)")
    sup = pd.read_csv(
        tmp_path / "raw/south_tyneside/supervision_2023-24.csv", encoding="cp1252", dtype=str
    )
    dates = pd.to_datetime(sup["date_of_supervision"], format="%Y-%m-%d", errors="coerce").dropna()
    assert dates.min() >= pd.Timestamp("2023-01-01")
    assert dates[dates <= pd.Timestamp("2024-12-31")].max() >= pd.Timestamp("2024-12-01")


def test_dialects_are_data() -> None:
    assert len(dialects.SUPERVISION) == len(dialects.CASELOAD) == len(dialects.AUDITS) == 6
    assert dialects.GRADE_SCALES[1]["labels"][4] == "1"  # Ofsted numbering: 1 is the best
    assert dialects.BOOL_LABELS[5] == ["1", "0"]


def test_no_pipeline_stage_imports_the_demo_tool() -> None:
    found = []
    for path in sorted((ROOT / "src/oversight").rglob("*.py")):
        if "demo" in path.relative_to(ROOT / "src/oversight").parts or path.name == "cli.py":
            continue
        if re.search(r"^\s*(from|import) oversight\.demo\b", path.read_text(), flags=re.M):
            found.append(path.name)
    for path in sorted((ROOT / "rules").rglob("*.py")):
        if "oversight.demo" in path.read_text():
            found.append(path.name)
    assert found == []
