"""Property-based and fuzz tests of the readers, header and value mapping, date parsing and
validation (hypothesis).

Every trial goes through :func:`tests.fuzz.harness.run_ingest`, which fails the test on any
exception other than a file-level :class:`ExtractError` and checks that the ledger balances and
no row is both loaded and rejected. The grammar-based properties go further: they know which
rows must load (harmless noise only) and which must be rejected (one hostile cell), and check
the loaded values.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from oversight.ingest.dates import parse_dates
from oversight.ingest.normalise import INVISIBLE as INVISIBLE_MARKS
from oversight.ingest.pseudonymise import pseudonymise
from tests.fuzz.harness import EXAMPLES, run_ingest
from tests.helpers import (
    KEY,
    LA_CODE,
    SUP_COLUMNS,
    SUP_HEADER,
    Sandbox,
    csv_text,
    sup_row,
    supervision_spec,
)

pytestmark = pytest.mark.fuzz

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u202b"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\x9b"]
TYPES = {
    "Personal supervision": "personal",
    "Case supervision": "case",
    "Group supervision": "group",
}
ROLES = {"Social Worker": "social_worker", "Team Manager": "team_manager"}
PERIOD = (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def _box(tmp_path_factory) -> Sandbox:
    return Sandbox(tmp_path_factory.mktemp("fuzz"))


def _ingest_file(box: Sandbox, data: bytes, tally: str, **spec):
    la = box.authority({"supervision": supervision_spec(**spec)})
    box.write(la.config["datasets"]["supervision"]["path"], data)
    return run_ingest(box, la, "supervision", tally)


# --------------------------------------------------------------------- arbitrary bytes


@FUZZ
@given(data=st.binary(max_size=4000))
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=b'"' * 7)
@example(data=b"\x00" * 100)
def test_arbitrary_bytes_as_csv(tmp_path_factory, data: bytes) -> None:
    _ingest_file(_box(tmp_path_factory), data, "arbitrary bytes as CSV")


@FUZZ
@given(data=st.binary(max_size=4000), encoding=st.sampled_from(["utf-8", "cp1252", "latin-1"]))
def test_header_then_arbitrary_bytes(tmp_path_factory, data: bytes, encoding: str) -> None:
    head = csv_text(SUP_HEADER, sup_row()).encode("utf-8")
    _ingest_file(
        _box(tmp_path_factory), head + data, "valid header, arbitrary bytes", encoding=encoding
    )


@FUZZ
@given(text=st.text(max_size=3000), delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_arbitrary_text_after_a_header(tmp_path_factory, text: str, delimiter: str) -> None:
    head = delimiter.join(SUP_HEADER) + "\n"
    out = _ingest_file(
        _box(tmp_path_factory),
        (head + text).encode("utf-8", "surrogatepass"),
        "valid header, arbitrary Unicode text",
        delimiter=delimiter,
    )
    assert out.error is not None or out.result is not None


@FUZZ
@given(data=st.binary(max_size=6000), fmt=st.sampled_from(["xlsx", "ods"]))
def test_arbitrary_bytes_as_workbook(tmp_path_factory, data: bytes, fmt: str) -> None:
    out = _ingest_file(
        _box(tmp_path_factory), b"PK\x03\x04" + data, f"arbitrary bytes as {fmt}", format=fmt
    )
    assert out.error is not None


# --------------------------------------------------------------------- truncated files


def _valid_rows(n: int) -> list[list[str]]:
    return [sup_row(worker_id=f"W{i}", duration_min=str(30 + i % 60)) for i in range(n)]


def _workbook_bytes(rows: list[list[object]], header: list[str] = SUP_HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ods_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        pd.DataFrame(rows, columns=SUP_HEADER).to_excel(writer, index=False)
    return buffer.getvalue()


VALID = {
    "csv": csv_text(SUP_HEADER, *_valid_rows(40)).encode("utf-8"),
    "xlsx": _workbook_bytes(_valid_rows(40)),
    "ods": _ods_bytes(_valid_rows(40)),
}


@FUZZ
@given(fmt=st.sampled_from(sorted(VALID)), cut=st.floats(0, 1, exclude_max=True))
def test_truncated_files(tmp_path_factory, fmt: str, cut: float) -> None:
    whole = VALID[fmt]
    data = whole[: int(len(whole) * cut)]
    out = _ingest_file(_box(tmp_path_factory), data, f"truncated {fmt}", format=fmt)
    if fmt == "csv" and out.result is not None:
        # A CSV cut mid-row loses at most that row's tail: that row is rejected, never dropped.
        led = out.result.ledger
        assert led["rows_in"] == data.count(b"\n") + (not data.endswith(b"\n")) - 1


@FUZZ
@given(
    fmt=st.sampled_from(sorted(VALID)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=8),
)
def test_corrupted_files(tmp_path_factory, fmt: str, flips: list[tuple[float, int]]) -> None:
    """Bytes changed anywhere in a valid file: the zip directory may still be whole while a
    sheet's compressed XML is not, which only fails when the sheet is read."""
    data = bytearray(VALID[fmt])
    for where, xor in flips:
        data[int(len(data) * where)] ^= xor
    out = _ingest_file(_box(tmp_path_factory), bytes(data), f"corrupted {fmt}", format=fmt)
    if fmt != "csv" and out.result is not None:
        # Damage the container's checksums cannot see (dates, attributes) changes no value.
        want = _ingest_file(_box(tmp_path_factory), VALID[fmt], "", format=fmt)
        columns = ["source_row", "worker_id", "session_date", "duration_min", "status"]
        pd.testing.assert_frame_equal(out.result.data[columns], want.result.data[columns])


# --------------------------------------------------------------------- encodings

CODECS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-32",
    "cp1252",
    "latin-1",
    "mac_roman",
    "shift_jis",
    "cp437",
    "koi8-r",
]


@FUZZ
@given(
    codec=st.sampled_from(CODECS),
    declared=st.sampled_from(["utf-8", "cp1252"]),
    names=st.lists(
        st.sampled_from(["Zoë", "Siân", "Łukasz", "Nnamdi", "O’Neil", "José"]),
        min_size=1,
        max_size=6,
    ),
)
def test_random_encodings(tmp_path_factory, codec: str, declared: str, names: list[str]) -> None:
    """The same table in any encoding: loaded whole when the bytes mean what the config
    says (or a BOM says otherwise), and otherwise loaded or refused, never garbled silently
    into a traceback."""
    text = csv_text(SUP_HEADER, *[sup_row(worker_id=f"{n}{i}") for i, n in enumerate(names)])
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        assume(False)
    out = _ingest_file(_box(tmp_path_factory), data, "random encodings", encoding=declared)
    has_bom = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data.startswith(
        codecs.BOM_UTF8
    )
    if has_bom or data == text.encode(declared, errors="replace"):
        assert out.result is not None, out.error
        assert out.result.ledger["rows_loaded"] == len(names)
        expected = pseudonymise(
            pd.Series([f"{n}{i}" for i, n in enumerate(names)]), KEY, LA_CODE, "worker"
        )
        assert sorted(out.result.data["worker_id"]) == sorted(expected)


# --------------------------------------------------------------------- cell grammar


@st.composite
def harmless(draw, value: str, *, case: bool, xml: bool = False) -> str:
    """The same value as a person or program might leave it: spaces, invisible marks, case."""
    pos = draw(st.integers(0, len(value)))
    mark = draw(st.sampled_from(["", *INVISIBLE]))
    out = value[:pos] + mark + value[pos:]
    if case:
        out = draw(st.sampled_from([out, out.upper(), out.lower()]))
    pad = draw(st.sampled_from(["", " ", "  ", "\u00a0", *([] if xml else ["\t"])]))
    return pad + out + draw(st.sampled_from(["", " ", "\u00a0"]))


@st.composite
def hostile(draw, field: str, value: str, *, xml: bool = False) -> str:
    """A value no valid row can hold in this field (XML, so xlsx, cannot hold control
    characters: openpyxl refuses to write them)."""
    control = draw(st.sampled_from(CONTROL))
    options = [] if xml else [value[:1] + control + value[1:]]
    if field == "worker_id":
        options = options or [""]
    if field in ("worker_role", "session_type", "status", "agency", "nqsw"):
        options += ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "x" * 5000, "\U0001f600", "he1d"]
    if field == "duration_min":
        options += ["9" * 400, "1e400", "-1e308", "inf", "nan", "NaN", "1e3", "-5", "12.5", "٣٠"]
    if field == "session_date":
        options += ["31/02/2024", "99999999", "1e20", "2024-13-01", "01/05/0001", "\U0001f4c5"]
    return draw(st.sampled_from(options))


@st.composite
def supervision_rows(
    draw, xml: bool = False
) -> tuple[list[list[str]], list[bool], list[dict[str, object]]]:
    n = draw(st.integers(1, 12))
    rows, clean, truth = [], [], []
    for i in range(n):
        date = draw(st.dates(*PERIOD))
        role, stype = draw(st.sampled_from(sorted(ROLES))), draw(st.sampled_from(sorted(TYPES)))
        status, minutes = draw(st.sampled_from(["held", "cancelled"])), draw(st.integers(0, 480))
        values = {
            "worker_id": f"W{i}",
            "worker_role": role,
            "agency": draw(st.sampled_from(["Yes", "No"])),
            "nqsw": draw(st.sampled_from(["Yes", "No"])),
            "session_date": draw(st.sampled_from([date.strftime("%d/%m/%Y"), date.isoformat()])),
            "session_type": stype,
            "duration_min": str(minutes),
            "status": status,
        }
        bad_field = draw(st.one_of(st.none(), st.sampled_from(sorted(values))))
        cells = {}
        for field, value in values.items():
            if field == bad_field:
                cells[field] = draw(hostile(field, value, xml=xml))
            else:
                cells[field] = draw(harmless(value, case=field != "session_date", xml=xml))
        rows.append(sup_row(**cells))
        clean.append(bad_field is None)
        truth.append(
            {
                "worker": f"W{i}",
                "date": date,
                "type": TYPES[stype],
                "role": ROLES[role],
                "minutes": minutes,
                "status": status,
            }
        )
    return rows, clean, truth


def _check_grammar(out, clean: list[bool], truth: list[dict[str, object]]) -> None:
    assert out.result is not None, out.error
    result = out.result
    loaded = sorted(result.data["source_row"].astype(int))
    assert loaded == [i + 2 for i, ok in enumerate(clean) if ok]
    rejected = sorted(set(result.rejects["source_row"].astype(int)))
    assert rejected == [i + 2 for i, ok in enumerate(clean) if not ok]
    by_row = result.data.set_index(result.data["source_row"].astype(int))
    for i, ok in enumerate(clean):
        if not ok:
            continue
        got, want = by_row.loc[i + 2], truth[i]
        assert (
            got["worker_id"] == pseudonymise(pd.Series([want["worker"]]), KEY, LA_CODE, "worker")[0]
        )
        assert got["session_date"] == pd.Timestamp(want["date"])
        assert got["session_type"] == want["type"] and got["worker_role"] == want["role"]
        assert got["status"] == want["status"] and got["duration_min"] == want["minutes"]


@FUZZ
@given(table=supervision_rows())
def test_cell_grammar_csv(tmp_path_factory, table) -> None:
    """Harmless noise loads to the right values; one hostile cell rejects its row alone."""
    rows, clean, truth = table
    data = csv_text(SUP_HEADER, *rows).encode("utf-8")
    out = _ingest_file(
        _box(tmp_path_factory), data, "cell grammar (CSV)", date_formats=["%d/%m/%Y"]
    )
    _check_grammar(out, clean, truth)


@FUZZ
@given(table=supervision_rows(xml=True))
def test_cell_grammar_xlsx(tmp_path_factory, table) -> None:
    rows, clean, truth = table
    data = _workbook_bytes(rows)
    out = _ingest_file(
        _box(tmp_path_factory),
        data,
        "cell grammar (xlsx)",
        format="xlsx",
        date_formats=["%d/%m/%Y"],
    )
    _check_grammar(out, clean, truth)


@st.composite
def noisy_headers(draw) -> tuple[list[str], list[int]]:
    """The configured headers with harmless noise, shuffled, with unknown columns between."""
    headers = [draw(harmless(h, case=True)) for h in SUP_HEADER]
    extra = draw(
        st.lists(st.sampled_from(["Team", "Notes", "Extra 1", "Locality", ""]), max_size=3)
    )
    order = draw(st.permutations(list(range(len(headers) + len(extra)))))
    return [(headers + extra)[i] for i in order], list(order)


@FUZZ
@given(layout=noisy_headers())
def test_header_mapping_survives_noise_and_order(tmp_path_factory, layout) -> None:
    header, order = layout
    base = [sup_row(worker_id=f"W{i}") for i in range(5)]
    width = len(SUP_HEADER)
    rows = [[(row + ["spare"] * 5)[i] if i < width else "spare" for i in order] for row in base]
    out = _ingest_file(
        _box(tmp_path_factory), csv_text(header, *rows).encode("utf-8"), "noisy headers"
    )
    assert out.result is not None, out.error
    assert out.result.ledger["rows_loaded"] == 5
    assert set(out.result.data["status"]) == {"held"}


# --------------------------------------------------------------------- dates


@FUZZ
@given(values=st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=30))
def test_date_parsing_never_raises_and_stays_in_range(values) -> None:
    parsed = parse_dates(
        pd.Series(values, dtype="string"), ["%d/%m/%Y", "%d-%b-%y", "excel_serial"]
    )
    assert len(parsed) == len(values)
    got = parsed.dropna()
    assert ((got >= pd.Timestamp("1899-12-30")) & (got <= pd.Timestamp("9999-12-31"))).all()


# --------------------------------------------------------------------- transcripts


@FUZZ
@given(text=st.text(max_size=3000), fmt=st.sampled_from(["txt", "vtt"]))
def test_arbitrary_transcripts(tmp_path_factory, text: str, fmt: str) -> None:
    box = _box(tmp_path_factory)
    spec = {
        "path": f"testshire/focus/*.{fmt}",
        "format": fmt,
        "encoding": "utf-8",
        "values": {
            "speaker_role": {"Facilitator": "facilitator", "Social Worker": "social_worker"}
        },
    }
    la = box.authority({"transcripts": spec})
    box.write(f"testshire/focus/session1.{fmt}", text.encode("utf-8", "surrogatepass"))
    run_ingest(box, la, "transcripts", f"arbitrary text as a .{fmt} transcript")


@FUZZ
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_as_docx(tmp_path_factory, data: bytes) -> None:
    box = _box(tmp_path_factory)
    spec = {
        "path": "testshire/focus/*.docx",
        "format": "docx",
        "values": {"speaker_role": {"Facilitator": "facilitator"}},
    }
    la = box.authority({"transcripts": spec})
    box.write("testshire/focus/session1.docx", b"PK\x03\x04" + data)
    out = run_ingest(box, la, "transcripts", "arbitrary bytes as a .docx transcript")
    assert out.error is not None


# --------------------------------------------------------------------- size extremes
# Marked slow: in `make test`, left out of `make test-fast`.


@pytest.mark.slow
def test_two_million_blank_rows(tmp_path) -> None:
    data = csv_text(SUP_HEADER, *_valid_rows(3)) + "\n" * 1_000_000 + ",,,,,,,\r\n" * 1_000_000
    out = _ingest_file(Sandbox(tmp_path), data.encode(), "two million blank rows")
    led = out.result.ledger
    assert (led["rows_loaded"], led["blank_rows_skipped"]) == (3, 2_000_000)


@pytest.mark.slow
def test_a_ten_megabyte_cell_is_a_rejected_row(tmp_path) -> None:
    data = csv_text(SUP_HEADER, sup_row(status="h" * 10_000_000), sup_row(worker_id="W2"))
    out = _ingest_file(Sandbox(tmp_path), data.encode(), "a 10 MB cell")
    assert out.result.ledger["rows_loaded"] == 1
    (reject,) = out.result.rejects.itertuples()
    assert reject.rule == "allowed_codes"
    assert reject.value_shown == "(text of 10000000 characters: aaaaaaaaaaaaaaaaaaaa...)"
    assert len(reject.message) < 500


@pytest.mark.slow
def test_a_cell_over_16_megabytes_is_a_file_error(tmp_path) -> None:
    data = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id='"' + "x" * 17_000_000))
    out = _ingest_file(Sandbox(tmp_path), data.encode(), "a 17 MB cell")
    assert out.error is not None and out.error.row == 3
    assert "cannot be split into cells" in str(out.error)


@pytest.mark.slow
def test_a_row_of_200000_cells_is_rejected_not_truncated(tmp_path) -> None:
    data = csv_text(SUP_HEADER, sup_row(), sup_row(worker_id="W2") + ["x"] * 200_000)
    out = _ingest_file(Sandbox(tmp_path), data.encode(), "a row of 200,000 cells")
    assert out.result.ledger["rows_loaded"] == 1
    assert list(out.result.rejects["rule"]) == ["field_count"]


@pytest.mark.slow
def test_a_workbook_with_300000_blank_rows(tmp_path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Supervision")
    sheet.append(SUP_HEADER)
    for row in _valid_rows(2):
        sheet.append(row)
    for _ in range(300_000):
        sheet.append([None] * 8)
    sheet.append(sup_row(worker_id="W9"))
    path = tmp_path / "big.xlsx"
    book.save(path)
    out = _ingest_file(
        Sandbox(tmp_path), path.read_bytes(), "300,000 blank workbook rows", format="xlsx"
    )
    led = out.result.ledger
    assert (led["rows_loaded"], led["blank_rows_skipped"]) == (3, 300_000)
    assert int(out.result.data["source_row"].max()) == 300_004


def test_column_names_are_mapped_whatever_their_spelling(tmp_path) -> None:
    """Headers as hand-made files spell them: curly quotes, NBSP, zero-width joiners."""
    header = [
        "\ufeffWorker\u00a0ID",
        "WORKER ROLE",
        " Agency Worker ",
        "N\u200bQSW",
        "Supervision\u2060 Date",
        "Supervision Type\u200f",
        "Duration (mins)",
        "status",
    ]
    out = _ingest_file(Sandbox(tmp_path), csv_text(header, sup_row()).encode(), "spelling")
    assert out.result.ledger["rows_loaded"] == 1
    assert list(SUP_COLUMNS) == [c for c in SUP_COLUMNS if c in out.result.data]


# --------------------------------------------------------------------- survey exports

SURVEY_HEADER = ["Respondent ID", "Role", "Workload", "Support", "Any other comments?"]
SURVEY_SPEC = {
    "path": "testshire/survey.csv",
    "format": "csv",
    "columns": {"respondent_id": "Respondent ID", "role": "Role"},
    "defaults": {"wave": "baseline"},
    "items": {"Workload": "wb_workload", "Support": "wb_support"},
    "free_text_item": "Any other comments?",
    "scale": {"points": 3, "labels": {"Disagree": 1, "Neutral": 2, "Agree": 3}},
}
LABELS = {"Disagree": 1, "Neutral": 2, "Agree": 3}
TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@st.composite
def survey_rows(draw):
    """Respondents with noisy or hostile answers and any comment at all (free text)."""
    rows, clean, answers = [], [], []
    for i in range(draw(st.integers(1, 10))):
        picks = [draw(st.sampled_from(sorted(LABELS))) for _ in range(2)]
        bad = draw(st.one_of(st.none(), st.integers(0, 1)))
        cells = [
            draw(hostile("status", p)) if j == bad else draw(harmless(p, case=True))
            for j, p in enumerate(picks)
        ]
        # No bare CR: csv.writer leaves it unquoted under a "\n" line end, so the file
        # really would have a line break there (a test-writer artefact, not a comment).
        comment = draw(st.text(st.characters(exclude_characters="\r"), max_size=200))
        rows.append([f"R{i}", "social_worker", *cells, comment])
        # Cells are trimmed first; Python counts U+001C-U+001F and U+0085 as spaces.
        kept = INVISIBLE_MARKS.sub("", comment).strip()
        clean.append(bad is None and not TEXT_CONTROL.search(kept))
        answers.append([LABELS[p] for p in picks])
    return rows, clean, answers


@FUZZ
@given(table=survey_rows())
def test_survey_grammar(tmp_path_factory, table) -> None:
    """Scale labels with harmless noise load as their scores; a hostile answer or a comment
    with a control character rejects the respondent; any other comment text loads, redacted."""
    rows, clean, answers = table
    box = _box(tmp_path_factory)
    la = box.authority({"survey": SURVEY_SPEC})
    text = csv_text(SURVEY_HEADER, *rows)
    box.write(SURVEY_SPEC["path"], text.encode("utf-8", "surrogatepass"))
    out = run_ingest(box, la, "survey", "survey grammar (CSV)")
    if out.error is not None:
        # Only the comment text is free enough to break the file (an unpaired quote).
        assert "quote" in out.error.problem or "does not decode" in out.error.problem, out.error
        return
    data = out.result.data
    scored = data[data["item_id"] != "free_text"]
    loaded = sorted(set(scored["source_row"].astype(int)))
    assert loaded == [i + 2 for i, ok in enumerate(clean) if ok]
    for i, ok in enumerate(clean):
        if ok:
            got = scored[scored["source_row"] == i + 2].sort_values("item_id")["response"]
            assert list(got) == [answers[i][1], answers[i][0]]  # wb_support, wb_workload
