"""Messages, rejects and notes never repeat raw text: a hostile file's planted name, email,
phone number or identifier appears in no message, rejects row, ledger line or note; what the
configuration names (a header, a label) and values in their column's domain are still shown."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from oversight.errors import ExtractError
from oversight.ingest import shown
from oversight.ingest.extracts import ingest_authority, ledger_frame
from oversight.ingest.normalise import norm_label
from tests.helpers import (
    KEY,
    STUDY,
    SUP_HEADER,
    Sandbox,
    caseload_spec,
    csv_text,
    one_reject,
    sup_row,
    supervision_spec,
)

NAME, EMAIL, PHONE = "Jane Smith", "jane.smith@la.gov.uk", "07700 900123"
CHILD, WORKER = "C4417208", "KX55501"
PLANTED = (NAME, "Jane", "Smith", EMAIL, "jane.smith", PHONE, "07700", "900123", CHILD, WORKER)


def _everything(sandbox: Sandbox, la) -> str:
    """Every text ingest hands on for the LA: rejects, the ledger (with its file_problem),
    the notes and each problem as ``notes.json`` and the job log hold them."""
    results = ingest_authority(la, list(la.config["datasets"]), sandbox.raw, STUDY, KEY)
    parts = [ledger_frame(results).to_csv()]
    for result in results.values():
        parts.append(result.rejects.to_csv())
        parts.append(
            json.dumps(
                {
                    "notes": result.notes,
                    "problem": result.problem.as_dict() if result.problem else None,
                }
            )
        )
        parts.append(str(result.problem or ""))  # as the ingest job logs it
    return "\n".join(parts)


def _assert_not_leaked(text: str) -> None:
    for planted in PLANTED:
        assert planted.casefold() not in text.casefold(), (planted, text)


# --- the shape of a cell -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (EMAIL, "aaaa.aaaaa@aa.aaa.aa"),
        (PHONE, "99999 999999"),
        ("Jane Smith", "Aaaa Aaaaa"),
        ("31/02/2024", "99/99/9999"),
        ("Zoë O’Neil", "Aaa A’Aaaa"),
        ("held\x07", "aaaa\\x07"),
        ("a\u200bb", "a\\u200ba"),
        ("x" * 25, "a" * 20 + "..."),
    ],
)
def test_mask_keeps_shape_and_punctuation_only(text: str, masked: str) -> None:
    assert shown.mask(text) == masked


def test_describe_cell_and_described_value_state_the_length() -> None:
    assert shown.describe_cell("Report run by " + NAME) == "text of 24 characters"
    assert shown.describe_cell("x") == "text of 1 character"
    assert shown.describe_cell("  ") == "a blank cell"
    long = "Aaaa.Aaaaa@" + "a" * 20
    assert shown.described_value(long) == "(text of 31 characters: Aaaa.Aaaaa@aaaaaaaaa...)"


def test_cells_shown_quotes_configured_names_and_counts_the_rest() -> None:
    quotable = {norm_label("Worker ID"), norm_label("Status")}
    row = [NAME, "worker id", "", EMAIL, "Status", "x"]
    text = shown.cells_shown(row, quotable, norm_label)
    assert text == (
        "'worker id', 'Status' and 3 unrecognised headers "
        "(columns 1, 4, 6; 1 to 20 characters each; not quoted)"
    )
    assert shown.cells_shown([NAME], quotable, norm_label, "cell") == (
        "an unrecognised cell of 10 characters (column 1)"
    )


# --- file-level messages -------------------------------------------------------------------------


def test_a_title_row_naming_its_author_is_described_not_quoted(sandbox: Sandbox) -> None:
    title = f"Report run 03/12/2026 by {NAME} ({EMAIL})"
    la = sandbox.authority({"supervision": supervision_spec()})
    sandbox.write(la.config["datasets"]["supervision"]["path"], title + "\n" + csv_text(SUP_HEADER))
    text = _everything(sandbox, la)
    _assert_not_leaked(text)
    assert "declared as the header row, is a title" in text
    assert "one cell: text of 58 characters (column 1)" in text


def _headerless_caseload(delimiter: str) -> str:
    rows = [
        [CHILD, WORKER, "CP", "Safeguarding", "01/04/2023", ""],
        ["C4417209", "KX55502", "CIN", "Front door", "02/04/2023", ""],
    ]
    return "".join(delimiter.join(r) + "\n" for r in rows)


@pytest.mark.parametrize(
    ("delimiter", "header_row", "said"),
    [
        # Read with commas, each line is one cell: a title row, described.
        (",", 1, "one cell: text of 44 characters (column 1)"),
        # Read with semicolons, row 1 is data: only the configured label is quoted.
        (
            ";",
            1,
            "headers 'Safeguarding' and 4 unrecognised headers (columns 1-3, 5; "
            "2 to 10 characters each; not quoted)",
        ),
        (
            ";",
            "auto",
            "first row (row 1): 'Safeguarding' and 4 unrecognised cells (columns 1-3, 5; "
            "2 to 10 characters each; not quoted)",
        ),
    ],
)
def test_a_headerless_semicolon_file_shows_no_identifier(
    sandbox: Sandbox, delimiter: str, header_row: int | str, said: str
) -> None:
    spec = caseload_spec(
        delimiter=";",
        header_row=header_row,
        columns={"worker_id": "Worker", **caseload_spec()["columns"]},
    )
    if delimiter == ",":
        del spec["delimiter"]
    la = sandbox.authority({"caseload": spec})
    sandbox.write(spec["path"], _headerless_caseload(";"))
    text = _everything(sandbox, la)
    _assert_not_leaked(text)
    assert said in text, text


def test_a_configured_header_is_quoted_and_an_unknown_one_described(sandbox: Sandbox) -> None:
    header = [*SUP_HEADER[:-1], NAME]  # the Status header replaced by a name
    _, err = sandbox.supervision_error(csv_text(header, sup_row()))
    assert err.problem == "missing required column for 'status'"
    assert err.found.startswith("headers 'Worker ID', 'Worker Role', 'Agency Worker'")
    assert err.found.endswith("and an unrecognised header of 10 characters (column 8)")
    _assert_not_leaked(str(err))


def test_unused_columns_quote_only_configured_names(sandbox: Sandbox) -> None:
    header = [*SUP_HEADER, "Personal supervision", EMAIL]  # a configured label, an email
    _, result = sandbox.supervision(csv_text(header, [*sup_row(), "x", "y"]))
    assert result.notes == [
        f"{result.files[0]}: columns not used: 'Personal supervision' and an "
        "unrecognised header of 20 characters (column 10)"
    ]


def test_a_totals_row_names_its_column_only_when_configured(sandbox: Sandbox) -> None:
    header = [NAME, *SUP_HEADER]  # an extra first column headed by a name
    totals = ["Total", "", "", "", "", "", "", "540", ""]
    _, result = sandbox.supervision(csv_text(header, ["x", *sup_row()], totals))
    rej = one_reject(result, 3)
    assert rej["rule"] == "totals_row"
    assert rej["message"].startswith("this is a totals row ('Total' in column 1), not a record")


def test_a_participants_list_without_a_role_header_quotes_only_speaker(sandbox: Sandbox) -> None:
    spec = {
        "path": "testshire/focus_groups/*.vtt",
        "format": "vtt",
        "participants": "testshire/focus_groups/participants.csv",
    }
    la = sandbox.authority({"transcripts": spec})
    sandbox.write(
        "testshire/focus_groups/session1.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Zoltan>Hello</v>\n",
    )
    sandbox.write(spec["participants"], f"speaker,{NAME}\n{NAME},Facilitator\n")
    text = _everything(sandbox, la)
    _assert_not_leaked(text)
    assert "'speaker' and an unrecognised header of 10 characters (column 2)" in text


def test_a_linked_system_folder_has_its_first_line_described(sandbox: Sandbox, tmp_path) -> None:
    """An LA folder that is a link to a system folder: the link stays inside the folder it
    names, so the file is read, and its first line (a password-file entry naming a person)
    must not reach the message."""
    system = tmp_path / "etc"
    system.mkdir()
    (system / "passwd").write_text(
        f"jsmith:x:1000:1000:{NAME},,,{PHONE}:/home/jsmith:/bin/bash\n"
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    )
    sandbox.raw.mkdir(parents=True)
    os.symlink(system, sandbox.raw / "testshire")
    for header_row in (1, "auto"):
        spec = supervision_spec(path="testshire/passwd", header_row=header_row)
        la = sandbox.authority({"supervision": spec})
        text = _everything(sandbox, la)
        _assert_not_leaked(text)
        assert "jsmith" not in text and "/home" not in text
        assert "unrecognised" in text, text


# --- rejected values -----------------------------------------------------------------------------


def test_names_emails_and_phones_in_code_date_and_number_columns_are_masked(
    sandbox: Sandbox,
) -> None:
    rows = [
        sup_row(status=NAME),
        sup_row(worker_id="W2", session_type=EMAIL),
        sup_row(worker_id="W3", session_date=EMAIL),
        sup_row(worker_id="W4", session_date=PHONE),
        sup_row(worker_id="W5", duration_min=PHONE.replace(" ", "")),
        sup_row(worker_id="W6", agency=NAME),
    ]
    la = sandbox.authority({"supervision": supervision_spec()})
    sandbox.write(la.config["datasets"]["supervision"]["path"], csv_text(SUP_HEADER, *rows))
    _assert_not_leaked(_everything(sandbox, la))
    result = sandbox.ingest(la, "supervision")
    shown_by_row = dict(
        zip(result.rejects["source_row"], result.rejects["value_shown"], strict=True)
    )
    assert shown_by_row == {
        2: "(text of 10 characters: Aaaa Aaaaa)",
        3: "(text of 20 characters: aaaa.aaaaa@aa.aaa.aa)",
        4: "(text of 20 characters: aaaa.aaaaa@aa.aaa.aa)",
        5: "(text of 12 characters: 99999 999999)",
        6: "(text of 11 characters: 99999999999)",
        7: "(text of 10 characters: Aaaa Aaaaa)",
    }
    assert one_reject(result, 2)["message"].startswith(
        "the value (text of 10 characters: Aaaa Aaaaa) is not a known status"
    )


def test_a_name_in_a_likert_column_is_masked(sandbox: Sandbox) -> None:
    spec = {
        "path": "testshire/survey.csv",
        "format": "csv",
        "columns": {"respondent_id": "Respondent ID", "role": "Role"},
        "defaults": {"wave": "baseline"},
        "items": {"My workload is manageable": "wb_workload"},
        "scale": {"points": 3, "labels": {"Disagree": 1, "Neutral": 2, "Agree": 3}},
    }
    la = sandbox.authority({"survey": spec})
    header = ["Respondent ID", "Role", "My workload is manageable"]
    rows = [["R1", "social_worker", f"{NAME} {PHONE}"], ["R2", "social_worker", "Agree"]]
    sandbox.write(spec["path"], csv_text(header, *rows))
    _assert_not_leaked(_everything(sandbox, la))
    rej = one_reject(sandbox.ingest(la, "survey"), 2)
    assert rej["value_shown"] == "(text of 23 characters: Aaaa Aaaaa 99999 999...)"


def test_values_in_their_columns_domain_are_shown(sandbox: Sandbox) -> None:
    rows = [
        sup_row(session_date="01/06/2025"),  # after the extract date: a plausible date
        sup_row(worker_id="W2", session_date="01/01/2023"),  # before the study period
        sup_row(worker_id="W3", duration_min="481"),
        sup_row(worker_id="W4", duration_min="4800"),  # ten times the maximum: still shown
        sup_row(worker_id="W5", duration_min="4801"),
        sup_row(worker_id="W6", duration_min="0481"),  # a leading zero: not a plain number
        sup_row(worker_id="W7", session_date="02/03/1885"),  # before 1900: not plausible
        sup_row(worker_id="W8", status="held\x07"),  # a label with a control character
        sup_row(worker_id="W9", session_date="TBC"),  # a listed placeholder names nobody
        sup_row(worker_id="W10", status="#N/A"),
    ]
    _, result = sandbox.supervision(csv_text(SUP_HEADER, *rows))
    got = dict(zip(result.rejects["source_row"], result.rejects["value_shown"], strict=True))
    assert got == {
        2: "01/06/2025",
        3: "01/01/2023",
        4: "481",
        5: "4800",
        6: "(text of 4 characters: 9999)",
        7: "(text of 4 characters: 9999)",
        8: "(text of 10 characters: 99/99/9999)",
        9: "(text of 5 characters: aaaa\\x07)",
        10: "TBC",
        11: "#N/A",
    }
    assert one_reject(result, 10)["message"].startswith("'TBC' is not a date in an accepted format")
    assert one_reject(result, 2)["message"] == (
        "'01/06/2025' is after the extract date 2025-04-30; a recorded date cannot be in the "
        "future: correct it"
    )
    assert one_reject(result, 4)["message"] == (
        "'481' is outside the possible range 0 to 480 for duration_min; correct it"
    )


def test_identifier_columns_keep_their_length_only_masking(sandbox: Sandbox) -> None:
    spec = caseload_spec(columns={"worker_id": "Worker", **caseload_spec()["columns"]})
    header = ["Worker", "Child ID", "Status", "Team", "Start", "End"]
    rows = [[WORKER, "", "CP", "Safeguarding", "01/04/2023", "01/01/2023"]]
    la = sandbox.authority({"caseload": spec})
    sandbox.write(spec["path"], csv_text(header, *rows))
    text = _everything(sandbox, la)
    _assert_not_leaked(text)
    result = sandbox.ingest(la, "caseload")
    rejects = result.rejects.set_index("rule")
    assert rejects.loc["required", "value_shown"] == "(blank)"
    # Both dates are plausible dates: the order message shows them.
    assert rejects.loc["date_order", "message"] == (
        "'End' '01/01/2023' is before 'Start' '01/04/2023'; correct one of the two dates"
    )


def test_shown_value_without_a_domain_describes_every_value() -> None:
    from oversight.ingest.messages import shown_value

    assert shown_value(NAME, {"type": "code"}) == "(text of 10 characters: Aaaa Aaaaa)"
    assert shown_value(NAME, {"type": "code"}, {NAME}) == NAME
    assert shown_value(WORKER, {"type": "identifier"}, {WORKER}) == (
        "(masked identifier, 7 characters)"
    )
    assert shown_value(pd.NA, {"type": "code"}) == "(blank)"


def test_the_pipeline_message_of_a_refused_file_is_what_ingest_raised(sandbox: Sandbox) -> None:
    """The ledger's file_problem is the refusal as ingest raised it: one text, checked once."""
    la = sandbox.authority({"supervision": supervision_spec()})
    sandbox.write(la.config["datasets"]["supervision"]["path"], f"{NAME}\n" + csv_text(SUP_HEADER))
    results = ingest_authority(la, ["supervision"], sandbox.raw, STUDY, KEY)
    problem = results["supervision"].problem
    assert isinstance(problem, ExtractError)
    assert results["supervision"].ledger["file_problem"] == str(problem)
    _assert_not_leaked(str(problem))


def test_a_parser_error_quoting_the_file_is_described() -> None:
    err = ValueError("XmlError at 0..0: unrecognized entity `&JSmith07700900123;`")
    assert shown.error_text(err) == (
        "ValueError: XmlError at 0..0: unrecognized entity <19 characters>"
    )
    assert shown.error_text(KeyError()) == "KeyError"


def test_a_workbook_whose_xml_names_a_person_is_refused_without_the_name(
    sandbox: Sandbox,
) -> None:
    import zipfile

    import openpyxl

    plain = sandbox.root / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.append(SUP_HEADER)
    book.active.append(sup_row())
    book.save(plain)
    path = sandbox.raw / "testshire" / "supervision.xlsx"
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="3"><c r="A3" t="inlineStr"><is><t>&JaneSmith;</t></is></c></row>'
                    b"</sheetData>",
                )
            out.writestr(item, data)
    spec = supervision_spec(path="testshire/supervision.xlsx", format="xlsx")
    la = sandbox.authority({"supervision": spec})
    text = _everything(sandbox, la)
    _assert_not_leaked(text)
    assert "JaneSmith" not in text
    assert "cannot be opened as a workbook sheet" in text or "cannot be read" in text, text


def test_sheet_names_are_quoted_only_when_plain_or_configured() -> None:
    """A workbook's sheets may be named after people: a message lists them by length unless
    the configuration names the sheet or the name reads as a plain label."""
    from oversight.ingest.workbooks import pick_sheet, sheet_shown

    assert sheet_shown("Export") == "'Export'"
    assert sheet_shown("Sheet1") == "'Sheet1'"
    assert sheet_shown("Jane Smith notes") == "a sheet name of 16 characters"
    assert sheet_shown("Jane Smith notes", "Jane Smith notes") == "'Jane Smith notes'"
    with pytest.raises(ExtractError) as caught:
        pick_sheet(
            ["Export", "Quorn Okafor"], None, "^Q", "kent/s.xlsx", hidden={"Quorn Okafor": "hidden"}
        )
    text = str(caught.value)
    assert "Quorn" not in text and "Okafor" not in text
    assert "'Export'" in text and "a sheet name of 12 characters (hidden)" in text
