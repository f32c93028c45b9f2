"""The demo focus groups (transcripts as a meeting tool exports them) and survey comments.

What people say is data (``speech.yaml``); names and contact details are planted in some turns
and comments, and listed in the truth file, so that redaction can be checked against them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from oversight.demo import speech, writers
from oversight.ingest.words import forenames

SPEAKER_ROLES = {
    "Facilitator": "facilitator",
    "Social Worker": "social_worker",
    "Senior Practitioner": "senior_practitioner",
    "Team Manager": "team_manager",
}


def write_transcripts(
    dialect: int, slug: str, rng: np.random.Generator, raw_root: Path
) -> tuple[dict[str, Any], int, list[str], dict[str, list[str]]]:
    """Write one LA's focus groups; return the configuration describing them, the number of
    turns, the names planted and the codes planted per session (file stem)."""
    i = dialect
    people = _participants(rng)
    sessions = 2 if i % 4 == 0 else 1
    vtt = i % 2 == 0
    word = i % 4 == 3  # Word (.docx) exports from a meeting tool
    ext = "vtt" if vtt else "docx" if word else "txt"
    folder = f"{slug}/focus_groups"
    turns_total = 0
    planted: list[str] = []
    themes: dict[str, list[str]] = {}
    for s in range(sessions):
        turns, mentions, codes = _dialogue(people, rng)
        turns_total += len(turns)
        planted += mentions
        name = f"focus_group_{s + 1}"
        themes[name] = codes
        if vtt:
            text = _as_vtt(turns)
            writers.write_text(raw_root / folder / f"{name}.vtt", text)
        elif word:
            writers.write_docx(
                raw_root / folder / f"{name}.docx", _as_txt(turns, stamped=False).splitlines()
            )
        else:
            text = _as_txt(turns, stamped=i % 4 == 1)
            writers.write_text(raw_root / folder / f"{name}.txt", text, "utf-8")
    lines = ["speaker,role"] + [f"{p},{r}" for p, r in people]
    writers.write_text(raw_root / folder / "participants.csv", "\n".join(lines) + "\n")
    spec: dict[str, Any] = {
        "path": f"{folder}/*.{ext}",
        "format": ext,
        "encoding": "utf-8",
        "participants": f"{folder}/participants.csv",
    }
    if not vtt:
        spec["line_format"] = "timestamp_speaker_colon" if i % 4 == 1 else "speaker_colon"
    spec["values"] = {"speaker_role": dict(SPEAKER_ROLES)}
    return spec, turns_total, [p for p, _ in people], themes


def _participants(rng: np.random.Generator) -> list[tuple[str, str]]:
    names = sorted(forenames())
    k = int(rng.integers(4, 7))
    chosen = rng.choice(len(names), size=k + 1, replace=False)
    surnames = rng.choice(speech.SURNAMES, size=k + 1, replace=False)
    people = [(f"{names[chosen[0]]} {surnames[0]}", "Facilitator")]
    for j in range(1, k + 1):
        people.append(
            (f"{names[chosen[j]]} {surnames[j]}", speech.ROLES_SPOKEN[j % len(speech.ROLES_SPOKEN)])
        )
    return people


def _dialogue(
    people, rng: np.random.Generator
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Turns of one focus group, the names and contacts planted in them, and the codes."""
    turns: list[tuple[str, str]] = []
    planted: list[str] = []
    codes: list[str] = []
    facilitator = people[0][0]
    for question in speech.FACILITATOR:
        turns.append((facilitator, question))
        for _ in range(int(rng.integers(3, 7))):
            speaker = people[int(rng.integers(1, len(people)))][0]
            if rng.random() < 0.12:
                template = speech.SENSITIVE[int(rng.integers(0, 3))]
                child = sorted(forenames())[int(rng.integers(0, len(forenames())))]
                first = speaker.split()[0].lower()
                email = f"{first}.worker@example.gov.uk"
                phone = f"07700 900{int(rng.integers(100, 999))}"
                said = template.format(child=child, email=email, phone=phone)
                planted += [child, email, phone]
            else:
                said, code = speech.WORKER[int(rng.integers(0, len(speech.WORKER)))]
                codes.append(code)
            if rng.random() < 0.15:
                other = people[int(rng.integers(1, len(people)))][0].split()[0]
                said = f"I agree with {other}. " + said
                planted.append(other)
            turns.append((speaker, said))
    return turns, planted, sorted(set(codes))


def _as_vtt(turns: list[tuple[str, str]]) -> str:
    out = ["WEBVTT", ""]
    t = 3.0
    for n, (speaker, said) in enumerate(turns):
        dur = 2.5 + len(said) / 15
        out += [
            f"{n:08x}-0000-4000-8000-demo/{n}-0",
            f"{_stamp(t)} --> {_stamp(t + dur)}",
            f"<v {speaker}>{said}</v>",
            "",
        ]
        t += dur + 0.8
    return "\n".join(out)


def _stamp(seconds: float) -> str:
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def _as_txt(turns: list[tuple[str, str]], stamped: bool) -> str:
    out = []
    t = 5
    for speaker, said in turns:
        prefix = f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] " if stamped else ""
        out.append(f"{prefix}{speaker}: {said}")
        t += 10 + len(said) // 12
    return "\n".join(out) + "\n"


def survey_comments(n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Free-text comments of ``n`` survey returns, and the names planted in them."""
    pool = speech.SURVEY_COMMENTS
    names = sorted(forenames())
    out, planted = [], []
    for _ in range(n):
        text = pool[int(rng.integers(0, len(pool)))]
        if text and rng.random() < 0.1:
            name = names[int(rng.integers(0, len(names)))]
            text += f" My manager {name} is supportive."
            planted.append(name)
        out.append(text)
    return out, planted
