"""Focus-group and interview transcripts: Teams WebVTT, Word (.docx) and "Speaker: text" files.

Each turn keeps the line it starts on (``source_row``) so a quote can be traced to its file.
Speakers are named in the transcript; the session's participants list (``speaker, role``)
gives each speaker's role. Names are pseudonymised and redacted from the text at ingest.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.errors import ExtractError
from oversight.ingest import filelabels, rawpaths, shown
from oversight.ingest.normalise import norm_label
from oversight.ingest.textfiles import decode, read_delimited
from oversight.ingest.workbooks import refuse_unsafe_zip

VTT_TIMING = re.compile(r"^(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}")
VTT_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.DOTALL)
SPEAKER_COLON = re.compile(r"^([^:\[\]]{1,60}?):\s+(.+)$")
TIMESTAMP_SPEAKER = re.compile(r"^\[(\d{1,2}:\d{2}(?::\d{2})?)\]\s*([^:]{1,60}?):\s+(.+)$")
TAG = re.compile(r"<[^>]+>")
COLUMNS = ["speaker", "text", "timestamp"]


def parse_vtt(text: str) -> pd.DataFrame:
    """Cues of a WebVTT file as turns; consecutive cues by one speaker stay separate turns."""
    lines = text.splitlines()
    records, index = [], []
    i = 0
    while i < len(lines):
        if VTT_TIMING.match(lines[i].strip()):
            start_line = i + 1
            stamp = lines[i].split("-->")[0].strip()
            body = []
            i += 1
            while i < len(lines) and lines[i].strip():
                body.append(lines[i].strip())
                i += 1
            cue = " ".join(body)
            voice = VTT_VOICE.search(cue)
            if voice:
                speaker, said = voice.group(1).strip(), voice.group(2)
            else:
                colon = SPEAKER_COLON.match(cue)
                speaker, said = (colon.group(1).strip(), colon.group(2)) if colon else ("", cue)
            records.append([speaker, TAG.sub("", said).strip(), stamp])
            index.append(start_line)
        i += 1
    return _frame(records, index)


def parse_txt(text: str, line_format: str = "speaker_colon") -> pd.DataFrame:
    """'Name: text' (or '[hh:mm:ss] Name: text') lines; other lines continue the last turn."""
    pattern = TIMESTAMP_SPEAKER if line_format == "timestamp_speaker_colon" else SPEAKER_COLON
    records: list[list[str]] = []
    index: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = pattern.match(line)
        if match:
            groups = match.groups()
            stamp, speaker, said = groups if len(groups) == 3 else ("", *groups)
            records.append([speaker.strip(), said.strip(), stamp])
            index.append(number)
        elif records:
            records[-1][1] += " " + line
        else:
            # Text before the first speaker (a title or preamble) is a turn with no speaker,
            # so it is rejected visibly rather than dropped.
            records.append(["", line, ""])
            index.append(number)
    return _frame(records, index)


def _frame(records: list[list[str]], index: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=COLUMNS, dtype="string")
    frame.index = pd.Index(index, name="source_row", dtype="int64")
    return frame.mask(frame == "")


def docx_text(path: Path, file: str) -> str:
    """The paragraphs of a Word transcript, one per line (python-docx reads the XML only:
    nothing in the document is run)."""
    import docx  # python-docx, imported here because only .docx transcripts need it

    refuse_unsafe_zip(path, file, "Word document")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise ExtractError(
            file,
            f"cannot be opened as a Word document ({type(exc).__name__})",
            expected="a .docx transcript",
            fix="re-save it from Word",
        ) from exc
    return "\n".join(p.text for p in document.paragraphs)


def read_transcript(path: Path, spec: dict, file: str, config_ref: str = "") -> pd.DataFrame:
    """One transcript file as turns (speaker, text, timestamp), indexed by source_row.

    For .docx the row is the paragraph number; its paragraphs are read like a .txt file.
    """
    line_format = spec.get("line_format", "speaker_colon")
    rawpaths.require_file(path, file, "transcript file")
    if spec["format"] == "docx":
        turns = parse_txt(docx_text(path, file), line_format)
    else:
        text = decode(path.read_bytes(), spec.get("encoding"), file, config_ref)
        turns = parse_vtt(text) if spec["format"] == "vtt" else parse_txt(text, line_format)
    if turns.empty:
        # A session with nothing said is a failed export, not a quiet focus group.
        raise ExtractError(
            file,
            "no turns found",
            expected="WebVTT cues ('00:00:01.000 --> 00:00:04.000' then the words)"
            if spec["format"] == "vtt"
            else "lines of the form 'Name: what they said'",
            found="no line in that form",
            fix="re-export the transcript; if the session was not recorded, remove the file",
        )
    return turns


def read_participants(path: Path, spec: dict[str, Any], file: str) -> dict[str, str]:
    """Speaker name -> role label from a participants CSV with columns speaker, role."""
    if not path.exists():
        raise ExtractError(
            file, "participants list not found", fix="add the file or correct participants:"
        )
    rawpaths.require_file(path, file, "participants list (CSV)")
    text = decode(path.read_bytes(), spec.get("encoding"), file)
    records = read_delimited(text, ",", file)
    header = records[0] if records else []
    names = {norm_label(h): i for i, h in enumerate(header)}
    if "speaker" not in names or "role" not in names:
        # Row 1 may be a participant: only the two headers this list needs are quoted.
        found = (
            shown.cells_shown(header, {"speaker", "role"}, norm_label)
            if "speaker" in names or "role" in names
            else f"{len(header)} cells on row 1, neither 'speaker' nor 'role' (not shown: "
            "the row may hold names)"
        )
        raise ExtractError(
            file,
            "participants list needs columns 'speaker' and 'role'",
            expected="speaker, role",
            found=found,
            row=1,
        )
    speaker, role = names["speaker"], names["role"]
    out: dict[str, str | None] = {}
    for record in records[1:]:
        cells = record + [""] * (max(speaker, role) + 1 - len(record))
        if cells[speaker].strip():
            # A blank role stays missing so the turn is rejected as `required`, not as a label.
            out[norm_label(cells[speaker])] = cells[role].strip() or None
    return out


def known_names(
    frame: pd.DataFrame, spec: dict[str, Any], raw_root: Path, labels: filelabels.Labeller
) -> list[str]:
    """Everyone named in a session: every speaker (rejected turns too) and every participant
    listed, whether or not they spoke. All are redacted from every turn."""
    names = {s for s in frame["speaker_id"].dropna()}
    if spec.get("participants"):
        ppath = raw_root / spec["participants"]
        names |= set(read_participants(ppath, spec, labels.participants(ppath)))
    return sorted(names)


def transcript_frame(
    path: Path, spec, file: str, raw_root: Path, ref_fn, labels: filelabels.Labeller
):
    """One session's turns as a text frame; ``file`` is the session's label (``T-...``),
    which is also its ``session_id``: the file name itself never leaves the raw folder."""
    turns = read_transcript(path, spec, file, ref_fn([]))
    roles: dict[str, str] = {}
    if spec.get("participants"):
        ppath = raw_root / spec["participants"]
        roles = read_participants(ppath, spec, labels.participants(ppath))
    frame = pd.DataFrame(index=turns.index)
    frame["session_id"] = pd.Series(file, index=turns.index, dtype="string")
    frame["turn"] = pd.Series(range(1, len(turns) + 1), index=turns.index).astype("string")
    frame["speaker_id"] = turns["speaker"]
    frame["speaker_role"] = (
        turns["speaker"]
        .map(lambda s: roles.get(norm_label(s)) if isinstance(s, str) else None)
        .astype("string")
    )
    frame["text"] = turns["text"]
    frame["timestamp"] = turns["timestamp"]
    headers = {
        "speaker_id": "speaker",
        "speaker_role": "role (participants list)",
        "text": "text",
        "session_id": "file",
        "turn": "turn",
        "timestamp": "timestamp",
    }
    notes = [f"participants: {len(roles)} listed"] if roles else []
    return frame.astype("string"), headers, notes, {}, 0
