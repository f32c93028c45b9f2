"""Unit-level model of child-level oversight: which children miss out, across the region.

A logistic regression (statsmodels GLM, binomial family) of "oversight entry within the
window" on legal status, team type and the allocated worker's caseload, with standard errors
clustered by LA (children within an LA share its practice, so they are not independent).
Reported as odds ratios with 95% intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

FORMULA = (
    "within_window ~ C(legal_status, Treatment('CIN')) + "
    "C(team_type, Treatment('cin_cp')) + caseload_per_5"
)
# The model's categorical covariates.
CATEGORIES = ("legal_status", "team_type")
MODEL_COLUMNS = ["term", "odds_ratio", "lower95", "upper95", "p_value", "children", "las"]


def _term_label(name: str) -> str:
    """'C(legal_status, Treatment('CIN'))[T.CP]' -> 'legal_status: CP (vs CIN)'."""
    if name.startswith("C("):
        var = name[2 : name.index(",")]
        ref = name[name.index("Treatment('") + 11 : name.index("')")]
        level = name[name.index("[T.") + 3 : -1]
        return f"{var}: {level} (vs {ref})"
    if name == "caseload_per_5":
        return "worker caseload: per 5 more children"
    return name


def oversight_model(units: pd.DataFrame, formula: str = FORMULA) -> pd.DataFrame:
    """Odds ratios from the clustered logistic model; ``units`` has one row per open child
    with ``la_code, within_window, legal_status, team_type, worker_caseload``."""
    data = units.dropna(subset=["worker_caseload"]).copy()
    data["caseload_per_5"] = data["worker_caseload"] / 5.0
    for col in (c for c in CATEGORIES if c in data):
        # As categories in sorted order (the order patsy gives text levels), so that patsy
        # reads the column's codes instead of testing each value for missingness.
        data[col] = pd.Categorical(data[col], categories=sorted(data[col].dropna().unique()))
    groups = pd.factorize(data["la_code"], sort=True)[0]
    fit = smf.glm(formula, data=data, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    ci = fit.conf_int()
    rows = []
    for name in fit.params.index:
        if name == "Intercept":
            continue
        rows.append(
            {
                "term": _term_label(name),
                "odds_ratio": np.exp(fit.params[name]),
                "lower95": np.exp(ci.loc[name, 0]),
                "upper95": np.exp(ci.loc[name, 1]),
                "p_value": fit.pvalues[name],
                "children": int(fit.nobs),
                "las": len(np.unique(groups)),
            }
        )
    out = pd.DataFrame(rows, columns=MODEL_COLUMNS)
    for col in ("odds_ratio", "lower95", "upper95"):
        out[col] = out[col].round(6)
    return out
