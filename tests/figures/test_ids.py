"""Figure IDs stated once: the comparison, link and network figures' IDs for the rules."""

from __future__ import annotations

import json
import subprocess
import sys

from oversight.figures.ids import figure_ids, headlines, link_ids, network_ids

DEFINITIONS = {
    "staff_supervision_28d": {"headline": True},
    "staff_supervision_42d": {},
    "child_oversight_28d": {"headline": True},
    "audit_mo_good": {"headline": False},
}


def test_figure_ids_are_funnels_then_ranks_of_the_headlines_then_trend_and_grades() -> None:
    assert headlines(DEFINITIONS) == ["staff_supervision_28d", "child_oversight_28d"]
    assert figure_ids(DEFINITIONS) == [
        "FIG-FUNNEL-staff_supervision_28d",
        "FIG-FUNNEL-child_oversight_28d",
        "FIG-RANK-staff_supervision_28d",
        "FIG-RANK-child_oversight_28d",
        "FIG-TREND-child_oversight_28d",
        "FIG-GRADES-audits",
    ]


def test_link_and_network_ids() -> None:
    pairs = [["child_oversight_28d", "rereferral_rate"], ["staff_supervision_28d", "caseload_fte"]]
    assert link_ids(pairs) == [
        "FIG-LINK-child_oversight_28d-rereferral_rate",
        "FIG-LINK-staff_supervision_28d-caseload_fte",
    ]
    network = {"kpis": [{"indicator": "caseload_fte"}, {"indicator": "cpp_2yrs_plus"}]}
    assert network_ids(network) == [
        "FIG-S47-ICPC-TREND",
        "FIG-S47-ICPC-LATEST",
        "FIG-KPI-caseload_fte",
        "FIG-KPI-cpp_2yrs_plus",
    ]


def test_ids_and_the_package_load_no_plotting_or_data_library() -> None:
    """The rule files import the IDs when Snakemake parses them: that must stay cheap."""
    probe = (
        "import sys, json; import oversight.figures, oversight.figures.ids; "
        "heavy = ('matplotlib', 'pandas', 'numpy'); "
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
