"""Date parsing with each LA's declared formats; never guessing day/month order.

ISO 8601 (``2024-05-01``) is always accepted because it cannot be misread. Other formats are
strptime patterns from the LA's configuration, plus ``excel_serial`` for spreadsheet day
numbers (days since 1899-12-30, as Excel counts them on Windows).

Day and month order is never guessed, and never left to chance either: a column may not be
configured both day-first and month-first (:func:`check_config_orders`), and a column whose
values fit the swapped order rather than the configured one is refused as a whole
(:func:`check_day_month`), because its ambiguous values (both numbers 12 or less) would
otherwise load with day and month exchanged. Sentinel dates that stand for "still open"
(``9999-12-31``) are recognised by :func:`open_dates`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.errors import ConfigError, ExtractError
from oversight.ingest.normalise import memo_map

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
    memo = _PARSED.setdefault(tuple(formats), {})
    mapping = memo_map(text, lambda new: _parse_text(new, formats), memo)
    return text.map(mapping, na_action="ignore").astype("datetime64[s]")


# Every date column of a job is parsed again by several checks: each text once per formats.
_PARSED: dict[tuple[str, ...], dict[str, pd.Timestamp]] = {}


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


_FORMAT_NAMES = {
    "%d/%m/%Y": "dd/mm/yyyy",
    "%d/%m/%y": "dd/mm/yy",
    "%m/%d/%Y": "mm/dd/yyyy",
    "%m/%d/%y": "mm/dd/yy",
    "%d-%m-%Y": "dd-mm-yyyy",
    "%m-%d-%Y": "mm-dd-yyyy",
    "%d.%m.%Y": "dd.mm.yyyy",
    "%d-%b-%y": "d-Mon-yy",
    "%d-%b-%Y": "d-Mon-yyyy",
    "%d %b %Y": "d Mon yyyy",
    "%Y-%m-%d": "yyyy-mm-dd",
    EXCEL_SERIAL: "Excel serial number",
}


def format_names(formats: list[str] | tuple[str, ...]) -> str:
    """Formats as a data lead would read them (``dd/mm/yyyy``), without the ISO default."""
    return ", ".join(dict.fromkeys(_FORMAT_NAMES.get(f, f) for f in formats))


def describe_formats(formats: list[str]) -> str:
    """Formats as a data lead would read them, for messages."""
    return format_names(["%Y-%m-%d", *formats])


# ------------------------------------------------------------------ day and month order

_DIRECTIVE = re.compile(r"%([a-zA-Z%])")
# A column is refused as swapped when at least this many values fit only the swapped order
# and they are at least this share of the values that fit only one of the two orders. One
# stray value stays a row reject (a typo in a day-first column); in a month-first column read
# day-first nearly every value with a day over 12 fits only the swapped order and almost none
# fits only the configured one, so the share is close to 1 even when most values are
# ambiguous; a column mixing both orders (two systems pasted together) is refused too.
SWAP_MIN_VALUES = 2
SWAP_MIN_SHARE = 0.2


def _numeric_order(fmt: str) -> tuple[str, ...] | None:
    """The directives of a format with numeric day and month (``('d', 'm', 'Y')``), else None."""
    if fmt == EXCEL_SERIAL:
        return None
    found = tuple(_DIRECTIVE.findall(fmt))
    return found if "d" in found and "m" in found else None


def day_month_formats(formats: list[str] | tuple[str, ...]) -> list[str]:
    """The formats with a numeric day and month, the only ones that can be read swapped."""
    return [f for f in formats if _numeric_order(f)]


def swapped(fmt: str) -> str:
    """The same format with day and month exchanged (``%d/%m/%Y`` -> ``%m/%d/%Y``)."""
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def order_conflict(formats: list[str] | tuple[str, ...]) -> tuple[int, int] | None:
    """Positions of a day-first and a month-first format that read the same text two ways
    (``%d/%m/%Y`` and ``%m/%d/%Y``; ``%Y-%m-%d`` and ``%d/%m/%Y`` do not clash), else None.
    Two-digit and four-digit years count as the same, separators are ignored."""

    def shape(fmt: str) -> tuple[str, ...] | None:
        order = _numeric_order(fmt)
        return tuple("y" if d in "yY" else d for d in order) if order else None

    shapes = [shape(f) for f in formats]
    for i, a in enumerate(shapes):
        for j, b in enumerate(shapes):
            if i < j and a and b and a != b:
                flip = tuple({"d": "m", "m": "d"}.get(x, x) for x in a)
                if flip == b:
                    return i, j
    return None


def check_config_orders(config: dict[str, Any], path: str | Path) -> None:
    """Refuse an authority configuration whose ``date_formats`` read one column both
    day-first and month-first: which one a value such as 03/04/2024 got would depend on the
    order of the list, and half the dates of the column would be wrong.

    Raises:
        ConfigError: Naming the file, the line of the second format and what to keep.
    """
    from oversight.config import config_ref  # config imports this module

    for dataset, spec in (config.get("datasets") or {}).items():
        formats = list(spec.get("date_formats") or [])
        clash = order_conflict(formats)
        if clash is None:
            continue
        first, second = (formats[k] for k in clash)
        ref = config_ref(path, ["datasets", dataset, "date_formats", clash[1]])
        raise ConfigError(
            f"{ref}: date_formats lists both {first!r} ({format_names([first])}) and "
            f"{second!r} ({format_names([second])}); a date such as 03/04/2024 would "
            "be read whichever way comes first, so day and month would be swapped in part of "
            "the column. Keep only the order the export uses (ask the LA, or look for a value "
            "over 12 in the first or the second place)"
        )


def _fits(values: pd.Series, formats: list[str]) -> pd.Series:
    return parse_dates(values, formats).notna()


def check_day_month(
    values: pd.Series,
    formats: list[str] | tuple[str, ...],
    file: str,
    header: str,
    formats_ref: str,
) -> None:
    """Refuse a date column whose values fit the swapped day/month order, not the configured.

    ``values`` is the column's text indexed by file row (sentinels already left out). Only
    numeric day-and-month formats take part; ISO dates and month names cannot be swapped.

    Raises:
        ExtractError: Saying day and month are swapped, with counts, an example row and what
            to change (the export, or the configured format).
    """
    numeric = day_month_formats(formats)
    if not numeric:
        return
    text = values.dropna()
    text = text[text.str.strip() != ""]
    if text.empty:
        return
    others = [f for f in formats if f not in numeric]
    flipped = [swapped(f) for f in numeric]
    # ISO dates (always accepted) and other configured formats cannot be swapped: left out.
    plain = _fits(text, others)
    configured = _fits(text, numeric) & ~plain
    other = _fits(text, flipped) & ~plain
    only_swapped = other & ~configured
    n_swap, n_conf = int(only_swapped.sum()), int((configured & ~other).sum())
    if n_swap < SWAP_MIN_VALUES or n_swap < SWAP_MIN_SHARE * (n_swap + n_conf):
        return
    row = int(only_swapped[only_swapped].index[0])
    read, reread = parse_dates(text, numeric), parse_dates(text, flipped)
    ambiguous = int((configured & other & (read != reread)).sum())
    want, got = format_names(numeric), format_names(flipped)
    raise ExtractError(
        file,
        f"day and month are swapped in {header!r}: {n_swap} dates fit {got} but not {want}, "
        f"the order configured (only {n_conf} fit {want} alone)"
        + (
            f"; {ambiguous} more, with both numbers 12 or less, would load with day and month "
            "exchanged"
            if ambiguous
            else ""
        ),
        expected=f"dates as {want} (or yyyy-mm-dd)",
        found=f"{n_swap} dates as {got}, such as {text[row].strip()!r}",
        fix=(
            f"export {header!r} as {want} or yyyy-mm-dd; or, if this LA's system writes "
            f"{got}, change the format to {', '.join(repr(f) for f in flipped)} in "
            f"{formats_ref}"
        ),
        row=row,
        column=header,
    )


# ------------------------------------------------------------------ open-ended dates


def open_dates(
    values: pd.Series, sentinels: list[str] | tuple[str, ...], formats: list[str] | tuple[str, ...]
) -> pd.Series:
    """True where a cell is a sentinel for "no date yet" (``9999-12-31``, ``31/12/9999``).

    A cell matches a sentinel written the same way (after trimming), or the date a sentinel
    stands for when both parse with the column's formats (an xlsx date cell 31/12/9999 is
    read as ``9999-12-31``).
    """
    text = values.astype("string").str.strip()
    if not sentinels:
        return pd.Series(False, index=values.index)
    listed = {s.strip() for s in sentinels}
    wanted = set(parse_dates(pd.Series(sorted(listed), dtype="string"), formats).dropna())
    same_text = text.isin(listed).fillna(False).astype(bool)
    same_date = parse_dates(text, formats).isin(wanted).fillna(False).astype(bool)
    return same_text | same_date


def prepare_dates(
    frame: pd.DataFrame,
    fields: dict[str, dict[str, Any]],
    headers: dict[str, str],
    sentinels: list[str] | tuple[str, ...],
    formats: list[str] | tuple[str, ...],
    file: str,
    formats_ref: str,
) -> tuple[pd.DataFrame, list[str]]:
    """The date columns of one file made ready for validation.

    Open-ended sentinels in a field that may be blank are read as blank and counted in a note
    (in a required field they stay, for the `required` rule to reject). Then each column is
    checked as a whole for swapped day and month (:func:`check_day_month`).

    Raises:
        ExtractError: A column whose dates fit the swapped day/month order.
    """
    out = frame.copy()
    notes = []
    for name, meta in fields.items():
        if meta["type"] != "date" or name not in out:
            continue
        header = headers.get(name, name)
        is_open = open_dates(out[name], sentinels, formats)
        if is_open.any() and not meta.get("required"):
            found = ", ".join(sorted(out.loc[is_open, name].str.strip().unique()))
            notes.append(
                f"{int(is_open.sum())} open-ended dates ({found}) in {header!r} read as blank"
            )
            out[name] = out[name].mask(is_open)
        check_day_month(out.loc[~is_open, name], formats, file, header, formats_ref)
    return out, notes
