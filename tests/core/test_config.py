"""Authority configuration: schema validation with line numbers, and config references."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import oversight.config as oc
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


# --- libyaml and the Python parser read every file alike -------------------------------------


def _tree(node: yaml.Node | None, seen: dict[int, int] | None = None) -> object:
    """A composed tree as tags, values and positions (an alias as a reference)."""
    seen = {} if seen is None else seen
    if node is None:
        return None
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    where = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (*where, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*where, [_tree(child, seen) for child in node.value])
    return (*where, [(_tree(k, seen), _tree(v, seen)) for k, v in node.value])


PROJECT_YAML = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("config", "src", "tests/fixtures", "profiles")
    for p in (ROOT / folder).rglob("*.y*ml")
    if p.is_file() and p.stat().st_size < 2**20
)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize("name", PROJECT_YAML)
def test_libyaml_composes_every_project_file_as_the_python_parser_does(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_yaml composes with libyaml when it can: the tree it builds from each of the
    project's YAML files has the tags, values and lines the Python parser gives, and the
    values load_yaml returns (or the error it raises) are those of the Python parser alone."""
    text = (ROOT / name).read_text(encoding="utf-8")
    trees = []
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        try:
            trees.append(_tree(yaml.compose(text, Loader=loader)))
        except yaml.YAMLError as exc:
            trees.append(type(exc).__name__)
    assert trees[0] == trees[1]
    results = []
    for c_loader in (oc._C_LOADER, None):
        monkeypatch.setattr(oc, "_C_LOADER", c_loader)
        try:
            results.append(("ok", oc.load_yaml(ROOT / name)))
        except ConfigError as exc:
            results.append(("error", str(exc)))
    assert results[0] == results[1]


@pytest.mark.parametrize(
    "text,aliases",
    [
        ("a: 1\n", 0),
        ("a: &a 1\nb: *a\nc: [*a, *a]\n", 3),
        ("a: &a [1, *a]\n", 1),
        ("base: &b {k: v}\nx: *b\ny: {z: *b}\n", 2),
    ],
)
def test_aliases_are_counted_on_the_composed_tree(text: str, aliases: int) -> None:
    """The alias count libyaml's tree gives is the count the Python parser makes."""
    loader = oc._LimitedLoader(text)
    node = loader.get_single_node()
    assert loader.aliases == aliases
    assert oc._alias_count(node) == aliases


def test_yaml_line_after_load_yaml_is_the_line_of_a_fresh_parse(tmp_path: Path) -> None:
    """yaml_line looks lines up in the tree load_yaml built: the same lines as a parse of its
    own, and a file changed since is parsed again."""
    path = tmp_path / "t.yaml"
    path.write_text("a:\n  b: 1\n  c:\n    - x\n    - y\n", encoding="utf-8")
    oc.load_yaml(path)
    assert yaml_line(path, ["a", "c", 1]) == 5
    path.write_text("# moved\na:\n  b: 1\n  c:\n    - x\n    - y\n    - z\n", encoding="utf-8")
    assert yaml_line(path, ["a", "c", 2]) == 7


def test_merge_keys_are_not_looked_up_in_the_built_tree(tmp_path: Path) -> None:
    """Building values from merge keys (<<) rewrites the tree: yaml_line then parses the
    file again, so a key's line is where it is written."""
    path = tmp_path / "m.yaml"
    path.write_text("base: &b\n  k: 1\nx:\n  <<: *b\n  k: 2\n", encoding="utf-8")
    assert oc.load_yaml(path)["x"] == {"k": 2}
    assert yaml_line(path, ["x", "k"]) == 5
