"""The demo run's report PDF (every LA's annex included) is tagged: a structure tree, the
document's language and title, and one Figure element with its alt text per image of the
report and of the annex sections it is set from."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from oversight.config import load_yaml
from tests.report.pdf_structure import heading_steps_ok, image_alts, outside_tree, read, rows

pytestmark = pytest.mark.e2e


def test_the_demo_report_pdf_is_tagged_with_every_figure_described(demo_run: Path) -> None:
    tagged = read(demo_run / "results/report/report.pdf")
    title = load_yaml(demo_run / "config/config.yaml")["study"]["title"]
    assert "/StructTreeRoot" in tagged.catalog
    assert outside_tree(tagged.catalog) == 0  # page numbers are artifacts, not stray tags
    assert tagged.catalog["/Lang"] == "en-GB"
    assert tagged.info["/Title"] == title
    assert heading_steps_ok(tagged.headings)
    # every table has rows on its page: no caption left alone at a page's foot
    assert all(rows(table) for table in tagged.kinds("Table"))
    printed = demo_run / "data/interim/report/print"
    pages = [printed / "index.html", *sorted(printed.glob("E*.html"))]
    alts = [a for page in pages for a in image_alts(page.read_text(encoding="utf-8"))]
    figures = [str(f.get("/Alt", "")) for f in tagged.kinds("Figure")]
    # 19 LAs, each with its charts, and the report's own figures
    assert len(pages) == 20 and len(alts) > 19 * 3
    assert all(a.strip() for a in figures)
    assert Counter(figures) == Counter(alts)
