"""PDF/UA-1 (ISO 14289-1): what the PDFs carry for screen readers, and the checks that the page
gives WeasyPrint all it needs.

With ``pdf_variant="pdf/ua-1"`` WeasyPrint writes a tagged PDF: a structure tree (headings,
paragraphs, lists, tables with their header cells, figures with the ``alt`` text of their
``<img>``, captions, links), ``MarkInfo`` Marked, the document language (``/Lang`` from
``<html lang>``), the ``<title>`` as the title viewers show (``DisplayDocTitle``), borders and
backgrounds marked as artifacts, and XMP metadata naming PDF/UA part 1. That metadata holds no
date and no document ID (WeasyPrint writes those only for PDF/X-4) and the trailer no ``/ID``,
so the bytes stay reproducible.

WeasyPrint only logs a page that lacks a title, a language or an image's alt text, and then
writes a PDF that fails PDF/UA; :func:`check_page` refuses such a page before it is laid out.
WeasyPrint links every data cell to its header cells (``/Headers``) but writes no ``/Scope``;
:func:`add_header_scopes` adds it from each ``<th scope>``, for readers that use only that.
WeasyPrint tags the text of the page margins (the page numbers) with structure elements it
leaves out of the tree; :func:`margins_as_artifacts` marks that text as pagination artifacts
instead, as PDF/UA asks of running headers and footers, so no content is tagged outside the tree.
:func:`finish` does both, as WeasyPrint's finisher: after tagging, before the PDF is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

PDF_VARIANT = "pdf/ua-1"

_HTML = "{http://www.w3.org/1999/xhtml}"
_SVG = "{http://www.w3.org/2000/svg}"
# HTML's <th scope> as PDF's /Scope of a TH element (ISO 32000-1, table 337).
_SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


class InaccessiblePageError(ValueError):
    """A page would give a PDF that fails PDF/UA: names the page and what to add to it."""


def _tag(element: Element) -> str:
    return str(element.tag).removeprefix(_HTML)


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _where(element: Element, parents: dict[Element, Element]) -> str:
    """The element as a reader finds it: its own id or its nearest ancestor's, else its src."""
    node: Element | None = element
    while node is not None:
        if node.get("id"):
            return f'inside id="{node.get("id")}"'
        node = parents.get(node)
    src = element.get("src", "")
    return f'src="{src[:60]}…"' if len(src) > 60 else f'src="{src}"'


def page_problems(root: Element) -> list[str]:
    """What the page at ``root`` (WeasyPrint's parsed tree) lacks for a PDF/UA document: a
    language, a non-empty title, and a text alternative for each image (``<img alt>``, or
    the ``<title>`` of an inline ``<svg>``)."""
    problems = []
    if not (root.get("lang") or "").strip():
        problems.append('<html> has no lang attribute: add lang="en-GB"')
    if not _text(next((e for e in root.iter() if _tag(e) == "title"), None)):
        problems.append("<head> has no <title> with text: add the document's title")
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        if _tag(element) == "img" and not (element.get("alt") or "").strip():
            problems.append(
                f"<img> {_where(element, parents)} has no alt text: describe what it shows; "
                "an image that only decorates belongs in the CSS (a background image), which "
                "the PDF marks as an artifact"
            )
        elif element.tag == f"{_SVG}svg" and not _text(element.find(f"{_SVG}title")):
            problems.append(f"<svg> {_where(element, parents)} has no <title>: describe it")
    return problems


def check_page(root: Element, source: str) -> None:
    """Raise :class:`InaccessiblePageError` naming ``source`` and every problem found."""
    problems = page_problems(root)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise InaccessiblePageError(f"{source}: cannot be made an accessible PDF:\n{listed}")


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def add_header_scopes(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: give each TH structure element the ``/Scope`` of its ``<th
    scope>``. WeasyPrint keeps each table cell's structure element on the cell's box
    (``mark``) while it tags the page; cells without ``scope`` are left as they are."""
    del pdf  # the elements are changed in place, before the PDF is written
    for page in document.pages:
        for box in _boxes(page._page_box):
            element = getattr(box, "mark", None)
            if element is not None and box.element_tag == "th":
                scope = _SCOPES.get((box.element.get("scope") or "").lower())
                if scope:
                    element["A"]["Scope"] = scope


def _number(reference: bytes) -> int:
    """The object number of a pydyf reference (``b"12 0 R"``): its index in ``pdf.objects``."""
    return int(reference.split()[0])


def _in_tree(pdf: Any) -> set[int]:
    """The object numbers of the structure elements reachable from the tree's root."""
    root = pdf.objects[_number(pdf.catalog["StructTreeRoot"])]
    found: set[int] = set()
    todo = [_number(r) for r in root["K"]]
    while todo:
        number = todo.pop()
        if number not in found:
            found.add(number)
            kids = pdf.objects[number].get("K", ())  # link objects (/OBJR) have none
            todo.extend(_number(k) for k in kids if isinstance(k, bytes))
    return found


def _as_artifact(stream: Any, mcid: int) -> bool:
    """Rewrite ``/Span <</MCID n>> BDC`` in a page's content as a pagination artifact."""
    ops = stream.stream
    for i in range(1, len(ops) - 1):
        if hasattr(ops[i], "get") and ops[i].get("MCID") == mcid and ops[i + 1] == b"BDC":
            ops[i - 1], ops[i] = "/Artifact", type(ops[i])({"Type": "/Pagination"})
            return True
    return False


def margins_as_artifacts(pdf: Any) -> None:
    """Each marked-content sequence whose structure element is outside the tree (the text of
    the page-margin boxes) becomes a pagination artifact, and leaves the parent tree."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    kept = _in_tree(pdf)
    pages = {ref: i for i, ref in enumerate(pdf.page_references)}
    parents = pdf.objects[
        _number(pdf.objects[_number(pdf.catalog["StructTreeRoot"])]["ParentTree"])
    ]
    for number, obj in enumerate(pdf.objects):
        if number in kept or not hasattr(obj, "get") or obj.get("Type") != "/StructElem":
            continue
        for mcid in (k for k in obj["K"] if isinstance(k, int)):
            page = pages[obj["Pg"]]
            contents = pdf.objects[_number(pdf.objects[_number(obj["Pg"])]["Contents"])]
            if _as_artifact(contents, mcid):
                parents["Nums"][2 * page + 1][mcid] = b"null"


def finish(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: :func:`add_header_scopes` and :func:`margins_as_artifacts`."""
    add_header_scopes(document, pdf)
    margins_as_artifacts(pdf)
