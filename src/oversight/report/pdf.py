"""HTML to PDF with WeasyPrint: tagged for accessibility (PDF/UA-1,
:mod:`oversight.report.pdf_access`) and reproducible: no document dates, and the same fonts on
every machine.

The HTML pages name system fonts (`system-ui`, Arial ...), which browsers resolve as they
like. A PDF embeds its fonts, so resolving them from the machine's font set would make the bytes
depend on what happens to be installed (installing Chromium, say, adds Liberation Sans). PDFs
are therefore set in DejaVu Sans and DejaVu Sans Mono from matplotlib's own data files: a
pinned dependency, identical wherever the project is installed.

WeasyPrint embeds a subset of each font: with HarfBuzz's subsetter when the machine has
libharfbuzz-subset, with fontTools otherwise. The two write different bytes, and fontTools
stamps the current time into each font's ``head`` table unless ``SOURCE_DATE_EPOCH`` is set.
PDFs are therefore always subset by fontTools (a pinned dependency) at a fixed date, so their
bytes depend neither on the machine's libraries nor on the clock.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from oversight.report.pdf_access import PDF_VARIANT, check_page, finish

# The date written into each embedded font (2000-01-01T00:00:00Z, as in the xlsx outputs).
FONT_DATE = 946_684_800

# (family, file, weight, style) of every face the PDFs use.
FACES = [
    ("oversight-sans", "DejaVuSans.ttf", "normal", "normal"),
    ("oversight-sans", "DejaVuSans-Bold.ttf", "bold", "normal"),
    ("oversight-sans", "DejaVuSans-Oblique.ttf", "normal", "italic"),
    ("oversight-sans", "DejaVuSans-BoldOblique.ttf", "bold", "italic"),
    ("oversight-mono", "DejaVuSansMono.ttf", "normal", "normal"),
    ("oversight-mono", "DejaVuSansMono-Bold.ttf", "bold", "normal"),
]


def font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_css() -> str:
    """@font-face rules for the bundled faces, and every element set in them."""
    faces = "".join(
        f'@font-face {{ font-family: "{family}"; src: url("{(font_dir() / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}\n"
        for family, name, weight, style in FACES
    )
    return (
        faces
        + '* { font-family: "oversight-sans" !important; }\n'
        + 'code, pre, kbd, samp, .id { font-family: "oversight-mono" !important; }\n'
    )


class _NoSubsetterNotice(logging.Filter):
    """Drops WeasyPrint's notice that fontTools subsets the fonts: here that is deliberate."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "instead of HarfBuzz-Subset" not in record.getMessage()


@contextmanager
def reproducible_fonts() -> Iterator[None]:
    """While rendering: fonts subset by fontTools, dated :data:`FONT_DATE`.

    WeasyPrint picks HarfBuzz when its module-level ``harfbuzz_subset`` library handle is
    set; it is set to None for the render only. ``SOURCE_DATE_EPOCH`` (read by fontTools) is
    set for the render only too, and any value the caller had is restored.
    """
    from weasyprint.logger import LOGGER
    from weasyprint.pdf import fonts as pdf_fonts

    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    saved_subsetter = pdf_fonts.harfbuzz_subset
    notice = _NoSubsetterNotice()
    os.environ["SOURCE_DATE_EPOCH"] = str(FONT_DATE)
    pdf_fonts.harfbuzz_subset = None
    LOGGER.addFilter(notice)
    try:
        yield
    finally:
        LOGGER.removeFilter(notice)
        pdf_fonts.harfbuzz_subset = saved_subsetter
        if saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved_epoch


def html_to_pdf(html: str, base_url: str | None = None, source: str = "the page") -> bytes:
    """A PDF/UA-1 PDF of an HTML page (:mod:`oversight.report.pdf_access`). WeasyPrint writes
    document dates only when the page declares them in ``<meta name="dcterms.created">``; our
    templates never do, and the fonts are embedded by :func:`reproducible_fonts`, so the same
    page gives the same bytes. A page without a language, a title or an image's alt text is
    refused (:class:`~oversight.report.pdf_access.InaccessiblePageError`, naming ``source``)."""
    import weasyprint  # imported here: only the rules that make PDFs need it
    from weasyprint.text.fonts import FontConfiguration

    page = weasyprint.HTML(string=html, base_url=base_url)
    check_page(page.etree_element, source)  # before the layout, which takes the time
    fonts = FontConfiguration()
    style = weasyprint.CSS(string=font_css(), font_config=fonts)
    with reproducible_fonts():
        return page.write_pdf(
            stylesheets=[style],
            font_config=fonts,
            pdf_variant=PDF_VARIANT,
            finisher=finish,
        )
