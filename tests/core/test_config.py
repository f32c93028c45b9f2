"""Authority configuration: schema validation with line numbers, and config references."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from oversight.config import config_ref, load_authority, yaml_line
from oversight.errors import ConfigError
from tests.helpers import authority_config, key_line, supervision_spec

ROOT = Path(__file__).resolve().parents[2]

REPO_AUTHORITIES = Path(__file__).resolve().parents[2] / "config" / "authorities"

BAD = """\
# a comment line
la_code: E10000016
la_name: Testshire
supervision_policy_days: 28
datasets:
  supervision:
    path: testshire/supervision.xls
    format: xls
    header_row: 0
"""


def test_invalid_authority_names_path_and_line(tmp_path):
    path = tmp_path / "testshire.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_authority(path)
    message = str(info.value)
    assert message.startswith(f"{path} does not match authority.schema.yaml:")
    assert "datasets/supervision/format (line 8): 'xls' is not one of" in message
    assert "datasets/supervision/header_row (line 9):" in message


def test_invalid_la_code_and_unknown_key(tmp_path):
    cfg = authority_config({"supervision": supervision_spec()})
    cfg["la_code"] = "X123"
    cfg["datasets"]["supervision"]["colums"] = {}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_authority(path)
    message = str(info.value)
    assert "la_code (line 1): 'X123' is not allowed: a new-style LA code: E06, E08" in message
    line = key_line(path, "datasets.supervision")
    assert (
        f"datasets/supervision (line {line}): Additional properties are not allowed "
        "('colums' was unexpected)" in message
    )


def test_missing_authority_file(tmp_path):
    with pytest.raises(ConfigError, match="no such authority configuration"):
        load_authority(tmp_path / "nowhere.yaml")


def test_valid_authority_loads(tmp_path):
    path = tmp_path / "t.yaml"
    cfg = authority_config({"supervision": supervision_spec()})
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    assert load_authority(path) == cfg


@pytest.mark.parametrize("slug", ["kent", "surrey"])
def test_repository_authorities_are_valid(slug):
    data = load_authority(REPO_AUTHORITIES / f"{slug}.yaml")
    required = {"supervision", "caseload", "oversight", "audits", "survey", "transcripts"}
    # Every required dataset, and any optional one the LA sends (strategy discussions).
    assert required <= set(data["datasets"]) <= required | {"strategy_discussions"}


def test_yaml_line_and_config_ref(tmp_path):
    path = tmp_path / "t.yaml"
    cfg = authority_config({"supervision": supervision_spec()})
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    status = yaml_line(path, ["datasets", "supervision", "columns", "status"])
    assert lines[status - 1] == "      status: Status"
    second_format = yaml_line(path, ["datasets", "supervision", "date_formats", 1])
    assert lines[second_format - 1] == "    - excel_serial"
    # a key that does not exist yet points at its deepest existing parent
    values = yaml_line(path, ["datasets", "supervision", "values", "agency"])
    assert lines[values - 1] == "    values:"
    assert (
        config_ref(path, ["datasets", "supervision"])
        == f"{path} line {key_line(path, 'datasets.supervision')} (datasets.supervision)"
    )


def test_config_ref_without_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [unclosed\n", encoding="utf-8")
    assert yaml_line(broken, ["a"]) is None
    assert config_ref(broken, ["a", "b"]) == f"{broken} (a.b)"
    assert config_ref(tmp_path / "missing.yaml", ["x"]) == f"{tmp_path / 'missing.yaml'} (x)"


@pytest.mark.parametrize(
    "raw_path,ok",
    [
        ("testshire/supervision.csv", True),
        ("testshire/supervision_*.csv", True),
        ("testshire/file..name.csv", True),
        ("../secrets.csv", False),
        ("testshire/../../etc/passwd", False),
        ("/etc/passwd", False),
        ("C:/exports/supervision.csv", False),
        ("testshire\\..\\..\\x.csv", False),
    ],
)
def test_a_path_cannot_leave_the_raw_data_folder(tmp_path, raw_path: str, ok: bool):
    cfg = authority_config({"supervision": supervision_spec()})
    cfg["datasets"]["supervision"]["path"] = raw_path
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    if ok:
        assert load_authority(path)["datasets"]["supervision"]["path"] == raw_path
    else:
        with pytest.raises(ConfigError, match=r"datasets/supervision/path \(line \d+\)"):
            load_authority(path)


def _study_with(tmp_path, **paths):
    from oversight.config import load_study

    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    config["paths"].update(paths)
    (root / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return lambda: load_study(root / "config/config.yaml")


@pytest.mark.parametrize("raw", ["../raw", "/srv/share/raw", "data/../../raw"])
def test_study_paths_cannot_leave_the_project(tmp_path, raw) -> None:
    load = _study_with(tmp_path, raw=raw)
    with pytest.raises(ConfigError) as info:
        load()
    message = str(info.value)
    assert f"paths.raw is {raw!r}, which leads outside the project" in message
    assert "add raw to paths.allow_outside" in message
    assert "config.yaml line" in message


def test_a_path_outside_the_project_is_allowed_when_listed(tmp_path) -> None:
    config = _study_with(tmp_path, raw="/srv/share/raw", allow_outside=["raw"])()
    assert config["paths"]["raw"] == "/srv/share/raw"
    assert _study_with(tmp_path / "b", raw="data/raw/../raw")()["paths"]["raw"] == "data/raw/../raw"
