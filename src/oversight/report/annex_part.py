"""The annex part of the report's PDF: an opening, then each LA's section (each starts a new
page), appended to the report's print rendering.

Each LA's section is rendered by its annex job (:func:`render_annex_section`) and the PDF job
joins the opening (:func:`render_annex_opening`) and the sections in the part's order
(:func:`annex_order`) with :func:`with_annexes`. Light on purpose: the PDF job imports it
without the annex's tables and charts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from oversight.report.marking import data_note

# What `c` means wherever an annex shows it.
C_EXPLAINED = "c: fewer than 6, or hidden so a total cannot reveal one"


def annex_order(codes: Sequence[str], names: Mapping[str, str]) -> list[str]:
    """The LA codes in the order the PDF's annex part shows them: by name, then code."""
    return sorted(codes, key=lambda c: (names.get(c, c), c))


def render_annex_opening(
    env: jinja2.Environment,
    study: Mapping[str, Any],
    listed: Sequence[Mapping[str, str]],
    demo: bool,
) -> str:
    """The opening of the annex part of the report's PDF: its heading, what each LA's pages
    show and the list of LAs (``listed``: ``la_code`` and ``name``, in the part's order)."""
    return env.get_template("report/annex_part.html.j2").render(
        study=study, annexes=listed, demo=demo, c_explained=C_EXPLAINED, demo_note=data_note(True)
    )


def render_annex_section(
    env: jinja2.Environment,
    study: Mapping[str, Any],
    annex: Mapping[str, Any],
    ctx: Any,
) -> str:
    """One LA's section of the annex part of the report's PDF (it starts a new page); its
    charts are whatever the annex's figure views point at."""
    return env.get_template("report/annex_la_part.html.j2").render(
        study=study, la=annex, ctx=ctx, c_explained=C_EXPLAINED, demo_note=data_note(True)
    )


def render_annex_part(
    env: jinja2.Environment,
    study: Mapping[str, Any],
    annexes: list[Mapping[str, Any]],
    ctx: Any,
) -> str:
    """Every LA's annex as one HTML fragment for the report's PDF: the opening, then one
    LA per page group, in the order given. The report_pdf job joins the same pieces, each
    LA's section rendered by its own annex job."""
    listed = [{"la_code": a["la_code"], "name": a["name"]} for a in annexes]
    return render_annex_opening(env, study, listed, ctx.demo) + "".join(
        render_annex_section(env, study, a, ctx) for a in annexes
    )


def with_annexes(report_html: str, part: str) -> str:
    """The report's HTML with the annex part added at the end of its body."""
    close = report_html.lower().rfind("</body>")
    if close < 0:
        raise ValueError("the report HTML has no </body>")
    return report_html[:close] + part + report_html[close:]
