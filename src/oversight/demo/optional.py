"""The optional fields and the optional dataset of the common schema, for the demo LAs that
send them: supervision record text, learning conversations in audits, strategy discussions.

Which LAs send what is data (``profiles.yaml``): an LA's profile gives the header its system
gives each optional column it sends (or the dialect its strategy-discussion export follows).
Every draw here comes from the LA's second random stream, so the datasets every LA sends keep
their values whatever is added here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from oversight.demo import dialects as d
from oversight.demo.study import Window
from oversight.ingest.words import forenames

# Sentences of a supervision record. Part 1 and part 2 sentences carry the phrases the
# codebook's rules look for (config/codebook.yaml); the others carry neither.
CASE_TASKS = [
    "Reviewed the plan for {name} and agreed the dates of the next visits.",
    "Discussed {name}'s school attendance and the actions from the core group.",
    "Went through the chronology and the outstanding tasks for {name}.",
    "Agreed to hold a review meeting for {name} within four weeks.",
]
PERSONAL_TASKS = [
    "Reviewed caseload, annual leave and mandatory training.",
    "Discussed workload and the allocation of two new cases.",
    "Checked progress on the development plan and the next training course.",
]
PART1 = [
    "We reflected on the family's capacity to change and what the prognosis means for the plan.",
    "We considered the family history and how it shapes the risks to {name}.",
    "We talked about the family's strengths and the parenting capacity seen at the last visit.",
]
PART2 = [
    "I noticed I felt anxious before visits and we talked about my own feelings about the father.",
    "I said the case reminded me of my own experience and we discussed how that affects my "
    "judgement.",
    "We explored my own bias towards the mother and the emotional impact of the visits on me.",
    "I noticed I felt drained after the visit and we talked about how I felt.",
]


def record_texts(frame: pd.DataFrame, rng: np.random.Generator, names: list[str]) -> pd.Series:
    """The text of each held case and personal session's record, consistent with its flags:
    a task sentence, a part 1 sentence where family reflection is recorded and a part 2
    sentence where the practitioner's own reflection is. Children are named with invented
    forenames (``names``), as a real record would name them; ingest redacts them."""
    n = len(frame)
    fam = frame["family_reflection_recorded"].fillna(False).to_numpy(dtype=bool)
    prac = frame["practitioner_reflection_recorded"].fillna(False).to_numpy(dtype=bool)
    kind = frame["session_type"].to_numpy()
    held = (frame["status"] == "held").to_numpy()
    picks = rng.integers(0, 1000, size=(n, 4))
    out: list[Any] = []
    for r in range(n):
        if not held[r] or kind[r] == "group":
            out.append(pd.NA)
            continue
        name = names[picks[r, 3] % len(names)]
        tasks = CASE_TASKS if kind[r] == "case" else PERSONAL_TASKS
        parts = [tasks[picks[r, 0] % len(tasks)]]
        if fam[r]:
            parts.append(PART1[picks[r, 1] % len(PART1)])
        if prac[r]:
            parts.append(PART2[picks[r, 2] % len(PART2)])
        out.append(" ".join(parts).format(name=name))
    return pd.Series(out, index=frame.index, dtype="string")


def learning_conversations(
    audits: pd.DataFrame, rate: float, rng: np.random.Generator
) -> pd.Series:
    """Whether each audit held a learning conversation (repeated on its domain rows); a few
    audits leave it blank."""
    ids = audits["audit_id"].drop_duplicates().to_numpy()
    held = rng.random(ids.size) < rate
    blank = rng.random(ids.size) < 0.03
    flags = pd.Series(pd.array(held, dtype="boolean"), index=ids)
    flags[blank] = pd.NA
    return pd.Series(flags.reindex(audits["audit_id"]).to_numpy(), index=audits.index).astype(
        "boolean"
    )


def attendance_rates(rng: np.random.Generator) -> dict[str, float]:
    """The LA's chance that each partner attends a strategy discussion."""
    return {
        "police_attended": float(rng.uniform(0.80, 0.97)),
        "health_attended": float(rng.uniform(0.45, 0.80)),
        "education_attended": float(rng.uniform(0.35, 0.75)),
    }


def strategy_discussions(
    kids: pd.DataFrame, rates: dict[str, float], rng: np.random.Generator, window: Window
) -> pd.DataFrame:
    """Strategy discussions about children in need or on a plan, inside their episodes and
    the extract window; one per child and day. Attendance is blank now and then."""
    pool = kids[kids["legal_status"].isin(["CIN", "CP"])].reset_index(drop=True)
    n = max(20, round(len(pool) * 0.25))
    pick = rng.integers(0, len(pool), size=n)
    lo = np.maximum(pool["episode_start"].to_numpy()[pick], np.datetime64(window.period_start))
    end = pool["episode_end"].to_numpy()[pick]
    hi = np.where(pd.isna(end), np.datetime64(window.data_end), end)
    hi = np.minimum(hi, np.datetime64(window.data_end))
    span = (hi - lo).astype("timedelta64[D]").astype(int)
    ok = span >= 0
    offset = (rng.random(n) * (np.maximum(span, 0) + 1)).astype(int)
    when = lo + offset.astype("timedelta64[D]")
    frame = pd.DataFrame({"child_id": pool["child_id"].to_numpy()[pick], "discussion_date": when})[
        ok
    ]
    frame["discussion_date"] = pd.to_datetime(frame["discussion_date"]).astype("datetime64[s]")
    frame = frame.drop_duplicates(["child_id", "discussion_date"]).reset_index(drop=True)
    for name, p in rates.items():
        flags = pd.array(rng.random(len(frame)) < p, dtype="boolean")
        flags[rng.random(len(frame)) < 0.02] = pd.NA
        frame[name] = flags
    return frame.sort_values(["discussion_date", "child_id"], kind="stable").reset_index(drop=True)


def add_optional(
    profile: dict[str, Any],
    frames: dict[str, pd.DataFrame],
    kids: pd.DataFrame,
    rng: np.random.Generator,
    window: Window,
) -> dict[str, Any]:
    """Add the optional fields and dataset an LA with this ``profile`` sends to ``frames``;
    return the headers its exports give them (dataset -> field -> header) and their truth."""
    headers: dict[str, dict[str, str]] = {}
    truth: dict[str, Any] = {"record_text": "record_text" in profile}
    if "record_text" in profile:
        sup = frames["supervision"]
        sup["record_text"] = record_texts(sup, rng, sorted(forenames())[:400])
        headers["supervision"] = {"record_text": profile["record_text"]}
    rate = float(rng.uniform(0.3, 0.8))
    sends_learning = "learning_conversation" in profile
    truth["learning_conversation"] = rate if sends_learning else None
    if sends_learning:
        aud = frames["audits"]
        aud["learning_conversation"] = learning_conversations(aud, rate, rng)
        headers["audits"] = {"learning_conversation": profile["learning_conversation"]}
    truth["strategy_discussions"] = None
    if "strategy_discussions" in profile:
        dialect = d.STRATEGY[profile["strategy_discussions"]]
        rates = {k: v for k, v in attendance_rates(rng).items() if k in dialect["headers"]}
        frames["strategy_discussions"] = strategy_discussions(kids, rates, rng, window)
        truth["strategy_discussions"] = rates
    return {"headers": headers, "truth": truth}
