"""The imported directory, kept as a JSON file beside the database and re-read when it changes."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import Any

from bot.offices.model import Directory, Office

log = logging.getLogger(__name__)
_cache: dict[str, tuple[float, Directory | None]] = {}


def store_path(db_path: str | Path) -> Path:
    """`data/dvcbot.sqlite3` → `data/dvcbot.offices.json`."""
    db = Path(db_path)
    return db.with_name(db.stem + ".offices.json")


def save(directory: Directory, db_path: str | Path) -> Path:
    """Write the directory atomically beside the database; returns the file written."""
    path = store_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "province": directory.province, "example": directory.example,
        "source": directory.source, "default_hours": directory.default_hours,
        "hotlines": [list(h) for h in directory.hotlines],
        "centre": _office_dict(directory.centre) if directory.centre else None,
        "offices": [_office_dict(o) for o in directory.offices],
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    _cache.pop(str(path), None)
    return path


def load(db_path: str | Path) -> Directory | None:
    """The imported directory, or None when none was imported (cached until the file changes)."""
    path = store_path(db_path)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cached = _cache.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        directory: Directory | None = _from_dict(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("offices file %s unreadable (%s); import it again", path, exc)
        directory = None
    _cache[str(path)] = (mtime, directory)
    return directory


def _office_dict(office: Office) -> dict[str, Any]:
    data = dataclasses.asdict(office)
    data["old_units"] = list(office.old_units)
    return data


def _office(data: dict[str, Any]) -> Office:
    return Office(**{**data, "old_units": tuple(data.get("old_units") or ())})


def _from_dict(data: dict[str, Any]) -> Directory:
    return Directory(
        data["province"], tuple(_office(o) for o in data["offices"]), bool(data["example"]),
        _office(data["centre"]) if data.get("centre") else None,
        tuple((h[0], h[1]) for h in data.get("hotlines") or ()), data.get("default_hours", ""),
        data.get("source", ""))
