"""Reading a tagged PDF's structure as a screen reader does: the catalogue's accessibility
entries and the structure tree's elements in reading order (pypdf)."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdf


@dataclass
class Tagged:
    """A PDF's catalogue, document information, XMP packet and structure elements."""

    catalog: Any
    info: dict[str, Any]
    trailer: Any
    xmp: str
    elements: list[Any] = field(default_factory=list)

    def kinds(self, kind: str) -> list[Any]:
        """The structure elements of type ``kind`` ("Figure", "TH" ...) in reading order."""
        return [e for e in self.elements if e["/S"] == f"/{kind}"]

    @property
    def headings(self) -> list[int]:
        """The level of each heading (H1 -> 1 ...), in reading order."""
        return [int(e["/S"][2:]) for e in self.elements if e["/S"] in HEADINGS]


HEADINGS = {f"/H{n}" for n in range(1, 7)}


def _is_element(obj: Any) -> bool:
    return hasattr(obj, "keys") and "/S" in obj and obj.get("/Type", "/StructElem") == "/StructElem"


def _walk(node: Any, out: list[Any]) -> None:
    """Depth first, in the order of each element's /K: the reading order."""
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        obj = kid.get_object() if hasattr(kid, "get_object") else kid
        if _is_element(obj):
            out.append(obj)
            _walk(obj, out)


def rows(table: Any) -> list[Any]:
    """The TR elements of a Table element (in THead, TBody, TFoot or directly under it)."""
    found: list[Any] = []
    _walk(table, found)
    return [e for e in found if e["/S"] == "/TR"]


def outside_tree(catalog: Any) -> int:
    """How many structure elements the parent tree maps marked content to that the tree does
    not reach from its root: content tagged, yet never read out."""
    root = catalog["/StructTreeRoot"]
    reached: set[int] = set()
    todo = list(root["/K"]) if isinstance(root["/K"], list) else [root["/K"]]
    while todo:
        ref = todo.pop()
        obj = ref.get_object()
        if ref.idnum in reached or not _is_element(obj):
            continue
        reached.add(ref.idnum)
        kids = obj.get("/K", [])
        todo.extend(k for k in (kids if isinstance(kids, list) else [kids]) if hasattr(k, "idnum"))
    nums = root["/ParentTree"].get_object()["/Nums"]
    mapped = set()
    for value in nums[1::2]:
        listed = value.get_object() if hasattr(value, "get_object") else value
        for ref in listed if isinstance(listed, list) else [value]:
            if hasattr(ref, "idnum") and _is_element(ref.get_object()):
                mapped.add(ref.idnum)
    return len(mapped - reached)


def read(pdf: bytes | Path) -> Tagged:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    meta = catalog.get("/Metadata")
    xmp = meta.get_object().get_data().decode("utf-8") if meta is not None else ""
    tagged = Tagged(catalog, dict(reader.metadata or {}), reader.trailer, xmp)
    if "/StructTreeRoot" in catalog:
        _walk(catalog["/StructTreeRoot"], tagged.elements)
    return tagged


class _Images(HTMLParser):
    """The alt text of every <img> of an HTML page, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt") or "")


def image_alts(html: str) -> list[str]:
    parser = _Images()
    parser.feed(html)
    return parser.alts


def heading_steps_ok(levels: list[int]) -> bool:
    """Headings start at H1 and never skip a level on the way down (H2 -> H4)."""
    return (
        bool(levels) and levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
    )
