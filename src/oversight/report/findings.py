"""Findings with stable IDs, written from the published tables.

Each finding has an ID that never changes meaning (``F-SUP-01`` is always the spread of
staff-level supervision compliance), a section, one or two sentences generated from the
numbers, and the IDs of the tables and figures behind it. Findings read only the published
tables, so nothing in their text can show a number that disclosure control hid. Where the
data for a finding are missing, its text says so rather than the finding disappearing: the
recommendations cite findings by ID and the citation check must still hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from oversight.compare.metrics import definitions
from oversight.disclosure.publish import METRIC_NUMBERS, as_numbers
from oversight.disclosure.suppress import SYMBOL
from oversight.quality.exclusions import analyses
from oversight.report import findings_focus, findings_network

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
    figures = _figs(ctx, f"FIG-FUNNEL-{metric}", f"FIG-RANK-{metric}")
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
    text = (
        f"Across the region, {ratio:.2f} personal supervisions were held for every session the "
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
        text = (
            f"Children with management oversight within 28 days went from {pct(r['value_from'])} "
            f"in {r['from']} to {pct(r['value_to'])} in {r['to']} across the region (difference "
            f"{100 * r['difference']:+.1f} points, 95% interval {100 * r['lower95']:+.1f} to "
            f"{100 * r['upper95']:+.1f}): "
            + ("no real change over the year." if steady else "a change beyond chance.")
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


def _survey_response(tables: Tables, ctx: Context) -> Finding:
    resp = as_numbers(tables["survey_responses"], ["respondents", "eligible", "response_rate"])
    alpha = as_numbers(tables["survey_alpha"], ["alpha"]).dropna(subset=["alpha"])
    shown = resp.dropna(subset=["response_rate"])
    # Suppressed LAs' respondents are not in the published table: their sum is a lower bound.
    hidden = (tables["survey_responses"]["respondents"].astype(str) == SYMBOL).any()
    total = f"{'At least ' if hidden else ''}{int(resp['respondents'].sum()):,}"
    text = (
        f"{total} staff answered the survey; response rates ranged "
        f"from {pct(shown['response_rate'].min())} to {pct(shown['response_rate'].max())} "
        f"across the LAs whose figures can be shown. The multi-item scales were internally "
        f"consistent (Cronbach's α {alpha['alpha'].min():.2f} to {alpha['alpha'].max():.2f})."
        if len(shown) and len(alpha)
        else "The survey response figures are not available."
    )
    figures = _figs(ctx, "FIG-SURVEY-diverging")
    return Finding(
        "F-SUR-01",
        "survey",
        "Who answered, and are the scales reliable",
        text,
        ["TAB-SURVEY-RESPONSES", "TAB-SURVEY-ALPHA"],
        figures,
    )


def _survey_roles(tables: Tables, ctx: Context) -> Finding:
    roles = as_numbers(tables["survey_roles"], ["odds_ratio", "ci_lower", "ci_upper"]).dropna(
        subset=["odds_ratio"]
    )
    clear = roles[(roles["ci_lower"] > 1) | (roles["ci_upper"] < 1)]
    parts = [
        f"{r.construct.replace('_', ' ')} (odds ratio {r.odds_ratio:.2f}, "
        f"{r.ci_lower:.2f} to {r.ci_upper:.2f})"
        for r in clear.itertuples()
    ]
    higher = [p for p, r in zip(parts, clear.itertuples(), strict=True) if r.odds_ratio > 1]
    lower = [p for p, r in zip(parts, clear.itertuples(), strict=True) if r.odds_ratio < 1]
    said = []
    if higher:
        said.append("Managers answered more favourably than practitioners on " + "; ".join(higher))
    if lower:
        said.append("less favourably on " + "; ".join(lower))
    text = (
        ", and ".join(said) + "; on the other constructs the two groups did not clearly differ."
        if said
        else "Managers and practitioners did not clearly differ on any construct."
    )
    return Finding("F-SUR-02", "survey", "Managers and practitioners", text, ["TAB-SURVEY-ROLES"])


def _focus_groups(tables: Tables, ctx: Context) -> Finding:
    """F-FG-01: the focus-group themes, with the groups and LAs behind each
    (oversight.report.findings_focus)."""
    return findings_focus.focus_overview(tables, ctx)


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
    )
    return Finding(
        "F-INS-01",
        "inspectors",
        "What inspectors asked to improve",
        text,
        ["TAB-INSPECTORS", "TAB-INSPECTORS-QUOTES", "TAB-OFSTED-IMPROVE"],
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


def _left_out_table(tables: Tables) -> pd.DataFrame:
    """The published list of unreliable LA datasets (empty when there is none)."""
    frame = tables.get("data_exclusions")
    if frame is None:
        return pd.DataFrame(columns=["la_code", "dataset", "reason", "left_out_of"])
    return frame


def _exclusions(tables: Tables, ctx: Context) -> Finding:
    """Which LAs' datasets were left out of the comparisons as unreliable, and why."""
    table = _left_out_table(tables)
    limits = f" had {ctx.limits}" if ctx.limits else " was above the study's limits"
    if table.empty:
        text = (
            f"No LA's dataset{limits}, so every dataset entered the comparisons and the "
            "region's totals."
        )
    else:
        parts = [
            f"{ctx.names.get(r.la_code, r.la_code)}'s {r.dataset} data ({r.reason}), left out "
            f"of {r.left_out_of}"
            for r in table.sort_values(["la_code", "dataset"]).itertuples()
        ]
        text = (
            f"{_cap(_count(len(table), 'LA dataset'))} "
            f"{'was' if len(table) == 1 else 'were'} judged unreliable and left out of the "
            "comparisons, the region's totals and every finding about the LA: "
            + "; ".join(parts)
            + ". Their LAs' data-quality pages show the rows concerned."
        )
    return Finding("F-DATA-02", "data", "Datasets left out as unreliable", text, ["TAB-EXCLUSIONS"])


def _datasets(*metrics: str) -> frozenset[str]:
    """The LA datasets the metrics are computed from (metrics.yaml)."""
    return frozenset(d for m in metrics for d in definitions()[m]["datasets"])


def _analysis(name: str) -> frozenset[str]:
    return frozenset(analyses()[name]["datasets"])


# The LA datasets each finding rests on: an LA whose dataset among them was left out as
# unreliable is named in the finding, which says the region's figures exclude it.
RESTS_ON: dict[str, Callable[[], frozenset[str]]] = {
    "F-SUP-01": lambda: _datasets("staff_supervision_28d"),
    "F-SUP-02": lambda: _datasets("staff_supervision_28d", "child_oversight_28d"),
    "F-SUP-03": lambda: _datasets(
        "sessions_held_vs_due", "supervision_cancelled", "supervision_90min_plus"
    ),
    "F-OVS-01": lambda: _datasets("child_oversight_28d"),
    "F-OVS-02": lambda: _datasets("child_oversight_28d"),
    "F-OVS-03": lambda: _analysis("model"),
    "F-OVS-04": lambda: _datasets("oversight_rationale"),
    "F-AUD-01": lambda: _datasets("audit_mo_good"),
    "F-AUD-02": lambda: _datasets("moderation_downgraded", "moderation_kappa"),
    "F-SUR-01": lambda: _analysis("survey") | _analysis("survey_rates"),
    "F-SUR-02": lambda: _analysis("survey"),
    "F-FG-01": lambda: frozenset({"transcripts"}),
    "F-HYP-01": lambda: frozenset({"supervision"}),
    "F-HYP-02": lambda: _analysis("survey"),
    "F-HYP-03": lambda: frozenset({"supervision"}),
    "F-HYP-04": lambda: frozenset({"transcripts"}),
    "F-HYP-05": lambda: frozenset({"supervision", "transcripts"}) | _analysis("survey"),
    "F-IMP-01": lambda: _datasets("part1_family_reflection"),
    "F-IMP-02": lambda: _datasets("child_oversight_28d"),
    "F-IMP-03": lambda: _datasets("part2_practitioner_reflection"),
    "F-IMP-04": lambda: _datasets("audit_mo_good"),
}


def left_out(tables: Tables, ctx: Context, datasets: Iterable[str]) -> str:
    """A sentence naming the LAs left out of a finding resting on ``datasets`` ('' if none)."""
    table = _left_out_table(tables)
    hit = table[table["dataset"].isin(list(datasets))]
    if hit.empty:
        return ""
    items = [
        f"{ctx.names.get(la, la)} ({', '.join(sorted(part['dataset']))} data)"
        for la, part in hit.groupby("la_code", sort=True)
    ]
    return (
        " Left out as unreliable, here and in the region's figures: "
        + _names_list(items)
        + " (F-DATA-02)."
    )


def _names_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _with_left_out(finding: Finding, tables: Tables, ctx: Context) -> Finding:
    """The finding, naming the LAs whose unreliable data it leaves out."""
    rests_on = RESTS_ON.get(finding.id)
    note = left_out(tables, ctx, rests_on()) if rests_on else ""
    if not note:
        return finding
    return replace(finding, text=finding.text + note, tables=[*finding.tables, "TAB-EXCLUSIONS"])


def _sure(lower: float, upper: float, pretrend_p: float) -> str:
    """How sure we are, in words, from the interval and the pre-trend test."""
    if lower > 0 or upper < 0:
        base = "the 95% interval does not include zero, so chance alone is an unlikely explanation"
    else:
        base = "the 95% interval includes no change, so this could be chance"
    if pd.notna(pretrend_p) and pretrend_p < 0.05:
        base += (
            "; adopters and comparison LAs were already moving apart before adoption, "
            "so treat it with caution"
        )
    return base


def _impact_excluded(excluded: Any, ctx: Context) -> str:
    """The LAs left out of the difference-in-differences for an outcome, and why, so the
    counts of adopting and comparison LAs add up to the study's LAs."""
    codes = [c for c in str(excluded or "").split(";") if c and c != "nan"]
    if not codes:
        return ""
    verb = "was" if len(codes) == 1 else "were"
    return (
        f" {_names(codes, ctx)} {verb} left out of the difference-in-differences for this "
        "outcome because at least one month had nothing to count (its panel must have every "
        "month)."
    )


def _impact(metric: str, fid: str) -> Callable[[Tables, Context], Finding]:
    def build(tables: Tables, ctx: Context) -> Finding:
        label = definitions()[metric]["label"]
        did = tables.get("impact_did")
        its = tables.get("impact_its")
        figures = _figs(ctx, f"FIG-IMPACT-EVENT-{metric}", f"FIG-IMPACT-ITS-{metric}")
        row = None if did is None else did[did["metric"] == metric]
        if row is None or row.empty:
            text = f"{label}: the impact estimates are not available."
            return Finding(fid, "impact", f"Impact on: {label}", text, ["TAB-IMPACT-DID"], figures)
        r = as_numbers(
            row, ["att", "lower", "upper", "pretrend_p", "twfe", "las_treated", "las_comparison"]
        ).iloc[0]
        its_rows = as_numbers(its[its["metric"] == metric], ["level_lower", "level_upper"])
        adopters = its_rows[its_rows["adopted"].astype(str) == "True"].dropna(
            subset=["level_lower"]
        )
        placebo = its_rows[its_rows["placebo"].astype(str) == "True"].dropna(subset=["level_lower"])
        up = int((adopters["level_lower"] > 1).sum())
        alarms = int(((placebo["level_lower"] > 1) | (placebo["level_upper"] < 1)).sum())
        direction = "rose" if r["att"] > 0 else "fell"
        text = (
            f"After adoption, {label.lower()} {direction} by {abs(100 * r['att']):.1f} "
            f"percentage points in the {int(r['las_treated'])} adopting LAs compared with the "
            f"{int(r['las_comparison'])} that did not adopt (95% interval "
            f"{100 * r['lower']:+.1f} to {100 * r['upper']:+.1f}); "
            f"{_sure(r['lower'], r['upper'], r['pretrend_p'])}. "
            f"Within LAs, {up} of {len(adopters)} adopters show a clear step up at adoption, "
            f"and {alarms} of {len(placebo)} comparison LAs, each modelled on its own, show a "
            "change at a month when nothing was introduced. The naive two-way fixed-effects "
            f"estimate is {100 * r['twfe']:+.1f} points."
            + _impact_excluded(row.iloc[0].get("excluded"), ctx)
        )
        return Finding(
            fid,
            "impact",
            f"Impact on: {label}",
            text,
            ["TAB-IMPACT-DID", "TAB-IMPACT-ITS", "TAB-IMPACT-EVENTS"],
            figures,
        )

    return build


def _hypothesis(number: int) -> Callable[[Tables, Context], Finding]:
    """F-HYP-0<number>, built by :mod:`oversight.report.findings_hypothesis` (imported when
    called: that module builds on this one's types)."""

    def build(tables: Tables, ctx: Context) -> Finding:
        from oversight.report.findings_hypothesis import BUILDERS as HYPOTHESIS

        return HYPOTHESIS[number - 1](tables, ctx)

    return build


BUILDERS: list[Callable[[Tables, Context], Finding]] = [
    _data,
    _exclusions,
    lambda t, c: _spread(t, c, "staff_supervision_28d", "F-SUP-01", "supervision"),
    lambda t, c: _adjusted(t, c, ["staff_supervision_28d", "child_oversight_28d"], "F-SUP-02"),
    _sessions,
    lambda t, c: _spread(t, c, "child_oversight_28d", "F-OVS-01", "oversight"),
    _trend,
    _model,
    _rationale,
    lambda t, c: _spread(t, c, "audit_mo_good", "F-AUD-01", "audits"),
    _audits,
    _survey_response,
    _survey_roles,
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
    *(_hypothesis(n) for n in range(1, 6)),
    _impact("part1_family_reflection", "F-IMP-01"),
    _impact("child_oversight_28d", "F-IMP-02"),
    _impact("part2_practitioner_reflection", "F-IMP-03"),
    _impact("audit_mo_good", "F-IMP-04"),
]


def findings(tables: Tables, ctx: Context) -> list[Finding]:
    """Every finding, in report order; each names the LAs it leaves out as unreliable."""
    out = [_with_left_out(build(tables, ctx), tables, ctx) for build in BUILDERS]
    ids = [f.id for f in out]
    assert len(ids) == len(set(ids)), "finding IDs must be unique"
    return out
