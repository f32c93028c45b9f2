"""The same page gives the same PDF bytes on any machine and at any time: whether or not the
machine has HarfBuzz's subsetter (libharfbuzz-subset), and whatever the clock says."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import zlib

import pytest
import weasyprint.pdf.fonts as pdf_fonts
import weasyprint.text.ffi as weasy_ffi
from fontTools.misc.timeTools import epoch_diff

from oversight.report.pdf import FONT_DATE, html_to_pdf, reproducible_fonts

# A page that can be made an accessible PDF: with a language and a title.
PAGE = (
    '<html lang="en-GB"><head><title>Oversight</title></head><body><h1>Oversight</h1>'
    "<p>Plain, <b>bold</b>, <i>italic</i> and "
    "<code>TAB-METRICS</code>: Siân’s £5 – 10%</p></body></html>"
)


class _UnusableSubsetter:
    """Stands in for the HarfBuzz subsetter on a machine that lacks it: any use fails."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"HarfBuzz subsetter used ({name})")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_renders_at_different_clocks_give_the_same_bytes(monkeypatch) -> None:
    """fontTools stamps the clock into each font unless SOURCE_DATE_EPOCH is set: a render in
    2001 and one in 2033 must not differ (they did by a few bytes before)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(time, "time", lambda: 1.0e9)
    early = html_to_pdf(PAGE)
    monkeypatch.setattr(time, "time", lambda: 2.0e9)
    late = html_to_pdf(PAGE)
    assert _digest(early) == _digest(late)


def test_a_caller_date_neither_changes_the_bytes_nor_is_lost(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plain = html_to_pdf(PAGE)
    assert "SOURCE_DATE_EPOCH" not in os.environ  # nothing leaks into the job's environment
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert html_to_pdf(PAGE) == plain
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"  # the caller's value is back


@pytest.mark.parametrize("subsetter", ["machine", "absent"])
def test_the_bytes_do_not_depend_on_the_harfbuzz_subsetter(monkeypatch, subsetter) -> None:
    """A machine with libharfbuzz-subset and one without write the same PDF. Where the library
    is installed WeasyPrint has loaded it; elsewhere a stand-in that fails when used plays it.
    The reference render is made as on a machine without it."""
    monkeypatch.setattr(pdf_fonts, "harfbuzz_subset", None)
    without = html_to_pdf(PAGE)
    if subsetter == "machine":
        present = weasy_ffi.harfbuzz_subset or _UnusableSubsetter()
        monkeypatch.setattr(pdf_fonts, "harfbuzz_subset", present)
        assert html_to_pdf(PAGE) == without
        assert pdf_fonts.harfbuzz_subset is present  # restored after the render
    else:
        assert html_to_pdf(PAGE) == without
        assert pdf_fonts.harfbuzz_subset is None


def test_the_fonts_carry_the_fixed_date() -> None:
    """The embedded fonts' head table holds FONT_DATE, not the time of the render."""
    stamp = (FONT_DATE - epoch_diff).to_bytes(8, "big")  # LONGDATETIME: seconds since 1904
    data = html_to_pdf(PAGE)
    fonts = []
    for start in [i for i in range(len(data)) if data.startswith(b"stream\n", i)]:
        end = data.find(b"endstream", start)
        try:
            fonts.append(zlib.decompress(data[start + 7 : end]))
        except zlib.error:
            continue
    faces = [f for f in fonts if f[:4] == b"\x00\x01\x00\x00"]  # TrueType font files
    assert len(faces) == 4
    assert all(stamp in face for face in faces)


def test_state_is_restored_when_a_render_fails(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = pdf_fonts.harfbuzz_subset
    with pytest.raises(RuntimeError), reproducible_fonts():
        assert os.environ["SOURCE_DATE_EPOCH"] == str(FONT_DATE)
        assert pdf_fonts.harfbuzz_subset is None
        raise RuntimeError("render failed")
    assert "SOURCE_DATE_EPOCH" not in os.environ
    assert pdf_fonts.harfbuzz_subset is before


def test_no_notice_about_the_subsetter_is_logged(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        html_to_pdf(PAGE)
    assert not [r for r in caplog.records if "HarfBuzz" in r.getMessage()]
