"""Findings with stable IDs, written from the published tables.

Each finding has an ID that never changes meaning (``F-SUP-01`` is always the spread of
staff-level supervision compliance), a section, one or two sentences generated from the
numbers, and the IDs of the tables and figures behind it. Findings read only the published
tables, so nothing in their text can show a number that disclosure control hid. Where the
data for a finding are missing, its text says so rather than the finding disappearing: the
recommendations cite findings by ID and the citation check must still hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.readback import METRIC_NUMBERS, SYMBOL, as_numbers
from oversight.figures.ids import funnel_id, rank_id
from oversight.report import (
    findings_exclusions,
    findings_focus,
    findings_impact,
    findings_network,
    findings_survey,
)

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Finding:
    id: str
    section: str
    title: str
    text: str
    tables: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    # A message-led title ("Most supervisions record neither kind of reflection"), generated
    # from the numbers, for findings that can be a main point (oversight.report.bulletin).
    message: str = ""
    # Redacted quotations from the published quotes table (TAB-QUOTES), shown as a list.
    quotes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    """What the findings need besides the tables: the study year, the region's code, the LA
    names, the figures drawn, and the study's limits for unreliable datasets in words
    (:meth:`oversight.quality.links.Limits.describe`)."""

    year: str
    region_code: str
    names: Mapping[str, str]
    figures: frozenset[str]
    limits: str = ""


def pct(value: float, digits: int = 0) -> str:
    return "not available" if pd.isna(value) else f"{100 * value:.{digits}f}%"


def _names(codes: list[str], ctx: Context) -> str:
    names = sorted(ctx.names.get(c, c) for c in codes)
    if not names:
        return "none"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cap(text: str) -> str:
    """First letter upper case, the rest untouched ('one LA' -> 'One LA')."""
    return text[:1].upper() + text[1:]


def _count(n: int, one: str, many: str | None = None) -> str:
    words = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    noun = one if n == 1 else (many or one + "s")
    return f"{words.get(n, str(n))} {noun}"


def _metrics(tables: Tables) -> pd.DataFrame:
    return as_numbers(tables["oversight_metrics"], METRIC_NUMBERS)


def _year_rows(tables: Tables, ctx: Context, metric: str) -> tuple[pd.DataFrame, pd.Series]:
    m = _metrics(tables)
    rows = m[(m["metric"] == metric) & (m["period"] == ctx.year) & (m["breakdown"] == "all")]
    las = rows[rows["la_code"] != ctx.region_code]
    region = rows[rows["la_code"] == ctx.region_code]
    return las, (region.iloc[0] if len(region) else pd.Series(dtype=object))


def _figs(ctx: Context, *ids: str) -> list[str]:
    """Figure IDs that were drawn (a finding never cites a figure that does not exist)."""
    return [i for i in ids if i in ctx.figures]


def _spread(tables: Tables, ctx: Context, metric: str, fid: str, section: str) -> Finding:
    """Range across LAs of one headline proportion, and who lies outside the 99.8% limits the
    funnel uses (adjusted for over-dispersion when the LAs are over-dispersed), around the
    configured comparator; the count before adjustment is given beside it."""
    label = definitions()[metric]["label"]
    las, region = _year_rows(tables, ctx, metric)
    shown = las.dropna(subset=["value"])
    figures = _figs(ctx, funnel_id(metric), rank_id(metric))
    if shown.empty:
        text = f"{label}: no LA-level figures could be published for {ctx.year}."
        return Finding(fid, section, label, text, ["TAB-METRICS"], figures)
    lo, hi = shown.loc[shown["value"].idxmin()], shown.loc[shown["value"].idxmax()]

    def flagged(column: str, flag: str) -> list[str]:
        if column not in shown:
            return []
        return shown.loc[shown[column] == flag, "la_code"].tolist()

    low, high = flagged("funnel_flag", "low_998"), flagged("funnel_flag", "high_998")
    funnel = las.dropna(subset=["funnel_centre"]) if "funnel_centre" in las else las.iloc[:0]
    text = (
        f"{label} ranged from {pct(lo['value'])} ({ctx.names.get(lo['la_code'])}) to "
        f"{pct(hi['value'])} ({ctx.names.get(hi['la_code'])}) across {len(shown)} LAs in "
        f"{ctx.year}; the region as a whole stood at {pct(region.get('value', np.nan))}. "
    )
    below_above = (
        f"{_count(len(low), 'LA')} lay below the 99.8% funnel limit ({_names(low, ctx)}) "
        f"and {_count(len(high), 'LA')} above it ({_names(high, ctx)})"
    )
    if funnel.empty:
        text += _cap(below_above) + "."
    else:
        row = funnel.iloc[0]
        centre = pct(row["funnel_centre"])
        around = "Against limits around " + (
            f"the median of the {len(las)} LAs ({centre})"
            if row.get("funnel_comparator") == "la_median"
            else f"the regional value ({centre})"
        )
        if row.get("funnel_limits") == "adjusted":
            before = len(flagged("funnel_flag_unadjusted", "low_998"))
            before_high = len(flagged("funnel_flag_unadjusted", "high_998"))
            phi = pd.to_numeric(row.get("funnel_phi"), errors="coerce")
            text += (
                f"{around}, after adjusting for over-dispersion"
                + (f" (φ = {float(phi):.1f})" if pd.notna(phi) else "")
                + f", {below_above}; before adjustment "
                f"{_count(before, 'LA')} lay below and {_count(before_high, 'LA')} above."
            )
        else:
            text += (
                f"{around} (the LAs vary no more than chance would give, so the limits are "
                f"not adjusted), {below_above}."
            )
    hidden = len(las) - len(shown)
    if hidden:
        text += f" {_cap(_count(hidden, 'LA'))} not shown because of small numbers."
    title = f"{label}: spread across LAs"
    return Finding(fid, section, title, text, ["TAB-METRICS"], figures)


def _adjusted(tables: Tables, ctx: Context, metrics: list[str], fid: str) -> Finding:
    """Over-dispersion in plain words, then each metric's phi and how many LAs lie outside
    the 99.8% limits the funnel uses, beside the count before adjustment."""
    het = tables["heterogeneity"]
    het = het[(het["period"].astype(str) == ctx.year) & het["metric"].isin(metrics)]
    parts = []
    for row in het.sort_values("metric").itertuples():
        label = definitions()[row.metric]["label"].lower()
        before, after = int(row.outside_998), int(row.outside_998_adjusted)
        if str(getattr(row, "funnel_limits", "adjusted")) == "adjusted":
            parts.append(
                f"{label}: φ = {float(row.phi):.1f}, so the limits are adjusted; "
                f"{_count(after, 'LA')} outside the 99.8% limits after adjustment, "
                f"{_count(before, 'LA')} before"
            )
        else:
            parts.append(
                f"{label}: φ = {float(row.phi):.1f}, no more than chance, so the limits are "
                f"not adjusted; {_count(before, 'LA')} outside the 99.8% limits"
            )
    comparators = {str(c) for c in het.get("comparator", pd.Series(dtype=str)).dropna()}
    centre = (
        "the median of the LAs' values"
        if comparators == {"la_median"}
        else "the regional value"
        if comparators == {"region"}
        else "each funnel's centre line"
    )
    lead = (
        "φ (phi) measures how much more the LAs differ from one another than chance alone "
        "would make them differ: about 1 means chance explains the spread, 20 means twenty "
        "times the variation chance gives. Where φ is above what chance gives "
        "(over-dispersion), Spiegelhalter's adjustment widens the funnel limits around "
        f"{centre} so that an LA is flagged only when it stands out from the spread the LAs "
        "really show; the flags, figures and findings use the adjusted limits there. "
    )
    text = (
        lead + _cap("; ".join(parts)) + "."
        if parts
        else "The heterogeneity statistics are not available."
    )
    title = "How much of the variation is more than chance"
    return Finding(fid, "supervision", title, text, ["TAB-HETEROGENEITY"])


def _region_value(tables: Tables, ctx: Context, metric: str) -> float:
    return float(_year_rows(tables, ctx, metric)[1].get("value", np.nan))


def _sessions(tables: Tables, ctx: Context) -> Finding:
    ratio = _region_value(tables, ctx, "sessions_held_vs_due")
    cancelled = _region_value(tables, ctx, "supervision_cancelled")
    long = _region_value(tables, ctx, "supervision_90min_plus")
    held = "not available" if pd.isna(ratio) else f"{ratio:.2f}"
    text = (
        f"Across the region, {held} personal supervisions were held for every session the "
        f"LAs' own policies made due in {ctx.year}; {pct(cancelled, 1)} of scheduled sessions "
        f"were cancelled and {pct(long)} of those held lasted 90 minutes or more. Supervision "
        "is happening: the question is what is recorded from it."
    )
    return Finding(
        "F-SUP-03", "supervision", "Sessions held, cancelled and long", text, ["TAB-METRICS"]
    )


def _trend(tables: Tables, ctx: Context) -> Finding:
    change = tables["oversight_change"]
    row = change[
        (change["la_code"] == ctx.region_code) & (change["metric"] == "child_oversight_28d")
    ]
    if row.empty or SYMBOL in row.iloc[0].astype(str).tolist():
        text = "The change over the year in child-level oversight is not available."
    else:
        r = as_numbers(row, ["value_from", "value_to", "difference", "lower95", "upper95"]).iloc[0]
        steady = r["lower95"] <= 0 <= r["upper95"]
        unknown = pd.isna(r["lower95"]) or pd.isna(r["upper95"])
        interval = (
            "no interval could be estimated"
            if unknown
            else f"95% interval {100 * r['lower95']:+.1f} to {100 * r['upper95']:+.1f}"
        )
        verdict = (
            "whether it is more than chance cannot be told."
            if unknown
            else "no real change over the year."
            if steady
            else "a change beyond chance."
        )
        text = (
            f"Children with management oversight within 28 days went from {pct(r['value_from'])} "
            f"in {r['from']} to {pct(r['value_to'])} in {r['to']} across the region (difference "
            f"{100 * r['difference']:+.1f} points, {interval}): " + verdict
        )
    figures = _figs(ctx, "FIG-TREND-child_oversight_28d")
    return Finding(
        "F-OVS-02", "oversight", "Oversight over the year", text, ["TAB-CHANGE"], figures
    )


def _model(tables: Tables, ctx: Context) -> Finding:
    model = as_numbers(tables["oversight_model"], ["odds_ratio", "lower95", "upper95", "p_value"])
    clear = model[(model["lower95"] > 1) | (model["upper95"] < 1)]
    parts = [
        f"{r.term} (odds ratio {r.odds_ratio:.2f}, 95% interval {r.lower95:.2f} to {r.upper95:.2f})"
        for r in clear.itertuples()
    ]
    text = (
        "Within LAs, whether a child had oversight within 28 days was associated with "
        + "; ".join(parts)
        + "."
        if parts
        else "Within LAs, neither the child's legal status, the team type nor the worker's "
        "caseload was clearly associated with whether a child had oversight within 28 days "
        "(every 95% interval of the odds ratios includes 1; standard errors clustered by LA)."
    )
    return Finding(
        "F-OVS-03", "oversight", "What goes with oversight on a child's file", text, ["TAB-MODEL"]
    )


def _rationale(tables: Tables, ctx: Context) -> Finding:
    share = _region_value(tables, ctx, "oversight_rationale")
    text = (
        f"{pct(share)} of oversight entries on children's files recorded a rationale for the "
        f"decision in {ctx.year}: the rest record that oversight happened, not why."
    )
    return Finding("F-OVS-04", "oversight", "Rationale on the file", text, ["TAB-METRICS"])


def _audits(tables: Tables, ctx: Context) -> Finding:
    down = _region_value(tables, ctx, "moderation_downgraded")
    kappa = _region_value(tables, ctx, "moderation_kappa")
    text = (
        f"{pct(down)} of audit grades were moved down at moderation, and agreement between "
        # The band follows the value as printed (0.8049 prints 0.80: substantial).
        f"auditor and moderator was weighted κ = {kappa:.2f} "
        f"({agreement_band(round(kappa, 2))} "
        "agreement on the Landis and Koch scale)."
    )
    before = _region_value(tables, ctx, "audit_mo_good")
    after = _region_value(tables, ctx, "audit_mo_good_moderated")
    if pd.notna(before) and pd.notna(after):
        # F-AUD-01 compares LAs on the auditors' own grades (every audit has one); the
        # moderated grades say how far those overstate or understate.
        text += (
            f" Across the region {pct(before)} of audits graded management oversight good or "
            f"better on the auditors' own grades, and {pct(after)} on the final grades after "
            "moderation: read the LA comparison in F-AUD-01 as auditors' grades, before "
            "moderation."
        )
    figures = _figs(ctx, "FIG-GRADES-audits")
    return Finding(
        "F-AUD-02", "audits", "Audit grades and moderation", text, ["TAB-METRICS"], figures
    )


def agreement_band(kappa: float) -> str:
    """Landis & Koch (1977) benchmarks for κ."""
    if pd.isna(kappa):
        return "unknown"
    for upper, band in (
        (0, "poor"),
        (0.2, "slight"),
        (0.4, "fair"),
        (0.6, "moderate"),
        (0.8, "substantial"),
    ):
        if kappa <= upper:
            return band
    return "almost perfect"


def _focus_groups(tables: Tables, ctx: Context) -> Finding:
    """F-FG-01: the focus-group themes, with the groups and LAs behind each
    (oversight.report.findings_focus)."""
    return findings_focus.focus_overview(tables, ctx)


def _set_aside(tables: Tables, read: int) -> str:
    """The sentence on inspection reports the parser set aside: how many, of how many."""
    n = len(tables["ofsted_set_aside"])
    if n == 0:
        return f" All {read} inspection reports supplied were read; none was set aside."
    return (
        f" {n} of the {read + n} inspection reports supplied could not be read and "
        f"{'was' if n == 1 else 'were'} set aside, each with what the parser could not find "
        "(TAB-OFSTED-SET-ASIDE); the counts above are of the reports read."
    )


def _inspectors(tables: Tables, ctx: Context) -> Finding:
    ins = as_numbers(tables["inspectors_oversight"], ["reports", "raising", "share"])
    parts = [f"{int(r.raising)} of {int(r.reports)} rated {r.overall}" for r in ins.itertuples()]
    # Rows run from the best judgement to the worst: is the share rising down the scale?
    rising = bool(len(ins) > 1 and ins["share"].is_monotonic_increasing)
    lead = (
        "more often the lower the judgement"
        if rising
        else "with no steady pattern across the judgements"
    )
    text = (
        "Inspection reports raise management oversight or supervision among the areas for "
        f"improvement {lead}: " + "; ".join(parts) + ". Only the oversight and supervision of "
        "social work count: the supervision of foster carers, a corporate parenting board's "
        "oversight and the oversight of budgets or commissioned services do not."
    ) + _set_aside(tables, int(ins["reports"].sum()))
    return Finding(
        "F-INS-01",
        "inspectors",
        "What inspectors asked to improve",
        text,
        ["TAB-INSPECTORS", "TAB-INSPECTORS-QUOTES", "TAB-OFSTED-IMPROVE", "TAB-OFSTED-SET-ASIDE"],
    )


def _published(tables: Tables, ctx: Context) -> Finding:
    kpis = as_numbers(tables["kpis"], ["value", "england"])
    rr = kpis[kpis["indicator"] == "rereferral_rate"].dropna(subset=["value"])
    if rr.empty:
        text = "The published re-referral rates are not available."
    else:
        latest = rr[rr["period"].astype(str) == rr["period"].astype(str).max()]
        eng = latest["england"].dropna()
        text = (
            f"In the latest DfE release ({latest['period'].iloc[0]}), re-referral rates within "
            f"12 months ranged from {pct(latest['value'].min())} to {pct(latest['value'].max())} "
            f"across the {len(latest)} LAs (England "
            f"{pct(eng.iloc[0]) if len(eng) else 'not available'}). "
            f"With {len(latest)} areas, no association between these indicators and oversight "
            "can be established; the link figures show them side by side."
        )
    figures = sorted(i for i in ctx.figures if i.startswith("FIG-LINK-"))
    return Finding(
        "F-PUB-01", "published", "Published indicators", text, ["TAB-KPIS", "TAB-OFSTED"], figures
    )


def _data(tables: Tables, ctx: Context) -> Finding:
    data = as_numbers(
        tables["data_received"],
        ["rows_received", "rows_loaded", "rows_rejected", "las", "share_loaded"],
    )
    # Each dataset's share loaded is a published cell; the lowest and highest are quoted.
    low = data.loc[data["share_loaded"].idxmin()]
    high = data.loc[data["share_loaded"].idxmax()]
    text = (
        f"{int(data['las'].max())} LAs sent {len(data)} datasets: "
        f"{int(data['rows_received'].sum()):,} rows in all. Between "
        f"{pct(low['share_loaded'], 2)} ({low['dataset']}) and {pct(high['share_loaded'], 2)} "
        f"({high['dataset']}) of each dataset's rows loaded. Every rejected row is listed with "
        "its reason on the LA's data-quality page."
    )
    return Finding("F-DATA-01", "data", "Data received and its quality", text, ["TAB-DATA"])


# Every finding's builder, in report order. The builders of the other findings modules are
# called through lambdas: those modules import this one for its types, so while it loads their
# functions may not exist yet.
BUILDERS: list[Callable[[Tables, Context], Finding]] = [
    _data,
    lambda t, c: findings_exclusions.exclusions_finding(t, c),
    lambda t, c: _spread(t, c, "staff_supervision_28d", "F-SUP-01", "supervision"),
    lambda t, c: _adjusted(t, c, ["staff_supervision_28d", "child_oversight_28d"], "F-SUP-02"),
    _sessions,
    lambda t, c: _spread(t, c, "child_oversight_28d", "F-OVS-01", "oversight"),
    _trend,
    _model,
    _rationale,
    lambda t, c: _spread(t, c, "audit_mo_good", "F-AUD-01", "audits"),
    _audits,
    lambda t, c: findings_survey.survey_response(t, c),
    lambda t, c: findings_survey.survey_roles(t, c),
    _focus_groups,
    # One finding per focus-group theme (findings_focus.THEMES says which).
    *(
        (lambda t, c, fid=fid: findings_focus.theme_finding(t, c, fid))
        for fid in (
            "F-FG-02",
            "F-FG-03",
            "F-FG-04",
            "F-FG-05",
            "F-FG-06",
            "F-FG-07",
            "F-FG-08",
            "F-FG-09",
        )
    ),
    _inspectors,
    _published,
    # The network's questions (config/network.yaml says which KPI each ID is).
    *(
        (lambda t, c, fid=fid: findings_network.network_finding(t, c, fid))
        for fid in ("F-NET-01", "F-NET-02", "F-NET-03", "F-NET-04", "F-NET-05")
    ),
    *((lambda t, c, n=n: findings_impact.hypothesis_finding(t, c, n)) for n in range(1, 6)),
    lambda t, c: findings_impact.impact_finding(t, c, "part1_family_reflection", "F-IMP-01"),
    lambda t, c: findings_impact.impact_finding(t, c, "child_oversight_28d", "F-IMP-02"),
    lambda t, c: findings_impact.impact_finding(t, c, "part2_practitioner_reflection", "F-IMP-03"),
    lambda t, c: findings_impact.impact_finding(t, c, "audit_mo_good", "F-IMP-04"),
]


def findings(tables: Tables, ctx: Context) -> list[Finding]:
    """Every finding, in report order; each names the LAs it leaves out as unreliable."""
    out = [findings_exclusions.with_left_out(build(tables, ctx), tables, ctx) for build in BUILDERS]
    ids = [f.id for f in out]
    assert len(ids) == len(set(ids)), "finding IDs must be unique"
    return out
