"""Privacy against hostile input, end to end: a name, e-mail, phone number or identifier planted
in an extract appears nowhere in what the pipeline writes or prints.

Two runs with a strong key (the planted files are not the bundled demo data):

- **loadable**: Slough's extracts carry names, e-mails and phone numbers in a code, a date and a
  Likert column (rows that are rejected), survey comments and a focus-group session full of
  what a redactor must catch, and that session's file is named after a person. The whole
  pipeline runs to the report.
- **refused**: extracts that cannot be used — a title row naming the person who ran the report,
  a headerless semicolon file of child and worker IDs, a symlink to a system file. The run
  stops at the roll-up; each LA's page explains its file problems.

Every planted string is then searched for, ignoring case, under ``results/``,
``data/interim/``, ``logs/`` and ``.snakemake/log``, through parquet, zip containers and
PDFs (:mod:`tests.scan`), and in what Snakemake printed.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, demo_workdir, keyed_env
from tests.scan import files_searched, find

pytestmark = pytest.mark.e2e
ROOTS = ("results", "data/interim", "logs", ".snakemake/log")

# What a redactor must catch in free text (survey comments, a focus-group session).
FREE_TEXT = {
    "role and surname": ("My manager Quorn is supportive.", ["Quorn"]),
    "social worker surname": ("Social worker Pemberton was off sick.", ["Pemberton"]),
    "bracketed phone": ("Ring the office on (01753) 875 000.", ["875 000"]),
    "0044 phone": ("My mobile is 0044 7700 900123.", ["7700 900123"]),
    "dotted phone": ("Text 07700.900.123 if the portal is down.", ["07700.900.123"]),
    "the X family": ("the Abernethy family moved last month", ["Abernethy"]),
    "address in lower case": ("they live at 14 larkspur road now", ["larkspur"]),
    "name in capitals": ("GWENDOLYN FAIRWEATHER never gets supervision", ["Fairweather"]),
    "NI number": ("My NI number QQ123456C was on the form.", ["QQ123456C"]),
    "forename in lower case": ("i asked rhiannon about it twice", ["rhiannon"]),
    "ID in the LA's pattern": ("Worker E918273 had no supervision for months", ["E918273"]),
    "e-mail": ("Email q.marchetti@example.org for the notes.", ["q.marchetti@example.org"]),
}
SESSION_FILE = "Quenby Marchetti 2024-03-01.vtt"
# Rejected rows: identifying text in a code, a date and a Likert column.
IN_CELLS = ["Tamsin Greaves", "t.greaves@example.net", "07700 900777", "hollis.b@example.com"]
# Refused files.
TITLE_ROW = "Report run 03/12/2026 by Ffion Haverstock (f.haverstock@example.com)"
HEADERLESS_IDS = ["CH918274", "SW918275"]
SYSTEM_LINE = "root:x:0:0"


def _snakemake(work: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "snakemake"), "--cores", "2", *args],
        cwd=work,
        env=keyed_env(),
        capture_output=True,
        text=True,
    )


def _rewrite_csv(path: Path, encoding: str, edit) -> None:
    with path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    rows = edit(rows)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


def _plant_loadable(work: Path) -> None:
    raw = work / "data/raw/slough"

    def supervision(rows: list[list[str]]) -> list[list[str]]:
        head = rows[0]
        status, date, role = (
            head.index("Status"),
            head.index("Supervision Date"),
            head.index("Worker Role"),
        )
        extra = []
        for column, text in ((status, IN_CELLS[0]), (date, IN_CELLS[1]), (role, IN_CELLS[2])):
            row = list(rows[1])
            row[column] = text
            extra.append(row)
        return rows + extra

    _rewrite_csv(raw / "supervision_2024-25.csv", "cp1252", supervision)

    def survey(rows: list[list[str]]) -> list[list[str]]:
        head = rows[0]
        comment, respondent = head.index("Any other comments?"), head.index("Respondent ID")
        likert = head.index("My workload is manageable")
        extra = []
        for i, (text, _) in enumerate(FREE_TEXT.values()):
            row = list(rows[1 + i])
            row[respondent], row[comment] = f"9918{i:04d}", text
            extra.append(row)
        row = list(rows[20])
        row[respondent], row[likert] = "99189999", IN_CELLS[3]
        return rows + extra + [row]

    _rewrite_csv(raw / "staff_survey_surveymonkey.csv", "cp1252", survey)
    speakers = ["David Jones", "Jason Patel", "Alice Robinson", "Mia Okafor"]
    cues = ["WEBVTT", ""]
    for i, (text, _) in enumerate(FREE_TEXT.values()):
        cues += [
            f"hostile-{i}",
            f"00:00:{i * 4:02d}.000 --> 00:00:{i * 4 + 3:02d}.000",
            f"<v {speakers[i % 4]}>{text} Supervision helps me reflect on the family.</v>",
            "",
        ]
    (raw / "focus_groups" / SESSION_FILE).write_text("\n".join(cues), encoding="utf-8")


def _plant_refused(work: Path) -> None:
    windsor = work / "data/raw/windsor_and_maidenhead"
    caseload = windsor / "caseload_2024-25.csv"
    caseload.write_text(TITLE_ROW + "\n" + caseload.read_text(encoding="utf-8"), encoding="utf-8")
    oversight = windsor / "oversight_2024-25.csv"
    oversight.unlink()
    oversight.symlink_to("/etc/passwd")
    rows = [f"{HEADERLESS_IDS[0]};{HEADERLESS_IDS[1]};12/05/2024;Y"] * 40
    (work / "data/raw/wokingham/oversight_2024-25.csv").write_text(
        "\n".join(rows) + "\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def loadable(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    las = ["slough", "bracknell_forest", "brighton_and_hove", "isle_of_wight"]
    work = demo_workdir(tmp_path_factory.mktemp("hostile") / "work", las)
    _plant_loadable(work)
    proc = _snakemake(work)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work, proc


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    work = demo_workdir(
        tmp_path_factory.mktemp("refused") / "work", ["windsor_and_maidenhead", "wokingham"]
    )
    _plant_refused(work)
    proc = _snakemake(work, "--keep-going")
    return work, proc


def _leaks(work: Path, proc: subprocess.CompletedProcess, planted: list[str]) -> dict:
    roots = [work / r for r in ROOTS]
    assert files_searched(roots) > 50
    found = find(roots, planted)
    printed = proc.stdout + proc.stderr
    for text in planted:
        if text.lower() in printed.lower():
            found.setdefault(text, []).append("(printed by snakemake)")
    return found


def test_the_planted_rows_reached_the_pipeline(loadable) -> None:
    """Positive control: the planted cells were read (rejected) and the session was coded."""
    work, _ = loadable
    rejects = (work / "results/quality/slough/supervision.rejects.csv").read_text()
    assert rejects.count("\n") >= 4  # header and at least the three planted rows
    survey = (work / "results/quality/slough/survey.rejects.csv").read_text()
    assert survey.count("\n") >= 2
    segments = work / "data/interim/coding"
    assert any(segments.rglob("*")), "coding wrote nothing"
    log = (work / "logs/ingest/slough/transcripts.log").read_text()
    assert "transcripts" in log


def test_no_planted_text_anywhere_after_a_full_run(loadable) -> None:
    work, proc = loadable
    planted = [w for _, words in FREE_TEXT.values() for w in words]
    planted += [*IN_CELLS, "Marchetti", "Quenby"]
    assert _leaks(work, proc, planted) == {}


def test_refused_files_are_explained_without_their_contents(refused) -> None:
    work, proc = refused
    assert proc.returncode != 0  # a file that cannot be used stops the roll-up
    for la in ("windsor_and_maidenhead", "wokingham"):
        page = (work / f"results/quality/{la}/index.html").read_text(encoding="utf-8")
        assert "The file could not be used" in page
    planted = ["Haverstock", "f.haverstock@example.com", *HEADERLESS_IDS, SYSTEM_LINE]
    assert _leaks(work, proc, planted) == {}
