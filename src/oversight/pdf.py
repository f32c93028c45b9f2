"""HTML to PDF with WeasyPrint, reproducibly (no creation or modification dates written)."""

from __future__ import annotations


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """A PDF of an HTML page. WeasyPrint writes document dates only when the page declares
    them in ``<meta name="dcterms.created">``; our templates never do, so the same page gives
    the same bytes."""
    import weasyprint  # imported here: only the rules that make PDFs need it

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
