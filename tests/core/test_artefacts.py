"""Excel-safe, reproducible artefact writers."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.artefacts import excel_safe, excel_safe_cell, write_csv, write_json


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1+2", "'+1+2"),
        ("@cmd", "'@cmd"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("- bullet point", "'- bullet point"),
        ("-30", "-30"),
        ("-3.5", "-3.5"),
        ("+44", "+44"),
        ("normal text", "normal text"),
        ("a=b", "a=b"),
        ("", ""),
        (-30, -30),
        (None, None),
    ],
)
def test_excel_safe_cell(value, expected):
    assert excel_safe_cell(value) == expected


def test_excel_safe_frame_touches_text_columns_only():
    frame = pd.DataFrame(
        {"t": pd.Series(["=1", "ok"], dtype="string"), "n": [-1, 2], "o": ["@x", None]}
    )
    out = excel_safe(frame)
    assert out["t"].tolist() == ["'=1", "ok"]
    assert out["n"].tolist() == [-1, 2]
    assert out["o"].tolist()[0] == "'@x"
    assert frame["t"].tolist() == ["=1", "ok"]  # input untouched


def test_write_csv_is_safe_and_reproducible(tmp_path):
    frame = pd.DataFrame({"a": ['=HYPERLINK("x")', "b"], "n": [1, -2]})
    path = tmp_path / "out" / "x.csv"
    write_csv(frame, path)
    first = path.read_bytes()
    write_csv(frame, path)
    assert path.read_bytes() == first
    assert first == b'a,n\n"\'=HYPERLINK(""x"")",1\nb,-2\n'
    assert [p.name for p in path.parent.iterdir()] == ["x.csv"]  # no temporary left behind


def test_write_json_sorted_and_newline_terminated(tmp_path):
    path = tmp_path / "x.json"
    write_json({"b": 1, "a": [1, 2]}, path)
    assert path.read_text(encoding="utf-8") == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'


def test_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path) -> None:
    from oversight.artefacts import atomic_path

    target = tmp_path / "table.csv"
    target.write_text("complete old version\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "complete old version\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_a_writer_killed_outright_never_leaves_a_partial_file(tmp_path) -> None:
    """SIGKILL mid-write: the output is absent (never half-written); the orphaned temporary
    file is removed by the next write of the same output."""
    import signal
    import subprocess
    import sys
    import time

    from oversight.artefacts import atomic_path

    target = tmp_path / "big.bin"
    writer = (
        "import sys, time\n"
        "from oversight.artefacts import atomic_path\n"
        f"with atomic_path({str(target)!r}) as tmp:\n"
        "    with open(tmp, 'wb') as fh:\n"
        "        fh.write(b'x' * 1_000_000); fh.flush()\n"
        "        print('writing', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.1)
    assert not target.exists()
    orphans = list(tmp_path.glob(".big.bin.*.tmp"))
    assert len(orphans) == 1 and orphans[0].stat().st_size == 1_000_000
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"done")
    assert target.read_bytes() == b"done"
    assert [p.name for p in tmp_path.iterdir()] == ["big.bin"]
