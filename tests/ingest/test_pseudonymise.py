"""Keyed, LA-scoped pseudonyms and the rules for where the key may come from."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pandas as pd
import pytest

from oversight.errors import KeyMissingError
from oversight.ingest.pseudonymise import (
    DEMO_KEY_MARK,
    key_bits,
    key_fingerprint,
    load_key,
    pseudonymise,
    read_demo_manifest,
)

KEY = b"test-key"
# A key as the README says to make one (secrets.token_hex(32)).
STRONG = "4e1f0c7b9a2d6e8f3b5a7c9d1e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f"


def _one(value, la="E10000016", kind="worker", key=KEY):
    return pseudonymise(pd.Series([value], dtype="string"), key, la, kind).iloc[0]


def test_hmac_matches_python_hmac_with_scoped_message():
    expected = hmac.new(b"test-key", b"E10000016|worker|w1001", hashlib.sha256).hexdigest()
    assert _one("w1001") == "W-" + expected[:16]


def test_format_is_prefix_and_16_hex():
    for kind, prefix in [
        ("worker", "W"),
        ("child", "C"),
        ("respondent", "R"),
        ("audit", "A"),
        ("speaker", "S"),
    ]:
        assert re.fullmatch(rf"{prefix}-[0-9a-f]{{16}}", _one("12345", kind=kind))


def test_same_id_same_la_same_pseudonym_case_and_whitespace_insensitive():
    out = pseudonymise(
        pd.Series(["W1001", " w1001 ", "W1001\t", "W1002", None], dtype="string"),
        KEY,
        "E10000016",
        "worker",
    )
    assert out.iloc[0] == out.iloc[1] == out.iloc[2]
    assert out.iloc[3] != out.iloc[0]
    assert pd.isna(out.iloc[4])
    assert str(out.dtype) == "string"


def test_scoped_by_la_kind_and_key():
    base = _one("1001")
    assert _one("1001", la="E10000030") != base
    assert _one("1001", kind="child")[2:] != base[2:]
    assert _one("1001", key=b"other-key") != base


def test_key_fingerprint_is_short_and_not_the_key():
    fp = key_fingerprint(KEY)
    assert re.fullmatch(r"[0-9a-f]{8}", fp)
    assert fp == key_fingerprint(KEY) != key_fingerprint(b"other")


# --- load_key ----------------------------------------------------------------------------------


def _manifest(tmp_path, **data):
    path = tmp_path / "DEMO_DATA.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_env_key_is_used(tmp_path):
    manifest = _manifest(tmp_path, demo=True, demo_key=f"{DEMO_KEY_MARK}:x", authorities=["kent"])
    assert load_key("kent", {"OVERSIGHT_KEY": STRONG}, manifest) == STRONG.encode()


def test_key_file_outside_repository_is_used(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    key_file = tmp_path / "secrets" / "oversight.key"
    key_file.parent.mkdir()
    key_file.write_text(STRONG + "\n", encoding="utf-8")
    key = load_key(
        "kent", {"OVERSIGHT_KEY_FILE": str(key_file)}, tmp_path / "none.json", repo_root=repo
    )
    assert key == STRONG.encode()


def test_key_file_inside_repository_is_refused(tmp_path):
    key_file = tmp_path / "config" / "oversight.key"
    key_file.parent.mkdir()
    key_file.write_text("file-key", encoding="utf-8")
    with pytest.raises(KeyMissingError, match="points inside the repository"):
        load_key(
            "kent",
            {"OVERSIGHT_KEY_FILE": str(key_file)},
            tmp_path / "none.json",
            repo_root=tmp_path,
        )


def test_empty_or_missing_key_file_is_refused(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    empty = tmp_path / "empty.key"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(KeyMissingError, match="the key file is empty"):
        load_key("kent", {"OVERSIGHT_KEY_FILE": str(empty)}, tmp_path / "x.json", repo_root=repo)
    with pytest.raises(KeyMissingError, match="cannot read the key file"):
        load_key(
            "kent",
            {"OVERSIGHT_KEY_FILE": str(tmp_path / "nope.key")},
            tmp_path / "x.json",
            repo_root=repo,
        )


def test_demo_key_only_for_listed_authorities(tmp_path):
    demo_key = f"{DEMO_KEY_MARK}:synthetic"
    extract = tmp_path / "kent" / "a.csv"
    extract.parent.mkdir()
    extract.write_bytes(b"x,y\n1,2\n")
    files = {"kent/a.csv": {"bytes": 8, "sha256": hashlib.sha256(b"x,y\n1,2\n").hexdigest()}}
    manifest = _manifest(tmp_path, demo=True, demo_key=demo_key, authorities=["kent"], files=files)
    assert load_key("kent", {}, manifest, raw_root=tmp_path, files=[extract]) == demo_key.encode()
    with pytest.raises(KeyMissingError) as info:
        load_key("surrey", {}, manifest, raw_root=tmp_path, files=[])
    message = str(info.value)
    assert "no pseudonymisation key for 'surrey'" in message
    assert "Set OVERSIGHT_KEY (or OVERSIGHT_KEY_FILE" in message


def test_demo_key_must_be_marked(tmp_path):
    manifest = _manifest(tmp_path, demo=True, demo_key="looks-real", authorities=["kent"])
    with pytest.raises(KeyMissingError, match=f"not marked {DEMO_KEY_MARK}"):
        load_key("kent", {}, manifest)


def test_manifest_not_marked_demo_is_ignored(tmp_path):
    manifest = _manifest(tmp_path, demo=False, demo_key=f"{DEMO_KEY_MARK}:x", authorities=["kent"])
    assert read_demo_manifest(manifest) is None
    with pytest.raises(KeyMissingError, match="OVERSIGHT_KEY"):
        load_key("kent", {}, manifest)


def test_real_data_without_key_is_refused(tmp_path):
    with pytest.raises(KeyMissingError) as info:
        load_key("kent", {"OVERSIGHT_KEY": ""}, tmp_path / "missing.json")
    assert "its raw data is not synthetic demo data" in str(info.value)
    assert "OVERSIGHT_KEY" in str(info.value)


def test_custom_env_names_are_named_in_refusal(tmp_path):
    with pytest.raises(KeyMissingError, match="Set STUDY_KEY"):
        load_key("kent", {"OVERSIGHT_KEY": "ignored"}, tmp_path / "m.json", key_env="STUDY_KEY")


@pytest.mark.parametrize(
    ("key", "bits"),
    [
        ("s3cret", 36),  # six characters of the base64 alphabet
        ("k3y-Under-Test-7f1c9a2e5b", 150),  # 25 characters of the base64url alphabet
        ("0123456789abcdef" * 3, 192),  # 48 hex characters
        ("a" * 200, 800),  # long, but one character repeated
    ],
)
def test_weak_keys_are_refused_before_any_row_is_read(tmp_path, key, bits):
    with pytest.raises(KeyMissingError) as info:
        load_key("kent", {"OVERSIGHT_KEY": key}, tmp_path / "none.json")
    text = str(info.value)
    assert text.startswith("OVERSIGHT_KEY is too weak to pseudonymise real data")
    assert f"about {bits} bits" in text and "secrets.token_hex(32)" in text
    assert key not in text  # the refusal never repeats the key


def test_a_weak_key_file_is_refused_by_name(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    key_file = tmp_path / "short.key"
    key_file.write_text("file-key\n", encoding="utf-8")
    with pytest.raises(KeyMissingError, match=r"the key file OVERSIGHT_KEY_FILE=.* is too weak"):
        load_key("kent", {"OVERSIGHT_KEY_FILE": str(key_file)}, tmp_path / "x.json", repo_root=repo)


@pytest.mark.parametrize(
    "key",
    [
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",  # 64 hex
        "Zk3o9Qm1-xV7_bT2nR8wLs4Yp6Jc0HaE5uGdKfIqBtN",  # 43 base64url characters
        "q7#Lr!9vZ@2m$Xe&4Tb*8Ny(1Kd)6Hw^0Pf%3Js<",  # 40 printable characters
    ],
)
def test_strong_keys_are_accepted(tmp_path, key):
    assert load_key("kent", {"OVERSIGHT_KEY": key}, tmp_path / "none.json") == key.encode()
    assert key_bits(key.encode()) >= 256
