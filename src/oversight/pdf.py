"""HTML to PDF with WeasyPrint, reproducibly: no document dates, and the same fonts on every
machine.

The HTML pages name system fonts (`system-ui`, Arial ...), which browsers resolve as they
like. A PDF embeds its fonts, so resolving them from the machine's font set would make the bytes
depend on what happens to be installed (installing Chromium, say, adds Liberation Sans). PDFs
are therefore set in DejaVu Sans and DejaVu Sans Mono from matplotlib's own data files: a
pinned dependency, identical wherever the project is installed.
"""

from __future__ import annotations

from pathlib import Path

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


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """A PDF of an HTML page. WeasyPrint writes document dates only when the page declares
    them in ``<meta name="dcterms.created">``; our templates never do, so the same page gives
    the same bytes."""
    import weasyprint  # imported here: only the rules that make PDFs need it
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    style = weasyprint.CSS(string=font_css(), font_config=fonts)
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[style], font_config=fonts
    )
