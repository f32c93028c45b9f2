"""Loading and validating the study and authority configuration.

Both are YAML validated against JSON schemas in ``config/schemas``. Authority files are also
searched for line numbers so that an error can say which line to change.
"""

from __future__ import annotations

import os
import stat
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from oversight.errors import ConfigError
from oversight.resources import root

# The software's own schemas and facts: the installed package's copy, else the checkout's.
ROOT = root()
SCHEMA_DIR = ROOT / "config" / "schemas"


# A configuration is a few kilobytes; these bounds only stop a hostile or broken file.
MAX_YAML_BYTES = 1024 * 1024
# Anchors (&a) and aliases (*a) are legal YAML but unused by the project's configurations; a
# "billion laughs" file nests aliases so that a few hundred bytes stand for billions of values.
MAX_YAML_ALIASES = 100
MAX_YAML_NODES = 1_000_000  # values the document holds once every alias is expanded


class _YamlTooBig(Exception):
    """A YAML document over one of the limits (message: which, and by how much)."""


class _LimitedLoader(yaml.SafeLoader):
    """The safe loader, counting aliases as it composes the document."""

    max_aliases = MAX_YAML_ALIASES

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:
                mark = self.peek_event().start_mark
                raise _YamlTooBig(
                    f"line {mark.line + 1}: more than {self.max_aliases} aliases (*name)"
                )
        return super().compose_node(parent, index)


def _expanded_size(node: yaml.Node, limit: int) -> int:
    """How many values ``node`` stands for once aliases are expanded (stops past ``limit``).

    An alias is the same node object as its anchor, so each distinct node is sized once. A
    node that holds itself (``&a [*a]``) stands for infinitely many: ``limit + 1``.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, ready = stack.pop()
        if id(current) in sizes:
            continue
        if not ready:
            if id(current) in open_nodes:  # reached again inside itself: a cycle
                return limit + 1
            open_nodes.add(id(current))
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [n for pair in current.value for n in pair]
        if not ready:
            stack.append((current, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(c), 0) for c in children)
        sizes[id(current)] = total
        if total > limit:
            return total
    return sizes[id(node)]


def _read_version(path: Path, max_bytes: int) -> tuple[str, tuple[int, int]]:
    """The text of a regular file of at most ``max_bytes`` (nothing else is opened), and the
    file's version as measured (mtime in ns, size)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path}: not a regular file (a folder, pipe or device); not read")
    if info.st_size > max_bytes:
        raise ConfigError(
            f"{path}: {info.st_size:,} bytes, over the {max_bytes:,}-byte limit for a "
            "configuration file; not read"
        )
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew after it was measured
        raise ConfigError(f"{path}: over the {max_bytes:,}-byte limit for a configuration file")
    return data.decode("utf-8"), (info.st_mtime_ns, info.st_size)


def config_file(relative: str) -> Path:
    """A file of the software's own facts, ``relative`` to the project
    (``"config/metrics.yaml"``): they live in ``config/`` beside the study's settings, and an
    installed package reads the copy it carries (:mod:`oversight.resources`)."""
    return ROOT / relative


def load_yaml(path: Path, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """Load YAML safely and within bounds.

    A Python-object tag (``!!python/...``) is refused, never constructed. A file that is not a
    regular file, is over ``max_bytes``, uses more than :data:`MAX_YAML_ALIASES` aliases or
    would expand to more than :data:`MAX_YAML_NODES` values (a "billion laughs" file) is
    refused before anything is built from it. Every YAML file the package reads comes here.

    Raises:
        ConfigError: Naming the file (and line), for unsafe tags, broken syntax, bad bytes or
            a limit exceeded.
    """
    try:
        text, version = _read_version(Path(path), max_bytes)
        fast = _compose_fast(text)
        if fast is not None:
            try:
                return _construct(*fast, str(path), version, text)
            except yaml.YAMLError:
                pass  # the Python parser below says what is wrong, in its words
        loader = _LimitedLoader(text)
        try:
            node = loader.get_single_node()
        except BaseException:
            loader.dispose()
            raise
        return _construct(loader, node, str(path), version, text)
    except _YamlTooBig as exc:
        raise ConfigError(f"{path}: refused, not loaded: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" line {mark.line + 1}" if mark else ""
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        hint = (
            "; tags that build Python objects are never loaded: write plain values"
            if "python/" in str(exc)
            else ""
        )
        raise ConfigError(f"{path}{line}: not valid YAML ({problem}){hint}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read as UTF-8 YAML ({exc})") from None


# libyaml, when PyYAML was built with it: it composes a document ten times faster than the
# Python parser, which stays the reference (see _compose_fast).
_C_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose_fast(text: str) -> tuple[Any, yaml.Node | None] | None:
    """A loader and the document's node tree composed by libyaml; None to leave the text to
    the Python parser: without libyaml, for a character the Python reader refuses, for a
    document libyaml refuses, or past :data:`MAX_YAML_ALIASES` (the Python parser then names
    the line). Both compose a document they both accept into the same tree."""
    if _C_LOADER is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    loader = _C_LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        return None
    if node is not None and _alias_count(node) > MAX_YAML_ALIASES:
        loader.dispose()
        return None
    return loader, node


def _alias_count(node: yaml.Node) -> int:
    """How many aliases (*name) a composed tree holds: every reference to a node beyond the
    first, as an alias is the very node object of its anchor."""
    seen = {id(node)}
    stack = [node]
    references = 0
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [n for pair in current.value for n in pair]
        else:
            continue
        references += len(children)
        for child in children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return references - (len(seen) - 1)


def _construct(
    loader: Any, node: yaml.Node | None, path: str, version: tuple[int, int], text: str
) -> Any:
    """The values of a composed document, once it is within :data:`MAX_YAML_NODES`."""
    try:
        if node is None:
            return None
        size = _expanded_size(node, MAX_YAML_NODES)
        if size > MAX_YAML_NODES:
            raise _YamlTooBig(
                f"its aliases expand to more than {MAX_YAML_NODES:,} values "
                "(a 'billion laughs' file)"
            )
        if "<<" not in text and "merge" not in text:
            # Building the values leaves a tree without merge keys as it was: yaml_line may
            # look its lines up there instead of parsing the file again.
            _remember_node(path, version, node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _validator(schema_path: Path) -> jsonschema.Draft202012Validator:
    """The validator of a JSON schema file, built once per version of the file (every LA's
    configuration is checked against the same schema)."""
    try:
        info = os.stat(schema_path)
    except OSError:  # load_yaml says what is wrong, as it always has
        return jsonschema.Draft202012Validator(load_yaml(schema_path))
    key = (str(schema_path), info.st_mtime_ns, info.st_size)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = jsonschema.Draft202012Validator(load_yaml(schema_path))
    return _VALIDATORS[key]


_VALIDATORS: dict[tuple[str, int, int], jsonschema.Draft202012Validator] = {}


def _validate(data: Any, schema_path: Path, source: Path) -> None:
    validator = _validator(schema_path)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for err in errors[:10]:
            where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
            line = yaml_line(source, list(err.absolute_path))
            at = f" (line {line})" if line else ""
            message = err.message
            if err.validator == "pattern" and isinstance(err.schema, dict):
                # A regular expression tells a data lead nothing; the description says it.
                message = f"{err.instance!r} is not allowed: {err.schema.get('description', '')}"
            lines.append(f"  {where}{at}: {message}")
        raise ConfigError(f"{source} does not match {schema_path.name}:\n" + "\n".join(lines))


def load_study(path: str | Path, schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """Load and validate ``config/config.yaml``."""
    path = Path(path)
    data = load_yaml(path)
    _validate(data, schema_dir / "config.schema.yaml", path)
    check_study_paths(data, path.resolve().parent.parent, str(path))
    return data


PATH_KEYS = ("raw", "interim", "results", "la_reference")


def check_study_paths(
    config: dict[str, Any], root: Path, source: str = "config/config.yaml"
) -> None:
    """Every path of the study stays inside the project unless ``paths.allow_outside`` names it.

    Raw data may live on a secure share outside the checkout, but only by an explicit, reviewed
    line in the configuration: a stray ``../`` or absolute path is refused.

    Raises:
        ConfigError: Naming the key, its value, where it leads and how to allow it.
    """
    paths = config["paths"]
    allowed = set(paths.get("allow_outside") or [])
    entries = [(f"paths.{k}", k, paths[k]) for k in PATH_KEYS if k in paths]
    entries.append(("privacy.demo_manifest", "demo_manifest", config["privacy"]["demo_manifest"]))
    base = root.resolve()
    for where, key, value in entries:
        target = (base / value).resolve()
        if target.is_relative_to(base) or key in allowed:
            continue
        line = yaml_line(source, where.split(".")) if Path(source).exists() else None
        at = f" line {line}" if line else ""
        raise ConfigError(
            f"{source}{at}: {where} is {value!r}, which leads outside the project to {target}; "
            f"use a path inside {base}"
            + (
                f", or add {key} to paths.allow_outside if it must live elsewhere"
                if key in PATH_KEYS
                else ""
            )
        )


def load_checked(path: str | Path, schema: str, schema_dir: Path = SCHEMA_DIR) -> Any:
    """Load a YAML file and validate it against ``config/schemas/<schema>``."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    data = load_yaml(path)
    _validate(data, schema_dir / schema, path)
    return data


def load_authority(path: str | Path, schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """Load and validate one ``config/authorities/<slug>.yaml``."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: no such authority configuration")
    data = load_yaml(path)
    _validate(data, schema_dir / "authority.schema.yaml", path)
    from oversight.ingest import dates, identifiers  # they import this module and pandas

    # What a JSON schema cannot say: no column read both day-first and month-first, and
    # every identifier pattern a valid regular expression.
    dates.check_config_orders(data, path)
    identifiers.rules_from_config(data, path)
    return data


@cache
def common_schema() -> dict[str, Any]:
    """The common datasets and their fields (``config/common_schema.yaml``)."""
    return load_yaml(config_file("config/common_schema.yaml"))


# YAML node trees by file version (path, mtime in ns, size), the most recent last: a job asks
# for many lines of the same LA configuration, and load_yaml leaves the tree it built here.
_NODES: OrderedDict[tuple[str, int, int], yaml.Node | None] = OrderedDict()
MAX_NODES = 64


def _remember_node(path: str, version: tuple[int, int], node: yaml.Node | None) -> None:
    """Keep the node tree of one version of a file (the oldest goes past MAX_NODES)."""
    key = (path, *version)
    _NODES[key] = node
    _NODES.move_to_end(key)
    while len(_NODES) > MAX_NODES:
        _NODES.popitem(last=False)


def _composed(path: str, mtime_ns: int, size: int) -> yaml.Node | None:
    """The YAML node tree of a file, parsed once per version of the file."""
    key = (path, mtime_ns, size)
    if key in _NODES:
        _NODES.move_to_end(key)
        return _NODES[key]
    with open(path, encoding="utf-8") as handle:
        node = yaml.compose(handle, Loader=yaml.SafeLoader)
    _remember_node(path, (mtime_ns, size), node)
    return node


def yaml_line(path: str | Path, keys: list[str | int]) -> int | None:
    """1-based line of the deepest key along ``keys`` that exists in the YAML file.

    Used to point a data lead at the exact line to change; returns None if the file cannot
    be parsed.
    """
    try:
        stat = os.stat(path)
        node = _composed(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, yaml.YAMLError):
        return None
    line = None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for k_node, v_node in node.value:
                if k_node.value == str(key):
                    line = k_node.start_mark.line + 1
                    node = v_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def config_ref(path: str | Path, keys: list[str | int]) -> str:
    """Human reference such as ``config/authorities/kent.yaml line 12 (datasets.supervision)``."""
    line = yaml_line(path, keys)
    dotted = ".".join(str(k) for k in keys)
    return f"{path} line {line} ({dotted})" if line else f"{path} ({dotted})"
