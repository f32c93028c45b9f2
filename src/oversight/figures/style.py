"""The one style every figure shares: palette, figure and axes helpers, the figure's spec
(ID, caption, alt text), the marks an image carries, and finishing and saving (with the
manifest that lists the saved figures).

Design for accessibility: the Okabe-Ito colour-blind-safe palette throughout, and every
distinction that colour makes is also made by marker shape, line style or hatching, so
the figures read in greyscale. Percentages are formatted as such; sizes suit a report
page (6.3 inches wide, A4 with margins).

Reproducibility: :func:`save` fixes the SVG hash salt and drops the date and software
metadata, so the same table gives byte-identical SVG and PNG files.
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import ParamSpec, TypeVar
from xml.sax.saxutils import escape as xml_escape

import matplotlib

matplotlib.use("Agg")

import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.transforms
import pandas as pd
from matplotlib.figure import Figure

from oversight.artefacts import atomic_path, write_json
from oversight.compare.metrics import definitions
from oversight.config import load_yaml
from oversight.figures.labels import place_labels

PAGE_WIDTH = 6.3  # inches: an A4 page less 2.5 cm margins
DPI = 150
SVG_HASHSALT = "oversight-figures"

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#7F7F7F"  # neutral grey for reference lines (not a hue, so safe for all viewers)
# A LA's position on a funnel plot, lowest first.
FLAGS = ("low_998", "low_95", "within", "high_95", "high_998")


@dataclass(frozen=True)
class FlagStyle:
    """How a funnel position is drawn: legend label, colour, marker, fill and size."""

    label: str
    colour: str
    marker: str
    filled: bool
    size: float


# Each funnel position differs in colour, marker shape and fill, so it reads in greyscale.
FLAG_STYLES: dict[str, FlagStyle] = {
    "low_998": FlagStyle("Below 99.8% limit", OKABE_ITO["vermillion"], "v", True, 7.5),
    "low_95": FlagStyle("Below 95% limit", OKABE_ITO["orange"], "s", True, 6.0),
    "within": FlagStyle("Within 95% limits", OKABE_ITO["black"], "o", False, 6.0),
    "high_95": FlagStyle("Above 95% limit", OKABE_ITO["sky_blue"], "D", True, 5.5),
    "high_998": FlagStyle("Above 99.8% limit", OKABE_ITO["blue"], "^", True, 7.5),
}

P = ParamSpec("P")
R = TypeVar("R")

# The report style every figure is built and saved under.
BASE_RC = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "path",
}


@dataclass(frozen=True)
class FigureSpec:
    """A figure's stable ID (file stem), its caption and its alt text."""

    id: str
    caption: str
    alt: str


def metric_label(metric: str) -> str:
    """The metric's label in config/metrics.yaml (its name, spaced, if it has none)."""
    return definitions().get(metric, {}).get("label", metric.replace("_", " "))


def pct(value: float) -> str:
    """A proportion as a percentage with one decimal ("73.8%")."""
    return f"{100 * value:.1f}%"


def la_name(code: str, names: Mapping[str, str] | None) -> str:
    """The name of an LA (or region) code, the code itself when it has none."""
    return (names or {}).get(code, code)


def join_prose(items: list[str]) -> str:
    """Items joined as prose: "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def some_of(items: list[str], limit: int = 5) -> str:
    """Up to ``limit`` items joined in prose, then how many more."""
    if len(items) <= limit:
        return join_prose(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} other LAs"


def styled(builder: Callable[P, R]) -> Callable[P, R]:
    """Build the figure under the report style, whatever the global rcParams."""

    @functools.wraps(builder)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with matplotlib.rc_context(BASE_RC):
            return builder(*args, **kwargs)

    return wrapper


def new_figure(height: float, width: float = PAGE_WIDTH) -> Figure:
    """A figure not registered with pyplot (no global state), laid out by constraints."""
    return Figure(figsize=(width, height), layout="constrained")


def style_axes(ax) -> None:
    """Axes without top and right spines, with the report's tick size."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=BASE_RC["xtick.labelsize"])


def fig_title(fig: Figure, text: str) -> None:
    """A left-aligned figure title, wrapped to the page width."""
    fig.suptitle(textwrap.fill(text, 80), x=0.01, ha="left", fontsize=9)


def legend_below(fig: Figure, ax, ncols: int = 3, first: tuple[str, ...] = ()) -> None:
    """A legend below the axes that reads row by row (matplotlib fills columns first);
    entries whose labels start with one of ``first`` come first."""
    handles, labels = ax.get_legend_handles_labels()
    rank = [
        next((i for i, f in enumerate(first) if lab.startswith(f)), len(first)) for lab in labels
    ]
    keep = sorted(range(len(labels)), key=lambda i: rank[i])
    handles, labels = [handles[i] for i in keep], [labels[i] for i in keep]
    n = len(handles)
    order = [i for col in range(ncols) for i in range(col, n, ncols)]
    fig.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="outside lower center",
        ncols=ncols,
        frameon=False,
    )


def month_name(period: str, short: bool = False) -> str:
    """A month ("2024-04") in words: "April 2024" (short: "Apr 2024")."""
    return pd.to_datetime(period, format="%Y-%m").strftime("%b %Y" if short else "%B %Y")


def month_tick(period: str) -> str:
    """A month on a time axis, always with its year ("Apr" over "2024")."""
    return pd.to_datetime(period, format="%Y-%m").strftime("%b\n%Y")


def message_panel(title: str, message: str, wrap: bool) -> Figure:
    """A figure that only says why there is no chart (every value hidden, too few LAs): never
    a failure. ``wrap`` lets matplotlib wrap a long message."""
    fig = new_figure(1.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    extra = {"wrap": True} if wrap else {}
    ax.text(
        0.5, 0.5, message, ha="center", va="center", fontsize=9, transform=ax.transAxes, **extra
    )
    fig_title(fig, title)
    return fig


def suppressed_panel(fig_id: str, metric: str, period: str) -> tuple[Figure, FigureSpec]:
    """The figure when disclosure control has hidden every LA's value of a metric (a run of
    few LAs, or small counts everywhere): a panel that says so."""
    message = text("panels", "suppressed", period=period)
    caption = text("panels", "suppressed_caption", label=metric_label(metric), period=period)
    fig = message_panel(metric_label(metric), message, wrap=True)
    return fig, FigureSpec(fig_id, f"{caption}{message}", text("panels", "no_chart", text=message))


NOTE_SIZE = 6.5  # points: the source note
MARK_SIZE = 8.0  # points: the demo mark
EDGE = 0.06  # inches between a note and the image's edge
NOTE_COLOUR = "#333333"
MARK_COLOUR = "#8A2B00"  # a dark vermillion: 9:1 contrast on the band's pale fill
MARK_FILL = "#FFF1D6"


def _package_yaml(name: str) -> dict:
    return load_yaml(Path(str(resources.files("oversight.figures").joinpath(name))))


@functools.cache
def notes() -> dict:
    """The figure notes (source lines, demo mark) from figure_notes.yaml."""
    return _package_yaml("figure_notes.yaml")


@functools.cache
def texts() -> dict:
    """The caption and alt-text templates of every figure family, from figure_text.yaml."""
    return _package_yaml("figure_text.yaml")


def text(family: str, key: str, **fields: object) -> str:
    """The template ``key`` of ``family`` in figure_text.yaml, filled from ``fields``."""
    return texts()[family][key].format(**fields)


def counted(family: str, key: str, n: int) -> str:
    """A phrase that agrees with a count: the template for 0 or 1 if there is one, else the
    one for ``many`` (with ``{n}`` filled)."""
    forms = texts()[family][key]
    return forms.get(n, forms["many"]).format(n=n)


@dataclass(frozen=True)
class Marks:
    """What an image says about itself: where its numbers come from (always) and, when the
    run's LA extracts are the synthetic demonstration data, that they are not real."""

    source: str
    demo: bool


def marks_for(kind: str, demo: bool, **fields: str) -> Marks:
    """The marks of a figure of ``kind`` (a key of ``sources`` in figure_notes.yaml), its
    source line filled from ``fields`` (``period``, ``kpi_period``, DfE ``release``)."""
    n = notes()
    mode = "demo" if demo else "real"
    values = {"la_data": n["la_data"][mode], "survey_data": n["survey_data"][mode], **fields}
    if "release" in fields:
        values["dfe"] = n["dfe"][fields["release"]]
    return Marks(n["sources"][kind].format(**values), demo)


def _note_lines(text: str, width_in: float) -> list[str]:
    """The note wrapped to the image width (DejaVu Sans averages under 0.6 em a character)."""
    chars = max(20, int((width_in - 2 * EDGE) * 72 / (0.6 * NOTE_SIZE)))
    return textwrap.wrap(text, chars)


def _pin_legends(fig: Figure, renderer) -> None:
    """Anchor each figure legend where the layout put it: a legend placed against the figure's
    edge would otherwise follow the edge into the strips that :func:`_add_marks` adds."""
    for legend in fig.legends:
        box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
        legend.set_loc("center")
        legend.set_bbox_to_anchor(box, transform=fig.transFigure)


def _add_marks(fig: Figure, marks: Marks) -> matplotlib.transforms.Bbox:
    """Draw the source note below the figure and, in demo mode, the demo mark in a band above
    it, both in strips added outside the laid-out figure so nothing moves; returns the
    extended bounding box (inches) to save."""
    width, height = fig.get_size_inches()
    lines = _note_lines(marks.source, width)
    bottom = len(lines) * NOTE_SIZE * 1.3 / 72 + 2 * EDGE
    top = MARK_SIZE * 1.3 / 72 + 4 * EDGE if marks.demo else 0.0
    fig.text(
        EDGE / width,
        (EDGE - bottom) / height,
        "\n".join(lines),
        fontsize=NOTE_SIZE,
        color=NOTE_COLOUR,
        ha="left",
        va="bottom",
        gid="source-note",
    )
    if marks.demo:
        fig.text(
            EDGE / width,
            1 + (top - 2 * EDGE) / height,
            notes()["demo_mark"],
            fontsize=MARK_SIZE,
            fontweight="bold",
            color=MARK_COLOUR,
            ha="left",
            va="top",
            gid="demo-mark",
            bbox={"boxstyle": "square,pad=0.35", "fc": MARK_FILL, "ec": MARK_COLOUR, "lw": 0.8},
        )
    return matplotlib.transforms.Bbox.from_extents(0, -bottom, width, height + top)


def _mark_texts(fig: Figure) -> dict[str, str]:
    """The text of the source note and demo mark, by gid."""
    return {
        str(t.get_gid()): t.get_text()
        for t in fig.texts
        if t.get_gid() in ("source-note", "demo-mark")
    }


def _titled(svg: bytes, texts: Mapping[str, str]) -> bytes:
    """Give each marked group of the SVG a <title> with its text: glyphs are drawn as paths
    (the same look on every machine), so the title is what search, copy and screen readers
    find."""
    for gid, text in sorted(texts.items()):
        opening = f'<g id="{gid}">'.encode()
        title = f"<title>{xml_escape(text)}</title>".encode()
        svg = svg.replace(opening, opening + title, 1)
    return svg


def _marked_spec(spec: FigureSpec, marks: Marks) -> FigureSpec:
    """In demo mode the alt text opens, and the caption closes, by saying the figures are
    synthetic, so a figure read or copied without the report still says so."""
    if not marks.demo:
        return spec
    n = notes()
    return FigureSpec(spec.id, f"{spec.caption} {n['demo_caption']}", f"{n['demo_alt']} {spec.alt}")


def finish(fig: Figure, spec: FigureSpec, marks: Marks) -> tuple[FigureSpec, object]:
    """Lay the figure out once and freeze it, place its point labels, add its source note and
    (in demo mode) the demo mark; returns the spec to publish and the bounding box to save."""
    with matplotlib.rc_context(BASE_RC):
        # Laid out at the PNG's resolution: text measured at another one (hinting) would
        # leave too little room for long tick labels.
        fig.set_dpi(DPI)
        fig.draw_without_rendering()
        fig.set_layout_engine("none")  # frozen: saving must not move what was placed
        renderer = fig._get_renderer()
        _pin_legends(fig, renderer)
        for ax in fig.axes:
            place_labels(ax, renderer, GREY)
        bbox = _add_marks(fig, marks)
    return _marked_spec(spec, marks), bbox


def save(
    fig: Figure, spec: FigureSpec, out_dir: str | Path, marks: Marks, png: bool = True
) -> dict[str, str]:
    """Finish the figure (:func:`finish`), write ``<id>.svg`` and ``<id>.png`` (150 dpi) into
    ``out_dir`` byte-reproducibly, close it and return its ID, caption, alt text and file
    names (relative). Every image carries ``marks``: there is no unmarked save. With ``png``
    false only the SVG is written (for pages that embed the SVG alone)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec, bbox = finish(fig, spec, marks)
    svg, png_name = f"{spec.id}.svg", f"{spec.id}.png"
    matplotlib.rcParams["svg.hashsalt"] = SVG_HASHSALT
    with matplotlib.rc_context({**BASE_RC, "svg.hashsalt": SVG_HASHSALT}):
        # Through a temporary file, like every other artefact: a killed job leaves no
        # half-drawn figure under its final name.
        buffer = io.BytesIO()
        fig.savefig(
            buffer,
            format="svg",
            bbox_inches=bbox,
            metadata={"Date": None, "Title": spec.caption, "Description": spec.alt},
        )
        with atomic_path(out / svg) as tmp:
            Path(tmp).write_bytes(_titled(buffer.getvalue(), _mark_texts(fig)))
        if png:
            with atomic_path(out / png_name) as tmp:
                fig.savefig(
                    tmp,
                    format="png",
                    dpi=DPI,
                    bbox_inches=bbox,
                    metadata={"Software": None, "Title": spec.caption, "Description": spec.alt},
                )
    plt.close(fig)
    entry = {"id": spec.id, "caption": spec.caption, "alt": spec.alt, "svg": svg}
    return entry | ({"png": png_name} if png else {})


def write_manifest(entries: Iterable[dict[str, str]], manifest: str | Path) -> None:
    """The figures' manifest (ID, caption, alt text, file names), by ID."""
    write_json(sorted(entries, key=lambda m: m["id"]), manifest)
