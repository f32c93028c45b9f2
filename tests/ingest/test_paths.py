"""Files and paths: every raw file lies in its LA's own folder, only regular files are opened,
and configuration YAML and key files are read within bounds (no hang, no escape)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from oversight.config import MAX_YAML_ALIASES, load_authority, load_yaml
from oversight.errors import ConfigError, ExtractError, KeyMissingError
from oversight.ingest import archives, rawpaths
from oversight.ingest.extracts import source_files
from oversight.ingest.pseudonymise import load_key
from tests.helpers import SUP_HEADER, Sandbox, csv_text, sup_row, supervision_spec

GOOD = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2"))
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>Hello.</v>\n"


@contextmanager
def no_hang(seconds: int = 5) -> Iterator[None]:
    """Fail (instead of waiting for ever) if the block blocks, e.g. on a named pipe."""

    def expired(signum, frame):
        raise AssertionError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _ingest_error(box: Sandbox, **spec) -> ExtractError:
    _, err = box.supervision_error(None, **spec)
    return err


# --- the LA's own folder ------------------------------------------------------------------------


def test_a_path_in_another_las_folder_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("surrey/supervision.csv", GOOD)
    err = _ingest_error(sandbox, path="surrey/supervision.csv")
    assert err.file == "surrey/supervision.csv"
    assert "not inside the LA's own folder testshire/" in err.problem
    assert "testshire/<file>" in err.expected


@pytest.mark.parametrize("pattern", ["*/supervision.csv", "test*/supervision.csv", "**/*.csv"])
def test_a_glob_cannot_start_outside_the_las_folder(sandbox: Sandbox, pattern: str) -> None:
    sandbox.write("testshire/supervision.csv", GOOD)
    sandbox.write("testshire_old/supervision.csv", GOOD)
    err = _ingest_error(sandbox, path=pattern)
    assert "not inside the LA's own folder testshire/" in err.problem


def test_a_glob_below_the_las_folder_matches_only_its_files(sandbox: Sandbox) -> None:
    for rel in ("testshire/a.csv", "testshire/sub/b.csv", "testshire_old/c.csv", "other/d.csv"):
        sandbox.write(rel, GOOD)
    raw = sandbox.raw
    assert source_files(raw, {"path": "testshire/**/*.csv"}, "testshire") == [
        raw / "testshire/a.csv",
        raw / "testshire/sub/b.csv",
    ]
    assert source_files(raw, {"path": "testshire/*.csv"}, "testshire") == [raw / "testshire/a.csv"]
    # The LA defaults to the path's first folder for callers that only list files.
    assert source_files(raw, {"path": "testshire/sub/*.csv"}) == [raw / "testshire/sub/b.csv"]


def test_a_link_to_another_las_file_is_refused_not_read(sandbox: Sandbox) -> None:
    sandbox.write("surrey/supervision.csv", GOOD)
    (sandbox.raw / "testshire").mkdir(parents=True)
    (sandbox.raw / "testshire/supervision.csv").symlink_to("../surrey/supervision.csv")
    err = _ingest_error(sandbox)
    assert err.file == "testshire/supervision.csv"
    assert "leads outside the LA's own folder testshire/" in err.problem
    assert "surrey/supervision.csv in the raw data folder" in err.problem
    assert "copy the extract itself into testshire/" in err.fix


def test_a_link_outside_the_raw_folder_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere/secret.csv"
    secret.parent.mkdir()
    secret.write_text(GOOD)
    (sandbox.raw / "testshire").mkdir(parents=True)
    (sandbox.raw / "testshire/supervision.csv").symlink_to(secret)
    err = _ingest_error(sandbox)
    assert f"(to {secret})" in err.problem


def test_a_link_that_stays_inside_the_las_folder_is_read(sandbox: Sandbox) -> None:
    sandbox.write("testshire/2025/supervision.csv", GOOD)
    (sandbox.raw / "testshire/supervision.csv").symlink_to("2025/supervision.csv")
    la = sandbox.authority({"supervision": supervision_spec()})
    assert sandbox.ingest(la, "supervision").ledger["rows_loaded"] == 2


def test_a_glob_never_follows_a_linked_folder_outside(sandbox: Sandbox, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.vtt").write_text(VTT)
    sandbox.write("testshire/focus/a.vtt", VTT)
    (sandbox.raw / "testshire/focus/more").symlink_to(outside, target_is_directory=True)
    spec = {"path": "testshire/**/*.vtt", "format": "vtt"}
    with pytest.raises(ExtractError) as err:
        source_files(sandbox.raw, spec, "testshire")
    assert err.value.file == "testshire/focus/more"
    assert "leads outside the LA's own folder" in err.value.problem
    # A glob that cannot reach into the linked folder is not disturbed by it.
    only = source_files(sandbox.raw, {"path": "testshire/focus/*.vtt"}, "testshire")
    assert only == [sandbox.raw / "testshire/focus/a.vtt"]


def test_a_linked_folder_inside_is_walked_once_even_in_a_loop(sandbox: Sandbox) -> None:
    sandbox.write("testshire/focus/a.vtt", VTT)
    (sandbox.raw / "testshire/focus/again").symlink_to("..", target_is_directory=True)
    (sandbox.raw / "testshire/alias").symlink_to("focus", target_is_directory=True)
    found = source_files(sandbox.raw, {"path": "testshire/**/*.vtt"}, "testshire")
    assert found == [sandbox.raw / "testshire/focus/a.vtt"]


def test_a_participants_list_outside_the_las_folder_is_refused(sandbox: Sandbox) -> None:
    spec = {
        "path": "testshire/focus/*.vtt",
        "format": "vtt",
        "participants": "surrey/participants.csv",
    }
    with pytest.raises(ExtractError) as err:
        source_files(sandbox.raw, spec, "testshire")
    assert err.value.file == "surrey/participants.csv"


# --- only regular files are opened -------------------------------------------------------------


def test_a_folder_where_the_file_should_be_is_a_file_level_error(sandbox: Sandbox) -> None:
    (sandbox.raw / "testshire/supervision.csv").mkdir(parents=True)
    err = _ingest_error(sandbox)
    assert err.file == "testshire/supervision.csv"
    assert err.problem == "this is a folder, not a file; it is not read"
    assert "correct path: in" in err.fix


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_named_pipe_is_refused_without_being_opened(sandbox: Sandbox, fmt: str) -> None:
    (sandbox.raw / "testshire").mkdir(parents=True)
    os.mkfifo(sandbox.raw / f"testshire/supervision.{fmt}")
    with no_hang():
        err = _ingest_error(sandbox, path=f"testshire/supervision.{fmt}", format=fmt)
    assert err.found == "a named pipe (FIFO)"
    assert "reading a named pipe could wait forever" in err.problem


def test_a_device_is_refused(sandbox: Sandbox) -> None:
    (sandbox.raw / "testshire").mkdir(parents=True)
    (sandbox.raw / "testshire/supervision.csv").symlink_to("/dev/zero")
    with no_hang():
        err = _ingest_error(sandbox)
    # A link out of the folder is refused first; the device itself would be refused too.
    assert "leads outside" in err.problem
    assert rawpaths.not_a_file(Path("/dev/zero")) == "a device"


def test_a_glob_matching_a_pipe_or_folder_refuses_the_dataset(sandbox: Sandbox) -> None:
    sandbox.write("testshire/focus/a.vtt", VTT)
    os.mkfifo(sandbox.raw / "testshire/focus/b.vtt")
    la = sandbox.authority({"transcripts": {"path": "testshire/focus/*.vtt", "format": "vtt"}})
    from oversight.ingest.extracts import ingest
    from tests.helpers import KEY, STUDY

    with no_hang(), pytest.raises(ExtractError) as err:
        ingest(la, "transcripts", sandbox.raw, STUDY, key=KEY)
    # A transcript is named by its label, never by its file name (oversight.ingest.filelabels).
    from oversight.ingest.filelabels import pseudonym
    from tests.helpers import LA_CODE

    assert err.value.file == pseudonym(KEY, LA_CODE, "session", "focus/b.vtt")
    assert err.value.found == "a named pipe (FIFO)"


def test_a_participants_list_that_is_a_pipe_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("testshire/focus/a.vtt", VTT)
    os.mkfifo(sandbox.raw / "testshire/focus/participants.csv")
    spec = {
        "path": "testshire/focus/*.vtt",
        "format": "vtt",
        "participants": "testshire/focus/participants.csv",
    }
    la = sandbox.authority({"transcripts": spec})
    from oversight.ingest.extracts import ingest
    from tests.helpers import KEY, STUDY

    with no_hang(), pytest.raises(ExtractError) as err:
        ingest(la, "transcripts", sandbox.raw, STUDY, key=KEY)
    assert err.value.found == "a named pipe (FIFO)"
    assert "participants list" in err.value.problem


def test_a_zip_check_never_opens_a_pipe(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "book.xlsx")
    with no_hang(), pytest.raises(archives.ArchiveRefused, match="named pipe"):
        archives.check_zip(tmp_path / "book.xlsx")


# --- what a Snakemake job declares as its inputs -------------------------------------------------


def test_job_inputs_list_only_regular_files_inside_the_las_folder(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    raw = sandbox.raw
    sandbox.write("testshire/supervision.csv", GOOD)
    sandbox.write("testshire/focus/a.vtt", VTT)
    sandbox.write("testshire/focus/participants.csv", "speaker,role\nAnn,Facilitator\n")
    sandbox.write("surrey/caseload.csv", GOOD)
    os.mkfifo(raw / "testshire/focus/b.vtt")
    (raw / "testshire/focus/c.vtt").mkdir()
    (raw / "testshire/audits.csv").symlink_to(tmp_path)
    config = {
        "datasets": {
            "supervision": {"path": "testshire/supervision.csv"},
            "caseload": {"path": "surrey/caseload.csv"},  # another LA's folder: not listed
            "audits": {"path": "testshire/audits.csv"},  # a link outside: not listed
            "oversight": {"path": "testshire/oversight.csv"},  # missing: listed, as before
            "transcripts": {
                "path": "testshire/focus/*.vtt",
                "participants": "testshire/focus/participants.csv",
            },
        }
    }
    with no_hang():
        inputs = rawpaths.job_inputs(raw, "testshire", config)
    assert inputs == [
        str(raw / "testshire/supervision.csv"),
        str(raw / "testshire/oversight.csv"),
        str(raw / "testshire/focus/a.vtt"),
        str(raw / "testshire/focus/participants.csv"),
    ]


def test_the_workflow_lists_a_jobs_raw_files_with_the_package_function() -> None:
    text = (Path(__file__).resolve().parents[2] / "rules/common.smk").read_text()
    body = text[text.index("def raw_files(") :].split("\n\n\n")[0]
    assert "job_inputs(Path(RAW), wildcards.la" in body
    assert ".glob(" not in body


# --- YAML within bounds ------------------------------------------------------------------------


def _billion_laughs() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n"
        previous = name
    return text


def test_a_billion_laughs_config_is_refused_within_a_second(tmp_path: Path) -> None:
    path = tmp_path / "testshire.yaml"
    path.write_text(_billion_laughs())
    start = time.perf_counter()
    with no_hang(), pytest.raises(ConfigError) as err:
        load_authority(path)
    assert time.perf_counter() - start < 1
    assert str(err.value).startswith(f"{path}: refused, not loaded")
    assert "more than 1,000,000 values" in str(err.value)


def test_too_many_aliases_are_refused_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("a: &a 1\nb:\n" + "".join("  - *a\n" for _ in range(MAX_YAML_ALIASES + 1)))
    with pytest.raises(ConfigError, match=r"line 103: more than 100 aliases"):
        load_yaml(path)


def test_a_self_referencing_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text("a: &a [1, *a]\n")
    with pytest.raises(ConfigError, match="refused, not loaded"):
        load_yaml(path)


def test_a_few_anchors_still_load(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("base: &base {format: csv}\nx: *base\ny: *base\n")
    csv = {"format": "csv"}
    assert load_yaml(path) == {"base": csv, "x": csv, "y": csv}


def test_an_oversized_config_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: '" + "x" * (1024 * 1024) + "'\n")
    with pytest.raises(ConfigError, match=r"1,048,582 bytes, over the 1,048,576-byte limit"):
        load_yaml(path)
    assert load_yaml(path, max_bytes=2 * 1024 * 1024)["a"].startswith("xxx")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_config_that_is_no_file_is_refused_unopened(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "testshire.yaml"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    with no_hang(), pytest.raises(ConfigError, match="not a regular file"):
        load_authority(path)


def test_every_yaml_read_in_the_package_goes_through_load_yaml() -> None:
    src = Path(__file__).resolve().parents[2] / "src/oversight"
    offenders = [
        f"{p.relative_to(src)}:{n}"
        for p in sorted(src.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if ("yaml.safe_load(" in line or "yaml.load(" in line) and p.name != "config.py"
    ]
    assert offenders == []


# --- the key file ---------------------------------------------------------------------------------


def _key(tmp_path: Path, target: str) -> bytes:
    return load_key(
        "kent", {"OVERSIGHT_KEY_FILE": target}, tmp_path / "none.json", repo_root=tmp_path / "repo"
    )


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "folder", "5kb"])
def test_a_key_file_that_is_not_a_small_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    target = {"dev_zero": "/dev/zero"}.get(kind, str(tmp_path / "key"))
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        os.mkdir(target)
    elif kind == "5kb":
        Path(target).write_bytes(b"k" * 5000)
    start = time.perf_counter()
    with no_hang(), pytest.raises(KeyMissingError) as err:
        _key(tmp_path, target)
    assert time.perf_counter() - start < 1
    message = str(err.value)
    assert message.startswith(f"OVERSIGHT_KEY_FILE={target}: ")
    if kind == "5kb":
        assert "5,000 bytes, more than a key file holds (at most 4,096)" in message
    else:
        assert "not a regular file" in message


def test_a_key_file_of_4kb_is_used(tmp_path: Path) -> None:
    key = b"0123456789abcdef" * 256  # 4,096 bytes
    (tmp_path / "key").write_bytes(key)
    assert _key(tmp_path, str(tmp_path / "key")) == key


def test_every_repository_authority_names_files_in_its_own_folder() -> None:
    root = Path(__file__).resolve().parents[2] / "config/authorities"
    for path in sorted(root.glob("*.yaml")):
        config = load_authority(path)
        for name, spec in config["datasets"].items():
            for key in ("path", "participants"):
                if key in spec:
                    assert rawpaths.first_folder(spec[key]) == path.stem, (path.name, name, key)
