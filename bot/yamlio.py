"""YAML loading that remembers line numbers, so every validation error can say `file:line`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[str, Any]):
    """A mapping that knows the line where it starts and where each key was written."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of `key`, or the mapping's own line when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """Return the line of item `index`."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class YamlError(Exception):
    """A YAML file could not be read or has a problem; `str()` is `file:line: problem`."""

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{self.path}:{line}: {problem}")


class _Loader(yaml.SafeLoader):
    """SafeLoader that builds LineDict/LineList and refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.MarkedYAMLError(problem="mapping keys must be plain values",
                                       problem_mark=key_node.start_mark)
        skey = str(key)
        if skey in result:
            raise yaml.MarkedYAMLError(problem=f"duplicate key {skey!r}",
                                       problem_mark=key_node.start_mark)
        result[skey] = loader.construct_object(value_node, deep=True)
        result.key_lines[skey] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_text(text: str, path: str | Path) -> Any:
    """Parse YAML text, raising YamlError with the file and line on any syntax problem.

    Args:
        text: the YAML source.
        path: the file name used in error messages.

    Returns:
        The parsed document, with LineDict/LineList containers.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(path, line, f"YAML syntax: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlError(path, 0, f"YAML syntax: {exc}") from exc


def load_file(path: str | Path) -> Any:
    """Read and parse a YAML file; unreadable or non-UTF-8 files raise YamlError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(path, 0, f"cannot read file: {exc}") from exc
    return load_text(text, path)
