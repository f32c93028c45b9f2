"""The units behind a cell of the metrics table, traced to the rows that decided them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.compare.members import members
from oversight.compare.metrics import EVENT_DATASETS, la_metrics
from tests.helpers import SUP_FIELDS

# A half-year study (the year label, two quarters, six months) and one common window besides
# the policy window keep the every-cell check fast.
START, END, POLICY, WINDOWS = "2024-04-01", "2024-09-30", 42, [28]
Q1 = "2024-25 Q1"  # census 30 June 2024
UNIT_METRICS = {
    *EVENT_DATASETS,
    "neither_reflection",
    "staff_supervision_28d",
    "staff_supervision_policy",
    "child_oversight_28d",
}


def _frame(rows: list[tuple], cols: list[str], file: str, dates: list[str]) -> pd.DataFrame:
    """A harmonised-looking frame: typed columns and lineage (data rows start at row 2)."""
    frame = pd.DataFrame(rows, columns=cols)
    for col in frame.columns:
        if col in dates:
            frame[col] = pd.to_datetime(frame[col])
        elif col in ("duration_min", "grade", "moderated_grade"):
            frame[col] = frame[col].astype("Int64")
        elif col in ("agency", "nqsw", "learning_conversation") or col.endswith(
            ("_recorded", "_attended")
        ):
            frame[col] = frame[col].astype("boolean")
        else:
            frame[col] = frame[col].astype("string")
    frame.insert(0, "source_row", np.arange(2, len(frame) + 2, dtype="int64"))
    frame.insert(0, "source_file", pd.array([file] * len(frame), dtype="string"))
    frame.insert(0, "la_code", pd.array(["E10000001"] * len(frame), dtype="string"))
    return frame


def _day(rng: np.random.Generator, lo: str = "2023-06-01", hi: str = END) -> str:
    days = (pd.Timestamp(hi) - pd.Timestamp(lo)).days
    return str((pd.Timestamp(lo) + pd.Timedelta(days=int(rng.integers(0, days + 1)))).date())


def _maybe(rng: np.random.Generator, p_missing: float = 0.2) -> bool | None:
    return None if rng.random() < p_missing else bool(rng.random() < 0.5)


# Hand-checked units (Q1, census 30 June 2024), listed first so their source rows are known.
HAND_SUP = [
    # H1: held personal 31 May (row 2), 30 days before the census; later a cancelled
    # personal (row 3) and a case session (row 4) that do not decide the window.
    ("H1", "social_worker", False, False, "2024-05-31", "personal", 60, "held", None, False),
    ("H1", "social_worker", False, False, "2024-06-20", "personal", None, "cancelled", None, None),
    ("H1", "social_worker", False, False, "2024-06-25", "case", 30, "held", True, None),
    # H2: only case supervision; eligible through its latest record (row 6)
    ("H2", "team_manager", True, True, "2024-03-01", "case", 45, "held", False, None),
    ("H2", "team_manager", True, True, "2024-06-01", "case", 45, "held", False, None),
    # H3: exactly 28 days (row 7): within 28 days
    ("H3", "social_worker", False, False, "2024-06-02", "personal", 95, "held", None, None),
    # H4: nothing in the year to the census: not counted at all
    ("H4", "social_worker", False, False, "2023-05-01", "personal", 60, "held", None, True),
]
HAND_CASE = [
    # K1 (row 2): open since January; management oversight on 10 June (oversight row 2)
    ("K1", "H1", "CIN", "assessment", "2024-01-01", None),
    # K2: an old closed episode (row 3) and the open one that counts (row 4); only decisions
    ("K2", "H1", "CP", "cla", "2022-01-01", "2023-08-01"),
    ("K2", "H1", "CP", "cla", "2023-09-01", None),
    # K3 (row 5): opened 15 June, under 28 days at the census: not counted
    ("K3", "H1", "CIN", "assessment", "2024-06-15", None),
]
HAND_OVER = [
    ("K1", "2024-06-10", "management_oversight", True),
    ("K1", "2024-06-25", "decision", True),
    ("K2", "2024-06-29", "decision", None),
]
HAND_AUD = [
    ("HA1", "K1", "2024-05-01", "routine", "management_oversight", 3, 2),
    ("HA1", "K1", "2024-05-01", "routine", "planning", 2, None),
]


def _frames(seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    roles = ["social_worker", "team_manager"]
    sup = list(HAND_SUP)
    for w in range(25):
        role, agency, nqsw = roles[w % 2], bool(w % 3 == 0), bool(w % 5 == 0)
        for _ in range(int(rng.integers(3, 25))):
            kind = str(rng.choice(["personal", "personal", "case", "group"]))
            status = "cancelled" if rng.random() < 0.15 else "held"
            duration = None if rng.random() < 0.2 else int(rng.integers(20, 150))
            fam = _maybe(rng) if kind == "case" else None
            prac = _maybe(rng) if kind == "personal" else None
            date = _day(rng)
            sup.append((f"W{w}", role, agency, nqsw, date, kind, duration, status, fam, prac))
    case = list(HAND_CASE)
    for c in range(40):
        status, team = str(rng.choice(["CIN", "CP"])), str(rng.choice(["assessment", "cla"]))
        start = _day(rng, "2022-01-01", "2024-09-01")
        end = None if rng.random() < 0.5 else _day(rng, start, "2025-03-31")
        case.append((f"C{c}", f"W{c % 25}", status, team, start, end))
        if rng.random() < 0.3:  # a second episode of the same child
            case.append((f"C{c}", f"W{c % 7}", status, team, _day(rng, "2023-01-01"), None))
    over = list(HAND_OVER)
    for _ in range(300):
        kind = str(rng.choice(["case_supervision", "management_oversight", "decision"]))
        over.append((f"C{rng.integers(0, 40)}", _day(rng), kind, _maybe(rng)))
    aud = list(HAND_AUD)
    for a in range(60):
        date = _day(rng, START)
        for domain in ("management_oversight", "planning"):
            grade = int(rng.integers(1, 5))
            moderated = None if rng.random() < 0.6 else int(rng.integers(1, 5))
            aud.append((f"A{a}", f"C{a % 40}", date, "routine", domain, grade, moderated))
    # The optional fields from a stream of their own, so the draws above stay as they were.
    extra = np.random.default_rng(seed + 1)
    learning = {a: _maybe(extra) for a in sorted({row[0] for row in aud})}
    aud = [(*row, learning[row[0]]) for row in aud]
    strategy = {
        (f"C{extra.integers(0, 40)}", _day(extra, START)): [_maybe(extra) for _ in range(3)]
        for _ in range(80)
    }
    strat = [(child, day, *flags) for (child, day), flags in sorted(strategy.items())]
    return {
        # two supervision files, to trace rows across files
        "supervision": pd.concat(
            [
                _frame(sup[:150], SUP_FIELDS, "la/supervision_a.csv", ["session_date"]),
                _frame(sup[150:], SUP_FIELDS, "la/supervision_b.csv", ["session_date"]),
            ],
            ignore_index=True,
        ),
        "caseload": _frame(
            case,
            ["child_id", "worker_id", "legal_status", "team_type", "episode_start", "episode_end"],
            "la/caseload.csv",
            ["episode_start", "episode_end"],
        ),
        "oversight": _frame(
            over,
            ["child_id", "entry_date", "entry_type", "rationale_recorded"],
            "la/oversight.csv",
            ["entry_date"],
        ),
        "audits": _frame(
            aud,
            [
                "audit_id",
                "child_id",
                "audit_date",
                "audit_type",
                "domain",
                "grade",
                "moderated_grade",
                "learning_conversation",
            ],
            "la/audits.csv",
            ["audit_date"],
        ),
        "strategy_discussions": _frame(
            strat,
            [
                "child_id",
                "discussion_date",
                "police_attended",
                "health_attended",
                "education_attended",
            ],
            "la/strategy.csv",
            ["discussion_date"],
        ),
    }


FRAMES = _frames()


def _members(
    period: str, metric: str, breakdown: str = "all", windows: list[int] = WINDOWS
) -> pd.DataFrame:
    return members(FRAMES, START, END, POLICY, windows, period, metric, breakdown)


def _unit(table: pd.DataFrame, unit: str) -> pd.Series:
    hit = table[table["unit"] == unit]
    assert len(hit) == 1, unit
    return hit.iloc[0]


def test_members_add_up_to_every_cell_of_the_table() -> None:
    table = la_metrics(FRAMES, START, END, POLICY, WINDOWS)
    cells = table[table["metric"].isin(UNIT_METRICS)]
    assert set(cells["metric"]) == UNIT_METRICS
    assert {"2024-25", Q1, "2024-25 Q2", "2024-04", "2024-09"} <= set(cells["period"])
    assert {"role=team_manager", "legal_status=CP", "domain=planning;grade=2"} <= set(
        cells["breakdown"]
    )
    for row in cells.itertuples():
        got = _members(row.period, row.metric, row.breakdown)
        cell = (row.period, row.metric, row.breakdown)
        assert list(got.columns) == ["unit", "in_numerator", "dataset", "source_file", "source_row"]
        assert int(got["in_numerator"].sum()) == row.numerator, cell
        assert len(got) == row.denominator, cell
        assert got["unit"].is_unique, cell
        assert got["source_row"].dtype == "int64" and got["in_numerator"].dtype == bool
        keys = list(zip(got["source_file"], got["source_row"], got["unit"], strict=True))
        assert keys == sorted(keys) and got.index.equals(pd.RangeIndex(len(got))), cell


def test_staff_window_evidence_is_the_last_held_personal_session() -> None:
    got = _members(Q1, "staff_supervision_28d")
    h1 = _unit(got, "H1")  # 30 days: in the denominator, not the numerator
    assert not h1["in_numerator"]
    assert (h1["dataset"], h1["source_file"], h1["source_row"]) == (
        "supervision",
        "la/supervision_a.csv",
        2,
    )
    assert _unit(got, "H3")["in_numerator"] and _unit(got, "H3")["source_row"] == 7
    h2 = _unit(got, "H2")  # never personally supervised: the record that made them eligible
    assert not h2["in_numerator"] and h2["source_row"] == 6
    assert "H4" not in set(got["unit"])
    assert _unit(_members(Q1, "staff_supervision_policy"), "H1")["in_numerator"]  # 42 days
    assert _unit(_members(Q1, "staff_supervision_42d", windows=[28, 42]), "H1")["in_numerator"]
    managers = _members(Q1, "staff_supervision_28d", "role=team_manager")
    assert "H2" in set(managers["unit"]) and "H1" not in set(managers["unit"])


def test_child_evidence_is_the_last_oversight_entry_or_the_open_episode() -> None:
    got = _members(Q1, "child_oversight_28d")
    k1 = _unit(got, "K1")  # 20 days; the later decision entry does not count
    assert k1["in_numerator"] and (k1["dataset"], k1["source_row"]) == ("oversight", 2)
    k2 = _unit(got, "K2")  # only decisions: the open episode that put K2 in the denominator
    assert not k2["in_numerator"]
    assert (k2["dataset"], k2["source_file"], k2["source_row"]) == (
        "caseload",
        "la/caseload.csv",
        4,
    )
    assert "K3" not in set(got["unit"])
    assert set(_members(Q1, "child_oversight_28d", "legal_status=CP")["unit"]) >= {"K2"}
    month = _members("2024-06", "child_oversight_28d")
    assert _unit(month, "K1")["in_numerator"]


def test_event_units_are_the_records_themselves() -> None:
    got = _members(Q1, "supervision_cancelled")
    cancelled = _unit(got, "la/supervision_a.csv:3")
    assert cancelled["in_numerator"] and cancelled["source_row"] == 3
    assert not _unit(got, "la/supervision_a.csv:2")["in_numerator"]
    share = _members(Q1, "audit_grade_share", "domain=planning;grade=2")
    row = _unit(share, "la/audits.csv:3")
    assert row["in_numerator"] and row["dataset"] == "audits"
    down = _members(Q1, "moderation_downgraded")
    assert _unit(down, "la/audits.csv:2")["in_numerator"]  # 3 moderated to 2
    assert "la/audits.csv:3" not in set(down["unit"])  # never moderated
    rationale = _members(Q1, "oversight_rationale", "entry_type=decision")
    assert "la/oversight.csv:4" not in set(rationale["unit"])  # rationale unknown


def test_neither_reflection_evidence() -> None:
    got = _members(Q1, "neither_reflection")
    # H1 recorded a reflection on the family (row 4), so is not counted in the numerator
    h1 = _unit(got, "H1")
    assert not h1["in_numerator"] and h1["source_row"] == 4
    # H2's latest held session in Q1 (row 6) recorded neither
    h2 = _unit(got, "H2")
    assert h2["in_numerator"] and h2["source_row"] == 6


@pytest.mark.parametrize(
    ("period", "metric", "breakdown", "message"),
    # windows [28, 42] throughout: month periods report the first window only
    [
        (Q1, "sessions_held_vs_due", "all", "no unit records"),
        (Q1, "moderation_pairs", "auditor=3;moderator=2", "no unit records"),
        (Q1, "moderation_kappa", "all", "no unit records"),
        (Q1, "moderation_alpha", "all", "no unit records"),
        ("2023-24", "staff_supervision_28d", "all", "no period"),
        ("2024-06", "staff_supervision_28d", "all", "no metric"),
        ("2024-06", "child_oversight_42d", "all", "no metric"),
        ("2024-06", "child_oversight_28d", "legal_status=CP", "no breakdown"),
        (Q1, "staff_supervision_35d", "all", "no metric"),
        (Q1, "staff_supervision_28d", "role=nobody", "no breakdown"),
        (Q1, "audit_good_or_better", "all", "no breakdown"),
    ],
)
def test_cells_without_unit_records_raise(
    period: str, metric: str, breakdown: str, message: str
) -> None:
    with pytest.raises(KeyError, match=message):
        _members(period, metric, breakdown, windows=[28, 42])
