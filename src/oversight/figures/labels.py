"""Direct labels of plotted points: a label starts on its point and :func:`place_labels`
moves it clear of the other labels and points when the figure is finished."""

from __future__ import annotations

import matplotlib
import matplotlib.patches
import matplotlib.transforms
import numpy as np

LABEL_SIZE = 7.0  # points
LABEL_GID = "label-"  # gid prefix of a point label that finish() places


def point_label(ax, x: float, y: float, text: str, size: float = LABEL_SIZE) -> None:
    """Name the point (x, y): the label starts on it and :func:`finish` moves it clear of the
    other labels and points, with a leader line when it ends up away from the point."""
    ax.text(x, y, text, fontsize=size, va="center", ha="left", gid=f"{LABEL_GID}{text}")


LEADER = {"arrowstyle": "-", "lw": 0.6, "shrinkA": 1, "shrinkB": 3}
ADJUST_ITERATIONS = 400  # a fixed count, never a time limit: the same figure every run
LEADER_MIN_PX = 6.0  # a label whose box is farther than this from its point gets a leader
POINT_PX = 4.0  # half the side of the box kept clear around every plotted point


def _obstacles(ax) -> np.ndarray:
    """Display coordinates of every plotted point (line markers and scatter offsets)."""
    pts = [
        line.get_xydata()
        for line in ax.get_lines()
        if line.get_marker() not in (None, "None", "", " ") and len(line.get_xdata())
    ]
    pts += [c.get_offsets() for c in ax.collections if len(c.get_offsets())]
    if not pts:
        return np.empty((0, 2))
    return ax.transData.transform(np.vstack([np.asarray(p, float) for p in pts]))


def _labels(ax) -> list:
    return [t for t in ax.texts if str(t.get_gid() or "").startswith(LABEL_GID)]


def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _covers_point(box, points: np.ndarray) -> bool:
    """Whether ``box`` (display units) touches the marker of any plotted point."""
    if not len(points):
        return False
    px, py = points[:, 0], points[:, 1]
    hit = (box.x0 - POINT_PX < px) & (px < box.x1 + POINT_PX)
    hit &= (box.y0 - POINT_PX < py) & (py < box.y1 + POINT_PX)
    return bool(hit.any())


def _free_spot(text, target, kept, points, frame, renderer):
    """The nearest position (rings of 16 directions around the point) where ``text`` is
    inside the axes and clear of the kept labels and of the points; None if there is none."""
    box = text.get_window_extent(renderer)
    w, h = box.width, box.height
    step = max(h, 6.0)
    for ring in range(1, 60):
        for k in range(16):
            angle = 2 * np.pi * k / 16
            cx = target[0] + np.cos(angle) * (ring * step + w / 2)
            cy = target[1] + np.sin(angle) * ring * step
            cand = matplotlib.transforms.Bbox.from_extents(
                cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
            )
            inside = frame.x0 <= cand.x0 and cand.x1 <= frame.x1
            inside &= frame.y0 <= cand.y0 and cand.y1 <= frame.y1
            if not inside or any(_boxes_overlap(cand, o) for o in kept):
                continue
            if _covers_point(cand, points):
                continue
            return cx, cy
    return None


def place_labels(ax, renderer, leader_colour: str) -> None:
    """Move the axes' point labels clear of each other and of the points: adjustText first
    (a fixed number of iterations, so the result is the same every run), then any label that
    still overlaps one placed before it goes to the nearest free spot; leaders join labels
    that ended up away from their points."""
    from adjustText import adjust_text

    texts = _labels(ax)
    if not texts:
        return
    targets = ax.transData.transform([t.get_position() for t in texts])
    points = _obstacles(ax)
    adjust_text(
        texts,
        x=ax.transData.inverted().transform(points)[:, 0] if len(points) else None,
        y=ax.transData.inverted().transform(points)[:, 1] if len(points) else None,
        ax=ax,
        expand=(1.1, 1.35),
        ensure_inside_axes=True,
        iter_lim=ADJUST_ITERATIONS,
        time_lim=None,
    )
    frame = ax.get_window_extent(renderer)
    kept = []
    for text, target in zip(texts, targets, strict=True):
        box = text.get_window_extent(renderer)
        clash = any(_boxes_overlap(box, o) for o in kept) or _covers_point(box, points)
        outside = box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1
        if clash or outside:
            spot = _free_spot(text, target, kept, points, frame, renderer)
            if spot is not None:
                text.set_position(ax.transData.inverted().transform(spot))
                box = text.get_window_extent(renderer)
        kept.append(box)
        centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
        gap = np.maximum(np.abs(centre - target) - np.array([box.width, box.height]) / 2, 0)
        if gap.max() >= LEADER_MIN_PX:
            ax.add_patch(
                matplotlib.patches.FancyArrowPatch(
                    posA=tuple(ax.transData.inverted().transform(centre)),
                    posB=tuple(ax.transData.inverted().transform(target)),
                    patchA=text,
                    transform=ax.transData,
                    gid=f"leader-{text.get_text()}",
                    zorder=2.5,
                    color=leader_colour,
                    **LEADER,
                )
            )
