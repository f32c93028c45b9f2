"""Findings F-HYP-01..05: the part 1 / part 2 hypothesis, tested as its plan says.

Each builder reads only published tables (TAB-HYP-*, TAB-CODES, TAB-QUOTES), so no hidden
count can reach the text; where a measure is missing the finding says so (and says "not
measured", never zero). F-HYP-05 states the verdict the plan gives and says plainly when the
data contradict the hypothesis.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from oversight.disclosure.readback import SYMBOL, as_numbers
from oversight.report.findings import Context, Finding, Tables, _cap, _count, pct

SECTION = "hypothesis"
PATTERN_WORDS = {
    "neither": "neither part 1 nor part 2",
    "part1_only": "part 1 only",
    "part2_only": "part 2 only",
    "both": "both",
}
# How each survey pair reads in a sentence (the pair ids of config/survey.yaml `compare:`).
PAIR_WORDS = {
    "family_capacity": "the family's capacity to change",
    "family_prognosis": "the family's prognosis",
    "own_feelings": "their own feelings about the work",
    "own_bias": "their own biases",
}
SESSION_WORDS = {"all": "held supervisions", "case": "case supervisions"}
SESSION_WORDS |= {"personal": "personal supervisions", "group": "group supervisions"}


def _table(tables: Tables, name: str, numbers: list[str]) -> pd.DataFrame:
    """A published table with hidden cells as missing numbers (empty if not published)."""
    frame = tables.get(name)
    return pd.DataFrame() if frame is None else as_numbers(frame, numbers)


def _interval(lower: float, upper: float) -> str:
    return f"95% interval {pct(lower, 1)} to {pct(upper, 1)}"


# ------------------------------------------------------------------ F-HYP-01
def _pattern_numbers() -> list[str]:
    cols = ["unknown", "sessions", *PATTERN_WORDS]
    for p in PATTERN_WORDS:
        cols += [f"{p}_share", f"{p}_lower95", f"{p}_upper95", f"{p}_sim_lower95"]
        cols += [f"{p}_sim_upper95"]
    return cols


def _pattern_sentence(row: pd.Series) -> str:
    parts = []
    for p, words in PATTERN_WORDS.items():
        share = row.get(f"{p}_share", np.nan)
        if pd.isna(share):
            parts.append(f"{words}: not shown (small numbers)")
        else:
            parts.append(
                f"{words}: {pct(share, 1)} ({_interval(row[f'{p}_lower95'], row[f'{p}_upper95'])})"
            )
    return "; ".join(parts)


def patterns(tables: Tables, ctx: Context) -> Finding:
    """F-HYP-01: what held supervisions record (neither, part 1 only, part 2 only, both),
    across the region by session type, and the range across LAs of "neither"."""
    t = _table(tables, "hypothesis_patterns", _pattern_numbers())
    title = "What supervision records: part 1, part 2, both or neither"
    region = t[t["la_code"].astype(str) == ctx.region_code] if len(t) else t
    everything = region[region["session_type"] == "all"] if len(region) else region
    if everything.empty or not everything.iloc[0]["sessions"] > 0:
        text = (
            "The recording patterns are not available: no held supervision in the study year "
            "has both the part 1 and the part 2 flag known."
        )
        return Finding("F-HYP-01", SECTION, title, text, ["TAB-HYP-PATTERNS"])
    r = everything.iloc[0]
    text = (
        f"Of {int(r['sessions']):,} held supervisions across the region in {ctx.year} with "
        f"both flags known, what the record held was {_pattern_sentence(r)}."
    )
    for kind in ("case", "personal"):
        rows = region[region["session_type"] == kind]
        if len(rows) and rows.iloc[0]["sessions"] > 0:
            text += f" In {SESSION_WORDS[kind]}: {_pattern_sentence(rows.iloc[0])}."
    las = t[(t["la_code"].astype(str) != ctx.region_code) & (t["session_type"] == "all")]
    shown = las.dropna(subset=["neither_share"])
    if len(shown) >= 2:
        lo = shown.loc[shown["neither_share"].idxmin()]
        hi = shown.loc[shown["neither_share"].idxmax()]
        text += (
            f" The share recording neither ranged from {pct(lo['neither_share'])} "
            f"({ctx.names.get(lo['la_code'], lo['la_code'])}) to {pct(hi['neither_share'])} "
            f"({ctx.names.get(hi['la_code'], hi['la_code'])}) across {len(shown)} LAs."
        )
    unknown = r.get("unknown", np.nan)
    if pd.notna(unknown) and unknown > 0:
        text += f" {int(unknown):,} held sessions with a flag unknown are left out."
    top = max(PATTERN_WORDS, key=lambda p: -1 if pd.isna(r[f"{p}_share"]) else r[f"{p}_share"])
    message = (
        f"{_cap(pct(r[f'{top}_share']))} of held supervisions recorded "
        f"{PATTERN_WORDS[top]}, the most common pattern"
    )
    return Finding("F-HYP-01", SECTION, title, text, ["TAB-HYP-PATTERNS"], message=message)


# ------------------------------------------------------------------ F-HYP-02
def _pair_sentence(row: pd.Series) -> str:
    what = PAIR_WORDS.get(str(row["pair"]), str(row["pair"]).replace("_", " "))
    d = row["difference"]
    side = "discussed more often than recorded" if d > 0 else "recorded at least as often"
    clear = (
        "clearly"
        if row["lower95"] > 0 or row["upper95"] < 0
        else "not clearly (the interval includes 0)"
    )
    return (
        f"{what}: {side}, {clear}, by {abs(d):.2f} scale points (95% interval "
        f"{row['lower95']:+.2f} to {row['upper95']:+.2f}, Wilcoxon {_p(row['wilcoxon_p'])}, "
        f"{int(row['respondents']):,} staff)"
    )


def _p(value: float) -> str:
    """A p-value as readers expect it: 'p < 0.001' below that, else three decimals."""
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def pairs(tables: Tables, ctx: Context) -> Finding:
    """F-HYP-02: discussed against recorded, the same staff answering both items of a pair."""
    cols = ["respondents", "mean_discussed", "mean_recorded", "difference", "lower95"]
    t = _table(tables, "hypothesis_pairs", [*cols, "upper95", "wilcoxon_p"])
    title = "Discussed, but not recorded"
    tabs = ["TAB-HYP-PAIRS"]
    rows = t[t["role"] == "all"].dropna(subset=["difference"]) if len(t) else t
    if rows.empty:
        text = (
            "No pair of survey items (how often something is discussed in supervision, and how "
            "often it is recorded) was answered by enough staff to be shown, so discussed "
            "against recorded is not measured."
        )
        return Finding("F-HYP-02", SECTION, title, text, tabs)
    text = (
        "Staff rated, for the same topic, how often it is discussed in supervision and how "
        "often it is recorded; the difference is each person's own. "
        + _cap("; ".join(_pair_sentence(r) for _, r in rows.iterrows()))
        + "."
    )
    roles = t[t["role"] != "all"].dropna(subset=["difference"])
    for role, part in roles.groupby("role", sort=True):
        above = int((part["lower95"] > 0).sum())
        text += (
            f" {_cap(str(role))}s: discussed clearly above recorded on {above} of "
            f"{len(part)} pairs shown."
        )
    return Finding("F-HYP-02", SECTION, title, text, tabs)


# ------------------------------------------------------------------ F-HYP-03
def file_content(tables: Tables, ctx: Context) -> Finding:
    """F-HYP-03: part 2 content in case-supervision records on children's files."""
    cols = ["case_records", "with_text", "with_part2", "share_part2", "lower95", "upper95"]
    t = _table(tables, "hypothesis_file_content", cols)
    title = "Part 2 reflection on the child's file"
    tabs = ["TAB-HYP-FILE"]
    region = t[t["la_code"].astype(str) == ctx.region_code] if len(t) else t
    if region.empty or str(region.iloc[0].get("status", "")).startswith("not measured"):
        text = (
            "Part 2 content on children's files is not measured: no LA sends the text of its "
            "case-supervision records, so how many would need redaction before a Subject "
            "Access Request disclosure cannot be said (this is not a count of zero)."
        )
        return Finding("F-HYP-03", SECTION, title, text, tabs)
    r = region.iloc[0]
    las = t[t["la_code"].astype(str) != ctx.region_code]
    n_las = _count(len(las), "LA") + (" that sends" if len(las) == 1 else " that send")
    if pd.isna(r["share_part2"]):
        text = (
            f"In the {n_las} case-supervision record text, the number carrying part "
            "2 reflection cannot be shown because of small numbers."
        )
        return Finding("F-HYP-03", SECTION, title, text, tabs)
    text = (
        f"In the {n_las} case-supervision record text "
        f"({', '.join(sorted(ctx.names.get(c, c) for c in las['la_code']))}), "
        f"{pct(r['share_part2'], 1)} of {int(r['with_text']):,} record texts "
        f"({_interval(r['lower95'], r['upper95'])}) carried the practitioner's own reflection "
        "(part 2). On the child's file these passages would need redaction before a Subject "
        "Access Request disclosure."
    )
    shown = las.dropna(subset=["share_part2"])
    if len(shown) >= 2:
        text += (
            f" By LA the share ranged from {pct(shown['share_part2'].min(), 1)} to "
            f"{pct(shown['share_part2'].max(), 1)}."
        )
    return Finding("F-HYP-03", SECTION, title, text, tabs)


# ------------------------------------------------------------------ F-HYP-04
def _turns(tables: Tables, ctx: Context) -> dict[str, float]:
    freq = _table(tables, "code_frequencies", ["n_units"])
    if freq.empty:
        return {}
    fg = freq[(freq["source"] == "transcript") & (freq["la_code"].astype(str) == ctx.region_code)]
    return dict(zip(fg["code"], fg["n_units"], strict=True))


def _quotes(tables: Tables, code: str, per_code: int = 2) -> list[str]:
    quotes = tables.get("quotes")
    if quotes is None or quotes.empty:
        return []
    q = quotes[(quotes["code"] == code) & (quotes["source"] == "transcript")]
    q = q.assign(rank=pd.to_numeric(q["rank"], errors="coerce")).sort_values("rank")
    return [str(x) for x in q["quote"].head(per_code) if str(x) and str(x) != SYMBOL]


def focus_groups(tables: Tables, ctx: Context) -> Finding:
    """F-HYP-04: the focus-group codes the plan names: turns (TAB-CODES), groups and LAs
    (TAB-HYP-FG), and up to two redacted quotes each (TAB-QUOTES)."""
    t = _table(tables, "hypothesis_focus_groups", ["groups", "las"])
    title = "What staff said about the two kinds of reflection"
    tabs = ["TAB-HYP-FG", "TAB-CODES", "TAB-QUOTES"]
    if t.empty:
        text = "The focus-group coding bearing on the hypothesis is not available."
        return Finding("F-HYP-04", SECTION, title, text, tabs)
    turns = _turns(tables, ctx)
    parts, quotes = [], []
    for r in t.itertuples():
        label = str(r.label)
        if not r.groups > 0:
            parts.append(f"{label}: not raised")
            continue
        n = turns.get(r.code, np.nan)
        said = "turns not shown (small numbers)" if pd.isna(n) else _count(int(n), "turn")
        parts.append(
            f"{label}: {said} in {_count(int(r.groups), 'group')} across {_count(int(r.las), 'LA')}"
        )
        quotes += [f"{label}: “{q}”" for q in _quotes(tables, str(r.code))]
    text = "In the focus groups, " + "; ".join(parts) + "."
    return Finding("F-HYP-04", SECTION, title, text, tabs, quotes=quotes)


# ------------------------------------------------------------------ F-HYP-05
def verdict(tables: Tables, ctx: Context) -> Finding:
    """F-HYP-05: each prediction's verdict and the overall verdict, as the plan says; says
    plainly which predictions the data contradict."""
    t = tables.get("hypothesis_verdict")
    title = "The hypothesis: verdict"
    tabs = ["TAB-HYP-VERDICT", "TAB-HYP-PATTERNS", "TAB-HYP-PAIRS", "TAB-HYP-FILE", "TAB-HYP-FG"]
    if t is None or t.empty or not (t["id"] == "overall").any():
        text = "The verdict on the hypothesis is not available."
        return Finding("F-HYP-05", SECTION, title, text, tabs)
    overall = t[t["id"] == "overall"].iloc[0]
    preds = t[t["id"] != "overall"]
    parts = [f"{r.id} ({r.title.lower()}) {r.verdict}: {r.reason}" for r in preds.itertuples()]
    against = preds[preds["verdict"] == "contradicted"]
    text = (
        f"Overall the hypothesis is {overall['verdict']}: {overall['reason']}. "
        + _cap("; ".join(parts))
        + "."
    )
    if len(against):
        text += (
            " The data contradict the hypothesis on "
            + ", ".join(f"{r.id} ({r.title.lower()})" for r in against.itertuples())
            + "."
        )
    message = str(overall.get("message", "")) if "message" in t else ""
    return Finding("F-HYP-05", SECTION, title, text, tabs, message=message)


BUILDERS: list[Callable[[Tables, Context], Finding]] = [
    patterns,
    pairs,
    file_content,
    focus_groups,
    verdict,
]
