"""Which Ofsted report files belong to the study: the folder of reports may hold reports of
LAs outside it. Light on purpose (no pandas): the rule file calls it when Snakemake parses it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from oversight.errors import ConfigError
from oversight.published.report_layout import APOS, FILE_NAME_RE


def normalise_la_name(name: str) -> str:
    """A matching key for LA names: case, spacing, punctuation, ``&``/``and``, "the",
    "Royal Borough of" and council/children's services suffixes do not matter."""
    key = name.lower().replace("&", " and ")
    key = re.sub(rf"children{APOS}s services", " ", key)
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    key = " ".join(key.split())
    key = re.sub(r"^(the )?(royal borough of |city of )?", "", key)
    key = re.sub(r"( (county|city|borough|district))? council$", "", key)
    return key


def study_reports(folder: str | Path, reference: str | Path) -> list[str]:
    """The Ofsted reports in ``folder`` (``<urn>_<la name>__...txt``) of the LAs in the study's
    reference table (``la_reference``), matched by URN or by name, sorted. A file whose name
    is not a report's name is kept: the inspections rule sets it aside, named in its
    set-aside list, rather than a misnamed report of a study LA being left out unseen."""
    if not Path(reference).is_file():
        raise ConfigError(
            f"{reference}: no such file; paths.la_reference in the study's config.yaml must "
            "name the reference table of its LAs (la_name, ofsted_urn, ...)"
        )
    with Path(reference).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    urns = {row["ofsted_urn"] for row in rows if row.get("ofsted_urn")}
    names = {normalise_la_name(row["la_name"]) for row in rows}
    keep = []
    for report in sorted(Path(folder).glob("*.txt")):
        parts = FILE_NAME_RE.match(report.name)
        if parts is None:
            keep.append(str(report))
            continue
        name = normalise_la_name(parts["slug"].replace("_", " "))
        if parts["urn"] in urns or name in names:
            keep.append(str(report))
    return keep
