"""The regional distribution of auditor grades by audit domain, as stacked bars."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from oversight.figures.ids import GRADES_ID
from oversight.figures.style import (
    OKABE_ITO,
    FigureSpec,
    fig_title,
    new_figure,
    pct,
    style_axes,
    styled,
    text,
    texts,
)
from oversight.figures.table import is_region, select_rows

GRADE_COLOURS = {
    1: OKABE_ITO["vermillion"],
    2: OKABE_ITO["orange"],
    3: OKABE_ITO["sky_blue"],
    4: OKABE_ITO["blue"],
}
GRADE_HATCHES = {1: "xxx", 2: "///", 3: "...", 4: "\\\\\\"}


def grade_names() -> dict[int, str]:
    """Auditor grade 1-4 and its name (figure_text.yaml)."""
    return dict(texts()["grades"]["names"])


def domain_name(domain: str) -> str:
    """An audit domain's display name."""
    return texts()["grades"]["domains"].get(domain, domain.replace("_", " ").capitalize())


@dataclass(frozen=True)
class GradesData:
    """Each domain's share of audits by grade (columns 1-4), lowest share good or
    outstanding first; that share, and the audits per domain."""

    period: str
    share: pd.DataFrame
    good: pd.Series
    audits: pd.Series


def prepare_grades(table: pd.DataFrame, period: str) -> GradesData:
    """The region's rows of ``audit_grade_share`` (breakdowns 'domain=<d>;grade=<g>') in
    ``period``; raises ValueError when there is none."""
    rows = select_rows(table, "audit_grade_share", period, breakdown=None)
    rows = rows[is_region(rows["la_code"])]
    parsed = rows["breakdown"].str.extract(r"^domain=(?P<domain>[^;]+);grade=(?P<grade>\d)$")
    rows = rows.assign(domain=parsed["domain"], grade=pd.to_numeric(parsed["grade"]))
    rows = rows.dropna(subset=["domain", "grade"])
    if rows.empty:
        raise ValueError(f"no regional audit_grade_share rows in period {period!r}")
    share = (
        rows.pivot_table(index="domain", columns="grade", values="value", aggfunc="first")
        .reindex(columns=list(grade_names()))
        .fillna(0.0)
    )
    good = share[3] + share[4]
    order = (
        pd.DataFrame({"good": good, "name": [domain_name(d) for d in share.index]})
        .sort_values(["good", "name"], ascending=[True, False])
        .index
    )
    audits = rows.groupby("domain")["denominator"].max()
    return GradesData(period, share.loc[order], good.loc[order], audits)


def _draw_bars(ax, share: pd.DataFrame) -> None:
    """The stacked bars, each grade coloured and hatched, labelled when wide enough."""
    left = np.zeros(len(share))
    ypos = np.arange(len(share))
    for grade, name in grade_names().items():
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
    ax.set_yticks(ypos, [domain_name(d) for d in share.index])


def draw_grades(data: GradesData) -> Figure:
    """Horizontal stacked bars of the grade shares, hatched as well as coloured."""
    fig = new_figure(1.6 + 0.38 * len(data.share))
    ax = fig.add_subplot()
    style_axes(ax)
    _draw_bars(ax, data.share)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("Share of audits in the domain")
    fig_title(fig, f"Auditor grades by audit domain, all LAs in the region, {data.period}")
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
            for g, n in grade_names().items()
        ],
    )
    return fig


def _audits_text(audits: pd.Series) -> str:
    """How many audits each domain holds, as one number or a range."""
    counts = sorted({int(n) for n in audits.dropna()})
    if len(counts) == 1:
        return text("grades", "audits_one", n=counts[0])
    return text("grades", "audits_range", low=counts[0], high=counts[-1])


def describe_grades(data: GradesData) -> FigureSpec:
    """The grade chart's ID, caption and alt text (templates in figure_text.yaml)."""
    share, good, audits = data.share, data.good, _audits_text(data.audits)
    lo_d, hi_d = good.idxmin(), good.idxmax()
    parts = [
        text("grades", "alt_opening", period=data.period, n=len(share), audits=audits),
        text(
            "grades",
            "alt_range",
            low=pct(good[lo_d]),
            low_domain=domain_name(lo_d).lower(),
            high=pct(good[hi_d]),
            high_domain=domain_name(hi_d).lower(),
        ),
    ]
    if "management_oversight" in share.index:
        mo = share.loc["management_oversight"]
        shares = ", ".join(f"{pct(mo[g])} {n.lower()}" for g, n in grade_names().items())
        parts.append(text("grades", "alt_oversight", shares=shares))
    caption = text("grades", "caption", period=data.period, audits=audits)
    return FigureSpec(GRADES_ID, caption, "; ".join(parts) + ".")


@styled
def grade_distribution(
    table: pd.DataFrame, period: str, names: Mapping[str, str] | None = None
) -> tuple[Figure, FigureSpec]:
    """Regional share of auditor grades 1-4 by domain (metric 'audit_grade_share') as
    horizontal stacked bars, hatched as well as coloured: prepared (:func:`prepare_grades`),
    drawn (:func:`draw_grades`) and described (:func:`describe_grades`). ``names`` is not
    used (region-level only: accepted for a uniform signature)."""
    del names
    data = prepare_grades(table, period)
    return draw_grades(data), describe_grades(data)
