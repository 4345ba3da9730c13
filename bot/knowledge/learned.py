"""Learned phrasings: sample questions added from the staff console, in knowledge/learned.yaml."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.schema import Topic
from bot.language.normalize import fold_phrase
from bot.yamlio import LineDict, LineList, YamlError, load_file

FILE_NAME = "learned.yaml"
MAX_LENGTH = 200
HEADER = ("# Sample questions learned from citizens' questions in the staff console's inbox.\n"
          "# Written by the staff console (/staff/); validated by `dvcbot kb check`.\n")


def read_raw(directory: str | Path) -> dict[str, list[str]]:
    """The file's content as plain data ({} when absent); used before writing it back."""
    path = Path(directory) / FILE_NAME
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    learned = data.get("learned") if isinstance(data, dict) else None
    return {str(k): [str(q) for q in v] for k, v in (learned or {}).items()
            if isinstance(v, list)}


def apply_learned(directory: str | Path, topics: dict[str, Topic]) -> list[YamlError]:
    """Add the learned phrasings to `topics` in place; return every problem as file:line.

    Args:
        directory: the knowledge folder.
        topics: the validated topics by id (replaced by copies with more questions).

    Returns:
        Problems found (an absent file has none).
    """
    path = Path(directory) / FILE_NAME
    if not path.exists():
        return []
    try:
        data = load_file(path)
    except YamlError as exc:
        return [exc]
    if data is None:
        return []
    if not isinstance(data, LineDict) or not isinstance(data.get("learned"), LineDict | None):
        return [YamlError(path, getattr(data, "line", 1), "expected a mapping 'learned:'")]
    errors = [YamlError(path, data.line_of(k), f"unknown top-level key {k!r}")
              for k in data if k != "learned"]
    owners = {fold_phrase(q): tid for tid, t in topics.items() for q in t.questions}
    for tid, phrases in (data.get("learned") or {}).items():
        errors.extend(_apply_one(path, data["learned"], tid, phrases, topics, owners))
    return errors


def _apply_one(path: Path, node: LineDict, tid: str, phrases: Any, topics: dict[str, Topic],
               owners: dict[str, str]) -> list[YamlError]:
    line = node.line_of(tid)
    if tid not in topics:
        return [YamlError(path, line, f"learned: unknown topic {tid!r}")]
    if not isinstance(phrases, LineList):
        return [YamlError(path, line, f"learned: {tid}: expected a list of questions")]
    errors, added = [], []
    for i, phrase in enumerate(phrases):
        where = phrases.line_of(i)
        if not isinstance(phrase, str) or not phrase.strip():
            errors.append(YamlError(path, where, f"learned: {tid}: empty question"))
        elif len(phrase) > MAX_LENGTH:
            errors.append(YamlError(path, where, f"learned: {tid}: question longer than "
                                                 f"{MAX_LENGTH} characters"))
        elif owners.get(key := fold_phrase(phrase), tid) != tid:
            errors.append(YamlError(path, where, f"learned: {tid}: {phrase!r} is already a "
                                                 f"sample question of {owners[key]}"))
        elif key not in owners:
            owners[key] = tid
            added.append(phrase.strip())
    if added:
        topic = topics[tid]
        topics[tid] = dataclasses.replace(topic, questions=(*topic.questions, *added))
    return errors


def render(learned: dict[str, list[str]]) -> str:
    """The file's text for `learned` (topics sorted, phrasings in the order added)."""
    body = yaml.safe_dump({"learned": {k: learned[k] for k in sorted(learned) if learned[k]}},
                          allow_unicode=True, sort_keys=False, width=120)
    return HEADER + body


def write_atomic(directory: str | Path, text: str) -> Path:
    """Replace the file in one step, so the hot reloader never reads half a file."""
    path = Path(directory) / FILE_NAME
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".learned-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)
    return path
