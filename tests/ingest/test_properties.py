"""Properties of the vectorised text functions: the column-wise result equals the value-wise
one for any text, so normalising or parsing each distinct value once loses nothing."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.ingest import dates
from oversight.ingest.dates import parse_dates
from oversight.ingest.normalise import norm_label, norm_series

# Text as extracts hold it: dates in several shapes, odd spacing, quotes, invisible marks.
DATEISH = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.strftime("%d-%b-%y")),
    st.integers(20000, 60000).map(str),
    st.text(max_size=12),
)
LABELS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20
) | st.sampled_from(["Held", " held ", "HELD", "\u200bheld", "‘Held’", "Cancelled"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), DATEISH), max_size=20))
def test_parse_dates_column_equals_each_value(values: list[str | None]) -> None:
    formats = ["%d/%m/%Y", "%d-%b-%y", "excel_serial"]
    column = parse_dates(pd.Series(values, dtype="string"), formats)
    one_by_one = []
    for v in values:
        dates._PARSED.clear()  # each value parsed afresh, never read back from the column's
        one_by_one.append(parse_dates(pd.Series([v], dtype="string"), formats).iloc[0])
    assert column.dtype == "datetime64[s]"
    assert len(column) == len(values)
    for got, want in zip(column, one_by_one, strict=True):
        assert (pd.isna(got) and pd.isna(want)) or got == want


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), LABELS), max_size=20))
def test_norm_series_equals_norm_label(values: list[str | None]) -> None:
    column = norm_series(pd.Series(values, dtype="string"))
    for got, value in zip(column, values, strict=True):
        if value is None:
            assert pd.isna(got)
        else:
            assert got == norm_label(value)
