"""PDFs embed the same fonts on every machine, whatever fonts the page names or the machine
has installed (the bytes of a PDF must not depend on the font set)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from oversight.report.pdf import html_to_pdf
from tests.report.render_checks import require_poppler

PAGE = (
    '<html lang="en-GB"><head><title>Oversight</title></head>'
    '<body style="font-family: system-ui, Arial, sans-serif">'
    "<h1>Oversight</h1><p>Plain, <b>bold</b>, <i>italic</i> and <code>TAB-METRICS</code>: "
    "Siân’s £5 – 10%</p></body></html>"
)


def test_pdf_fonts_are_the_bundled_dejavu_faces(tmp_path: Path) -> None:
    require_poppler()
    path = tmp_path / "page.pdf"
    path.write_bytes(html_to_pdf(PAGE))
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    names = {line.split()[0].split("+", 1)[1] for line in listing.stdout.splitlines()[2:]}
    assert names == {
        "oversight-sans",
        "oversight-sans-Bold",
        "oversight-sans-Italic",
        "oversight-mono",
    }


def test_the_same_page_gives_the_same_bytes() -> None:
    assert html_to_pdf(PAGE) == html_to_pdf(PAGE)
