"""Rule ``annex`` as one function: one LA's annex page, its charts drawn once, and the LA's
section of the report PDF's annex part (joined by rule ``report_pdf``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import artefacts
from oversight.config import load_checked, load_yaml
from oversight.report import annex as anx
from oversight.report import render
from oversight.report.annex_part import render_annex_section
from oversight.report.run.reading import Paths, read_tables


def read_neighbours(
    neighbours: str | Path, reference: str | Path, count: int
) -> dict[str, list[str]]:
    """Each study LA's statistical neighbours that are also in the study (new codes)."""
    sn = artefacts.read_reference(neighbours)
    ref = pd.read_csv(reference, dtype=str)
    return anx.study_neighbours(sn, ref, count)


def annex_context(
    *,
    year: str,
    region_code: str,
    names: Mapping[str, str],
    neighbours: Mapping[str, list[str]],
    kpi_period: str,
    published: str | Path,
    survey: str | Path,
    adoption: Mapping[str, Mapping[str, str | None]],
    slug_codes: Mapping[str, str],
    quality_pages: Paths,
    out_dir: Path,
    demo: bool,
) -> anx.AnnexContext:
    """What the annex pages need besides the tables: the indicator labels
    (config/published.yaml), the survey construct labels (config/survey.yaml), each LA's
    adoption months by LA code, and a link to each LA's data-quality page
    (results/quality/<la>/index.html) relative to the annex folder ``out_dir``."""
    codes = dict(slug_codes)
    constructs = load_yaml(survey)["constructs"]
    return anx.AnnexContext(
        year=year,
        region_code=region_code,
        names=names,
        neighbours=neighbours,
        kpi_period=kpi_period,
        indicators=load_yaml(published)["indicators"],
        constructs={k: v for k, v in constructs.items() if k != "demographics"},
        adoption={codes[s]: m for s, m in adoption.items() if s in codes},
        quality=anx.quality_links({codes[Path(q).parent.name]: q for q in quality_pages}, out_dir),
        demo=demo,
    )


def run_annex(
    *,
    code: str,
    tables: Paths,
    published: str | Path,
    impact: str | Path,
    survey: str | Path,
    templates: Sequence[str | Path],
    neighbours: str | Path,
    reference: str | Path,
    quality_pages: Paths,
    study: Mapping[str, Any],
    year: str,
    region_code: str,
    names: Mapping[str, str],
    slug_codes: Mapping[str, str],
    kpi_period: str,
    neighbour_count: int,
    demo: bool,
    page: str | Path,
    section: str | Path,
) -> None:
    """Write the annex page of the LA ``code`` (``page``, linking its data-quality page among
    ``quality_pages``) and its section of the PDF's annex part (``section``).

    ``tables`` are the published tables the annex reads (oversight.report.annex.la_annex);
    ``templates`` the report's templates (their folder's parent is the template root);
    ``names`` holds each LA's name and the region's; ``slug_codes`` each LA folder's LA code;
    the rest are config files and the study's settings. Each chart is drawn once: the page
    and the section embed the same SVG.
    """
    out_dir = Path(page).parent
    ctx = annex_context(
        year=year,
        region_code=region_code,
        names=dict(names),
        neighbours=read_neighbours(neighbours, reference, neighbour_count),
        kpi_period=str(kpi_period),
        published=published,
        survey=survey,
        adoption=load_checked(impact, "impact.schema.yaml")["adoption"],
        slug_codes=slug_codes,
        quality_pages=quality_pages,
        out_dir=out_dir,
        demo=demo,
    )
    annex = anx.la_annex(code, read_tables(tables), ctx)
    annex["figures"] = anx.annex_figures(annex, ctx)
    env = render.environment(Path(templates[0]).parent.parent)
    artefacts.write_text(anx.render_annex(env, study, annex, ctx), page)
    artefacts.write_text(render_annex_section(env, study, annex, ctx), section)
