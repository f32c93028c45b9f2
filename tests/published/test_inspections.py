"""Parsing the Ofsted children's services inspection reports
(``oversight.published.report_parser``) into the dataset (``oversight.published.inspections``).

The expected grades below were read by hand from the head of each report text in
``data/raw/published/ofsted/`` (the "Judgement Grade" table, or the numbered list of the two
2018 SIF re-inspections), not produced by the parser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from oversight.errors import ConfigError
from oversight.published import inspections as ins
from oversight.published import report_dates as dates
from oversight.published import report_parser as parser
from oversight.published.report_files import normalise_la_name, study_reports
from oversight.published.report_layout import JUDGEMENTS, SECTION_ORDER

ROOT = Path(__file__).resolve().parents[2]
OFSTED = ROOT / "data" / "raw" / "published" / "ofsted"
SESLIP = ROOT / "data" / "raw" / "published" / "seslip_las.csv"

OS, GD, RI, IN = "Outstanding", "Good", "Requires improvement to be good", "Inadequate"
COMBINED, SPLIT, SIF = "combined", "split", "sif"
SUFFIX = "__childrens_services_inspection_-_"

# file (URN_la + date) -> overall, leaders, help and protection, children in care,
# care leavers, layout. COMBINED: one "children in care and care leavers" judgement, written
# in both columns. SIF: the 2018 re-inspections ("children looked after and achieving
# permanence" as children in care, "experiences and progress of care leavers" sub-judgement).
EXPECTED = {
    "80419_isle_of_wight 07_january_2019": (GD, GD, GD, GD, GD, COMBINED),
    "80419_isle_of_wight 15_december_2023": (GD, GD, RI, GD, GD, SPLIT),
    "80436_bracknell_forest 29_july_2022": (OS, OS, OS, GD, GD, COMBINED),
    "80438_brighton_and_hove 16_may_2024": (OS, OS, GD, OS, OS, SPLIT),
    "80438_brighton_and_hove 21_august_2018": (GD, GD, RI, GD, GD, COMBINED),
    "80442_buckinghamshire 11_february_2022": (RI, RI, RI, RI, RI, COMBINED),
    "80442_buckinghamshire 29_january_2018": (IN, IN, IN, IN, RI, SIF),
    "80467_east_sussex 04_september_2018": (OS, OS, GD, OS, OS, COMBINED),
    "80467_east_sussex 06_february_2024": (GD, GD, GD, OS, GD, SPLIT),
    "80472_hampshire 11_june_2019": (OS, OS, OS, OS, OS, COMBINED),
    "80472_hampshire 23_july_2024": (OS, OS, OS, OS, GD, SPLIT),
    "80476_kent 05_july_2022": (OS, OS, GD, OS, OS, COMBINED),
    "80522_medway 11_september_2023": (GD, GD, RI, GD, GD, SPLIT),
    "80522_medway 27_august_2019": (IN, IN, IN, RI, RI, COMBINED),
    "80524_milton_keynes 17_december_2021": (RI, RI, RI, RI, RI, COMBINED),
    "80524_milton_keynes 17_december_2024": (GD, GD, GD, GD, OS, SPLIT),
    "80536_oxfordshire 09_april_2024": (GD, GD, GD, GD, GD, SPLIT),
    "80536_oxfordshire 22_may_2018": (GD, GD, RI, GD, GD, COMBINED),
    "80539_portsmouth 03_july_2023": (GD, GD, OS, GD, RI, SPLIT),
    "80539_portsmouth 15_october_2018": (GD, GD, GD, GD, GD, COMBINED),
    "80540_reading 12_july_2024": (RI, RI, RI, GD, GD, SPLIT),
    "80540_reading 28_october_2019": (RI, RI, RI, RI, RI, COMBINED),
    "80546_windsor_&_maidenhead 19_november_2024": (GD, GD, GD, GD, OS, SPLIT),
    "80546_windsor_&_maidenhead 24_february_2020": (GD, GD, GD, RI, RI, COMBINED),
    "80553_slough 04_march_2019": (RI, RI, RI, RI, RI, COMBINED),
    "80553_slough 17_march_2023": (RI, IN, RI, RI, RI, SPLIT),
    "80558_southampton 09_january_2020": (RI, RI, RI, RI, RI, COMBINED),
    "80558_southampton 28_july_2023": (GD, OS, GD, GD, GD, SPLIT),
    "80567_surrey 09_march_2022": (RI, RI, RI, RI, RI, COMBINED),
    "80567_surrey 16_may_2018": (IN, IN, IN, RI, RI, SIF),
    "80577_west_berkshire 04_may_2022": (GD, GD, GD, GD, GD, COMBINED),
    "80578_west_sussex 08_may_2019": (IN, IN, IN, IN, IN, COMBINED),
    "80578_west_sussex 11_may_2023": (RI, GD, RI, GD, RI, SPLIT),
    "80582_wokingham 09_may_2023": (RI, RI, RI, GD, RI, SPLIT),
    "80582_wokingham 15_july_2019": (RI, RI, RI, RI, RI, COMBINED),
}

SECTIONS = {
    COMBINED: [
        "summary",
        "what_needs_to_improve",
        "help_protection",
        "children_in_care_and_care_leavers",
        "leaders",
    ],
    SPLIT: [
        "summary",
        "what_needs_to_improve",
        "help_protection",
        "children_in_care",
        "care_leavers",
        "leaders",
    ],
}
SECTIONS[SIF] = SECTIONS[SPLIT]

# Seslip records 2025 inspections whose reports are not in the corpus.
SESLIP_NEWER = {"Buckinghamshire": "2025-05-14", "Surrey": "2025-05-09"}


def file_name(key: str) -> str:
    stem, date = key.split(" ")
    return f"{stem}{SUFFIX}{date}.txt"


def key_of(name: str) -> str:
    return name.removesuffix(".txt").replace(SUFFIX, " ")


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return {
        key_of(p.name): parser.parse_report(parser.read_report(p), p.name)
        for p in sorted(OFSTED.glob("*.txt"))
    }


@pytest.fixture(scope="module")
def seslip() -> pd.DataFrame:
    return pd.read_csv(SESLIP)


@pytest.fixture(scope="module")
def frame(reports, seslip) -> pd.DataFrame:
    return ins.inspections_frame(list(reports.values()), seslip)


def test_corpus_is_the_35_reports():
    names = sorted(p.name for p in OFSTED.glob("*.txt"))
    assert names == sorted(file_name(key) for key in EXPECTED)
    assert (OFSTED / "README.md").read_text(encoding="utf-8").count(
        "Contains public sector information licensed under the Open Government Licence v3.0 "
        "(Ofsted)"
    ) == 1


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_parsed_judgements_match_the_head_of_each_report(reports, key):
    *grades, layout = EXPECTED[key]
    report = reports[key]
    assert report["grades"] == dict(zip(JUDGEMENTS, grades, strict=True))
    assert report["combined_cla_care_leavers"] is (layout == COMBINED)
    assert report["framework"] == ("SIF" if layout == SIF else "ILACS")
    assert report["additional_grades"] == ({"adoption": GD} if layout == SIF else {})


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_sections_and_their_grades(reports, key):
    layout = EXPECTED[key][-1]
    report = reports[key]
    assert [s["section"] for s in report["sections"]] == SECTIONS[layout]
    for section in report["sections"]:
        name = section["section"]
        column = "children_in_care" if name == "children_in_care_and_care_leavers" else name
        if name in JUDGEMENTS or column in JUDGEMENTS:
            assert section["grade"] == report["grades"][column], name
        else:
            assert section["grade"] is None
        assert section["text"].strip()


def test_identifiers_from_file_name(reports):
    report = reports["80524_milton_keynes 17_december_2024"]
    assert report["urn"] == 80524
    assert report["published"] == "2024-12-17"
    assert report["source_file"] == file_name("80524_milton_keynes 17_december_2024")


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("80524_milton_keynes 17_december_2024", "2024-10-28", "2024-11-08"),  # "28 Oct to 8 Nov"
        ("80436_bracknell_forest 29_july_2022", "2022-06-13", "2022-06-17"),  # "13 to 17 June"
        ("80472_hampshire 11_june_2019", "2019-04-29", "2019-05-03"),  # both dates in full
        ("80578_west_sussex 08_may_2019", "2019-02-25", "2019-03-08"),
        ("80546_windsor_&_maidenhead 24_february_2020", "2020-01-13", "2020-01-24"),
        ("80442_buckinghamshire 29_january_2018", "2017-11-06", "2017-11-30"),  # published 2018
        ("80567_surrey 16_may_2018", "2018-02-26", "2018-03-22"),  # "26 February 2018–22 March"
    ],
)
def test_inspection_dates_checked_by_hand(reports, key, start, end):
    assert (reports[key]["inspection_start"], reports[key]["inspection_end"]) == (start, end)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28 October to 8 November 2024", ("2024-10-28", "2024-11-08")),
        ("14 to 25 January 2019", ("2019-01-14", "2019-01-25")),
        ("29 April 2019 to 10 May 2019", ("2019-04-29", "2019-05-10")),
        ("26 February 2018–22 March 2018", ("2018-02-26", "2018-03-22")),
        ("28 December to 8 January 2020", ("2019-12-28", "2020-01-08")),
    ],
)
def test_parse_date_range(text, expected):
    assert dates.parse_date_range(text) == expected


@pytest.mark.parametrize("text", ["14 to 25 Janvier 2019", "sometime in 2019", "9 to 3 May 2019"])
def test_parse_date_range_rejects(text):
    with pytest.raises(ValueError):
        dates.parse_date_range(text)


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("80524_milton_keynes 17_december_2024", "Milton Keynes"),
        ("80419_isle_of_wight 15_december_2023", "Isle of Wight"),
        ("80419_isle_of_wight 07_january_2019", "Isle of Wight Council"),
        ("80546_windsor_&_maidenhead 19_november_2024", "Royal Borough of Windsor and Maidenhead"),
        ("80546_windsor_&_maidenhead 24_february_2020", "Royal Borough of Windsor and Maidenhead"),
        ("80522_medway 27_august_2019", "Medway Children’s Services"),
        ("80582_wokingham 09_may_2023", "Wokingham Borough Council"),
        ("80442_buckinghamshire 29_january_2018", "Buckinghamshire County Council"),
    ],
)
def test_la_name_as_written_in_the_title(reports, key, name):
    assert reports[key]["la_name"] == name


HEADER_LINE = re.compile(r"^\s*Inspection of .* children[’']s (social care )?services\s*$")
DATES_PAGE_LINE = re.compile(r"^\s*\d{1,2}\b.*\b(19|20)\d\d\.?\s+\d{1,3}\s*$")
PAGE_NUMBER_LINE = re.compile(r"^\s*\d{1,3}\s*$")


def test_section_texts_have_no_page_furniture(reports):
    for key, report in reports.items():
        for section in report["sections"]:
            for line in section["text"].splitlines():
                assert not HEADER_LINE.match(line), (key, section["section"], line)
                assert not DATES_PAGE_LINE.match(line), (key, section["section"], line)
                assert not PAGE_NUMBER_LINE.match(line), (key, section["section"], line)
            assert "Office for Standards in Education" not in section["text"], key
            assert "Piccadilly Gate" not in section["text"], key
    # the running header of this report, and its dates-and-page line, occur ten times
    text = " ".join(s["text"] for s in reports["80524_milton_keynes 17_december_2024"]["sections"])
    assert "local authority children’s services" not in text
    assert "28 October to 8 November 2024" not in text


def test_page_break_does_not_split_a_paragraph(reports):
    sections = reports["80524_milton_keynes 17_december_2024"]["sections"]
    cic = next(s["text"] for s in sections if s["section"] == "children_in_care")
    # "... and a clear" | page 7 header | "rationale is provided for each decision."
    assert "and a clear\nrationale is provided for each decision." in cic


def test_what_needs_to_improve_is_its_own_section_wherever_the_heading_is(reports):
    heading = re.compile(r"^What needs to improve\??\s*$", re.MULTILINE)
    for path in sorted(OFSTED.glob("*.txt")):
        report = reports[key_of(path.name)]
        wni = [s for s in report["sections"] if s["section"] == "what_needs_to_improve"]
        if heading.search(parser.read_report(path)):
            assert len(wni) == 1, path.name
            assert "The experiences and progress of" not in wni[0]["text"], path.name
            assert wni[0]["text"].lstrip()[0] in "◼\uf06e", path.name
        else:  # the SIF re-inspections: their numbered "Recommendations" stand in for it
            assert report["framework"] == "SIF", path.name
            assert wni[0]["text"].startswith("1. "), path.name


@pytest.mark.parametrize(
    ("key", "count", "first", "last"),
    [
        (
            "80524_milton_keynes 17_december_2024",
            3,
            "Consistency in the quality of assessments for children in need of help and "
            "protection and in contingency planning across teams.",
            "The strategic needs analysis of children at risk of extra-familial harm.",
        ),
        (
            "80540_reading 28_october_2019",
            7,
            "The quality of assessment, planning and provision for children in need, 16- and "
            "17-year-old young people who are homeless, children living in private fostering "
            "arrangements and children living with connected carers.",
            "The stability of the workforce to reduce the numbers of changes of social workers "
            "for children.",
        ),
        (  # sub-bullets ("−") stay inside their item
            "80419_isle_of_wight 15_december_2023",
            4,
            "The routine inclusion by the local authority of partner agencies in child "
            "protection strategy discussions and assessments.",
            "Caseloads in the children’s assessment and safeguarding teams.",
        ),
        (  # the list runs over a page break
            "80578_west_sussex 08_may_2019",
            12,
            None,
            "The active engagement of all relevant partners to tackle weaknesses in services "
            "and improve outcomes for children.",
        ),
        (  # SIF: ten numbered recommendations
            "80442_buckinghamshire 29_january_2018",
            10,
            None,
            "Ensure that all staff receive appropriate training, including mandatory training, "
            "in order to improve their key skills and to keep them up to date in their "
            "knowledge and practice.",
        ),
    ],
)
def test_what_needs_to_improve_items_counted_by_hand(frame, reports, key, count, first, last):
    report = reports[key]
    items = ins.what_needs_to_improve(frame)
    mine = items[(items["published"] == pd.Timestamp(report["published"]))]
    mine = mine[mine["la_code"] == frame.loc[frame["urn"] == report["urn"], "la_code"].iloc[0]]
    assert len(mine) == count
    assert mine["item"].tolist() == list(range(1, count + 1))
    if first is not None:
        assert mine["text"].iloc[0] == first
    assert mine["text"].iloc[-1] == last


def test_sub_bullets_are_kept_in_their_item(reports):
    sections = reports["80419_isle_of_wight 15_december_2023"]["sections"]
    items = ins.split_items(sections[1]["text"])
    assert items[2].startswith("The quality of oversight and monitoring of: − the pre-proceedings")
    assert items[2].endswith("− permanence for children − private fostering.")


def test_split_items_fallbacks():
    numbered = "1. Improve the multi-\nagency response.\n2. Reduce 16-\nand 17-year-old delays."
    assert ins.split_items(numbered) == [
        "Improve the multi-agency response.",
        "Reduce 16- and 17-year-old delays.",
    ]
    assert ins.split_items("First point\ncontinued.\n\nSecond point.") == [
        "First point continued.",
        "Second point.",
    ]


def test_latest_report_matches_seslip(reports, seslip):
    latest: dict[int, dict] = {}
    for report in reports.values():
        if report["urn"] not in latest or report["published"] > latest[report["urn"]]["published"]:
            latest[report["urn"]] = report
    assert len(latest) == len(seslip) == 19
    compared = 0
    for row in seslip.itertuples(index=False):
        report = latest[row.ofsted_urn]
        if row.la_name in SESLIP_NEWER:  # the 2025 report is not in the corpus
            assert row.ofsted_publication_date == SESLIP_NEWER[row.la_name]
            assert report["published"] < row.ofsted_publication_date
            continue
        assert report["published"] == row.ofsted_publication_date, row.la_name
        assert report["inspection_start"] == row.ofsted_ilacs_inspection_start, row.la_name
        for judgement in JUDGEMENTS:
            value = getattr(row, f"ofsted_{judgement}")
            if pd.isna(value):  # seslip leaves care leavers blank for combined judgements
                assert judgement == "care_leavers" and report["combined_cla_care_leavers"]
                continue
            assert report["grades"][judgement] == value, (row.la_name, judgement)
            compared += 1
    assert compared == 17 * 5 - 3


def test_inspections_frame(frame, reports, seslip):
    assert list(frame.columns) == ins.COLUMNS
    ins.INSPECTIONS_SCHEMA.validate(frame)
    assert len(frame) == sum(len(r["sections"]) for r in reports.values())
    assert frame.groupby(["la_code", "published"]).ngroups == 35
    assert set(frame["la_code"]) == set(seslip["la_code_new"])
    assert frame["la_code"].is_monotonic_increasing
    order = {name: i for i, name in enumerate(SECTION_ORDER)}
    for _, group in frame.groupby(["la_code", "published"]):
        assert group["section"].map(order).is_monotonic_increasing
    wight = frame[frame["urn"] == 80419]
    assert set(wight["la_code"]) == {"E06000046"}
    assert set(wight["la_name"]) == {"Isle of Wight"}


def test_frame_from_a_lookup_read_as_text(frame, reports):
    as_text = pd.read_csv(SESLIP, dtype=str)  # as the pipeline's job reads the reference
    pd.testing.assert_frame_equal(ins.inspections_frame(list(reports.values()), as_text), frame)


def test_frame_falls_back_to_the_name_when_the_urn_is_unknown(frame, reports, seslip):
    no_urn = seslip.assign(ofsted_urn=pd.NA)
    by_name = ins.inspections_frame(list(reports.values()), no_urn)
    assert by_name["la_code"].tolist() == frame["la_code"].tolist()
    assert normalise_la_name("Windsor & Maidenhead") == normalise_la_name(
        "The Royal Borough of  Windsor and Maidenhead"
    )
    assert normalise_la_name("Brighton and Hove City Council") == "brighton and hove"


def test_frame_rejects_an_unknown_authority(reports, seslip):
    report = dict(reports["80524_milton_keynes 17_december_2024"], urn=1, la_name="Atlantis")
    with pytest.raises(ValueError, match="Atlantis"):
        ins.inspections_frame([report], seslip)


def test_schema_rejects_a_bad_grade(frame):
    bad = frame.copy()
    bad.loc[0, "overall"] = "Requires improvement"
    with pytest.raises(Exception, match="isin"):
        ins.INSPECTIONS_SCHEMA.validate(bad)


def test_latest_judgements(frame, seslip):
    latest = ins.latest_judgements(frame)
    assert len(latest) == 19 and latest["la_code"].is_unique
    mk = latest.set_index("la_code").loc["E06000042"]
    assert mk["published"] == pd.Timestamp("2024-12-17")
    assert [mk[j] for j in JUDGEMENTS] == [GD, GD, GD, GD, OS]
    assert not mk["combined_cla_care_leavers"]
    kent = latest.set_index("la_code").loc["E10000016"]
    assert kent["combined_cla_care_leavers"]
    assert kent["published"] == pd.Timestamp("2022-07-05")


def test_what_needs_to_improve_frame(frame):
    items = ins.what_needs_to_improve(frame)
    assert list(items.columns) == ["la_code", "published", "item", "text"]
    assert items.groupby(["la_code", "published"]).ngroups == 35
    assert (items.groupby(["la_code", "published"])["item"].min() == 1).all()
    assert items["text"].str.len().min() > 20
    assert not items["text"].str.contains("◼|\uf06e").any()


MK = file_name("80524_milton_keynes 17_december_2024")


@pytest.fixture(scope="module")
def mk_text() -> str:
    return parser.read_report(OFSTED / MK)


def test_missing_grades_block_raises_with_file_name(mk_text):
    lines = mk_text.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("Judgement Grade"))
    end = next(i for i, x in enumerate(lines) if x.startswith("Overall effectiveness"))
    broken = "\n".join(lines[:start] + lines[end + 1 :])
    with pytest.raises(ValueError, match=rf"{re.escape(MK)}.*no judgement grades block"):
        parser.parse_report(broken, MK)


def test_missing_overall_grade_raises(mk_text):
    broken = re.sub(r"Overall effectiveness Good", "Overall effectiveness", mk_text)
    with pytest.raises(ValueError, match=rf"{re.escape(MK)}.*grades block not recognised"):
        parser.parse_report(broken, MK)


def test_unknown_grade_raises(mk_text):
    broken = mk_text.replace("leavers  \nOutstanding", "leavers  \nExcellent", 1)
    assert broken != mk_text
    with pytest.raises(ValueError, match=re.escape(MK)):
        parser.parse_report(broken, MK)


def test_missing_section_heading_raises(mk_text):
    broken = mk_text.replace("The experiences and progress of care leavers: outstanding", "")
    with pytest.raises(ValueError, match=rf"{re.escape(MK)}.*care_leavers"):
        parser.parse_report(broken, MK)


def test_missing_inspection_dates_raises(mk_text):
    broken = mk_text.replace("Inspection dates:", "Dates:")
    with pytest.raises(ValueError, match=rf"{re.escape(MK)}.*Inspection dates"):
        parser.parse_report(broken, MK)


def test_bad_file_name_raises(mk_text):
    with pytest.raises(ValueError, match=r"milton_keynes\.txt"):
        parser.parse_report(mk_text, "milton_keynes.txt")


@pytest.mark.parametrize(
    ("raw", "grade"),
    [
        ("Requires improvement", RI),
        ("requires improvement to be good.", RI),
        ("Requires Improvement", RI),
        (" Good ", GD),
        ("outstanding", OS),
        ("Inadequate", IN),
    ],
)
def test_normalise_grade(raw, grade):
    assert parser.normalise_grade(raw) == grade


def test_normalise_grade_rejects():
    with pytest.raises(ValueError):
        parser.normalise_grade("Excellent")


def test_only_the_study_las_reports_are_read(tmp_path) -> None:
    folder = tmp_path / "ofsted"
    folder.mkdir()
    names = [
        "80476_kent__childrens_services_inspection_-_05_july_2022.txt",
        "80553_slough__childrens_services_inspection_-_17_march_2023.txt",
        "80546_windsor_&_maidenhead__childrens_services_inspection_-_19_november_2024.txt",
        "80999_sunderland__childrens_services_inspection_-_01_may_2023.txt",
        "kent inspection 2022.txt",
    ]
    for name in names:
        (folder / name).write_text("report\n", encoding="utf-8")
    reference = tmp_path / "las.csv"
    reference.write_text(
        "la_name,ofsted_urn\nKent,80476\nRoyal Borough of Windsor and Maidenhead,\n",
        encoding="utf-8",
    )
    got = [p.rsplit("/", 1)[-1] for p in study_reports(folder, reference)]
    # Kent by its URN, Windsor and Maidenhead by its name; Slough and Sunderland are not in it.
    # A file not named as a report is kept, for the inspections rule to refuse by name.
    assert got == [names[0], names[2], names[4]]


def test_a_missing_reference_table_is_a_configuration_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"paths\.la_reference"):
        study_reports(tmp_path, tmp_path / "missing.csv")
