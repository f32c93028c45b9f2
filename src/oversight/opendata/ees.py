"""What Explore Education Statistics (EES) expects of a data file and its metadata file: the
allowed values and column names of the DfE open data standards, as data.

``docs/open_data.md`` says where each rule comes from. :mod:`oversight.opendata.validate`
checks files against them; :mod:`oversight.opendata.reshape` writes files that meet them.
"""

from __future__ import annotations

# Time and geography columns every data file starts with, in this order (the geography
# columns the study's levels need: national, regional, local authority).
TIME_COLUMNS = ("time_period", "time_identifier")
REQUIRED_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
)
GEOGRAPHY_COLUMNS = (
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
)
# The columns each geographic level must fill, beside country_code and country_name. A
# local authority row carries its region too (levels form a hierarchy).
LEVEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "National": (),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("old_la_code", "new_la_code", "la_name"),
    "Local authority district": ("lad_code", "lad_name"),
    "RSC region": ("rsc_region_lead_name",),
    "Parliamentary constituency": ("pcon_code", "pcon_name"),
    "Local skills improvement plan area": ("lsip_code", "lsip_name"),
    "Local enterprise partnership": (
        "local_enterprise_partnership_code",
        "local_enterprise_partnership_name",
    ),
    "English devolved area": ("english_devolved_area_code", "english_devolved_area_name"),
    "Opportunity area": ("opportunity_area_code", "opportunity_area_name"),
    "Ward": ("ward_code", "ward_name"),
    "MAT": ("trust_id", "trust_name"),
    "Sponsor": ("sponsor_id", "sponsor_name"),
    "School": (
        "school_name",
        "school_urn",
        "school_laestab",
        "old_la_code",
        "new_la_code",
        "la_name",
    ),
    "Provider": ("provider_name", "provider_ukprn"),
    "Planning area": (),
    "Institution": (),
}
# Level columns that may be blank: a legacy LA has no 9-character new code (its old code
# and name are filled). The study's LAs all have one.
MAY_BE_BLANK = frozenset({"new_la_code"})
# Every column a geographic level names: never a filter or an indicator.
LOCATION_COLUMNS = frozenset(
    {"country_code", "country_name", "geographic_level"}
    | {c for cols in LEVEL_COLUMNS.values() for c in cols}
    | {"planning_area_code", "planning_area_name", "institution_id", "institution_name"}
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Time identifiers in the groups that may share a file (identifiers of different groups
# never do), each group with the digits of its time_period: 4 is a calendar year (2024),
# 6 two consecutive years (202425).
TIME_GROUPS: dict[str, tuple[int, tuple[str, ...]]] = {
    "calendar year": (4, ("Calendar year",)),
    "reporting year": (4, ("Reporting year",)),
    "academic year": (6, ("Academic year",)),
    "financial year": (6, ("Financial year",)),
    "financial quarters": (6, tuple(f"Financial year Q{q}" for q in range(1, 5))),
    "financial halves": (6, ("Part 1 (April to September)", "Part 2 (October to March)")),
    "tax year": (6, ("Tax year",)),
    "terms": (6, ("Autumn term", "Spring term", "Summer term")),
    "autumn and spring": (6, ("Autumn and spring term",)),
    "months": (4, MONTHS),
    "weeks": (4, tuple(f"Week {w}" for w in range(1, 53))),
}
TIME_IDENTIFIERS = {i: g for g, (_, ids) in TIME_GROUPS.items() for i in ids}

# Metadata file columns, in order; col_type is Filter or Indicator.
META_COLUMNS = (
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
)
COL_TYPES = ("Filter", "Indicator")
INDICATOR_UNITS = ("", "%", "pp", "£", "£m", "numberstring")
# GSS symbols an indicator cell may hold in place of a number: c confidential (suppressed),
# x not available, z not applicable, u low reliability, low (rounds to 0 but is not 0).
SYMBOLS = ("c", "x", "z", "u", "low")
# Symbols the standards retired (":" for x, "~" for low): never valid.
LEGACY_SYMBOLS = (":", "~")
# The aggregate of a filter: a row not broken down by it.
TOTAL = "Total"
