"""The staff survey figure: the share disagreeing, neutral and agreeing with each
statement, as a centred (diverging) stacked bar."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from oversight.figures.style import text
from oversight.survey.analysis import MIN_N, answers
from oversight.survey.instrument import Instrument

# Okabe-Ito colour-blind-safe colours; hatching repeats the distinction for greyscale print.
DIVERGING_STYLE = {
    "disagree": {"color": "#D55E00", "hatch": "///", "label": "Disagree / low"},
    "neutral": {"color": "#BBBBBB", "hatch": "", "label": "Neutral / middle"},
    "agree": {"color": "#0072B2", "hatch": "...", "label": "Agree / high"},
}


def diverging_data(
    long: pd.DataFrame,
    instrument: Instrument,
    items: Sequence[str] | None = None,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Share disagree / neutral / agree per item, laid out for a centred stacked bar.

    Answers are classed on the 0-1 scale **as worded** (reverse items are not flipped, so
    the bar shows agreement with the statement people read): below 0.5 ``disagree``, exactly
    0.5 ``neutral`` (only odd scales have one), above 0.5 ``agree``. For frequency and 0-10
    items read low / middle / high. ``left`` is where the bar starts so that the neutral
    share is centred on 0: ``-(disagree + neutral / 2)``. Items answered by fewer than
    ``min_n`` people are ``suppressed`` (shares missing).

    Columns: ``item_id, text, construct, reverse, n, disagree, neutral, agree, left,
    suppressed``, in instrument order.
    """
    scored = answers(long, instrument)
    ids = list(items) if items is not None else instrument.item_ids
    rows = []
    for item_id in ids:
        it = instrument.item(item_id)
        u = scored.loc[scored["item_id"] == item_id, "unit"].to_numpy(float)
        n = len(u)
        if n == 0:
            continue
        eps = 1e-9
        shares = {
            "disagree": float(np.mean(u < 0.5 - eps)),
            "neutral": float(np.mean(np.abs(u - 0.5) <= eps)),
            "agree": float(np.mean(u > 0.5 + eps)),
        }
        suppressed = n < min_n
        if suppressed:
            shares = dict.fromkeys(shares, np.nan)
        rows.append(
            {
                "item_id": item_id,
                "text": it.text,
                "construct": it.construct,
                "reverse": it.reverse,
                "n": n,
                **shares,
                "left": -(shares["disagree"] + shares["neutral"] / 2),
                "suppressed": suppressed,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "item_id",
            "text",
            "construct",
            "reverse",
            "n",
            "disagree",
            "neutral",
            "agree",
            "left",
            "suppressed",
        ],
    )


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


@dataclass(frozen=True)
class DivergingChart:
    """The statements shown (least agreed-with first: barh draws the first row at the
    bottom), the items left out as too few answered, and the respondents a statement."""

    shown: pd.DataFrame
    hidden: list[str]
    n_text: str


def prepare_diverging(data: pd.DataFrame) -> DivergingChart:
    """The rows of :func:`diverging_data` to draw, in drawing order."""
    shown = data.loc[~data["suppressed"]].sort_values(
        ["agree", "item_id"], ascending=[True, False], kind="stable"
    )
    hidden = data.loc[data["suppressed"], "item_id"].tolist()
    counts = shown["n"].astype(int)
    if len(counts) and counts.min() != counts.max():
        n_text = text("survey", "respondents_range", low=counts.min(), high=counts.max())
    else:
        n_text = text("survey", "respondents", n=counts.max() if len(counts) else 0)
    return DivergingChart(shown, hidden, n_text)


def _draw_bars(ax, shown: pd.DataFrame, wrap: int) -> None:
    """The centred stacked bars, one a statement, labelled with its text and n."""
    reverse = text("survey", "reverse")
    labels = [
        textwrap.fill(t + (reverse if r else ""), wrap) + f" (n = {n:,})"
        for t, r, n in zip(shown["text"], shown["reverse"], shown["n"], strict=True)
    ]
    y = np.arange(len(shown))
    left = shown["left"].to_numpy(float)
    for part in ("disagree", "neutral", "agree"):
        width = shown[part].to_numpy(float)
        style = DIVERGING_STYLE[part]
        ax.barh(
            y,
            width,
            left=left,
            color=style["color"],
            hatch=style["hatch"],
            edgecolor="white",
            linewidth=0.5,
            label=style["label"],
            height=0.7,
        )
        left = left + width
    ax.set_yticks(y, labels, fontsize=8)


def draw_diverging(chart: DivergingChart, title: str | None = None, wrap: int = 45) -> Figure:
    """Centred (diverging) stacked bars: disagree to the left of 0, agree to the right."""
    shown = chart.shown
    fig = Figure(figsize=(8.0, 1.5 + 0.45 * max(len(shown), 1)), layout="constrained")
    ax = fig.add_subplot()
    _draw_bars(ax, shown, wrap)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ticks = np.linspace(-1, 1, 9)
    ax.set_xticks(ticks, [_pct(abs(t)) for t in ticks])
    ax.set_xlabel("Share of respondents (disagree to the left, agree to the right)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncols=3, frameon=False)
    fig.suptitle(
        textwrap.fill(title or text("survey", "title", n_text=chart.n_text), 90),
        x=0.01,
        ha="left",
        fontsize=10,
    )
    return fig


def describe_diverging(chart: DivergingChart) -> tuple[str, str]:
    """The chart's caption and alt text (templates in figure_text.yaml)."""
    caption = text("survey", "caption", n_text=chart.n_text)
    if chart.hidden:
        caption += text("survey", "caption_hidden", min_n=MIN_N, items=", ".join(chart.hidden))
    top_down = chart.shown.iloc[::-1]
    summary = "; ".join(
        text("survey", "alt_item", text=t, agree=_pct(a), disagree=_pct(d), n=n)
        for t, a, d, n in zip(
            top_down["text"], top_down["agree"], top_down["disagree"], top_down["n"], strict=True
        )
    )
    if len(chart.shown):
        alt = text("survey", "alt", n=len(chart.shown), summary=summary)
    else:
        alt = text("survey", "alt_empty")
    return caption, alt


def diverging_figure(
    data: pd.DataFrame, title: str | None = None, wrap: int = 45
) -> tuple[Figure, str, str]:
    """Centred (diverging) stacked bar chart of :func:`diverging_data` output.

    Colours are Okabe-Ito (vermillion, grey, blue) and disagree/agree also differ by
    hatching, so the chart reads in greyscale and for colour-blind readers. Suppressed
    items are left out (and named in the caption). Returns ``(figure, caption, alt_text)``;
    the figure is a bare :class:`matplotlib.figure.Figure` (no pyplot state).
    """
    chart = prepare_diverging(data)
    caption, alt = describe_diverging(chart)
    return draw_diverging(chart, title, wrap), caption, alt
