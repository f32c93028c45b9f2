"""Raw file names never leave data/raw/: labels, their use in ingest and coding, provenance,
the rerun fingerprint and the ``oversight files`` mapping back (issue 15, item 5)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from oversight import cli, provenance
from oversight.coding.codebook import load_codebook
from oversight.coding.coder import code_units, units_from_transcripts
from oversight.coding.quotes import exemplars
from oversight.coding.refi import project_to_qdpx
from oversight.errors import ExtractError
from oversight.ingest import filelabels
from oversight.ingest.extracts import ingest_authority, ledger_frame
from oversight.ingest.filelabels import Labeller, fingerprint, is_safe_name, pseudonym
from tests.conftest import ROOT
from tests.helpers import KEY, LA_CODE, STUDY, Sandbox

OTHER_KEY = b"another-key"
# A session named after a participant and dated, as Teams exports often are.
SESSION = "Jane Smith 2024-03-01.vtt"
PLANTED = ("Jane", "Smith", "2024-03-01")


def _hmac_label(key: bytes, message: str, prefix: str) -> str:
    """The label, computed here without the module: HMAC-SHA256, 12 hex characters."""
    return f"{prefix}-" + hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:12]


# --- labels ------------------------------------------------------------------------------------


def test_a_transcript_label_is_the_keyed_hmac_of_its_path(tmp_path: Path) -> None:
    labels = Labeller(tmp_path, "testshire", LA_CODE, KEY)
    path = tmp_path / "testshire/focus" / SESSION
    expected = _hmac_label(KEY, f"{LA_CODE}|session|focus/{SESSION}", "T")
    assert labels.label(path, "transcripts") == expected
    assert labels.label(path, "transcripts") == expected  # stable
    # Keyed and scoped: another key or another LA gives an unrelated label.
    assert Labeller(tmp_path, "testshire", LA_CODE, OTHER_KEY).label(path, "transcripts") == (
        _hmac_label(OTHER_KEY, f"{LA_CODE}|session|focus/{SESSION}", "T")
    )
    other_la = Labeller(tmp_path, "testshire", "E06000039", KEY).label(path, "transcripts")
    assert other_la == _hmac_label(KEY, f"E06000039|session|focus/{SESSION}", "T")
    assert len({expected, other_la}) == 2


def test_every_transcript_is_pseudonymised_even_with_a_safe_name(tmp_path: Path) -> None:
    labels = Labeller(tmp_path, "testshire", LA_CODE, KEY)
    label = labels.label(tmp_path / "testshire/focus/session1.vtt", "transcripts")
    assert label == _hmac_label(KEY, f"{LA_CODE}|session|focus/session1.vtt", "T")
    participants = labels.participants(tmp_path / "testshire/focus/participants.csv")
    assert participants == _hmac_label(KEY, f"{LA_CODE}|file|focus/participants.csv", "F")


@pytest.mark.parametrize(
    "rel",
    ["supervision.csv", "supervision_2024-25.csv", "exports/caseload 2024.xlsx", "a.b-c_d e.ods"],
)
def test_a_safe_tabular_name_is_kept(tmp_path: Path, rel: str) -> None:
    labels = Labeller(tmp_path, "testshire", LA_CODE, KEY)
    assert is_safe_name(rel)
    assert labels.label(tmp_path / "testshire" / rel, "supervision") == f"testshire/{rel}"


@pytest.mark.parametrize(
    "rel",
    [
        "Zoë supervision.csv",  # not ASCII
        "supervision (copy).csv",  # brackets
        "supervision;export.csv",
        "j.smith@example.org.csv",  # an e-mail address
        "call 07700 900123.csv",  # a phone number
    ],
)
def test_an_unsafe_tabular_name_gets_a_pseudonym(tmp_path: Path, rel: str) -> None:
    labels = Labeller(tmp_path, "testshire", LA_CODE, KEY)
    assert not is_safe_name(rel)
    label = labels.label(tmp_path / "testshire" / rel, "supervision")
    assert label == _hmac_label(KEY, f"{LA_CODE}|file|{rel}", "F")


def test_the_redactor_decides_whether_a_name_is_safe(tmp_path: Path, monkeypatch) -> None:
    """Each word of the path (``_``, ``-``, ``.``, ``/`` read as spaces) goes to the
    redactor; a span it would remove makes the file a pseudonym."""
    from oversight.ingest import redact

    seen: list[tuple[str, tuple[str, ...]]] = []

    def find(text: str, names=(), id_patterns=(), known=()) -> list:
        seen.append((text, tuple(known)))
        return ["a name"] if "smith" in text.lower() else []

    monkeypatch.setattr(redact, "find", find)
    labels = Labeller(tmp_path, "testshire", LA_CODE, KEY)
    rel = "jane_smith/Jane-Smith.csv"
    assert labels.label(tmp_path / "testshire" / rel, "supervision") == _hmac_label(
        KEY, f"{LA_CODE}|file|{rel}", "F"
    )
    assert seen == [("jane smith Jane Smith csv", ("testshire",))]
    assert is_safe_name("supervision.csv") and seen[-1] == ("supervision csv", ())


def test_names_the_real_redactor_flags_are_not_shown() -> None:
    """With the real redactor: a person's name or an unknown capitalised word in a path makes
    it unsafe; the demo's extract names are safe."""
    assert not is_safe_name("Jane Smith supervision.csv")
    assert not is_safe_name("Quenby Marchetti 2024-03-01.csv")
    assert not is_safe_name("caseload_QQ123456C.csv")
    assert not is_safe_name("Quorn caseload.csv")  # an unknown capitalised word
    assert is_safe_name("supervision_2024-25.csv")
    assert is_safe_name("staff_survey_surveymonkey.xlsx")
    # Unknown lower-case words (systems, places) are kept: data leads need those names.
    assert is_safe_name("testshire/mosaic_export.csv", ["testshire"])


# --- ingest and coding: no trace of a session's file name --------------------------------------

TRANSCRIPTS = {
    "path": "testshire/focus/*.vtt",
    "format": "vtt",
    "encoding": "utf-8",
    "participants": "testshire/focus/participants.csv",
    "values": {"speaker_role": {"Social Worker": "social_worker", "Facilitator": "facilitator"}},
}


def _cue(start: int, speaker: str, text: str) -> str:
    return f"00:00:{start:02d}.000 --> 00:00:{start + 1:02d}.000\n<v {speaker}>{text}</v>\n\n"


def _session(sandbox: Sandbox):
    la = sandbox.authority({"transcripts": TRANSCRIPTS})
    sandbox.write(
        f"testshire/focus/{SESSION}",
        "WEBVTT\n\n"
        + _cue(1, "Ann Lee", "What helps you think about the family?")
        + _cue(
            3, "Bo Quist", "We talk about the family's history and my own feelings in supervision."
        )
        + _cue(5, "Bo Quist", "Parenting capacity is discussed every time I see my manager."),
    )
    sandbox.write("testshire/focus/participants.csv", "speaker,role\nAnn Lee,Facilitator\n")
    return la


def _texts(*frames) -> str:
    return "\n".join(f.to_csv() for f in frames)


def test_a_session_named_after_a_person_leaves_no_trace_in_ingest_or_coding(
    sandbox: Sandbox,
) -> None:
    la = _session(sandbox)
    results = ingest_authority(la, ["transcripts"], sandbox.raw, STUDY, KEY)
    result = results["transcripts"]
    label = _hmac_label(KEY, f"{LA_CODE}|session|focus/{SESSION}", "T")
    data = result.data
    # Positive control: the session was read; Bo Quist is not listed, so those turns are
    # rejected (required role) and the facilitator's turn is loaded.
    assert result.ledger["rows_in"] == 3
    assert data["session_id"].tolist() == [label] and data["source_file"].tolist() == [label]
    assert set(result.rejects["source_file"]) == {label}
    assert result.files == [label]
    # The coding functions carry the label into unit IDs, exemplars and the REFI-QDA project.
    data = data.assign(speaker_role="social_worker")
    units = units_from_transcripts(data)
    codebook = load_codebook(ROOT / "config/codebook.yaml")
    segments = code_units(units, codebook)
    assert len(segments) >= 1 and set(segments["source_file"]) == {label}
    quotes = exemplars(segments, units, min_words=1)
    archive = zipfile.ZipFile(io.BytesIO(project_to_qdpx(segments, units, codebook)))
    qdpx = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert label in qdpx
    dumped = "\n".join(
        [
            _texts(result.data, result.rejects, ledger_frame(results), units, segments, quotes),
            json.dumps(result.notes),
            qdpx,
        ]
    )
    for text in PLANTED:
        assert text not in dumped


def test_a_file_problem_names_a_session_by_its_label(sandbox: Sandbox) -> None:
    """A symlink leading out of the LA's folder is named in the message by the link's path;
    through ingest_authority (what the pipeline and `oversight check` run) the path becomes
    the label that `oversight files` lists."""
    la = sandbox.authority({"transcripts": TRANSCRIPTS})
    sandbox.write("testshire/focus/participants.csv", "speaker,role\n")
    (sandbox.raw / "testshire/focus" / SESSION).symlink_to("/etc/hostname")
    with pytest.raises(ExtractError) as raw_error:  # the unscrubbed problem names the file
        from oversight.ingest.extracts import ingest

        ingest(la, "transcripts", sandbox.raw, STUDY, KEY)
    assert "Jane Smith" in str(raw_error.value)
    result = ingest_authority(la, ["transcripts"], sandbox.raw, STUDY, KEY)["transcripts"]
    shown = str(result.problem) + json.dumps(result.problem.as_dict()) + str(result.files)
    shown += ledger_frame({"transcripts": result}).to_csv()
    assert "leads outside" in shown
    label = _hmac_label(KEY, f"{LA_CODE}|file|focus/{SESSION}", "F")
    assert label in shown
    for text in PLANTED:
        assert text not in shown


def test_scrub_replaces_the_longest_form_first() -> None:
    names = {"kent/focus/Jane Smith.vtt": "T-1", "Jane Smith.vtt": "T-1", "Jane Smith": "T-1"}
    text = "kent/focus/Jane Smith.vtt repeats Jane Smith.vtt (Jane Smith)"
    assert filelabels.scrub(text, names) == "T-1 repeats T-1 (T-1)"


# --- provenance --------------------------------------------------------------------------------


def test_provenance_lists_raw_inputs_by_label_and_not_the_rerun_fingerprint(
    tmp_path: Path, monkeypatch
) -> None:
    raw = tmp_path / "raw/testshire/focus"
    raw.mkdir(parents=True)
    (raw / SESSION).write_bytes(b"WEBVTT\n")
    out = tmp_path / "out.csv"
    out.write_text("x\n")
    monkeypatch.setattr(provenance, "_RAW_INPUTS", [])
    label = _hmac_label(KEY, f"{LA_CODE}|session|focus/{SESSION}", "T")
    provenance.record_raw_inputs([(label, raw / SESSION)])
    named = {"raw": str(tmp_path / "raw/testshire"), "prov": str(tmp_path / "p.json")}
    sm = SimpleNamespace(
        rule="ingest",
        wildcards={"la": "testshire"},
        params={"raw": "data/raw", "raw_fingerprint": "ab" * 32},
        input=_Named({"raw": named["raw"]}),
        output=_Named({"data": str(out), "prov": named["prov"]}),
        config={},
    )
    record = provenance.job_record(sm)
    assert record["raw_inputs"] == [
        {"label": label, "role": "raw", "sha256": hashlib.sha256(b"WEBVTT\n").hexdigest()}
    ]
    assert record["inputs"] == []  # the folder is not a file: nothing listed by path
    assert record["params"] == {"raw": "data/raw"}
    prov = {"ids": {}, "jobs": {"ingest[la=testshire]": record}}
    lines = provenance.chain(prov, str(out), root=None)
    assert f"<- raw file {label}  sha256 {record['raw_inputs'][0]['sha256']}  [source]" in (
        "\n".join(lines)
    )
    assert "Jane" not in json.dumps(record) + "\n".join(lines)


class _Named(dict):
    """Snakemake's named file lists: iterating gives the paths; ``.name`` and ``keys()``."""

    def __iter__(self):
        return iter(self.values())

    def __getattr__(self, name: str) -> str:
        return self[name]


# --- rerun fingerprint -------------------------------------------------------------------------


def test_the_fingerprint_changes_with_any_raw_file_and_names_none(tmp_path: Path) -> None:
    folder = tmp_path / "testshire"
    folder.mkdir()
    a, b = folder / SESSION, folder / "supervision.csv"
    a.write_text("one")
    b.write_text("two")
    os.utime(a, ns=(10**18, 10**18))
    os.utime(b, ns=(10**18, 10**18))
    base = fingerprint([a, b], folder)
    assert base == fingerprint([b, a], folder)  # order does not matter
    expected = hashlib.sha256(
        f"{SESSION}\0{3}:{10**18}\nsupervision.csv\0{3}:{10**18}\n".encode()
    ).hexdigest()
    assert base == expected
    os.utime(a, ns=(10**18, 10**18 + 1))  # touched
    touched = fingerprint([a, b], folder)
    a.write_text("one!")  # changed
    changed = fingerprint([a, b], folder)
    removed = fingerprint([b], folder)
    missing = fingerprint([a, b, folder / "gone.csv"], folder)
    assert len({base, touched, changed, removed, missing}) == 5


def test_the_ingest_rule_declares_the_folder_and_the_fingerprint() -> None:
    """Snakemake's log prints a job's inputs: the ingest rule's raw input is the LA's folder
    (its mtime ignored), and the fingerprint of its files is a params value, which reruns a
    job when it changes (Snakemake 9's default rerun triggers include params)."""
    from snakemake.settings.enums import RerunTrigger
    from snakemake.settings.types import DAGSettings

    assert RerunTrigger.PARAMS in DAGSettings().rerun_triggers
    rule = (ROOT / "rules/ingest.smk").read_text(encoding="utf-8")
    inputs = rule[rule.index("input:") : rule.index("output:")]
    params = rule[rule.index("params:") : rule.index("script:")]
    assert "raw=ancient(raw_folder)," in inputs and "raw_files" not in inputs
    assert "raw_fingerprint=raw_fingerprint," in params
    common = (ROOT / "rules/common.smk").read_text(encoding="utf-8")
    body = common[common.index("def raw_fingerprint(") :].split("\n\n\n")[0]
    assert "fingerprint(raw_files(wildcards), Path(RAW) / wildcards.la)" in body
    mem = common[common.index("def ingest_mem_mb(") :].split("\n\n\n")[0]
    assert "raw_mem_mb(raw_files(wildcards), attempt)" in mem


# --- oversight files ---------------------------------------------------------------------------


def test_oversight_files_maps_each_label_back_to_its_path(
    sandbox: Sandbox, monkeypatch, capsys
) -> None:
    la = _session(sandbox)
    sandbox.write("testshire/notes for Jane.txt", "not configured")
    study = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    study["paths"]["raw"] = str(sandbox.raw)
    study["authorities"] = ["testshire"]
    (sandbox.root / "cfg").mkdir()
    (sandbox.root / "cfg/study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    monkeypatch.setenv("OVERSIGHT_KEY", "0123456789abcdef" * 4)
    key = ("0123456789abcdef" * 4).encode()
    args = ["--config", str(sandbox.root / "cfg/study.yaml")]
    args += ["--authorities", str(la.config_path.parent), "files"]
    assert cli.main([*args, "testshire"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    focus = sandbox.raw / "testshire/focus"
    assert lines == [
        "\t".join(
            [
                "testshire",
                _hmac_label(key, f"{LA_CODE}|session|focus/{SESSION}", "T"),
                "transcripts",
                str(focus / SESSION),
            ]
        ),
        "\t".join(
            [
                "testshire",
                _hmac_label(key, f"{LA_CODE}|file|focus/participants.csv", "F"),
                "transcripts participants",
                str(focus / "participants.csv"),
            ]
        ),
        "\t".join(
            [
                "testshire",
                _hmac_label(key, f"{LA_CODE}|file|notes for Jane.txt", "F"),
                "(no dataset)",
                str(sandbox.raw / "testshire/notes for Jane.txt"),
            ]
        ),
    ]
    wanted = _hmac_label(key, f"{LA_CODE}|session|focus/{SESSION}", "T")
    assert cli.main([*args, "--label", wanted]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [lines[0]]
    assert cli.main([*args, "--label", "T-000000000000"]) == 1
    assert "no raw file has the label 'T-000000000000'" in capsys.readouterr().err
    assert pseudonym(key, LA_CODE, "session", f"focus/{SESSION}") == wanted
