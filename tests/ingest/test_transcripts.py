"""Transcripts: WebVTT and 'Name: text' parsing with line numbers, and ingest with redaction."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from oversight.ingest.transcripts import parse_txt, parse_vtt, read_transcript
from tests.helpers import KEY, one_reject, rules_by_row

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Zoltan Kovacs>Hello everyone, thanks for coming.</v>

2
00:00:05.000 --> 00:00:09.500 align:start
<v.loud Bartholomew Quince>Will we record it?
And who sees it?</v>

3
00:01:10.000 --> 00:01:12.000
Facilitator: yes we will

00:01:13,000 --> 00:01:14,000
no speaker here
"""


def test_parse_vtt_voices_and_line_numbers():
    turns = parse_vtt(VTT)
    assert turns.index.tolist() == [4, 8, 13, 16]  # the line of each cue's timing
    assert turns.index.name == "source_row"
    assert turns["speaker"].tolist()[:3] == ["Zoltan Kovacs", "Bartholomew Quince", "Facilitator"]
    assert pd.isna(turns["speaker"].iloc[3])
    assert turns["text"].tolist() == [
        "Hello everyone, thanks for coming.",
        "Will we record it? And who sees it?",
        "yes we will",
        "no speaker here",
    ]
    assert turns["timestamp"].tolist() == [
        "00:00:01.000",
        "00:00:05.000",
        "00:01:10.000",
        "00:01:13,000",
    ]


def test_parse_txt_speaker_colon_with_continuations():
    text = (
        "Focus group 3 (North)\n"
        "Jane Smith: Hello\n"
        "this continues the same turn\n"
        "\n"
        "Tom: we met at 10:30 today\n"
        "Jane Smith: ok\n"
    )
    turns = parse_txt(text)
    assert turns.index.tolist() == [1, 2, 5, 6]
    assert pd.isna(turns["speaker"].iloc[0])  # a preamble is a turn with no speaker
    assert turns["speaker"].tolist()[1:] == ["Jane Smith", "Tom", "Jane Smith"]
    assert turns["text"].tolist() == [
        "Focus group 3 (North)",
        "Hello this continues the same turn",
        "we met at 10:30 today",
        "ok",
    ]
    assert turns["timestamp"].isna().all()


def test_parse_txt_timestamp_speaker_colon():
    turns = parse_txt(
        "[00:01:02] Jane: hello\nmore words\n[00:02:00] Tom: ok\n", "timestamp_speaker_colon"
    )
    assert turns.index.tolist() == [1, 3]
    assert turns["speaker"].tolist() == ["Jane", "Tom"]
    assert turns["text"].tolist() == ["hello more words", "ok"]
    assert turns["timestamp"].tolist() == ["00:01:02", "00:02:00"]


def test_read_transcript_decodes_with_bom(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes("Zoë: héllo\n".encode("utf-8-sig"))
    turns = read_transcript(path, {"format": "txt", "encoding": "cp1252"}, "s.txt")
    assert turns["speaker"].tolist() == ["Zoë"]
    assert turns["text"].tolist() == ["héllo"]


# --- ingest ------------------------------------------------------------------------------------

SPEC = {
    "path": "testshire/focus_groups/*.vtt",
    "format": "vtt",
    "encoding": "utf-8",
    "participants": "testshire/focus_groups/participants.csv",
    "values": {
        "speaker_role": {
            "Facilitator": "facilitator",
            "Social Worker": "social_worker",
            "Team Manager": "team_manager",
        }
    },
}


def _session(sandbox, vtt: str, participants: str):
    la = sandbox.authority({"transcripts": SPEC})
    sandbox.write("testshire/focus_groups/session1.vtt", vtt)
    sandbox.write("testshire/focus_groups/participants.csv", participants)
    return sandbox.ingest(la, "transcripts")


def _cue(start: int, speaker: str, text: str) -> str:
    return f"00:00:{start:02d}.000 --> 00:00:{start + 1:02d}.000\n<v {speaker}>{text}</v>\n\n"


def test_transcript_ingest_pseudonymises_and_redacts(sandbox):
    vtt = (
        "WEBVTT\n\n"
        + _cue(1, "Priyanka Venkataraman", "Welcome. Zoltan, over to you.")
        + _cue(3, "Zoltan Kovacs", "Thanks Priyanka. Email me at zk@example.org")
        + _cue(5, "Zoltan Kovacs", "Alice's plan was reviewed.")
    )
    participants = "speaker,role\nPriyanka Venkataraman,Facilitator\nZoltan Kovacs,Social Worker\n"
    result = _session(sandbox, vtt, participants)
    data = result.data
    assert result.rejects.empty
    assert data["source_row"].tolist() == [3, 6, 9]  # timing lines
    # The session is known by the keyed label of its path, never by its file name.
    session = (
        "T-"
        + hmac.new(KEY, b"E10000016|session|focus_groups/session1.vtt", hashlib.sha256).hexdigest()[
            :12
        ]
    )
    assert data["session_id"].tolist() == [session] * 3
    assert data["source_file"].tolist() == [session] * 3
    assert data["turn"].tolist() == [1, 2, 3]
    assert data["speaker_role"].tolist() == ["facilitator", "social_worker", "social_worker"]
    assert data["speaker_id"].str.match(r"^S-[0-9a-f]{16}$").all()
    assert data["speaker_id"].iloc[1] == data["speaker_id"].iloc[2]
    assert data["text"].tolist() == [
        "Welcome. [name], over to you.",
        "Thanks [name]. Email me at [email]",
        "[name] plan was reviewed.",
    ]
    assert result.notes == [f"{session}: participants: 2 listed"]
    assert result.files == [session]
    dumped = data.to_csv() + result.rejects.to_csv() + str(result.notes)
    assert "Zoltan" not in dumped and "Priyanka" not in dumped and "session1" not in dumped


def test_unlisted_speaker_is_required_role_reject(sandbox):
    vtt = "WEBVTT\n\n" + _cue(1, "Zoltan Kovacs", "Hello.") + _cue(3, "Stranger", "Hi.")
    result = _session(sandbox, vtt, "speaker,role\nZoltan Kovacs,Social Worker\n")
    assert rules_by_row(result) == {6: {"required"}}
    rej = one_reject(result, 6)
    assert rej["field"] == "speaker_role"
    assert rej["value_shown"] == "(blank)"
    assert "Stranger" not in result.rejects.to_csv()


def test_rejected_speakers_name_is_still_redacted(sandbox):
    vtt = (
        "WEBVTT\n\n"
        + _cue(1, "Priyanka Venkataraman", "Hello.")
        + _cue(3, "Zoltan Kovacs", "Thanks Priyanka.")
    )
    # Priyanka's role is unknown, so her own turn is rejected
    result = _session(sandbox, vtt, "speaker,role\nZoltan Kovacs,Social Worker\n")
    assert result.ledger["rows_rejected"] == 1
    assert "Priyanka" not in result.data.to_csv()


def test_listed_participant_who_does_not_speak_is_redacted(sandbox):
    vtt = "WEBVTT\n\n" + _cue(1, "Zoltan Kovacs", "Bartholomew Quince agreed with me.")
    participants = "speaker,role\nZoltan Kovacs,Social Worker\nBartholomew Quince,Team Manager\n"
    result = _session(sandbox, vtt, participants)
    assert "Bartholomew" not in result.data.to_csv()


def test_blank_role_on_participants_list_is_required(sandbox):
    vtt = "WEBVTT\n\n" + _cue(1, "Zoltan Kovacs", "Hello.")
    result = _session(sandbox, vtt, "speaker,role\nZoltan Kovacs, \n")
    rej = one_reject(result, 3)
    assert (rej["rule"], rej["value_shown"]) == ("required", "(blank)")


def test_word_transcript_paragraphs_are_turns(tmp_path) -> None:
    import docx

    path = tmp_path / "focus_group.docx"
    document = docx.Document()
    for line in [
        "Focus group",
        "Jane Smith: We never record the reasons.",
        "it just does not happen",
        "Tom Baker: Agreed.",
    ]:
        document.add_paragraph(line)
    document.save(str(path))
    turns = read_transcript(path, {"format": "docx"}, "focus_group.docx")
    assert list(turns.index) == [1, 2, 4]
    assert turns.loc[2, "text"] == "We never record the reasons. it just does not happen"
    assert turns.loc[4, "speaker"] == "Tom Baker"


def test_a_transcript_with_no_turns_is_refused(tmp_path) -> None:
    """A .vtt with no cue (text outside cues is not speech) would otherwise load as a
    session where nobody spoke."""
    import pytest

    from oversight.errors import ExtractError

    path = tmp_path / "session.vtt"
    path.write_text("WEBVTT\n\nNOTE exported without captions\n", encoding="utf-8")
    with pytest.raises(ExtractError) as info:
        read_transcript(path, {"format": "vtt", "encoding": "utf-8"}, "la/session.vtt")
    assert str(info.value).startswith("la/session.vtt: no turns found")
    assert "WebVTT cues" in info.value.expected


def test_participants_list_without_a_header_never_quotes_a_name(tmp_path) -> None:
    import pytest

    from oversight.errors import ExtractError
    from oversight.ingest.transcripts import read_participants

    path = tmp_path / "participants.csv"
    path.write_text("Jane Okafor,Facilitator\nTom Reyes,Social Worker\n", encoding="utf-8")
    with pytest.raises(ExtractError) as info:
        read_participants(path, {"encoding": "utf-8"}, "la/participants.csv")
    text = str(info.value)
    assert "needs columns 'speaker' and 'role'" in text and "2 cells on row 1" in text
    assert "Jane" not in text and "Okafor" not in text
