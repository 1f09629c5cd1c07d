"""Reading scenario and experiment YAML safely: limits against hostile files, one-line errors.

The loader is PyYAML's safe loader with four limits checked while the document is composed,
before anything is built in Python: nesting depth (:data:`MAX_DEPTH`), the number of values
after expanding aliases (:data:`MAX_NODES`, against "billion laughs" alias bombs), duplicate
keys (refused instead of the last one silently winning) and recursive aliases. Files must be
UTF-8 text of at most :data:`MAX_FILE_BYTES` and not empty.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from sim.errors import ConfigError

MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_FILE_BYTES = 8 * 2**20  # a scenario or experiment is a few kB; 8 MiB is far beyond any
YAML_SUFFIXES = (".yaml", ".yml")


class YAMLLimitError(yaml.YAMLError):
    """A document that breaks a limit of :class:`Loader`, located by dotted path and line."""

    def __init__(self, path: list[str], mark, message: str):
        self.path = ".".join(path)
        self.message = f"{message} (line {mark.line + 1})"
        super().__init__(f"{self.path or '(top level)'}: {message}")


class Loader(yaml.SafeLoader):
    """Safe YAML that reads ``2.0e9`` and ``1e6`` as numbers (YAML 1.1 wants ``2.0e+9``) and
    enforces the limits of this module."""

    def __init__(self, stream):
        super().__init__(stream)
        self._path: list[str] = []
        self._sizes: dict[int, int] = {}
        self._depth = 0

    def compose_node(self, parent, index):
        pushed = isinstance(index, ScalarNode | int)
        if pushed:
            self._path.append(str(index.value if isinstance(index, ScalarNode) else index))
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YAMLLimitError(
                    self._path[:4] + ["..."],
                    self.peek_event().start_mark,
                    f"nested deeper than {MAX_DEPTH} levels",
                )
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                target = self.anchors.get(event.anchor)
                if target is not None and id(target) not in self._sizes:
                    raise YAMLLimitError(self._path, event.start_mark, "recursive alias")
            node = super().compose_node(parent, index)
            self._count(node)
            return node
        finally:
            self._depth -= 1
            if pushed:
                self._path.pop()

    def _count(self, node) -> None:
        """Record how many values ``node`` stands for once its aliases are expanded."""
        if id(node) in self._sizes:
            return
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
        if size > MAX_NODES:
            raise YAMLLimitError(
                self._path,
                node.start_mark,
                f"more than {MAX_NODES:,} values once aliases are expanded",
            )
        self._sizes[id(node)] = size

    def compose_mapping_node(self, anchor):
        node = super().compose_mapping_node(anchor)
        first: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            line = key.start_mark.line + 1
            if (key.tag, key.value) in first:
                raise YAMLLimitError(
                    [*self._path, str(key.value)],
                    key.start_mark,
                    f"duplicate key, first given on line {first[key.tag, key.value]}",
                )
            first[key.tag, key.value] = line
        return node


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with the limited, number-friendly safe loader."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 (a SafeLoader subclass)


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A YAML file's top-level mapping, or a ConfigError (missing, binary, empty or too large
    file, broken YAML, a limit broken, not a mapping)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, "file", "no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ConfigError(path, "file", f"too large ({size:,} bytes; at most {MAX_FILE_BYTES:,})")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            path, "file", f"not a UTF-8 text file (undecodable byte at offset {exc.start})"
        ) from None
    try:
        data = load_yaml_text(text)
    except YAMLLimitError as exc:
        where = exc.path or "(top level)"
        raise ConfigError(path, where, exc.message) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, *_located(exc)) from None
    if data is None:
        raise ConfigError(path, "file", "empty file (no options)")
    if not isinstance(data, dict):
        raise ConfigError(path, "(top level)", "expected a mapping of options")
    return data


def _located(exc: yaml.YAMLError) -> tuple[str, str]:
    """``(where, message)`` of a PyYAML error: its line and column, and its problem."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "yaml"
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None)
    if isinstance(exc, yaml.reader.ReaderError):
        where = f"byte {exc.position}"
    return where, f"invalid YAML: {problem or str(exc).splitlines()[0]}"


def merge(
    base: Mapping[str, Any],
    over: Mapping[str, Any],
    replaces: Callable[[tuple[str, ...], Mapping, Mapping], bool] | None = None,
    path: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Deep-merge ``over`` onto ``base``: mappings merge key by key, everything else replaces.

    ``replaces(path, base_mapping, over_mapping)`` may say that a mapping replaces the base's
    mapping at ``path`` instead of merging into it (the scenario schema uses it for rules that
    pick another variant)."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        where = (*path, str(key))
        if (
            isinstance(value, Mapping)
            and isinstance(out.get(key), Mapping)
            and not (replaces is not None and replaces(where, out[key], value))
        ):
            out[key] = merge(out[key], value, replaces, where)
        else:
            out[key] = copy.deepcopy(value)
    return out


def check_yaml_name(file: str | Path, where: str, name: Any) -> None:
    """A ConfigError unless ``name`` is a file name ending in ``.yaml`` or ``.yml``."""
    if not isinstance(name, str) or not name:
        raise ConfigError(file, where, "expected a file name")
    if not name.lower().endswith(YAML_SUFFIXES):
        raise ConfigError(file, where, f"expected a .yaml or .yml file, got {name!r}")


def yaml_file(file: str | Path, where: str, name: Any) -> Path:
    """The ``.yaml``/``.yml`` file ``name`` relative to ``file``'s folder (it must exist)."""
    check_yaml_name(file, where, name)
    target = (Path(file).parent / name).resolve()
    if not target.is_file():
        raise ConfigError(file, where, f"file not found: {name}")
    return target


def read_with_extends(
    path: str | Path,
    replaces: Callable[[tuple[str, ...], Mapping, Mapping], bool] | None = None,
    _seen: tuple[Path, ...] = (),
) -> dict[str, Any]:
    """The file's options merged onto those of the file it ``extends:`` (recursively), with
    ``replaces`` as in :func:`merge`."""
    path = Path(path)
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    target = yaml_file(path, "extends", parent)
    if target in _seen or target == path.resolve():
        raise ConfigError(path, "extends", f"circular extends through {parent}")
    parent_data = read_with_extends(target, replaces, (*_seen, path.resolve()))
    return merge(parent_data, data, replaces)
