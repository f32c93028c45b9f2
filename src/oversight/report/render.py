"""The regional report as HTML, from Jinja templates (LA annex pages: oversight.report.annex).

Pages are self-contained: figures are embedded as SVG data URIs (no network, no sibling
files), tables are real HTML tables with captions and header cells, and each figure and table
carries its ID and a provenance footnote naming the rule that made it and how to trace it.
The appendix's tables are displayed by oversight.report.appendix.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:
    from oversight.report.appendix import TableView
    from oversight.report.findings import Finding

SECTIONS = [
    ("main_points", "Main points"),
    ("know", "Things you need to know"),
    ("data", "Data received and its quality"),
    ("supervision", "Supervision"),
    ("oversight", "Management oversight on children's files"),
    ("audits", "Audits"),
    ("survey", "Staff survey"),
    ("focus_groups", "Focus groups"),
    ("inspectors", "What inspectors said"),
    ("published", "Published indicators"),
    ("network", "The network's questions"),
    ("hypothesis", "The part 1 / part 2 hypothesis, tested"),
    ("impact", "Impact of the templates"),
    ("recommendations", "Recommendations"),
    ("glossary", "Glossary"),
    ("methods", "Methods and limitations"),
    ("about", "About this report"),
    ("appendix", "Appendix tables"),
]
# Which section shows which figures (by ID prefix).
FIGURE_SECTIONS = {
    "supervision": ["FIG-FUNNEL-staff_supervision_28d", "FIG-RANK-staff_supervision_28d"],
    "oversight": [
        "FIG-FUNNEL-child_oversight_28d",
        "FIG-RANK-child_oversight_28d",
        "FIG-TREND-child_oversight_28d",
    ],
    "audits": ["FIG-FUNNEL-audit_mo_good", "FIG-RANK-audit_mo_good", "FIG-GRADES-audits"],
    "survey": ["FIG-SURVEY-diverging"],
    "published": ["FIG-LINK-"],
    "network": ["FIG-S47-ICPC-TREND", "FIG-S47-ICPC-LATEST", "FIG-KPI-"],
    "impact": ["FIG-IMPACT-EVENT-", "FIG-IMPACT-ITS-"],
    "hypothesis": [
        "FIG-FUNNEL-part1_family_reflection",
        "FIG-RANK-part1_family_reflection",
        "FIG-FUNNEL-part2_practitioner_reflection",
        "FIG-RANK-part2_practitioner_reflection",
    ],
}


@dataclass
class FigureView:
    id: str
    caption: str
    alt: str
    src: str
    source: str
    extra: dict[str, Any] = field(default_factory=dict)


def svg_data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def svg_of(view: FigureView) -> bytes:
    """The SVG a figure view embeds as a data URI (:func:`svg_data_uri`)."""
    prefix = "data:image/svg+xml;base64,"
    if not view.src.startswith(prefix):
        raise ValueError(f"{view.id} does not embed its SVG")
    return base64.b64decode(view.src[len(prefix) :])


def relative_link(file: Path, page_dir: Path) -> str:
    """A link to ``file`` from a page in ``page_dir`` (POSIX, relative)."""
    return Path(os.path.relpath(file, page_dir)).as_posix()


def figure_views(
    manifests: Mapping[str, list[dict[str, str]]],
    figure_dir: Path,
    link_from: Path | None = None,
) -> dict[str, FigureView]:
    """Every figure in the manifests (rule -> entries), keyed by ID: embedded, or with
    ``link_from`` (a page's folder) linked to its SVG file, so a page that is only laid out
    (the PDF's) does not carry a second copy of each image."""
    out = {}
    for rule, entries in sorted(manifests.items()):
        for e in entries:
            file = figure_dir / e["svg"]
            src = (
                svg_data_uri(file.read_bytes())
                if link_from is None
                else relative_link(file, link_from)
            )
            source = (
                f"Made by rule {rule} from the published tables; "
                f"trace with <code>oversight trace {e['id']}</code>."
            )
            out[e["id"]] = FigureView(e["id"], e["caption"], e["alt"], src, source)
    return out


def figures_for(section: str, figures: Mapping[str, FigureView]) -> list[FigureView]:
    wanted = FIGURE_SECTIONS.get(section, [])
    return [
        figures[i]
        for w in wanted
        for i in sorted(figures)
        if (i == w or (w.endswith("-") and i.startswith(w)))
    ]


def environment(template_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(
    env: jinja2.Environment,
    study: Mapping[str, Any],
    findings: list[Finding],
    recommendations: list[dict[str, Any]],
    figures: Mapping[str, FigureView],
    tables: list[TableView],
    annexes: list[dict[str, str]],
    methods: Mapping[str, Any],
    for_pdf: bool = False,
    bulletin: Mapping[str, Any] | None = None,
) -> str:
    """The regional report. ``bulletin`` holds the main points, things you need to know,
    practice notes per section, the glossary and the authorship (oversight.report.bulletin)."""
    by_section: dict[str, list[Finding]] = {}
    for f in findings:
        by_section.setdefault(f.section, []).append(f)
    sections = [
        {
            "key": key,
            "title": title,
            "findings": by_section.get(key, []),
            "figures": figures_for(key, figures),
        }
        for key, title in SECTIONS
    ]
    anchors = {t.id for t in tables} | set(figures) | {f.id for f in findings}
    return env.get_template("report/index.html.j2").render(
        anchors=anchors,
        bulletin=bulletin or {},
        study=study,
        sections=sections,
        findings=findings,
        recommendations=recommendations,
        tables=tables,
        annexes=annexes,
        methods=methods,
        for_pdf=for_pdf,
    )
