"""Date parsing with each LA's declared formats; never guessing day/month order.

ISO 8601 (``2024-05-01``) is always accepted because it cannot be misread. Other formats are
strptime patterns from the LA's configuration, plus ``excel_serial`` for spreadsheet day
numbers (days since 1899-12-30, as Excel counts them on Windows).
"""

from __future__ import annotations

import pandas as pd

ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
EXCEL_SERIAL = "excel_serial"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Five-digit serials cover 1927..2173, which is every plausible date in these extracts.
_SERIAL_PATTERN = r"^\d{5}(?:\.0+)?$"


def parse_dates(values: pd.Series, formats: list[str] | tuple[str, ...]) -> pd.Series:
    """Parse text to dates (day precision); NaT where no format fits or the value is missing.

    A year of records holds a few hundred distinct dates: each is parsed once and mapped back.
    """
    text = values.astype("string")
    uniques = pd.Series(text.dropna().unique(), dtype="string")
    parsed = _parse_text(uniques, formats)
    mapping = dict(zip(uniques, parsed, strict=True))
    return text.map(mapping, na_action="ignore").astype("datetime64[s]")


def _parse_text(values: pd.Series, formats: list[str] | tuple[str, ...]) -> pd.Series:
    text = values.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    for fmt in (*ISO_FORMATS, *formats):
        todo = out.isna() & text.notna() & (text != "")
        if not todo.any():
            break
        if fmt == EXCEL_SERIAL:
            serial = text[todo]
            ok = serial.str.match(_SERIAL_PATTERN).fillna(False).astype(bool)
            days = pd.to_numeric(serial[ok], errors="coerce")
            out.loc[days.index] = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
            continue
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        out.loc[parsed.index] = parsed.where(parsed.notna(), out.loc[parsed.index])
    return out.dt.normalize()


def describe_formats(formats: list[str]) -> str:
    """Formats as a data lead would read them, for messages."""
    examples = {
        "%d/%m/%Y": "dd/mm/yyyy",
        "%d/%m/%y": "dd/mm/yy",
        "%d-%b-%y": "d-Mon-yy",
        "%d-%b-%Y": "d-Mon-yyyy",
        "%d %b %Y": "d Mon yyyy",
        "%Y-%m-%d": "yyyy-mm-dd",
        EXCEL_SERIAL: "Excel serial number",
    }
    names = ["yyyy-mm-dd", *[examples.get(f, f) for f in formats]]
    return ", ".join(dict.fromkeys(names))
