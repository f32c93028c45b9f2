"""The bad-file corpus (tests/fixtures/bad/): each file gets the answer cases.yaml expects,
a clear refusal or rows loaded and rejected by rule, and no message repeats an identifier."""

from __future__ import annotations

import re
import shutil
import signal
from pathlib import Path

import pytest
import yaml

from oversight.coding.refi import RefiError, read_qdpx
from oversight.config import load_authority
from oversight.errors import ConfigError, ExtractError
from oversight.ingest.extracts import ingest
from oversight.ingest.filelabels import Labeller
from tests.fixtures.bad.make_corpus import MADE_AT_TEST_TIME, make_at_test_time
from tests.helpers import KEY, LA_CODE, STUDY, Sandbox, supervision_spec

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
CASES: dict[str, dict] = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))
# Identifiers planted in the corpus (worker IDs, a name): never echoed by a message.
PLANTED = re.compile(r"W10\d\d|Siân|O’Neil")


def test_every_corpus_file_has_a_case_and_every_case_a_file() -> None:
    files = {p.name for p in BAD.iterdir() if p.is_file()}
    made = set(MADE_AT_TEST_TIME)
    assert files - {"make_corpus.py", "cases.yaml", "__init__.py"} == set(CASES) - made
    assert made <= set(CASES)


def test_the_corpus_is_what_its_generator_writes() -> None:
    from tests.fixtures.bad.make_corpus import corpus

    for name, data in corpus().items():
        assert (BAD / name).read_bytes() == data, name


def _answer(name: str, case: dict, tmp_path: Path):
    """The pipeline's answer to one file: an exception it raised on purpose, or a Result."""
    path = BAD / name
    if path.suffix == ".yaml":
        with pytest.raises(ConfigError) as refused:
            load_authority(path)
        return refused.value
    if path.suffix == ".qdpx":
        with pytest.raises(RefiError) as refused:
            read_qdpx(path)
        return refused.value
    box = Sandbox(tmp_path)
    spec = dict(case.get("spec") or {})
    if spec.get("format") == "docx":
        dataset = "transcripts"
        config = {
            "path": "t/*.docx",
            "format": "docx",
            "values": {"speaker_role": {"Facilitator": "facilitator"}},
        }
    else:
        dataset = "supervision"
        config = supervision_spec(path=f"t/{name}", **spec)
    la = box.authority({dataset: config}, slug="t")  # the LA folder is raw/t/
    (box.raw / "t").mkdir(parents=True)
    if name in MADE_AT_TEST_TIME:
        make_at_test_time(name, box.raw)
    else:
        shutil.copy(path, box.raw / "t" / name)
    signal.alarm(20)  # a file that blocks (a named pipe) fails the test instead of hanging it
    try:
        return ingest(la, dataset, box.raw, STUDY, key=KEY)
    except ExtractError as exc:
        return exc
    finally:
        signal.alarm(0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    answer = _answer(name, case, tmp_path)
    if "error" in case:
        assert isinstance(answer, ExtractError | ConfigError | RefiError), answer
        text = str(answer)
        for fragment in case["error"]:
            assert fragment in text, f"{fragment!r} not in:\n{text}"
        if isinstance(answer, ExtractError):
            # The file by its label: its name when safe (t/<name>), else a keyed pseudonym.
            dataset = "transcripts" if (case.get("spec") or {}).get("format") == "docx" else ""
            label = Labeller(Path("raw"), "t", LA_CODE, KEY).label(Path("raw/t", name), dataset)
            assert text.startswith(label), text
        assert not PLANTED.search(text), text
        return
    assert not isinstance(answer, Exception), answer
    led = answer.ledger
    assert led["rows_in"] == led["rows_loaded"] + led["rows_rejected"]
    assert led["rows_loaded"] == case["loaded"]
    by_rule = answer.rejects.groupby("rule").size().to_dict()
    assert by_rule == case["rejects"]
    shown = " ".join(answer.rejects["value_shown"].astype(str)) + " ".join(
        answer.rejects["message"]
    )
    assert not PLANTED.search(shown), shown
    assert not PLANTED.search(" ".join(answer.notes)), answer.notes
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", shown), (
        "raw control character in rejects"
    )
