"""The few SQL differences between SQLite and PostgreSQL that shared queries must respect."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

# Runs one SELECT with its parameters and returns the rows as tuples.
Rows = Callable[[str, list[Any]], Awaitable[list[tuple[Any, ...]]]]


@dataclass(frozen=True)
class Dialect:
    """How one database spells placeholders, integer truncation and conditional counts.

    Queries are written with `?` placeholders and these helpers; `sql()` turns the text into
    the database's own placeholder style.
    """

    name: str  # sqlite | postgresql

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def sql(self, text: str) -> str:
        """`?` placeholders as `$1, $2, ...` on PostgreSQL (never inside '...' literals)."""
        if not self.postgres:
            return text
        parts = text.split("'")
        number = 0
        for i in range(0, len(parts), 2):  # even parts lie outside string literals
            pieces = parts[i].split("?")
            out = pieces[0]
            for piece in pieces[1:]:
                number += 1
                out += f"${number}{piece}"
            parts[i] = out
        return "'".join(parts)

    def floor_int(self, expr: str) -> str:
        """`expr` rounded down to an integer: SQLite's CAST truncates, PostgreSQL's rounds."""
        if self.postgres:
            return f"CAST(floor({expr}) AS INTEGER)"
        return f"CAST({expr} AS INTEGER)"

    def count_if(self, condition: str) -> str:
        """How many rows of the group meet `condition` (PostgreSQL cannot SUM booleans)."""
        if self.postgres:
            return f"COUNT(*) FILTER (WHERE {condition})"
        return f"SUM({condition})"


SQLITE = Dialect("sqlite")
POSTGRES = Dialect("postgresql")
