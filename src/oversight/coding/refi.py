"""REFI-QDA exchange: codebooks (``.qdc``), projects (``.qdpx``) and CSV coding import.

The codebook is written as REFI-QDA Codebook XML (namespace ``urn:QDA-XML:codebook:1.0``):
each theme is a non-codable parent ``<Code>`` and each code a codable child, ``name`` being the
code id and ``<Description>`` its label and definition. GUIDs are ``uuid5`` of the ids, so the
same codebook always gets the same GUIDs.

A project (``.qdpx``) is a zip holding ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``)
and one ``sources/<guid>.txt`` per text unit; every coded segment is a ``PlainTextSelection``
(character offsets into the unit text) with one ``Coding``. Archives are written
byte-reproducibly (fixed timestamps, sorted members) and read defensively: XML through
defusedxml (no DTDs or entities), members with absolute paths or ``..`` refused, and the
total uncompressed size capped.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import pandas as pd

from oversight.artefacts import atomic_path
from oversight.coding.codebook import Codebook
from oversight.ingest import archives

try:  # defusedxml refuses DTDs, entity expansion and external references.
    from defusedxml.ElementTree import fromstring as _safe_fromstring
except ImportError:  # pragma: no cover - defusedxml is installed in the project venv
    _safe_fromstring = None

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/oversight/coding")
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBERS = 100_000
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class RefiError(ValueError):
    """A REFI-QDA file is malformed, unsafe or refers to unknown codes."""


@dataclass(frozen=True)
class QdcCode:
    """A code read from a REFI-QDA codebook, with its nested codes."""

    guid: str
    name: str
    is_codable: bool
    description: str
    children: tuple[QdcCode, ...] = ()


def guid(kind: str, key: str) -> str:
    """Deterministic GUID for an object of ``kind`` identified by ``key``."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


# --------------------------------------------------------------------------- XML helpers


def _parse_xml(data: bytes) -> ET.Element:
    if _safe_fromstring is not None:
        try:
            return _safe_fromstring(data, forbid_dtd=True)
        except ET.ParseError as exc:
            raise RefiError(f"not well-formed XML: {exc}") from None
        except Exception as exc:  # defusedxml's DTDForbidden, EntitiesForbidden, ...
            raise RefiError(f"unsafe XML refused: {exc.__class__.__name__}") from None
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data):  # pragma: no cover
        raise RefiError("unsafe XML refused: DTD or entity declaration")
    try:  # pragma: no cover
        return ET.fromstring(data)
    except ET.ParseError as exc:  # pragma: no cover
        raise RefiError(f"not well-formed XML: {exc}") from None


def _to_bytes(root: ET.Element, namespace: str) -> bytes:
    # Elements are built unqualified and the default namespace declared on the root, which
    # is what REFI-QDA files look like (ElementTree's default_namespace option rejects
    # unqualified attributes).
    attrib = {"xmlns": namespace, **{k: v for k, v in root.attrib.items() if k != "xmlns"}}
    root.attrib.clear()
    root.attrib.update(attrib)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def _codes_element(codebook: Codebook) -> ET.Element:
    codes = ET.Element("Codes")
    for theme in codebook.themes:
        t = ET.SubElement(
            codes,
            "Code",
            {"guid": guid("theme", theme.id), "name": theme.id, "isCodable": "false"},
        )
        ET.SubElement(t, "Description").text = theme.label
        for code_id in theme.codes:
            code = codebook.code(code_id)
            c = ET.SubElement(
                t,
                "Code",
                {"guid": guid("code", code.id), "name": code.id, "isCodable": "true"},
            )
            ET.SubElement(c, "Description").text = f"{code.label}: {code.definition}"
    return codes


def _read_codes(parent: ET.Element, ns: str, where: str) -> tuple[QdcCode, ...]:
    out = []
    for el in parent.findall(f"{{{ns}}}Code"):
        missing = [a for a in ("guid", "name", "isCodable") if not el.get(a)]
        if missing:
            raise RefiError(f"{where}: <Code> lacks required attribute(s) {missing}")
        if el.get("isCodable") not in ("true", "false"):
            raise RefiError(
                f"{where}: code {el.get('name')!r} has isCodable={el.get('isCodable')!r}"
            )
        desc = el.find(f"{{{ns}}}Description")
        out.append(
            QdcCode(
                guid=el.get("guid", ""),
                name=el.get("name", ""),
                is_codable=el.get("isCodable") == "true",
                description=(desc.text or "") if desc is not None else "",
                children=_read_codes(el, ns, where),
            )
        )
    return tuple(out)


def flatten_codes(codes: Iterable[QdcCode], parent: str | None = None) -> pd.DataFrame:
    """``guid, name, parent, is_codable, description`` for a tree of :class:`QdcCode`."""
    rows: list[tuple[str, str, str | None, bool, str]] = []

    def walk(items: Iterable[QdcCode], up: str | None) -> None:
        for c in items:
            rows.append((c.guid, c.name, up, c.is_codable, c.description))
            walk(c.children, c.name)

    walk(codes, parent)
    return pd.DataFrame(rows, columns=["guid", "name", "parent", "is_codable", "description"])


# --------------------------------------------------------------------------- codebook


def codebook_to_qdc(codebook: Codebook, origin: str = "oversight") -> bytes:
    """The codebook as REFI-QDA codebook XML (UTF-8 bytes, deterministic)."""
    root = ET.Element("CodeBook", {"origin": origin})
    root.append(_codes_element(codebook))
    return _to_bytes(root, CODEBOOK_NS)


def write_qdc(codebook: Codebook, path: str | Path, origin: str = "oversight") -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(codebook_to_qdc(codebook, origin))
    return path


def read_qdc(source: str | Path | bytes) -> tuple[QdcCode, ...]:
    """The code tree of a REFI-QDA codebook (path or bytes).

    Raises:
        RefiError: If the XML is unsafe or malformed, the root is not ``CodeBook`` in the
            codebook namespace, or a ``Code`` lacks ``guid``/``name``/``isCodable``.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    root = _parse_xml(data)
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise RefiError(f"root element is {root.tag!r}, expected {{{CODEBOOK_NS}}}CodeBook")
    codes = root.find(f"{{{CODEBOOK_NS}}}Codes")
    if codes is None:
        raise RefiError("codebook has no <Codes> element")
    return _read_codes(codes, CODEBOOK_NS, "codebook")


# --------------------------------------------------------------------------- project


def _zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members, key=lambda n: (n != "project.qde", n)):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, members[name])
    return buffer.getvalue()


def project_to_qdpx(
    segments: pd.DataFrame,
    units: pd.DataFrame,
    codebook: Codebook,
    name: str = "oversight coding",
    origin: str = "oversight",
) -> bytes:
    """A REFI-QDA project archive holding the units coded in ``segments``.

    Args:
        segments: Coded segments (``unit_id, span_start, span_end, code``; see
            :func:`oversight.coding.coder.code_units`).
        units: Text units (``unit_id, text``); every unit with a segment must be present.
        codebook: The codebook the codes come from.
    """
    texts = dict(zip(units["unit_id"], units["text"], strict=False))
    unknown = sorted(set(segments["code"]) - set(codebook.code_ids))
    if unknown:
        raise RefiError(f"segments use codes not in the codebook: {unknown}")
    root = ET.Element("Project", {"name": name, "origin": origin})
    book = ET.SubElement(root, "CodeBook")
    book.append(_codes_element(codebook))
    sources = ET.SubElement(root, "Sources")
    members: dict[str, bytes] = {}
    seg = segments.sort_values(["unit_id", "span_start", "span_end", "code"], kind="stable")
    for unit_id, group in seg.groupby("unit_id", sort=True):
        text = texts.get(unit_id)
        if not isinstance(text, str):
            raise RefiError(f"unit {unit_id!r} has segments but no text")
        src_guid = guid("source", str(unit_id))
        members[f"sources/{src_guid}.txt"] = text.encode("utf-8")
        source = ET.SubElement(
            sources,
            "TextSource",
            {"guid": src_guid, "name": str(unit_id), "plainTextPath": f"internal://{src_guid}.txt"},
        )
        for row in group.itertuples(index=False):
            start, end = int(row.span_start), int(row.span_end)
            if not 0 <= start <= end <= len(text):
                raise RefiError(f"unit {unit_id!r}: span {start}-{end} outside the text")
            key = f"{unit_id}:{start}:{end}:{row.code}"
            sel = ET.SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": guid("selection", key),
                    "startPosition": str(start),
                    "endPosition": str(end),
                },
            )
            coding = ET.SubElement(sel, "Coding", {"guid": guid("coding", key)})
            ET.SubElement(coding, "CodeRef", {"targetGUID": guid("code", row.code)})
    members["project.qde"] = _to_bytes(root, PROJECT_NS)
    return _zip_bytes(members)


def write_qdpx(
    path: str | Path,
    segments: pd.DataFrame,
    units: pd.DataFrame,
    codebook: Codebook,
    name: str = "oversight coding",
    origin: str = "oversight",
) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(project_to_qdpx(segments, units, codebook, name, origin))
    return path


def _safe_member(name: str) -> None:
    p = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or p.is_absolute():
        raise RefiError(f"archive member {name!r} has an absolute path")
    if ".." in p.parts:
        raise RefiError(f"archive member {name!r} leaves the archive ('..')")


def read_archive(source: str | Path | bytes, max_bytes: int = MAX_UNCOMPRESSED) -> dict[str, bytes]:
    """Members of a zip archive, checked for traversal and size before and while reading.

    Raises:
        RefiError: On an absolute or ``..`` member path, more than :data:`MAX_MEMBERS`
            members, or more than ``max_bytes`` uncompressed (declared or actual).
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise RefiError(f"not a zip archive: {exc}") from None
    with archive:
        infos = archive.infolist()
        for info in infos:
            _safe_member(info.filename)
        try:  # member count, declared size and compression ratio: the shared container checks
            archives.check_members(infos, archives.Limits(MAX_MEMBERS, max_bytes))
        except archives.ArchiveRefused as exc:
            raise RefiError(f"archive refused: {exc}") from None
        out: dict[str, bytes] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            chunks = []
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(1 << 16):
                        total += len(chunk)
                        if total > max_bytes:
                            raise RefiError(f"archive expands beyond {max_bytes} bytes; refused")
                        chunks.append(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise RefiError(f"archive member {info.filename!r} is corrupt: {exc}") from None
            out[info.filename] = b"".join(chunks)
    return out


def read_qdpx(source: str | Path | bytes, max_bytes: int = MAX_UNCOMPRESSED) -> pd.DataFrame:
    """Coded segments from a REFI-QDA project: ``unit_id, span_start, span_end, code, evidence``.

    ``unit_id`` is the ``TextSource`` name and ``code`` the name of the referenced code.
    """
    members = read_archive(source, max_bytes)
    if "project.qde" not in members:
        raise RefiError("archive has no project.qde")
    ns = PROJECT_NS
    root = _parse_xml(members["project.qde"])
    if root.tag != f"{{{ns}}}Project":
        raise RefiError(f"root element is {root.tag!r}, expected {{{ns}}}Project")
    book = root.find(f"{{{ns}}}CodeBook/{{{ns}}}Codes")
    names = {}
    if book is not None:
        flat = flatten_codes(_read_codes(book, ns, "project codebook"))
        names = dict(zip(flat["guid"], flat["name"], strict=True))
    rows = []
    for src in root.iterfind(f"{{{ns}}}Sources/{{{ns}}}TextSource"):
        unit_id = src.get("name") or src.get("guid")
        path = src.get("plainTextPath", "")
        text = ""
        if path.startswith("internal://"):
            member = "sources/" + path.removeprefix("internal://")
            if member not in members:
                raise RefiError(f"source {unit_id!r}: {member} missing from the archive")
            text = members[member].decode("utf-8")
        for sel in src.iterfind(f"{{{ns}}}PlainTextSelection"):
            try:
                start = int(sel.get("startPosition", ""))
                end = int(sel.get("endPosition", ""))
            except ValueError:
                raise RefiError(
                    f"source {unit_id!r}: selection without integer positions"
                ) from None
            for ref in sel.iterfind(f"{{{ns}}}Coding/{{{ns}}}CodeRef"):
                target = ref.get("targetGUID", "")
                if target not in names:
                    raise RefiError(f"source {unit_id!r}: CodeRef to unknown code {target}")
                rows.append((unit_id, start, end, names[target], text[start:end]))
    out = pd.DataFrame(rows, columns=["unit_id", "span_start", "span_end", "code", "evidence"])
    out["span_start"] = out["span_start"].astype("int64")
    out["span_end"] = out["span_end"].astype("int64")
    return out.sort_values(["unit_id", "span_start", "span_end", "code"]).reset_index(drop=True)


# --------------------------------------------------------------------------- CSV


def read_coding_csv(
    source: str | Path | io.StringIO, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Manual coding from a CSV with columns ``unit_id, code, coder`` (one row per code).

    Whitespace is stripped, blank rows and exact duplicates dropped. With ``codebook``, codes
    it does not define raise :class:`RefiError` listing them with their line numbers.
    """
    df = pd.read_csv(source, dtype="string", keep_default_na=False)
    df.columns = [c.strip().lower() for c in df.columns]
    missing = [c for c in ("unit_id", "code", "coder") if c not in df.columns]
    if missing:
        raise RefiError(f"coding CSV lacks column(s) {missing}")
    df = df[["unit_id", "code", "coder"]].apply(lambda s: s.str.strip())
    blank = (df == "").any(axis=1)
    all_blank = (df == "").all(axis=1)
    if (blank & ~all_blank).any():
        lines = [int(i) + 2 for i in df.index[blank & ~all_blank]]
        raise RefiError(f"coding CSV has incomplete rows at line(s) {lines}")
    df = df[~all_blank]
    if codebook is not None:
        bad = df[~df["code"].isin(list(codebook.code_ids))]
        if not bad.empty:
            listed = ", ".join(f"{c!r} (line {int(i) + 2})" for i, c in bad["code"].items())
            raise RefiError(f"coding CSV uses codes not in the codebook: {listed}")
    return df.drop_duplicates().reset_index(drop=True)
