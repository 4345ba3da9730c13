"""Numbered schema migrations; `PRAGMA user_version` records the last one applied."""

from __future__ import annotations

import importlib
import pkgutil

MIGRATIONS: list[tuple[int, str]] = []


def _discover() -> list[tuple[int, str]]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("v") and info.name[1:4].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((int(info.name[1:4]), module.SQL))
    return sorted(found)


MIGRATIONS = _discover()
