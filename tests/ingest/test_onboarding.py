"""A new release with renamed columns onboards with a YAML change alone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from oversight.config import load_authority, load_study
from oversight.demo.generate import Generator
from oversight.errors import ExtractError
from oversight.ingest.extracts import Authority, Study, ingest
from tests.conftest import ROOT

RENAMED = {  # Portsmouth's case system renamed every supervision column in its new release
    "Employee No.": "Practitioner reference",
    "Designation": "Job role",
    "Agency (Y/N)": "Agency staff",
    "NQSW (Y/N)": "In ASYE year",
    "Supervision date": "Date held",
    "Supervision category": "Kind of supervision",
    "Length of session (minutes)": "Minutes",
    "Held / cancelled": "Outcome",
    "Family reflection": "Part 1 (family) recorded",
    "Practitioner reflection": "Part 2 (self) recorded",
}
STUDY = Study.from_config(load_study(ROOT / "config/config.yaml")["study"])


@pytest.fixture()
def portsmouth(tmp_path: Path) -> tuple[Path, Path, dict]:
    gen = Generator(ROOT / "data/raw/published/seslip_las.csv", ROOT / "config/survey.yaml")
    truth = gen.run(tmp_path / "raw", tmp_path / "config", only=["portsmouth"])
    path = tmp_path / "raw/portsmouth/supervision_2024-25.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert set(RENAMED) <= set(rows[0])
    rows[0] = [RENAMED.get(h, h) for h in rows[0]]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return tmp_path, tmp_path / "config/portsmouth.yaml", truth


def test_renamed_columns_load_after_a_yaml_change(portsmouth) -> None:
    root, cfg_path, truth = portsmouth
    la = Authority("portsmouth", load_authority(cfg_path), cfg_path)
    with pytest.raises(ExtractError) as err:
        ingest(la, "supervision", root / "raw", STUDY, b"k")
    assert "missing required column" in str(err.value)
    # The headers found are described by position and length, never quoted: an unknown cell
    # may be a data row's (a name, an ID). The data lead reads them in the file itself.
    assert "Practitioner reference" not in str(err.value)
    assert "unrecognised header" in str(err.value) and "column 1" in str(err.value)

    config = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    columns = config["datasets"]["supervision"]["columns"]
    config["datasets"]["supervision"]["columns"] = {f: RENAMED[h] for f, h in columns.items()}
    cfg_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))

    la = Authority("portsmouth", load_authority(cfg_path), cfg_path)
    result = ingest(la, "supervision", root / "raw", STUDY, b"k")
    expected = truth["authorities"]["portsmouth"]
    assert result.ledger["rows_loaded"] == expected["volumes"]["supervision"]
    assert result.rejects.groupby("rule").size().to_dict() == expected["errors"]["supervision"]
    assert json.dumps(result.ledger)  # the ledger line is plain data
