"""Edit copies of YAML files line by line, and run `dvcbot kb check` on them."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import main


def kb_check(kb_copy, capsys) -> tuple[int, list[str]]:
    """Run `dvcbot kb check` on a KbCopy; return the exit code and the stderr lines."""
    code = main(["--config", str(kb_copy.config_path), "kb", "check"])
    return code, capsys.readouterr().err.splitlines()


def line_of(path: Path, pattern: str, after: int = 0) -> int:
    """1-based number of the first line at or after `after` that matches `pattern`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number >= after and re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern!r} not found in {path}")


def edit_line(path: Path, number: int, new: str | None) -> None:
    """Replace (or delete, when `new` is None) line `number`."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if new is None:
        del lines[number - 1]
    else:
        lines[number - 1] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def insert_line(path: Path, number: int, new: str) -> None:
    """Insert `new` so that it becomes line `number`."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(number - 1, new + "\n")
    path.write_text("".join(lines), encoding="utf-8")
