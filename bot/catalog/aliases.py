"""Common names of catalogue procedures (knowledge/aliases.yaml): how people call them.

Official names rarely match what citizens say ("sang tên sổ đỏ" is a change registration
of land use rights). Each alias is added to its procedure as a sample phrasing, ranked like a
curated topic's sample question. Staff edit the file like any other knowledge file; `dvcbot
kb check` validates it and a running bot picks an edit up without a restart.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from bot.language.normalize import fold_phrase
from bot.yamlio import LineDict, LineList, YamlError, load_file

FILE_NAME = "aliases.yaml"
MAX_LENGTH = 120  # an alias is a name, not a paragraph
Aliases = dict[str, tuple[str, ...]]


def load_aliases(directory: str | Path) -> tuple[Aliases, list[YamlError]]:
    """Read the aliases file of a knowledge folder.

    Args:
        directory: the knowledge folder.

    Returns:
        code → its aliases, and every problem as `file:line: problem` (an absent file has
        none; a bad entry is skipped, the good ones are kept).
    """
    path = Path(directory) / FILE_NAME
    if not path.exists():
        return {}, []
    try:
        data = load_file(path)
    except YamlError as exc:
        return {}, [exc]
    if data is None:
        return {}, []
    if not isinstance(data, LineDict) or not isinstance(data.get("aliases"), LineDict | None):
        return {}, [YamlError(path, getattr(data, "line", 1), "expected a mapping 'aliases:'")]
    errors = [YamlError(path, data.line_of(k), f"unknown top-level key {k!r}")
              for k in data if k != "aliases"]
    node = data.get("aliases") or LineDict()
    out: Aliases = {}
    owner: dict[str, str] = {}  # folded alias → the code that has it
    for code, names in node.items():
        line = node.line_of(code)
        if not isinstance(code, str) or not code.strip():
            errors.append(YamlError(path, line, "aliases: a code must be a quoted string"))
            continue
        if not isinstance(names, LineList):
            errors.append(YamlError(path, line, f"aliases: {code}: expected a list of names"))
            continue
        kept = []
        for i, name in enumerate(names):
            problem = _problem(code, name, owner)
            if problem:
                errors.append(YamlError(path, names.line_of(i), f"aliases: {code}: {problem}"))
                continue
            owner[fold_phrase(name)] = code
            kept.append(name.strip())
        out[code.strip()] = tuple(kept)
    return out, errors


def _problem(code: str, name: object, owner: dict[str, str]) -> str | None:
    """What is wrong with one alias, or None."""
    if not isinstance(name, str) or not name.strip():
        return "empty name"
    if len(name) > MAX_LENGTH:
        return f"name longer than {MAX_LENGTH} characters"
    other = owner.get(fold_phrase(name))
    if other is not None:
        return f"{name!r} is already a name of {other}"
    return None


def unknown_alias_codes(directory: str | Path, aliases: Aliases, known: Collection[str]
                        ) -> list[str]:
    """`file: aliases: C is not in the catalogue` for each code the catalogue lacks (a typo,
    or a procedure the province filtered out: its names are then unused)."""
    path = Path(directory) / FILE_NAME
    return [f"{path}: aliases: {code} is not in the catalogue" for code in aliases
            if code not in known]
