"""The regional distribution of auditor grades by audit domain, as stacked bars."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from oversight.figures.style import (
    OKABE_ITO,
    FigureSpec,
    fig_title,
    new_figure,
    pct,
    style_axes,
    styled,
)
from oversight.figures.table import is_region, select_rows

GRADE_NAMES = {1: "Inadequate", 2: "Requires improvement", 3: "Good", 4: "Outstanding"}
GRADE_COLOURS = {
    1: OKABE_ITO["vermillion"],
    2: OKABE_ITO["orange"],
    3: OKABE_ITO["sky_blue"],
    4: OKABE_ITO["blue"],
}


GRADE_HATCHES = {1: "xxx", 2: "///", 3: "...", 4: "\\\\\\"}
DOMAIN_NAMES = {"voice_of_child": "Voice of the child"}


def _domain(domain: str) -> str:
    return DOMAIN_NAMES.get(domain, domain.replace("_", " ").capitalize())


@styled
def grade_distribution(
    table: pd.DataFrame, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Regional share of auditor grades 1-4 by domain (metric 'audit_grade_share') as
    horizontal stacked bars, hatched as well as coloured. ``names`` is not used."""
    del names  # region-level only: accepted for a uniform signature
    rows = select_rows(table, "audit_grade_share", period, breakdown=None)
    rows = rows[is_region(rows["la_code"])]
    parsed = rows["breakdown"].str.extract(r"^domain=(?P<domain>[^;]+);grade=(?P<grade>\d)$")
    rows = rows.assign(domain=parsed["domain"], grade=pd.to_numeric(parsed["grade"]))
    rows = rows.dropna(subset=["domain", "grade"])
    if rows.empty:
        raise ValueError(f"no regional audit_grade_share rows in period {period!r}")
    share = (
        rows.pivot_table(index="domain", columns="grade", values="value", aggfunc="first")
        .reindex(columns=list(GRADE_NAMES))
        .fillna(0.0)
    )
    audits = rows.groupby("domain")["denominator"].max()
    good = share[3] + share[4]
    order = (
        pd.DataFrame({"good": good, "name": [_domain(d) for d in share.index]})
        .sort_values(["good", "name"], ascending=[True, False])
        .index
    )
    share, good = share.loc[order], good.loc[order]
    labels = [_domain(d) for d in share.index]

    fig = new_figure(1.6 + 0.38 * len(share))
    ax = fig.add_subplot()
    style_axes(ax)
    left = np.zeros(len(share))
    ypos = np.arange(len(share))
    for grade, name in GRADE_NAMES.items():
        width = 100 * share[grade].to_numpy(float)
        bars = ax.barh(
            ypos,
            width,
            left=left,
            height=0.7,
            color=GRADE_COLOURS[grade],
            edgecolor=OKABE_ITO["black"],
            linewidth=0.5,
            hatch=GRADE_HATCHES[grade],
            label=f"{grade} {name}",
            gid=f"grade-{grade}",
        )
        ax.bar_label(
            bars,
            labels=[f"{w:.0f}%" if w >= 6 else "" for w in width],
            label_type="center",
            fontsize=6.5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        left += width
    ax.set_yticks(ypos, labels)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Share of audits in the domain")
    fig_title(fig, f"Auditor grades by audit domain, all LAs in the region, {period}")
    fig.legend(
        loc="outside lower center",
        ncols=4,
        frameon=False,
        handles=[
            Patch(
                facecolor=GRADE_COLOURS[g],
                edgecolor=OKABE_ITO["black"],
                linewidth=0.5,
                hatch=GRADE_HATCHES[g],
                label=f"{g} {n}",
            )
            for g, n in GRADE_NAMES.items()
        ],
    )

    counts = sorted({int(n) for n in audits.dropna()})
    n_text = (
        f"{counts[0]:,} audits in each domain"
        if len(counts) == 1
        else f"{counts[0]:,} to {counts[-1]:,} audits per domain"
    )
    lo_d, hi_d = good.idxmin(), good.idxmax()
    parts = [
        f"Stacked bar chart of auditor grades by domain across the region in {period} "
        f"for {len(share)} domains ({n_text})",
        f"good or outstanding ranged from {pct(good[lo_d])} ({_domain(lo_d).lower()}) "
        f"to {pct(good[hi_d])} ({_domain(hi_d).lower()})",
    ]
    if "management_oversight" in share.index:
        mo = share.loc["management_oversight"]
        parts.append(
            "management oversight: "
            + ", ".join(f"{pct(mo[g])} {GRADE_NAMES[g].lower()}" for g in GRADE_NAMES)
        )
    alt = "; ".join(parts) + "."
    caption = (
        f"Share of auditor grades (1 inadequate to 4 outstanding) in each audit domain, "
        f"all LAs in the region combined, {period}; {n_text}. Domains are ordered by the "
        "share graded good or outstanding. Grades before moderation."
    )
    return fig, FigureSpec("FIG-GRADES-audits", caption, alt)
