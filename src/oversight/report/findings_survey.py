"""The survey findings: who answered and how reliable the scales are (F-SUR-01), and how
managers' answers differ from practitioners' (F-SUR-02)."""

from __future__ import annotations

from oversight.disclosure.readback import SYMBOL, as_numbers

# Imported whole: the findings module lists these builders and they use its types.
from oversight.report import findings as fnd


def survey_response(tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
    resp = as_numbers(tables["survey_responses"], ["respondents", "eligible", "response_rate"])
    alpha = as_numbers(tables["survey_alpha"], ["alpha"]).dropna(subset=["alpha"])
    shown = resp.dropna(subset=["response_rate"])
    # Suppressed LAs' respondents are not in the published table: their sum is a lower bound.
    hidden = (tables["survey_responses"]["respondents"].astype(str) == SYMBOL).any()
    total = f"{'At least ' if hidden else ''}{int(resp['respondents'].sum()):,}"
    text = (
        f"{total} staff answered the survey; response rates ranged "
        f"from {fnd.pct(shown['response_rate'].min())} to {fnd.pct(shown['response_rate'].max())} "
        f"across the LAs whose figures can be shown. The multi-item scales were internally "
        f"consistent (Cronbach's α {alpha['alpha'].min():.2f} to {alpha['alpha'].max():.2f})."
        if len(shown) and len(alpha)
        else "The survey response figures are not available."
    )
    figures = fnd._figs(ctx, "FIG-SURVEY-diverging")
    return fnd.Finding(
        "F-SUR-01",
        "survey",
        "Who answered, and are the scales reliable",
        text,
        ["TAB-SURVEY-RESPONSES", "TAB-SURVEY-ALPHA"],
        figures,
    )


def survey_roles(tables: fnd.Tables, ctx: fnd.Context) -> fnd.Finding:
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
    return fnd.Finding(
        "F-SUR-02", "survey", "Managers and practitioners", text, ["TAB-SURVEY-ROLES"]
    )
