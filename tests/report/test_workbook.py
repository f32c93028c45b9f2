"""The real workbook, built by rule exports' function from the demo run's published tables:
the sheets the GSS guidance on releasing statistics in spreadsheets asks for, one Excel table
per table sheet, readable headers, number formats, symbols in shorthand and explained, working
links, the values of the published CSVs, and the same bytes on every build."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from oversight.errors import ConfigError
from oversight.report import run_exports
from oversight.report.exports import META_SHEETS, TABLE_HEADER_ROW
from oversight.report.workbook_rows import kinds, row_formats
from oversight.report.workbook_spec import (
    column_labels,
    fill,
    format_name,
    humanise,
    load_layout,
    named_tables,
    symbol_cells,
)
from tests.conftest import ROOT

SHORTHAND = re.compile(r"^\[[a-z]+\]$")
MARKER = re.compile(r"\[note \d+\]")


def _build(run: Path, xlsx: Path) -> None:
    config = yaml.safe_load((run / "config/config.yaml").read_text(encoding="utf-8"))
    catalogue = yaml.safe_load((run / "config/tables.yaml").read_text(encoding="utf-8"))
    run_exports(
        tables=[run / f"results/tables/{name}.csv" for name in catalogue["tables"]],
        catalogue=run / "config/tables.yaml",
        title=config["study"]["title"],
        min_count=config["disclosure"]["min_count"],
        survey_min_n=config["disclosure"]["survey_min_n"],
        demo=True,
        xlsx=xlsx,
        text=run / "config/report.yaml",
        published=run / "config/published.yaml",
    )


@pytest.fixture(scope="module")
def built(demo_run: Path, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("workbook")
    first, second = folder / "first.xlsx", folder / "second.xlsx"
    _build(demo_run, first)
    _build(demo_run, second)
    catalogue = yaml.safe_load((demo_run / "config/tables.yaml").read_text(encoding="utf-8"))
    csvs = {
        spec["id"]: (
            name,
            pd.read_csv(demo_run / f"results/tables/{name}.csv", dtype=str, keep_default_na=False),
        )
        for name, spec in catalogue["tables"].items()
    }
    return {
        "paths": (first, second),
        "book": openpyxl.load_workbook(first),
        "catalogue": catalogue["tables"],
        "csvs": csvs,
        "about": yaml.safe_load((demo_run / "config/report.yaml").read_text())["about"],
    }


def cover_title(book: openpyxl.Workbook) -> str:
    return book["Cover"]["A1"].value


def _table_sheets(book: openpyxl.Workbook) -> list:
    return book.worksheets[len(META_SHEETS) :]


def test_sheet_order_cover_contents_notes_then_tables(built: dict) -> None:
    book = built["book"]
    ids = [spec["id"] for spec in built["catalogue"].values()]
    assert book.sheetnames == ["Cover", "Contents", "Notes", *ids]
    assert book.active.title == "Cover"
    assert book.properties.title == cover_title(book) and "supervision" in book.properties.keywords
    cover = [r[0] for r in book["Cover"].iter_rows(values_only=True) if r[0]]
    assert cover[0].endswith(": published tables")
    text = " ".join(cover)
    assert "oversight version" in text and "Cite the software as:" in text
    assert "Contact:" in text and "synthetic demonstration data" in text
    about = built["about"]
    issued = dt.date.fromisoformat(str(about["date"]))
    assert f"Report version {about['version']}, issued {issued:%-d %B %Y}." in cover
    assert f"Contact: {about['contact']}" in cover
    assert book["Cover"].sheet_view.tabSelected
    assert not any(ws.sheet_view.tabSelected for ws in book.worksheets[1:])


def test_each_table_sheet_holds_one_excel_table_covering_its_data(built: dict) -> None:
    for ws in _table_sheets(built["book"]):
        _, csv = built["csvs"][ws.title]
        assert list(ws.tables) == [ws.title.replace("-", "_")], ws.title
        table = ws.tables[ws.title.replace("-", "_")]
        last_col = openpyxl.utils.get_column_letter(len(csv.columns))
        assert table.ref == f"A{TABLE_HEADER_ROW}:{last_col}{TABLE_HEADER_ROW + max(len(csv), 1)}"
        assert ws.max_row == TABLE_HEADER_ROW + len(csv), ws.title  # nothing below it
        assert ws.max_column == len(csv.columns), ws.title
        assert table.tableStyleInfo.name and table.autoFilter is None
        assert ws["A1"].value.startswith(f"{ws.title}: ") and ws["A1"].style == "Headline 1"
        assert ws["A2"].value.startswith("This worksheet contains one table")
        assert ws["A3"].value.startswith("Source: rule ")
        assert ws.freeze_panes == f"A{TABLE_HEADER_ROW + 1}"
        assert not ws.merged_cells.ranges
        assert all(ws.column_dimensions[c].width for c in "AB"[: len(csv.columns)])


def test_headers_are_readable_labels(built: dict) -> None:
    layout = load_layout()
    for ws in _table_sheets(built["book"]):
        name, csv = built["csvs"][ws.title]
        header = [c.value for c in ws[TABLE_HEADER_ROW]]
        assert header == column_labels(name, list(csv.columns), layout), ws.title
        table = ws.tables[ws.title.replace("-", "_")]
        assert [c.name for c in table.tableColumns] == header
        for label in header:
            # Words, not names: no underscore, capitalised (a p-value keeps its small p).
            assert "_" not in label, (ws.title, label)
            assert label[0].isupper() or label.startswith("p-"), (ws.title, label)
    kpis = built["book"]["TAB-KPIS"]
    assert [c.value for c in kpis[TABLE_HEADER_ROW]][:3] == ["LA code", "LA name", "Old LA code"]


def test_no_numeric_cell_is_general(built: dict) -> None:
    checked = 0
    for ws in _table_sheets(built["book"]):
        for row in ws.iter_rows(min_row=TABLE_HEADER_ROW + 1):
            for cell in row:
                if cell.data_type == "n" and cell.value is not None:
                    assert cell.number_format != "General", (ws.title, cell.coordinate)
                    checked += 1
    assert checked > 50_000
    # A p-value of 1.4e-45 shows as <0.001; a share as a percentage; a year with no comma.
    het = built["book"]["TAB-HETEROGENEITY"]
    p_col = [c.value for c in het[TABLE_HEADER_ROW]].index("p-value") + 1
    assert het.cell(TABLE_HEADER_ROW + 1, p_col).number_format == '[<0.001]"<0.001";0.000'
    kpis = built["book"]["TAB-KPIS"]
    assert kpis.cell(TABLE_HEADER_ROW + 1, 4).number_format == "0"
    rates = built["book"]["TAB-SURVEY-RESPONSES"]
    assert rates.cell(TABLE_HEADER_ROW + 1, 4).number_format == "0.0%"


def test_values_equal_the_published_csvs(built: dict) -> None:
    symbols = load_layout()["symbols"]
    for ws in _table_sheets(built["book"]):
        _, csv = built["csvs"][ws.title]
        rows = list(ws.iter_rows(min_row=TABLE_HEADER_ROW + 1, values_only=True))[: len(csv)]
        assert len(rows) == len(csv), ws.title
        for i, row in enumerate(rows):
            for j, text in enumerate(csv.iloc[i]):
                cell = row[j]
                if isinstance(cell, int | float) and not isinstance(cell, bool):
                    assert float(text) == pytest.approx(cell, rel=1e-12), (ws.title, i, j)
                elif text in symbols and cell == symbols[text]["shorthand"]:
                    continue
                else:
                    assert (cell or "") == text, (ws.title, i, j)


def test_c_is_shown_as_c_in_brackets_and_every_symbol_is_explained(built: dict) -> None:
    book = built["book"]
    notes = {r[0]: r for r in book["Notes"].iter_rows(min_row=4, values_only=True)}
    shown: set[str] = set()
    hidden = 0
    for ws in _table_sheets(book):
        _, csv = built["csvs"][ws.title]
        rows = list(ws.iter_rows(min_row=TABLE_HEADER_ROW + 1, values_only=True))
        for i, j in zip(*(csv.to_numpy() == "c").nonzero(), strict=True):
            assert rows[i][j] == "[c]", (ws.title, i, j)
            hidden += 1
        shown |= {v for r in rows for v in r if isinstance(v, str) and SHORTHAND.match(v)}
    assert hidden > 100 and {"[c]", "[u]", "[x]"} <= shown
    assert shown == {k for k in notes if SHORTHAND.match(k)}
    assert notes["[c]"][1].startswith("Confidential") and "1 to 5" in notes["[c]"][1]
    assert "TAB-KPIS" in notes["[u]"][2] and "TAB-KPIS" in notes["[x]"][2]


def test_every_note_referenced_is_on_the_notes_sheet_and_every_note_is_referenced(
    built: dict,
) -> None:
    book = built["book"]
    listed = {r[0]: r[2] for r in book["Notes"].iter_rows(min_row=4, values_only=True)}
    referenced: dict[str, set[str]] = {}
    for ws in _table_sheets(book):
        for marker in MARKER.findall(ws["A2"].value):
            referenced.setdefault(marker, set()).add(ws.title)
    assert referenced and set(referenced) == {k for k in listed if k.startswith("[note")}
    for marker, ids in referenced.items():
        assert set(listed[marker].split(", ")) == ids, marker


def test_contents_links_resolve(built: dict) -> None:
    book = built["book"]
    ws = book["Contents"]
    assert list(ws.tables) == ["Contents_table"]
    links = {}
    for row in ws.iter_rows(min_row=4):
        cell = row[0]
        if cell.hyperlink is not None:
            links[cell.value] = cell.hyperlink.location
    assert set(links) == set(book.sheetnames) - {"Cover", "Contents"}
    for sheet, location in links.items():
        target, cell = location.rsplit("!", 1)
        assert target.strip("'") == sheet and cell == "A1" and sheet in book.sheetnames


def test_two_builds_are_byte_identical_with_fixed_times(built: dict) -> None:
    first, second = built["paths"]
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(io.BytesIO(first.read_bytes())) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml")
    assert core.count(b"2000-01-01T00:00:00Z") == 2 and b">en-GB</dc:language>" in core


def test_the_layout_names_only_published_tables_and_defined_formats() -> None:
    layout = load_layout()
    catalogue = yaml.safe_load((ROOT / "config/tables.yaml").read_text(encoding="utf-8"))
    assert named_tables(layout) <= set(catalogue["tables"])
    assert {s["shorthand"] for s in layout["symbols"].values()} >= {"[c]", "[u]", "[x]", "[z]"}


def test_headers_from_names_and_duplicates_refused() -> None:
    assert humanise("las_with_rejects") == "LAs with rejects"
    assert humanise("ci_lower") == "CI lower"
    layout = load_layout()
    assert column_labels("kpis", ["la_code", "new_measure"], layout) == ["LA code", "New measure"]
    with pytest.raises(ConfigError, match="both labelled 'LA code'"):
        column_labels("kpis", ["la_code", "new_la_code"], layout)


def test_symbols_only_in_number_and_status_columns() -> None:
    layout = load_layout()
    frame = pd.DataFrame(
        {"n": [5, "c"], "status": ["u", ""], "word": ["x", "c"], "ids": ["low", "k"]}
    ).astype(object)
    shown, used = symbol_cells(frame, layout)
    assert shown["n"].tolist() == [5, "[c]"]
    assert shown["status"].tolist() == ["[u]", ""]
    assert shown["word"].tolist() == ["x", "c"]  # text is text
    assert used == {"c", "u"}


def test_unknown_field_in_text_named() -> None:
    with pytest.raises(ConfigError, match="'contact' is not a field"):
        fill("Ask {contact}", {"title": "t"}, "cover")


def test_number_formats_never_hide_fractions() -> None:
    layout = load_layout()
    spec = {"id": "TAB-KPIS"}
    fte = pd.Series([54.0, 184.6, None], dtype=object)
    assert format_name("numerator", "kpis", spec, fte, layout) == "1dp"
    counts = pd.Series([12.0, 3289.0, "c"], dtype=object)
    assert format_name("numerator", "kpis", spec, counts, layout) == "int"
    assert format_name("period", "kpis", spec, pd.Series([2017, 2018]), layout) == "code"
    assert format_name("p_value", "x", spec, pd.Series([1.4e-45]), layout) == "p"
    assert format_name("new", "x", spec, pd.Series([0.632653]), layout) == "3dp"
    assert format_name("new", "x", spec, pd.Series([0.25, 1.5]), layout) == "2dp"
    assert format_name("new", "x", spec, pd.Series(["c", None]), layout) is None


def test_value_formats_follow_each_rows_kind_of_measure(built: dict) -> None:
    """A proportion's value shows as a percentage, a ratio's with decimals: the kind comes
    from config/metrics.yaml for a metric and config/published.yaml for a DfE indicator."""
    metric_kinds, indicator_kinds = kinds("metrics"), kinds("indicators")
    expected = {"proportion": "0.0%", "ratio": "#,##0.000", "agreement": "#,##0.000"}
    dfe = {"proportion": "0.0%", "rate": "0.0%", "ratio": "#,##0.00"}
    for sheet, kind_of, formats in (
        ("TAB-METRICS", metric_kinds, expected),
        ("TAB-KPIS", indicator_kinds, dfe),
    ):
        ws = built["book"][sheet]
        header = [c.value for c in ws[TABLE_HEADER_ROW]]
        key = header.index("Metric" if sheet == "TAB-METRICS" else "Indicator")
        value = header.index("Value")
        seen = set()
        for row in ws.iter_rows(min_row=TABLE_HEADER_ROW + 1):
            kind = kind_of[row[key].value]
            if isinstance(row[value].value, int | float) and kind in formats:
                assert row[value].number_format == formats[kind], (sheet, row[key].value)
                seen.add(kind)
        assert seen == set(formats), sheet


def test_indicator_kinds_from_the_studys_release_configuration(tmp_path: Path) -> None:
    own = tmp_path / "published.yaml"
    own.write_text("indicators:\n  new_rate: {kind: ratio}\n", encoding="utf-8")
    assert kinds("indicators", own) == {"new_rate": "ratio"}
    assert kinds("indicators")["caseload_fte"] == "ratio"  # the shipped file by default
    frame = pd.DataFrame({"indicator": ["new_rate", "other"], "value": [1.5, 0.2]})
    layout = load_layout()
    assert row_formats("kpis", frame, layout, own) == {"value": ("2dp", None)}
    assert row_formats("heterogeneity", frame, layout, own) == {}
