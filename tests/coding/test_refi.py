"""REFI-QDA codebook and project exchange, CSV import and archive safety."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from oversight.coding import code_units, load_codebook
from oversight.coding.refi import (
    CODEBOOK_NS,
    PROJECT_NS,
    RefiError,
    codebook_to_qdc,
    flatten_codes,
    project_to_qdpx,
    read_archive,
    read_coding_csv,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)

ROOT = Path(__file__).resolve().parents[2]
NS = {"c": CODEBOOK_NS}


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(ROOT / "config" / "codebook.yaml")


@pytest.fixture(scope="module")
def units():
    return pd.DataFrame(
        {
            "source": "transcript",
            "la_code": "E1",
            "source_file": "a.vtt",
            "source_row": [1, 2],
            "unit_id": ["u1", "u2"],
            "role": "social_worker",
            "section": None,
            "text": [
                "Supervision is too often cancelled. No rationale recorded.",
                "My manager is great but the decision is recorded without the reasoning — "
                "I’d like a café-style reflective space.",
            ],
        }
    )


def test_qdc_has_refi_shape_and_round_trips(codebook, tmp_path):
    from xml.etree import ElementTree as ET

    path = write_qdc(codebook, tmp_path / "codebook.qdc")
    data = path.read_bytes()
    root = ET.fromstring(data)
    assert root.tag == f"{{{CODEBOOK_NS}}}CodeBook"
    assert root.get("origin") == "oversight"
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA')
    codes = root.findall(".//c:Code", NS)
    assert len(codes) == len(codebook.codes) + len(codebook.themes)
    for el in codes:
        assert el.get("guid") and el.get("name") and el.get("isCodable") in ("true", "false")
    assert len({el.get("guid") for el in codes}) == len(codes)
    assert codebook_to_qdc(codebook) == data  # deterministic GUIDs and bytes

    flat = flatten_codes(read_qdc(path))
    codable = flat[flat["is_codable"]]
    assert list(codable["name"]) == list(codebook.code_ids)
    assert list(codable["parent"]) == [c.theme for c in codebook.codes]
    assert list(flat.loc[~flat["is_codable"], "name"]) == [t.id for t in codebook.themes]
    first = codebook.codes[0]
    assert codable["description"].iloc[0] == f"{first.label}: {first.definition}"


def test_qdc_reader_rejects_bad_shape_and_dtd():
    with pytest.raises(RefiError, match="root element"):
        read_qdc(b'<Project xmlns="urn:QDA-XML:project:1.0"/>')
    bad = (
        f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code name="x" isCodable="true"/>'
        "</Codes></CodeBook>"
    ).encode()
    with pytest.raises(RefiError, match="guid"):
        read_qdc(bad)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">&lol;</CodeBook>'
    )
    with pytest.raises(RefiError, match="unsafe"):
        read_qdc(bomb)


def test_qdpx_round_trip_keeps_every_segment(codebook, units, tmp_path):
    seg = code_units(units, codebook)
    assert len(seg) >= 4
    path = write_qdpx(tmp_path / "p.qdpx", seg, units, codebook, name="demo")
    back = read_qdpx(path)
    key = ["unit_id", "span_start", "span_end", "code"]
    expected = seg[[*key, "evidence"]].astype(
        {"unit_id": str, "span_start": "int64", "span_end": "int64", "code": str, "evidence": str}
    )
    expected = expected.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(back.astype({"unit_id": str, "code": str}), expected)
    # byte-reproducible, sorted members with fixed timestamps
    assert project_to_qdpx(seg, units, codebook, name="demo") == path.read_bytes()
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert names[0] == "project.qde"
        assert names[1:] == sorted(names[1:])
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        qde = z.read("project.qde").decode()
    assert f'xmlns="{PROJECT_NS}"' in qde
    assert 'plainTextPath="internal://' in qde


def test_qdpx_refuses_unknown_codes(codebook, units):
    seg = pd.DataFrame({"unit_id": ["u1"], "span_start": [0], "span_end": [3], "code": ["nope"]})
    with pytest.raises(RefiError, match="not in the codebook"):
        project_to_qdpx(seg, units, codebook)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "sources/../../evil.txt", "/etc/passwd", "C:/windows/evil.txt", "..\\evil.txt"],
)
def test_archive_refuses_path_traversal(name):
    with pytest.raises(RefiError, match=r"absolute path|leaves the archive"):
        read_archive(_zip({"project.qde": b"<x/>", name: b"boom"}))


def test_archive_refuses_zip_bomb():
    bomb = _zip({"project.qde": b"\0" * 5_000_000})
    assert len(bomb) < 50_000
    with pytest.raises(RefiError, match="expand"):
        read_archive(bomb, max_bytes=1_000_000)
    with pytest.raises(RefiError, match="expand"):
        read_qdpx(bomb, max_bytes=1_000_000)


def test_archive_size_is_checked_while_reading_even_if_header_lies():
    data = bytearray(_zip({"a.txt": b"\0" * 2_000_000}))
    # Forge the declared uncompressed size in the central directory to 10 bytes.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(RefiError, match=r"corrupt|expand"):
        read_archive(bytes(data), max_bytes=1_000_000)


def test_read_coding_csv(codebook):
    csv = io.StringIO(
        "unit_id, code, coder\n u1 ,caseload,ann\nu1,caseload,ann\nu2,drift_delay,bob\n,,\n"
    )
    df = read_coding_csv(csv, codebook)
    assert df.to_dict("records") == [
        {"unit_id": "u1", "code": "caseload", "coder": "ann"},
        {"unit_id": "u2", "code": "drift_delay", "coder": "bob"},
    ]
    with pytest.raises(RefiError, match=r"'made_up' \(line 2\)"):
        read_coding_csv(io.StringIO("unit_id,code,coder\nu1,made_up,ann\n"), codebook)
    with pytest.raises(RefiError, match="lacks column"):
        read_coding_csv(io.StringIO("unit,code\nu1,caseload\n"))
