"""The public demo key is used only for the bundled demo files, unchanged.

One LA's synthetic extracts are generated into a scratch raw folder (as ``oversight
demo-data`` writes them, with DEMO_DATA.json listing every file's size and SHA-256); then
files are planted in, or changed in, its folder, and the key is asked for as the ingest job
asks for it (:func:`oversight.ingest.pseudonymise.key_for`: the files its configuration names).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from oversight.config import load_authority
from oversight.demo.generate import DEMO_KEY, Generator
from oversight.errors import KeyMissingError
from oversight.ingest import pseudonymise
from oversight.ingest.pseudonymise import demo_files_check, key_for, sha256_file
from tests.conftest import ROOT, TEST_KEY

LA = "slough"  # a CSV authority with two focus-group transcripts (a glob)
OTHER = "reading"
PRIVACY = {"key_env": "OVERSIGHT_KEY", "key_file_env": "OVERSIGHT_KEY_FILE"}
HOW = (
    "Set OVERSIGHT_KEY (or OVERSIGHT_KEY_FILE to a file outside the repository) to a key of at "
    'least 256 bits, made with: python -c "import secrets; print(secrets.token_hex(32))", and '
    "run again; keep the same key for every run of the study so pseudonyms stay stable."
)
# A supervision extract as an LA's system exports it: worker IDs of the E + 6 digits shape the
# reversing attack enumerated (E000000-E999999).
REAL_LOOKING = (
    "Worker ID,Supervision date,Type,Duration\r\n"
    + "".join(
        f"E{104211 + 37 * n:06d},{n % 28 + 1:02d}/05/2024,Individual,60\r\n" for n in range(40)
    )
).encode()


def _generator() -> Generator:
    """The generator as `oversight demo-data` makes it."""
    return Generator(
        ROOT / "data/raw/published/seslip_las.csv",
        ROOT / "config/survey.yaml",
        impact_yaml=ROOT / "config/impact.yaml",
    )


def _generate(raw: Path, config: Path) -> None:
    _generator().run(raw, config, only=[LA, OTHER])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The generated demo (raw/ and config/), made once; each test works on a copy."""
    base = tmp_path_factory.mktemp("demo")
    _generate(base / "raw", base / "config")
    return base


@pytest.fixture
def demo(pristine: Path, tmp_path: Path) -> Path:
    shutil.copytree(pristine, tmp_path / "demo")
    return tmp_path / "demo"


def _key(demo: Path, environ: dict[str, str] | None = None, la: str = LA) -> bytes:
    privacy = PRIVACY | {"demo_manifest": str(demo / "raw/DEMO_DATA.json")}
    config = load_authority(demo / "config" / f"{la}.yaml")
    return key_for(la, privacy, environ or {}, demo / "raw", config)


def _refusal(demo: Path, environ: dict[str, str] | None = None, la: str = LA) -> str:
    with pytest.raises(KeyMissingError) as info:
        _key(demo, environ, la)
    return str(info.value)


def _manifest(demo: Path) -> dict:
    return json.loads((demo / "raw/DEMO_DATA.json").read_text(encoding="utf-8"))


# --- the manifest ---------------------------------------------------------------------------


def test_the_manifest_lists_every_generated_file_with_its_size_and_hash(demo: Path) -> None:
    raw = demo / "raw"
    listed = _manifest(demo)["files"]
    on_disk = sorted(
        p.relative_to(raw).as_posix()
        for la in (LA, OTHER)
        for p in (raw / la).rglob("*")
        if p.is_file()
    )
    assert list(listed) == on_disk  # sorted, every file, nothing else
    assert len(on_disk) >= 12
    for rel, entry in listed.items():
        data = (raw / rel).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_regenerating_keeps_a_planted_file_unlisted_and_the_manifest_bytes(demo: Path) -> None:
    """A second generation over the first: the manifest's bytes are the same; a file the
    generator did not write is neither deleted nor listed."""
    raw = demo / "raw"
    before = (raw / "DEMO_DATA.json").read_bytes()
    planted = raw / LA / "supervision_real.csv"
    planted.write_bytes(REAL_LOOKING)
    _generate(raw, demo / "config")
    assert (raw / "DEMO_DATA.json").read_bytes() == before
    assert planted.read_bytes() == REAL_LOOKING


def test_a_partial_generation_keeps_the_other_las_listed(demo: Path) -> None:
    raw = demo / "raw"
    before = _manifest(demo)["files"]
    _generator().run(raw, None, only=[OTHER])
    assert _manifest(demo)["files"] == before


# --- the demo key -----------------------------------------------------------------------------


def test_untouched_demo_folders_get_the_demo_key(demo: Path) -> None:
    assert _key(demo) == DEMO_KEY.encode()
    assert _key(demo, la=OTHER) == DEMO_KEY.encode()


def test_a_file_ingest_would_not_read_does_not_matter(demo: Path) -> None:
    """Only the files the configuration names count: a note beside the extracts is not read."""
    (demo / "raw" / LA / "notes.txt").write_text("not an extract\n", encoding="utf-8")
    assert _key(demo) == DEMO_KEY.encode()


def test_one_extra_extract_is_refused_without_naming_it(demo: Path) -> None:
    """A transcript dropped beside the demo ones (the configuration reads focus_groups/*.vtt)."""
    (demo / "raw" / LA / "focus_groups" / "Jane Doe 2024-05-01.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Jane Doe>Hello.</v>\n", encoding="utf-8"
    )
    assert _refusal(demo) == (
        "no pseudonymisation key for 'slough': its folder holds 1 file that is not the bundled "
        "synthetic demo data (1 file not in DEMO_DATA.json), so the public demo key will not be "
        f"used and nothing is read. {HOW}"
    )
    assert _key(demo, la=OTHER) == DEMO_KEY.encode()  # the other LA's folder is untouched


def test_one_byte_changed_is_refused(demo: Path) -> None:
    """Same size, one byte different: the hash catches it. A tabular extract with a safe name
    is named as the quality page names it."""
    target = demo / "raw" / LA / "supervision_2024-25.csv"
    data = bytearray(target.read_bytes())
    data[-3] = data[-3] ^ 1
    target.write_bytes(bytes(data))
    assert _refusal(demo) == (
        "no pseudonymisation key for 'slough': its folder holds 1 file that is not the bundled "
        "synthetic demo data (1 file changed since it was generated), so the public demo key "
        "will not be used and nothing is read. By name, where safe to show: "
        f"slough/supervision_2024-25.csv (changed). {HOW}"
    )


def test_files_are_named_only_when_their_label_is_their_name(demo: Path) -> None:
    """Replaced, changed and added files are all counted; a transcript and a participants
    list are never named (their labels need the LA's key, which is what is missing), nor is
    an extract whose name holds a person's name."""
    raw = demo / "raw" / LA
    config_path = demo / "config" / f"{LA}.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["datasets"]["audits"]["path"] = f"{LA}/Audits Jane Smith.csv"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.move(raw / "audits_2024-25.csv", raw / "Audits Jane Smith.csv")
    (raw / "caseload_2024-25.csv").write_bytes(b"Child ID\r\nCH000001\r\n")  # another size
    (raw / "focus_groups" / "participants.csv").write_text("speaker,role\n", encoding="utf-8")
    (raw / "focus_groups" / "Jane Smith 2024-05-01.vtt").write_text("WEBVTT\n", encoding="utf-8")
    message = _refusal(demo)
    assert (
        "its folder holds 4 files that are not the bundled synthetic demo data (2 files not in "
        "DEMO_DATA.json, 2 files changed since it was generated), so the public demo key will "
        "not be used and nothing is read. By name, where safe to show: "
        "slough/caseload_2024-25.csv (changed). Set OVERSIGHT_KEY" in message
    )
    assert "Jane" not in message and "Smith" not in message and "participants" not in message


def test_the_size_is_compared_before_the_hash(demo: Path, monkeypatch) -> None:
    """A file of another size is refused without being read; one of the same size is hashed."""
    hashed: list[str] = []

    def counting(path: Path) -> str:
        hashed.append(Path(path).name)
        return sha256_file(path)

    monkeypatch.setattr(pseudonymise, "_sha256_or_none", counting)
    raw = demo / "raw"
    listed = _manifest(demo)["files"]
    target = raw / LA / "audits_2024-25.csv"
    target.write_bytes(target.read_bytes() + b"\r\n")
    check = demo_files_check(listed, raw, [target, raw / LA / "caseload_2024-25.csv"])
    assert (check.checked, check.unlisted, check.changed) == (2, 0, 1)
    assert hashed == ["caseload_2024-25.csv"]


# --- a key given ------------------------------------------------------------------------------


def test_a_key_given_is_used_for_every_file(demo: Path) -> None:
    (demo / "raw" / LA / "supervision_2024-25.csv").write_bytes(REAL_LOOKING)
    env = {"OVERSIGHT_KEY": TEST_KEY}
    assert _key(demo, env) == TEST_KEY.encode()
    assert _key(demo, env, la=OTHER) == TEST_KEY.encode()  # the untouched demo LA too


def test_an_empty_key_is_no_key(demo: Path) -> None:
    env = {"OVERSIGHT_KEY": ""}
    assert _key(demo, env) == DEMO_KEY.encode()
    (demo / "raw" / LA / "supervision_2024-25.csv").write_bytes(REAL_LOOKING)
    assert "not the bundled synthetic demo data" in _refusal(demo, env)


# --- an older manifest --------------------------------------------------------------------------


def test_a_manifest_without_hashes_refuses_every_la(demo: Path) -> None:
    path = demo / "raw/DEMO_DATA.json"
    old = _manifest(demo)
    del old["files"]
    path.write_text(json.dumps(old, indent=2) + "\n", encoding="utf-8")
    for la in (LA, OTHER):
        message = _refusal(demo, la=la)
        assert message == (
            f"no pseudonymisation key for {la!r}: DEMO_DATA.json lists no file hashes (an older "
            "`oversight demo-data` wrote it), so its files cannot be shown to be the bundled "
            "synthetic demo data and the public demo key will not be used. Regenerate the demo "
            "data with `oversight demo-data` (the same seed writes the same extracts), or, for "
            f"real data: {HOW}"
        )


def test_regenerating_over_an_older_manifest_deletes_nothing_it_did_not_write(
    demo: Path,
) -> None:
    raw = demo / "raw"
    old = _manifest(demo)
    del old["files"]
    (raw / "DEMO_DATA.json").write_text(json.dumps(old), encoding="utf-8")
    planted = raw / LA / "focus_groups" / "extra.vtt"
    planted.write_text("WEBVTT\n", encoding="utf-8")
    _generate(raw, demo / "config")
    assert planted.exists()
    assert f"{LA}/focus_groups/extra.vtt" not in _manifest(demo)["files"]
    assert "1 file not in DEMO_DATA.json" in _refusal(demo)
    planted.unlink()
    assert _key(demo) == DEMO_KEY.encode()


# --- the reversing attack ---------------------------------------------------------------------


def test_a_real_looking_extract_in_a_demo_folder_is_never_read_with_the_demo_key(
    demo: Path, monkeypatch, capsys
) -> None:
    """The attack of issue 15: a real extract put in a demo LA's folder was pseudonymised with
    the public key, and 137 of 138 workers were recovered by trying E000000-E999999. Now the
    job stops before any row is read (ingest is never called), and says why."""
    from oversight import cli
    from oversight.ingest import extracts as ingest

    (demo / "raw" / LA / "supervision_2024-25.csv").write_bytes(REAL_LOOKING)
    called: list[bytes] = []

    class Reached(Exception):
        pass

    def stand_in(_la, _datasets, _raw, _study, key):
        called.append(key)
        raise Reached

    monkeypatch.setattr(ingest, "ingest_authority", stand_in)
    monkeypatch.delenv("OVERSIGHT_KEY", raising=False)
    monkeypatch.delenv("OVERSIGHT_KEY_FILE", raising=False)
    study = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    study["paths"]["raw"] = str(demo / "raw")
    study["privacy"]["demo_manifest"] = str(demo / "raw/DEMO_DATA.json")
    (demo / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    args = ["--config", str(demo / "study.yaml"), "--authorities", str(demo / "config")]
    code = cli.main([*args, "--survey", str(ROOT / "config/survey.yaml"), "check", LA])
    out, err = capsys.readouterr()
    assert code == 2 and called == []
    assert err.startswith("oversight check: no pseudonymisation key for 'slough': its folder ")
    assert "(1 file changed since it was generated)" in err and "secrets.token_hex(32)" in err
    assert "E104211" not in out + err
    # With a key of its own the same extract is read.
    monkeypatch.setenv("OVERSIGHT_KEY", TEST_KEY)
    with pytest.raises(Reached):
        cli.main([*args, "--survey", str(ROOT / "config/survey.yaml"), "check", LA])
    assert called == [TEST_KEY.encode()]


def _study_file(demo: Path) -> Path:
    """A study configuration for the scratch demo (its two LAs, its raw folder)."""
    study = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    study["authorities"] = [LA, OTHER]
    study["paths"]["raw"] = str(demo / "raw")
    shutil.copyfile(ROOT / "data/raw/published/seslip_las.csv", demo / "seslip_las.csv")
    study["paths"]["la_reference"] = str(demo / "seslip_las.csv")
    study["privacy"]["demo_manifest"] = str(demo / "raw/DEMO_DATA.json")
    path = demo / "study.yaml"
    path.write_text(yaml.safe_dump(study), encoding="utf-8")
    return path


def test_make_data_rewrites_demo_data_from_before_the_hashes(demo: Path, capsys) -> None:
    """`make data` (demo-data --if-empty) on demo extracts whose manifest has no hashes writes
    them again, so `make run` needs no key; a planted file is kept and stays unlisted."""
    from oversight import cli

    raw = demo / "raw"
    hashed = (raw / "DEMO_DATA.json").read_bytes()
    old = _manifest(demo)
    del old["files"]
    (raw / "DEMO_DATA.json").write_text(json.dumps(old, indent=2) + "\n", encoding="utf-8")
    planted = raw / LA / "focus_groups" / "extra.vtt"
    planted.write_text("WEBVTT\n", encoding="utf-8")
    args = ["--config", str(_study_file(demo)), "--survey", str(ROOT / "config/survey.yaml")]
    impact = ["--impact", str(ROOT / "config/impact.yaml")]
    assert cli.main([*args, "demo-data", "--out", str(raw), "--if-empty", *impact]) == 0
    assert "lists no file hashes: writing the demo extracts again" in capsys.readouterr().out
    assert (raw / "DEMO_DATA.json").read_bytes() == hashed
    assert planted.exists()
    assert _key(demo, la=OTHER) == DEMO_KEY.encode()
    assert "1 file not in DEMO_DATA.json" in _refusal(demo)
    # With hashes listed, --if-empty leaves the extracts as they are.
    assert cli.main([*args, "demo-data", "--out", str(raw), "--if-empty", *impact]) == 0
    assert "leaving them as they are" in capsys.readouterr().out
