"""Day and month order is never left to chance, and "still open" dates are not dates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from oversight.config import load_authority, load_study
from oversight.errors import ConfigError, ExtractError
from oversight.ingest.dates import SWAP_MIN_SHARE, check_day_month, open_dates, order_conflict
from oversight.ingest.extracts import Study, ingest
from tests.helpers import (
    KEY,
    STUDY,
    SUP_HEADER,
    authority_config,
    caseload_spec,
    csv_text,
    key_line,
    one_reject,
    rules_by_row,
    sup_row,
    supervision_spec,
)

ROOT = Path(__file__).resolve().parents[2]
SENTINELS = ("9999-12-31", "31/12/9999", "01/01/1900")
OPEN_STUDY = Study(
    STUDY.period_start, STUDY.period_end, STUDY.extract_date, open_date_sentinels=SENTINELS
)


# ------------------------------------------------------------------ configuration


def test_both_orders_in_one_column_are_refused_naming_the_line(tmp_path):
    spec = supervision_spec(date_formats=["%d/%m/%Y", "excel_serial", "%m/%d/%Y"])
    path = tmp_path / "la.yaml"
    path.write_text(yaml.safe_dump(authority_config({"supervision": spec}), sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_authority(path)
    line = key_line(path, "datasets.supervision.date_formats") + 3  # the third list item
    assert str(err.value).startswith(
        f"{path} line {line} (datasets.supervision.date_formats.2): date_formats lists both "
        "'%d/%m/%Y' (dd/mm/yyyy) and '%m/%d/%Y' (mm/dd/yyyy)"
    )


@pytest.mark.parametrize(
    ("formats", "clash"),
    [
        (["%d/%m/%Y", "%m/%d/%Y"], (0, 1)),
        (["%d-%m-%y", "%m/%d/%Y"], (0, 1)),  # separators and year length do not matter
        (["%Y-%m-%d", "%d/%m/%Y"], None),  # ISO cannot be read day-first
        (["%d/%m/%Y", "%d/%m/%y", "%d-%b-%y", "excel_serial"], None),
        (["%m/%d/%Y"], None),  # a month-first LA on its own is fine
    ],
)
def test_order_conflict(formats, clash):
    assert order_conflict(formats) == clash


def test_every_shipped_authority_config_has_one_order():
    for path in sorted((ROOT / "config/authorities").glob("*.yaml")):
        load_authority(path)  # raises on a clash


# ------------------------------------------------------------------ swapped columns


def _us_dates(n_late: int, n_early: int) -> list[str]:
    """Month-first dates: n_late with a day over 12 (fail dd/mm), n_early ambiguous."""
    late = [
        f"{m:02d}/{d:02d}/2024" for m, d in zip([5, 6, 7, 8, 9] * 9, range(13, 29), strict=False)
    ]
    early = [f"0{m}/0{d}/2024" for m in (5, 6, 7) for d in range(1, 10) if m != d]
    return late[:n_late] + early[:n_early]


def test_a_month_first_column_is_refused_as_a_whole(sandbox):
    rows = [sup_row(worker_id=f"W{i}", session_date=d) for i, d in enumerate(_us_dates(10, 15))]
    la, err = sandbox.supervision_error(csv_text(SUP_HEADER, *rows), date_formats=["%d/%m/%Y"])
    assert "day and month" in err.problem
    assert err.problem == (
        "day and month are swapped in 'Supervision Date': 10 dates fit mm/dd/yyyy but not "
        "dd/mm/yyyy, the order configured (only 0 fit dd/mm/yyyy alone); 15 more, with both "
        "numbers 12 or less, would load with day and month exchanged"
    )
    assert (err.row, err.column) == (2, "Supervision Date")
    assert err.found == "10 dates as mm/dd/yyyy, such as '05/13/2024'"
    line = key_line(la.config_path, "datasets.supervision.date_formats")
    assert err.fix == (
        "export 'Supervision Date' as dd/mm/yyyy or yyyy-mm-dd; or, if this LA's system writes "
        f"mm/dd/yyyy, change the format to '%m/%d/%Y' in {la.config_path} line {line} "
        "(datasets.supervision.date_formats)"
    )


def test_a_mostly_ambiguous_month_first_column_is_refused(sandbox):
    """23 of 25 dates have both numbers 12 or less; the 2 that do not give the order away."""
    dates = _us_dates(2, 23)
    rows = [sup_row(worker_id=f"W{i}", session_date=d) for i, d in enumerate(reversed(dates))]
    _, err = sandbox.supervision_error(csv_text(SUP_HEADER, *rows), date_formats=["%d/%m/%Y"])
    assert "day and month are swapped" in err.problem and err.row == 25


def test_one_stray_month_first_date_is_a_row_reject_with_a_hint(sandbox):
    rows = [sup_row(worker_id="W1", session_date="05/13/2024"), sup_row(session_date="03/04/2024")]
    _, result = sandbox.supervision(csv_text(SUP_HEADER, *rows), date_formats=["%d/%m/%Y"])
    assert rules_by_row(result) == {2: {"date_format"}}
    assert "(it fits mm/dd/yyyy: are day and month swapped?)" in one_reject(result, 2)["message"]


@pytest.mark.parametrize(("n_configured", "refused"), [(8, True), (9, False)])
def test_threshold_share_of_values_that_fit_one_order_only(n_configured, refused):
    """2 swap-only dates are refused against 8 day-first-only ones (2/10 = 20%), not 9."""
    assert SWAP_MIN_SHARE == 0.2
    day_first = [f"{d}/05/2024" for d in range(13, 13 + n_configured)]
    values = pd.Series([*day_first, "05/13/2024", "05/14/2024", "03/04/2024"], dtype="string")
    if refused:
        with pytest.raises(ExtractError, match="day and month"):
            check_day_month(values, ["%d/%m/%Y"], "f.csv", "Date", "ref")
    else:
        check_day_month(values, ["%d/%m/%Y"], "f.csv", "Date", "ref")


def test_iso_and_month_names_are_never_called_swapped():
    values = pd.Series(["2024-05-13", "2024-06-14", "5-Apr-24", "13-May-24"], dtype="string")
    check_day_month(values, ["%d/%m/%Y", "%d-%b-%y"], "f.csv", "Date", "ref")
    check_day_month(pd.Series(["05/13/2024"] * 3, dtype="string"), ["excel_serial"], "f", "D", "r")


# ------------------------------------------------------------------ open-ended dates

CASELOAD_HEADER = ["Child ID", "Status", "Team", "Start", "End"]


def _caseload(sandbox, *rows, study=OPEN_STUDY, **extra):
    spec = caseload_spec(**extra)
    la = sandbox.authority({"caseload": spec})
    sandbox.write(spec["path"], csv_text(CASELOAD_HEADER, *rows))
    result = ingest(la, "caseload", sandbox.raw, study, key=KEY)
    assert result.ledger["rows_in"] == result.ledger["rows_loaded"] + result.ledger["rows_rejected"]
    return result


def test_open_ended_end_dates_are_read_as_blank_and_counted(sandbox):
    result = _caseload(
        sandbox,
        ["C1", "CP", "Safeguarding", "01/02/2024", "9999-12-31"],
        ["C2", "CP", "Safeguarding", "01/02/2024", "31/12/9999"],
        ["C3", "CP", "Safeguarding", "01/02/2024", " 9999-12-31 "],
        ["C4", "CP", "Safeguarding", "01/02/2024", "01/03/2024"],
        ["C5", "CP", "Safeguarding", "01/02/2024", ""],
    )
    assert result.rejects.empty and result.ledger["rows_loaded"] == 5
    assert result.data["episode_end"].isna().tolist() == [True, True, True, False, True]
    assert result.notes == [
        "testshire/caseload.csv: 3 open-ended dates (31/12/9999, 9999-12-31) in 'End' read as blank"
    ]


def test_without_sentinels_9999_is_a_future_date(sandbox):
    result = _caseload(
        sandbox, ["C1", "CP", "Safeguarding", "01/02/2024", "9999-12-31"], study=STUDY
    )
    assert rules_by_row(result) == {2: {"future_date"}}


def test_an_extract_adds_its_own_sentinel(sandbox):
    result = _caseload(
        sandbox,
        ["C1", "CP", "Safeguarding", "01/02/2024", "31/12/2099"],
        ["C2", "CP", "Safeguarding", "01/02/2024", "01/01/1900"],
        open_date_sentinels=["31/12/2099"],
    )
    assert result.rejects.empty
    assert result.notes == [
        "testshire/caseload.csv: 2 open-ended dates (01/01/1900, 31/12/2099) in 'End' read as blank"
    ]


def test_a_sentinel_in_a_required_date_is_rejected_with_a_clear_message(sandbox):
    result = _caseload(
        sandbox,
        ["C1", "CP", "Safeguarding", "9999-12-31", ""],
        ["C2", "CP", "Safeguarding", "01/01/1900", "9999-12-31"],
    )
    assert rules_by_row(result) == {2: {"required"}, 3: {"required"}}  # one rule per cell
    assert one_reject(result, 2)["message"] == (
        "'Start' is '9999-12-31', which stands for 'no date yet', but every row needs a "
        "episode_start; enter the real date or leave the row out of the extract"
    )


def test_open_dates_match_text_or_date():
    values = pd.Series(
        ["9999-12-31", "31/12/9999", "1900-01-01", "31/12/2024", None], dtype="string"
    )
    assert open_dates(values, SENTINELS, ["%d/%m/%Y"]).tolist() == [True, True, True, False, False]
    assert not open_dates(values, (), ["%d/%m/%Y"]).any()


def test_study_reads_the_default_list_from_config_yaml():
    config = load_study(ROOT / "config/config.yaml")
    study = Study.from_config(config["study"], [], config["ingest"])
    assert study.open_date_sentinels == SENTINELS
    assert Study.from_config(config["study"]).open_date_sentinels == ()
