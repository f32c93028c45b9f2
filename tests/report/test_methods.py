"""The methods section's adopters and each LA's statistical neighbours in the study."""

from __future__ import annotations

import pandas as pd

from oversight.report.annex import study_neighbours
from oversight.report.methods import adopters_text, code_version_text


def test_adopters_in_folder_order_with_their_months():
    adoption = {
        "medway": {"part1": "2025-05", "part2": None},
        "kent": {"part1": None, "part2": "2025-07"},
        "slough": {"part1": None, "part2": None},  # never adopted: in the comparison group
        "elsewhere": {"part1": "2025-01", "part2": "2025-01"},  # not a study LA
    }
    slugs = {"kent": "E1", "medway": "E2", "slough": "E3"}
    names = {"E1": "Kent", "E2": "Medway"}
    assert adopters_text(adoption, slugs, names) == (
        "Kent (part 1 not adopted, part 2 2025-07); "
        "Medway (part 1 2025-05, part 2 not adopted); the other LAs are the comparison group"
    )


def test_neighbours_outside_the_study_are_dropped_and_codes_are_new():
    sn = pd.DataFrame(
        {
            "old_la_code": ["886", "887", "999"],
            "SN_1": ["999", "886", "886"],
            "SN_2": ["887", "", ""],
        }
    )
    reference = pd.DataFrame({"la_code_old": ["886", "887"], "la_code_new": ["E1", "E2"]})
    assert study_neighbours(sn, reference, 2) == {"E1": ["E2"], "E2": ["E1"]}
    assert study_neighbours(sn, reference, 1) == {"E1": [], "E2": ["E1"]}


def test_code_version_as_the_report_states_it():
    version = {"package": "0.1.0", "git_commit": "abc"}
    assert code_version_text(version) == "oversight 0.1.0, commit abc"
